package editors

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/katafilter/katafilter/internal/testenv"
)

// yamlLanguageServer returns the yaml-language-server that editors/yaml-language-server pins
// (package-lock.json), installed there by `npm ci`, as .ci/run does. Without it (or without
// Node.js) the test skips, or fails where CI is set.
func yamlLanguageServer(t *testing.T) string {
	t.Helper()
	testenv.LookPath(t, "node", "Debian: apt-get install nodejs")
	bin, err := filepath.Abs(filepath.Join("yaml-language-server", "node_modules", ".bin", "yaml-language-server"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(bin); err != nil {
		testenv.Missing(t, "yaml-language-server is not installed: run `npm ci` in editors/yaml-language-server (%v)", err)
	}
	return bin
}

// sideBySideRules is the rule file the side-by-side tests open: the first rule's filter has a
// mistake that katafilter reports (KF0400 on 'proces'), the second rule lacks the name that
// the schema named in the first line's modeline requires, which yaml-language-server reports.
const sideBySideRules = "# yaml-language-server: $schema=schema.json\n" +
	"rules:\n" +
	"  - name: first\n" +
	"    filter: EventType == 'proces'\n" +
	"  - filter: EventType == 'process'\n"

// sideBySideSchema is the JSON schema of the rule file: every rule has a name.
const sideBySideSchema = `{
  "$schema": "http://json-schema.org/draft-07/schema#",
  "type": "object",
  "properties": {
    "rules": {
      "type": "array",
      "items": {
        "type": "object",
        "required": ["name", "filter"],
        "properties": {
          "name": {"type": "string", "description": "What the rule detects."},
          "filter": {"type": "string"}
        }
      }
    }
  }
}`

// writeSideBySide writes the rule file and its schema into dir and returns the rule file.
func writeSideBySide(t *testing.T, dir string) string {
	t.Helper()
	rules := filepath.Join(dir, "rules.yaml")
	for name, text := range map[string]string{rules: sideBySideRules, filepath.Join(dir, "schema.json"): sideBySideSchema} {
		if err := os.WriteFile(name, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return rules
}

// TestNeovimBesideYAMLLanguageServer opens a YAML rule file in the real Neovim with the plugin
// of neovim/ and the real yaml-language-server (the version editors/yaml-language-server
// pins) started as a user of Neovim 0.7 starts it, both on the one buffer: katafilter must
// report the filter's mistake and yaml-language-server the rule that its schema says lacks a
// name, each at its place, and a hover must get katafilter's answer on a field of the filter
// and yaml-language-server's (the schema's description) on a key.
func TestNeovimBesideYAMLLanguageServer(t *testing.T) {
	nvim := testenv.LookPath(t, "nvim", "Debian: apt-get install neovim")
	yamlls := yamlLanguageServer(t)
	dir, bin := katafilterDir(t)
	rules := writeSideBySide(t, dir)
	lua := `
-- yaml-language-server as README.md shows it for Neovim 0.7 (on 0.8 and newer, vim.lsp.start).
vim.api.nvim_create_autocmd('FileType', { pattern = 'yaml', callback = function(args)
  local id = vim.lsp.start_client({ name = 'yamlls', cmd = { vim.env.KF_YAMLLS, '--stdio' },
    root_dir = vim.fn.fnamemodify(args.file, ':p:h') })
  vim.lsp.buf_attach_client(args.buf, id)
end })
vim.cmd('edit ' .. vim.fn.fnameescape(vim.env.KF_RULES))
local buf = vim.api.nvim_get_current_buf()
local names = {}
local function by_client()
  local seen = {}
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    seen[d.source == 'katafilter' and 'katafilter' or 'other'] = true
  end
  return seen.katafilter and seen.other
end
local both = vim.wait(20000, by_client, 50)
local kf, other = {}, {}
for _, d in ipairs(vim.diagnostic.get(buf)) do
  local s = string.format('%d:%d-%d:%d', d.lnum, d.col, d.end_lnum, d.end_col)
  if d.source == 'katafilter' then
    table.insert(kf, s .. ' ' .. tostring(d.code))
  else
    table.insert(other, s .. ' ' .. d.message)
  end
end
table.sort(kf)
table.sort(other)
-- hover asks every client attached to the buffer; each answers for itself.
local function hover(line, col)
  local res = vim.lsp.buf_request_sync(buf, 'textDocument/hover',
    { textDocument = { uri = vim.uri_from_bufnr(buf) }, position = { line = line, character = col } }, 10000) or {}
  local got = {}
  for id, r in pairs(res) do
    local c = vim.lsp.get_client_by_id(id)
    local text = ''
    if r.result and r.result.contents then
      text = table.concat(vim.lsp.util.convert_input_to_markdown_lines(r.result.contents), ' ')
    end
    if text ~= '' then table.insert(got, c.name .. ': ' .. text) end
  end
  table.sort(got)
  return table.concat(got, ' || ')
end
local field = hover(3, 14) -- EventType, in the first filter
local key = hover(2, 5)    -- the key name
for _, c in pairs(vim.lsp.get_active_clients()) do table.insert(names, c.name) end
table.sort(names)
vim.fn.writefile({
  'both=' .. tostring(both),
  'katafilter=' .. table.concat(kf, ','),
  'yamlls=' .. table.concat(other, ','),
  'hover_field=' .. field,
  'hover_key=' .. key,
  'clients=' .. table.concat(names, ','),
  'warnings=' .. table.concat(warnings, ' | '),
}, vim.env.KF_OUT)
`
	got := runNeovimLSP(t, nvim, dir, bin, lua, "KF_YAMLLS="+yamlls, "KF_RULES="+rules)
	for _, k := range []string{"hover_field", "hover_key"} {
		got[k], _, _ = strings.Cut(got[k], "  ") // the first paragraph
	}
	wantValues(t, got, map[string]string{
		"both":       "true",
		"katafilter": "3:25-3:33 KF0400",
		"yamlls":     `4:4-4:5 Missing property "name".`,
		// Each server answers the hover where it knows something, the other stays silent.
		"hover_field": "katafilter: `EventType`: string field",
		"hover_key":   "yamlls: What the rule detects.",
		"clients":     "katafilter,yamlls",
		"warnings":    "",
	})
}

// TestEmacsEglotRuleFiles runs the snippet of emacs/README.md that gives rule files to
// katafilter and other YAML files to yaml-language-server in the real Emacs with the real
// Eglot and yaml-mode (Debian: elpa-eglot, elpa-yaml-mode), both servers on PATH: the rule
// file under rules/ must get katafilter's diagnostic of its filter, the other YAML file
// yaml-language-server's (its schema requires a name), in one session.
func TestEmacsEglotRuleFiles(t *testing.T) {
	emacs := emacsWith(t, "Debian: apt-get install elpa-eglot elpa-yaml-mode", "eglot", "yaml-mode")
	yamlls := yamlLanguageServer(t)
	snippet := emacsSnippet(t, ";; Rule files")
	dir, bin := katafilterDir(t)
	if err := os.Mkdir(filepath.Join(dir, "rules"), 0o755); err != nil {
		t.Fatal(err)
	}
	rules := filepath.Join(dir, "rules", "detect.yaml")
	if err := os.WriteFile(rules, []byte("rules:\n  - name: first\n    filter: EventType == 'proces'\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	other := writeSideBySide(t, dir) // outside rules/: yaml-mode
	out := filepath.Join(dir, "result.txt")
	script := filepath.Join(dir, "check.el")
	// eglot--guess-contact is what eglot-ensure and M-x eglot call (see TestEmacsEglot).
	el := eglotPrelude + snippet + `
(defun kf-visit (file)
  (find-file file)
  (apply #'eglot (eglot--guess-contact))
  (let ((n 400))
    (while (and (> n 0) (null (flymake-diagnostics)))
      (accept-process-output nil 0.05)
      (setq n (1- n))))
  (format "%s %s %s" major-mode
          (file-name-nondirectory (car (process-command (jsonrpc--process (eglot-current-server)))))
          (mapconcat (lambda (d) (format "%d:%s" (flymake-diagnostic-beg d) (flymake-diagnostic-text d)))
                     (flymake-diagnostics) " | ")))
(let ((r (kf-visit (getenv "KF_RULES")))
      (o (kf-visit (getenv "KF_OTHER"))))
  (write-region (format "rules=%s\nother=%s\n" r o)
                nil (getenv "KF_OUT")))
(eglot-shutdown-all)
(kill-emacs 0)
`
	if err := os.WriteFile(script, []byte(el), 0o644); err != nil {
		t.Fatal(err)
	}
	env := []string{
		"PATH=" + bin + string(os.PathListSeparator) + filepath.Dir(yamlls) + string(os.PathListSeparator) + os.Getenv("PATH"),
		"KF_EMACS=" + absDir(t, "emacs"), "KF_RULES=" + rules, "KF_OTHER=" + other, "KF_OUT=" + out,
	}
	output := editorRun(t, dir, env, emacs, "--batch", "-l", script)
	got := readLines(t, out, output)
	got["other"] = strings.ReplaceAll(got["other"], filepath.ToSlash(dir), "DIR")
	wantValues(t, got, map[string]string{
		// mode, server, then each diagnostic as buffer position:text
		"rules": "katafilter-rules-mode katafilter 49:katafilter [KF0400]: 'proces' is not a known value of EventType; did you mean 'process'?",
		"other": `yaml-mode yaml-language-server 106:yaml-schema: file://DIR/schema.json [0]: Missing property "name".`,
	})
}

// emacsSnippet returns the elisp block of emacs/README.md whose first line is first.
func emacsSnippet(t *testing.T, first string) string {
	t.Helper()
	readme, err := os.ReadFile(filepath.Join("emacs", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, snippet, _ := strings.Cut(string(readme), "```elisp\n"+first)
	snippet, _, ok := strings.Cut(snippet, "```")
	if !ok {
		t.Fatalf("emacs/README.md has no elisp block that starts with %s", first)
	}
	return first + snippet
}

// TestEmacsLSPModeBesideYAMLLanguageServer runs the snippet of emacs/README.md that adds
// katafilter to lsp-mode as an add-on, in the real Emacs with the real lsp-mode (Debian:
// elpa-lsp-mode) and yaml-mode, both servers on PATH: lsp-mode must start its client for YAML
// (yaml-language-server) and katafilter on the one buffer, and show each one's diagnostic.
func TestEmacsLSPModeBesideYAMLLanguageServer(t *testing.T) {
	emacs := emacsWith(t, "Debian: apt-get install elpa-lsp-mode elpa-yaml-mode", "lsp-mode", "yaml-mode")
	yamlls := yamlLanguageServer(t)
	dir, bin := katafilterDir(t)
	rules := writeSideBySide(t, dir)
	out := filepath.Join(dir, "result.txt")
	script := filepath.Join(dir, "check.el")
	// The settings keep lsp-mode from asking questions (the project root) and from writing
	// outside dir; lsp-workspace-folders-add is the answer a user gives once.
	el := `
(package-initialize)
(require 'yaml-mode)
(require 'lsp-mode)
(setq lsp-session-file (expand-file-name "lsp-session" (getenv "KF_DIR"))
      lsp-auto-guess-root nil lsp-enable-file-watchers nil lsp-enable-snippet nil
      lsp-restart 'ignore lsp-headerline-breadcrumb-enable nil lsp-modeline-diagnostics-enable nil)
` + emacsSnippet(t, ";; katafilter as an add-on") + `
(find-file (getenv "KF_RULES"))
(lsp-workspace-folders-add (getenv "KF_DIR"))
(lsp)
(defun kf-diags ()
  (sort (mapcar (lambda (d) (format "%s: %s" (lsp:diagnostic-source? d) (lsp:diagnostic-message d)))
                (gethash (buffer-file-name) (lsp-diagnostics t)))
        #'string<))
(let ((n 400))
  (while (and (> n 0) (< (length (kf-diags)) 2))
    (accept-process-output nil 0.05)
    (setq n (1- n))))
(write-region (format "servers=%s\ndiags=%s\n"
                      (mapconcat #'symbol-name
                                 (sort (mapcar (lambda (w) (lsp--client-server-id (lsp--workspace-client w))) (lsp-workspaces))
                                       #'string<)
                                 ",")
                      (mapconcat #'identity (kf-diags) " | "))
              nil (getenv "KF_OUT"))
(mapc #'lsp-workspace-shutdown (lsp-workspaces))
(kill-emacs 0)
`
	if err := os.WriteFile(script, []byte(el), 0o644); err != nil {
		t.Fatal(err)
	}
	env := []string{
		"PATH=" + bin + string(os.PathListSeparator) + filepath.Dir(yamlls) + string(os.PathListSeparator) + os.Getenv("PATH"),
		"KF_DIR=" + dir, "KF_RULES=" + rules, "KF_OUT=" + out,
	}
	output := editorRun(t, dir, env, emacs, "--batch", "-l", script)
	got := readLines(t, out, output)
	got["diags"] = strings.ReplaceAll(got["diags"], filepath.ToSlash(dir), "DIR")
	wantValues(t, got, map[string]string{
		"servers": "katafilter,yamlls",
		"diags": "katafilter: 'proces' is not a known value of EventType; did you mean 'process'? | " +
			`yaml-schema: file://DIR/schema.json: Missing property "name".`,
	})
}
