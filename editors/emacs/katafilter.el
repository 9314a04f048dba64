;;; katafilter.el --- Major mode for KATA event filters -*- lexical-binding: t; -*-

;; Copyright (c) 2026 The katafilter authors
;; SPDX-License-Identifier: MIT

;; Version: 0.1.0
;; Package-Requires: ((emacs "27.1"))
;; Keywords: languages
;; URL: https://github.com/katafilter/katafilter

;;; Commentary:

;; `katafilter-mode' edits event filters of the Kaspersky Anti Targeted
;; Attack Platform (KATA) events API, in files with the extension .kfl:
;; one filter per line, a line that starts with white space continues the
;; filter above it, and a line whose first character is # is a comment.
;;
;; It highlights comments, AND/OR/NOT, in, comparison operators, field
;; names, numbers, true/false and single-quoted strings with their
;; wildcards (* ?) and escapes (\\ \' \* \?), and marks invalid escapes,
;; double-quoted strings and the operators = && || ! as errors.
;;
;; With Eglot, M-x eglot (or `eglot-ensure' in `katafilter-mode-hook')
;; starts the language server "katafilter lsp", which must be on PATH:
;;
;;   go install github.com/katafilter/katafilter/cmd/katafilter@latest
;;
;; The options `katafilter-schema-file', `katafilter-ignore-case' and
;; `katafilter-strict' are sent as the server's initializationOptions.

;;; Code:

(defgroup katafilter nil
  "Editing KATA event filters."
  :group 'languages
  :prefix "katafilter-")

(defcustom katafilter-executable "katafilter"
  "The katafilter binary; the language server is started as \"<it> lsp\"."
  :type 'string)

(defcustom katafilter-schema-file nil
  "Schema file with extra fields or values for the language server, or nil."
  :type '(choice (const :tag "Built-in schema only" nil) file))

(defcustom katafilter-ignore-case nil
  "Non-nil to have the language server compare strings case-insensitively."
  :type 'boolean)

(defcustom katafilter-strict nil
  "Non-nil to enable the language server's strict checking."
  :type 'boolean)

(defface katafilter-wildcard-face
  '((t :inherit font-lock-regexp-grouping-construct))
  "Face for the wildcards * and ? in strings.")

(defface katafilter-escape-face
  '((t :inherit font-lock-regexp-grouping-backslash))
  "Face for the escapes \\\\ \\=' \\* \\? in strings.")

(defface katafilter-invalid-face
  '((t :inherit font-lock-warning-face))
  "Face for text the language does not allow.")

(defvar katafilter-mode-syntax-table
  (let ((st (make-syntax-table)))
    (modify-syntax-entry ?' "\"" st)
    (modify-syntax-entry ?\\ "\\" st)
    ;; Double quotes do not make strings: they are highlighted as errors.
    (modify-syntax-entry ?\" "." st)
    ;; Field names are dotted: Ioa.Rules.Name is one symbol.
    (modify-syntax-entry ?_ "_" st)
    (modify-syntax-entry ?. "_" st)
    ;; '#' starts a comment only in column 0 (see
    ;; `katafilter--syntax-propertize'); a newline ends it.
    (modify-syntax-entry ?# "." st)
    (modify-syntax-entry ?\n ">" st)
    (dolist (c '(?* ?? ?= ?! ?< ?> ?& ?| ?, ?-))
      (modify-syntax-entry c "." st))
    st)
  "Syntax table for `katafilter-mode'.")

(defconst katafilter--syntax-propertize
  (syntax-propertize-rules
   ("^\\(#\\)" (1 "<")))
  "Make a '#' in the first column start a comment.")

(defun katafilter--in-string-p (pos)
  "Return non-nil if POS is inside a string."
  (nth 3 (save-excursion (syntax-ppss pos))))

(defun katafilter--unescaped-p (pos)
  "Return non-nil if the character at POS follows an even number of backslashes."
  (save-excursion
    (goto-char pos)
    (= 0 (% (- (skip-chars-backward "\\\\")) 2))))

(defun katafilter--match-in-string (regexp limit)
  "Search for REGEXP before LIMIT.
Accept only matches inside strings whose first character is not escaped."
  (let (found)
    (while (and (not found) (re-search-forward regexp limit t))
      (when (and (katafilter--in-string-p (match-beginning 0))
                 (katafilter--unescaped-p (match-beginning 0)))
        (setq found t)))
    found))

(defun katafilter--match-escape (limit)
  "Font-lock matcher for the valid escapes in strings, up to LIMIT."
  (katafilter--match-in-string "\\\\[\\\\'*?]" limit))

(defun katafilter--match-bad-escape (limit)
  "Font-lock matcher for invalid escapes in strings, up to LIMIT."
  (katafilter--match-in-string "\\\\\\(?:[^\\\\'*?]\\|$\\)" limit))

(defun katafilter--match-wildcard (limit)
  "Font-lock matcher for wildcards in strings, up to LIMIT.
A * or ? right after a backslash is an escape, not a wildcard."
  (katafilter--match-in-string "[*?]" limit))

(defun katafilter--match-in-call (limit)
  "Font-lock matcher for the call form in(Field, ...), up to LIMIT.
It is an `in' followed by \"(\" that does not follow a field name."
  (let ((case-fold-search t) found)
    (while (and (not found)
                (re-search-forward "\\_<\\(in\\)\\_>[ \t]*(" limit t))
      (unless (katafilter--in-string-p (match-beginning 1))
        (save-excursion
          (goto-char (match-beginning 1))
          (skip-chars-backward " \t\n")
          (let ((prev (save-excursion
                        (buffer-substring-no-properties
                         (point) (progn (skip-syntax-backward "w_") (point))))))
            (when (or (string= prev "")
                      (member (downcase prev) '("and" "or" "not")))
              (setq found t))))))
    (when found
      (goto-char (match-end 1)))
    found))

(defconst katafilter-font-lock-keywords
  `((katafilter--match-escape (0 'katafilter-escape-face t))
    (katafilter--match-bad-escape (0 'katafilter-invalid-face t))
    (katafilter--match-wildcard (0 'katafilter-wildcard-face t))
    ("\"\\(?:\\\\.\\|[^\"\\\\\n]\\)*\"?" (0 'katafilter-invalid-face))
    (katafilter--match-in-call (1 font-lock-function-name-face))
    (,(regexp-opt '("and" "or" "not" "in") 'symbols) . font-lock-keyword-face)
    (,(regexp-opt '("true" "false") 'symbols) . font-lock-constant-face)
    ("\\(?:^\\|[^[:alnum:]_.-]\\)\\(-?[0-9]+\\)\\_>" (1 font-lock-constant-face))
    ("==\\|!=\\|>=\\|<=\\|[<>]" . font-lock-builtin-face)
    ("&&\\|||\\|=\\|!" . 'katafilter-invalid-face)
    ("\\_<[A-Za-z_]\\(?:\\sw\\|\\s_\\)*" . font-lock-variable-name-face))
  "Font-lock rules for `katafilter-mode'.
Keywords are matched case-insensitively.")

;;;###autoload
(define-derived-mode katafilter-mode prog-mode "KATA-Filter"
  "Major mode for KATA event filters (.kfl files).

\\{katafilter-mode-map}"
  :syntax-table katafilter-mode-syntax-table
  (setq-local syntax-propertize-function katafilter--syntax-propertize)
  (setq-local font-lock-defaults '(katafilter-font-lock-keywords nil t))
  (setq-local comment-start "# ")
  (setq-local comment-end "")
  (setq-local comment-start-skip "^#+[ \t]*")
  ;; Comments must start in column 0, so never indent them.
  (setq-local comment-style 'plain)
  (setq-local indent-tabs-mode nil))

;;;###autoload
(add-to-list 'auto-mode-alist '("\\.kfl\\'" . katafilter-mode))

(defun katafilter--initialization-options ()
  "The initializationOptions for the katafilter language server."
  (list :schemaFile (if katafilter-schema-file
                        (expand-file-name katafilter-schema-file)
                      "")
        :ignoreCase (if katafilter-ignore-case t :json-false)
        :strict (if katafilter-strict t :json-false)))

(defun katafilter-eglot-contact (&optional _interactive)
  "Eglot contact for the katafilter language server."
  (list katafilter-executable "lsp"
        :initializationOptions (katafilter--initialization-options)))

;;;###autoload
(with-eval-after-load 'eglot
  (when (boundp 'eglot-server-programs)
    (add-to-list 'eglot-server-programs
                 '(katafilter-mode . katafilter-eglot-contact))))

(provide 'katafilter)

;;; katafilter.el ends here
