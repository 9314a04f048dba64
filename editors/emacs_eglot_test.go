package editors

import (
	"os"
	"path/filepath"
	"testing"
)

// TestEmacsEglot opens a .kfl file in the real Emacs with katafilter.el and the real Eglot,
// with the katafilter binary built from this repository on PATH: Eglot must find the server
// through the entry katafilter.el adds to eglot-server-programs, and Flymake must show the
// server's diagnostics. When Emacs or Eglot is missing (Emacs 29 has Eglot built in; Debian's
// Emacs 28 needs the package elpa-eglot) it skips, or fails where CI is set.
func TestEmacsEglot(t *testing.T) {
	emacs := emacsWith(t, "Debian: apt-get install elpa-eglot", "eglot")
	dir, bin := katafilterDir(t)
	out := filepath.Join(dir, "result.txt")
	file := filepath.Join(dir, "a.kfl")
	if err := os.WriteFile(file, []byte("# rules\nEventType == 'proces' AND filename == 'x'\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	script := filepath.Join(dir, "check.el")
	// eglot-ensure, what a user puts in katafilter-mode-hook, waits for the next command,
	// which batch mode never runs; eglot--guess-contact is what it and M-x eglot call.
	el := eglotPrelude + `
(find-file (getenv "KF_FILE"))
(apply #'eglot (eglot--guess-contact))
(let ((n 200))
  (while (and (> n 0) (null (flymake-diagnostics)))
    (accept-process-output nil 0.05)
    (setq n (1- n))))
(write-region
  (concat (format "mode=%s\n" major-mode)
          (format "server=%s\n" (and (eglot-current-server) "yes"))
          (format "diags=%s\n"
                  (mapconcat (lambda (d) (format "%d:%s" (flymake-diagnostic-beg d)
                                                 (flymake-diagnostic-text d)))
                             (sort (flymake-diagnostics)
                                   (lambda (a b) (< (flymake-diagnostic-beg a) (flymake-diagnostic-beg b))))
                             " | ")))
  nil (getenv "KF_OUT"))
(when (eglot-current-server) (eglot-shutdown (eglot-current-server)))
(kill-emacs 0)
`
	if err := os.WriteFile(script, []byte(el), 0o644); err != nil {
		t.Fatal(err)
	}
	env := []string{
		"PATH=" + bin + string(os.PathListSeparator) + os.Getenv("PATH"),
		"KF_EMACS=" + absDir(t, "emacs"), "KF_FILE=" + file, "KF_OUT=" + out,
	}
	output := editorRun(t, dir, env, emacs, "--batch", "-l", script)
	got := readLines(t, out, output)
	wantValues(t, got, map[string]string{
		"mode":   "katafilter-mode",
		"server": "yes",
		// Buffer positions count characters from 1: line 2 starts at 9.
		"diags": "22:katafilter [KF0400]: 'proces' is not a known value of EventType; did you mean 'process'? | " +
			"35:katafilter [KF0201]: field names are case-sensitive: filename is written FileName",
	})
}
