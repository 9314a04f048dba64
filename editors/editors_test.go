package editors

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/katafilter/katafilter/internal/testenv"
)

// sampleFilter is the file the editor tests open. Line 2 is
//
//	NOT UserName in ('NT AUTHORITY\\SYSTEM', 'ro*t') AND in(A, 1) OR Ioa.Not == -5
const sampleFilter = "# comment\n" +
	`NOT UserName in ('NT AUTHORITY\\SYSTEM', 'ro*t') AND in(A, 1) OR Ioa.Not == -5` + "\n" +
	`x = 'C:\Win' AND b == TRUE` + "\n"

// editorRun runs an editor headless with a deadline, in dir, and returns its
// combined output.
func editorRun(t *testing.T, dir string, env []string, name string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	cmd.WaitDelay = 5 * time.Second
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return string(out)
}

// neovimPrelude starts the script of a Neovim test: the plugin and the syntax files on the
// runtime path as a user adds them, filetype plugins on, and the warnings the plugin shows
// collected in the table warnings.
const neovimPrelude = `
vim.opt.runtimepath:prepend(vim.env.KF_NEOVIM)
vim.opt.runtimepath:prepend(vim.env.KF_VIM)
vim.cmd('filetype plugin on')
local warnings = {}
vim.notify = function(msg) table.insert(warnings, msg) end
`

// neovimQuit ends the script of a Neovim test: it stops the language servers and quits.
const neovimQuit = `
for _, c in pairs(vim.lsp.get_active_clients()) do c.stop() end
vim.wait(5000, function() return #vim.lsp.get_active_clients() == 0 end, 50)
vim.cmd('qall!')
`

// runNeovimLSP runs the Lua script body, between neovimPrelude and neovimQuit, in headless
// Neovim in dir, with bin (which holds the katafilter binary) first on PATH and env, and
// returns the key=value lines the script wrote to $KF_OUT.
func runNeovimLSP(t *testing.T, nvim, dir, bin, body string, env ...string) map[string]string {
	t.Helper()
	out := filepath.Join(dir, "result.txt")
	script := filepath.Join(dir, "check.lua")
	if err := os.WriteFile(script, []byte(neovimPrelude+body+neovimQuit), 0o644); err != nil {
		t.Fatal(err)
	}
	env = append(env,
		"PATH="+bin+string(os.PathListSeparator)+os.Getenv("PATH"),
		"KF_NEOVIM="+absDir(t, "neovim"), "KF_VIM="+absDir(t, "vim"), "KF_OUT="+out,
		"XDG_CONFIG_HOME="+dir, "XDG_DATA_HOME="+dir, "XDG_STATE_HOME="+dir)
	output := editorRun(t, dir, env, nvim, "--headless", "-u", "NONE", "-i", "NONE", "-c", "luafile "+script)
	return readLines(t, out, output)
}

// emacsWith returns the emacs on PATH after checking that it loads the given features (after
// package-initialize, as a user's init does); without them the test skips, or fails where CI
// is set, with hint.
func emacsWith(t *testing.T, hint string, features ...string) string {
	t.Helper()
	emacs := testenv.LookPath(t, "emacs", "Debian: apt-get install emacs-nox")
	var req []string
	for _, f := range features {
		req = append(req, fmt.Sprintf("(require '%s nil t)", f))
	}
	probe := editorRun(t, t.TempDir(), nil, emacs, "--batch", "--eval",
		fmt.Sprintf(`(progn (package-initialize) (princ (if (and %s) "ok=yes" "ok=no")))`, strings.Join(req, " ")))
	if !strings.HasSuffix(strings.TrimSpace(probe), "ok=yes") {
		testenv.Missing(t, "%s is not available to Emacs (%s): %s", strings.Join(features, " or "), hint, probe)
	}
	return emacs
}

// katafilterDir returns a new directory and its subdirectory bin, which holds the katafilter
// binary built from this repository; in -short mode the test skips.
func katafilterDir(t *testing.T) (dir, bin string) {
	t.Helper()
	if testing.Short() {
		t.Skip("builds the katafilter binary")
	}
	dir = t.TempDir()
	bin = filepath.Join(dir, "bin")
	testenv.BuildKatafilter(t, bin)
	return dir, bin
}

// eglotPrelude starts the script of an Emacs test: katafilter.el and Eglot loaded as a user
// loads them.
const eglotPrelude = `
(package-initialize)
(add-to-list 'load-path (getenv "KF_EMACS"))
(require 'eglot)
(require 'katafilter)
`

// writeSample writes sampleFilter as sample.kfl in a new temporary directory.
func writeSample(t *testing.T) (dir, file string) {
	t.Helper()
	dir = t.TempDir()
	file = filepath.Join(dir, "sample.kfl")
	if err := os.WriteFile(file, []byte(sampleFilter), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir, file
}

// readLines reads key=value lines written by an editor script.
func readLines(t *testing.T, path, output string) map[string]string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("the editor wrote no result (%v); its output:\n%s", err, output)
	}
	m := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		k, v, _ := strings.Cut(line, "=")
		m[k] = v
	}
	return m
}

func wantValues(t *testing.T, got map[string]string, want map[string]string) {
	t.Helper()
	for k, w := range want {
		if got[k] != w {
			t.Errorf("%s = %q, want %q", k, got[k], w)
		}
	}
}

func absDir(t *testing.T, rel string) string {
	t.Helper()
	p, err := filepath.Abs(rel)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// synAt is a Vim script expression for the syntax group at line l, column c.
func synAt(l, c int) string {
	return "synIDattr(synID(" + strconv.Itoa(l) + "," + strconv.Itoa(c) + ",1),'name')"
}

// vimProbes are the syntax groups expected at positions of sampleFilter.
var vimProbes = []struct {
	key        string
	line, col  int
	wantSyntax string
}{
	{"comment", 1, 1, "katafilterComment"},
	{"not", 2, 1, "katafilterLogical"},
	{"field", 2, 5, "katafilterField"},
	{"in", 2, 14, "katafilterIn"},
	{"escape", 2, 31, "katafilterEscape"},
	{"wildcard", 2, 45, "katafilterWildcard"},
	{"incall", 2, 54, "katafilterInCall"},
	{"dotted", 2, 70, "katafilterField"},
	{"number", 2, 77, "katafilterNumber"},
	{"badop", 3, 3, "katafilterBadOperator"},
	{"badescape", 3, 8, "katafilterBadEscape"},
	{"boolean", 3, 23, "katafilterBoolean"},
}

func vimProbeScript(out string) string {
	var b strings.Builder
	b.WriteString("let s:out = ['ft=' . &filetype, 'cms=' . &commentstring, 'syntax=' . get(b:, 'current_syntax', '')]\n")
	for _, p := range vimProbes {
		b.WriteString("call add(s:out, '" + p.key + "=' . " + synAt(p.line, p.col) + ")\n")
	}
	b.WriteString("call writefile(s:out, '" + out + "')\n")
	return b.String()
}

func vimProbeWant() map[string]string {
	want := map[string]string{"ft": "katafilter", "cms": "# %s", "syntax": "katafilter"}
	for _, p := range vimProbes {
		want[p.key] = p.wantSyntax
	}
	return want
}

func TestVim(t *testing.T) {
	vim := testenv.LookPath(t, "vim", "Debian: apt-get install vim")
	dir, file := writeSample(t)
	out := filepath.Join(dir, "result.txt")
	script := filepath.Join(dir, "check.vim")
	body := "set nocompatible\n" +
		"set runtimepath^=" + absDir(t, "vim") + "\n" +
		"filetype plugin on\nsyntax on\n" +
		"edit " + file + "\n" +
		vimProbeScript(out) + "qall!\n"
	if err := os.WriteFile(script, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	output := editorRun(t, dir, nil, vim, "-Nu", "NONE", "-i", "NONE", "-es", "-S", script)
	wantValues(t, readLines(t, out, output), vimProbeWant())
}

func TestNeovim(t *testing.T) {
	nvim := testenv.LookPath(t, "nvim", "Debian: apt-get install neovim")
	dir, file := writeSample(t)
	out := filepath.Join(dir, "result.txt")
	vimProbe := filepath.Join(dir, "probe.vim")
	if err := os.WriteFile(vimProbe, []byte(vimProbeScript(out+".syn")), 0o644); err != nil {
		t.Fatal(err)
	}
	// vim.lsp.start is replaced by a stub that records its config, so the
	// test needs neither the katafilter binary nor Neovim 0.8's LSP API. The
	// command is `sh lsp` because start() requires an executable cmd[1].
	script := filepath.Join(dir, "check.lua")
	lua := `
vim.opt.runtimepath:prepend(vim.env.KF_NEOVIM)
vim.opt.runtimepath:prepend(vim.env.KF_VIM)
vim.cmd('filetype plugin on')
vim.cmd('syntax on')
local warnings = {}
vim.notify = function(msg) table.insert(warnings, msg) end
local captured = {}
vim.lsp.start = function(config, opts)
  table.insert(captured, config)
  return 1
end
require('katafilter').setup({ cmd = { 'sh', 'lsp' }, schemaFile = 'fields.json', strict = true })
vim.cmd('edit ' .. vim.fn.fnameescape(vim.env.KF_FILE))
vim.cmd('source ' .. vim.fn.fnameescape(vim.env.KF_PROBE))
local c = captured[1] or {}
vim.fn.writefile({
  'ft=' .. vim.bo.filetype,
  'cms=' .. vim.bo.commentstring,
  'starts=' .. #captured,
  'name=' .. tostring(c.name),
  'cmd=' .. vim.fn.json_encode(c.cmd or {}),
  'root=' .. tostring(c.root_dir),
  'init=' .. vim.fn.json_encode(c.init_options or {}),
  'warnings=' .. table.concat(warnings, ' | '),
}, vim.env.KF_OUT)
vim.cmd('qall!')
`
	if err := os.WriteFile(script, []byte(lua), 0o644); err != nil {
		t.Fatal(err)
	}
	env := []string{
		"KF_NEOVIM=" + absDir(t, "neovim"), "KF_VIM=" + absDir(t, "vim"),
		"KF_FILE=" + file, "KF_PROBE=" + vimProbe, "KF_OUT=" + out,
		"XDG_CONFIG_HOME=" + dir, "XDG_DATA_HOME=" + dir, "XDG_STATE_HOME=" + dir,
	}
	output := editorRun(t, dir, env, nvim, "--headless", "-u", "NONE", "-i", "NONE", "-c", "luafile "+script)
	got := readLines(t, out, output)
	wantValues(t, got, map[string]string{
		"ft": "katafilter", "cms": "# %s", "starts": "1", "name": "katafilter",
		"root": dir, "warnings": "",
	})
	var cmd []string
	if err := json.Unmarshal([]byte(got["cmd"]), &cmd); err != nil || !slices.Equal(cmd, []string{"sh", "lsp"}) {
		t.Errorf("cmd = %s, want [sh lsp]", got["cmd"])
	}
	var init map[string]any
	if err := json.Unmarshal([]byte(got["init"]), &init); err != nil {
		t.Fatalf("init_options %q: %v", got["init"], err)
	}
	if init["schemaFile"] != filepath.Join(dir, "fields.json") || init["ignoreCase"] != false || init["strict"] != true {
		t.Errorf("init_options = %v, want schemaFile %s, ignoreCase false, strict true", init, filepath.Join(dir, "fields.json"))
	}
	// The Vim syntax file gives Neovim its highlighting.
	wantValues(t, readLines(t, out+".syn", output), vimProbeWant())
}

func TestEmacs(t *testing.T) {
	emacs := testenv.LookPath(t, "emacs", "Debian: apt-get install emacs-nox")
	dir, file := writeSample(t)
	out := filepath.Join(dir, "result.txt")
	script := filepath.Join(dir, "check.el")
	// face-at searches for TEXT on LINE and returns the face of its first character.
	el := `
(setq byte-compile-error-on-warn t)
(let ((copy (expand-file-name "katafilter.el" (getenv "KF_TMP"))))
  (copy-file (expand-file-name "katafilter.el" (getenv "KF_EMACS")) copy t)
  (unless (byte-compile-file copy) (error "katafilter.el does not byte-compile cleanly"))
  (load (concat copy "c") nil t))
(defun face-at (line text)
  (save-excursion
    (goto-char (point-min))
    (forward-line (1- line))
    (search-forward text (line-end-position))
    (let ((f (get-text-property (match-beginning 0) 'face)))
      (format "%s" f))))
(find-file (getenv "KF_FILE"))
(font-lock-ensure)
(write-region
  (concat (format "mode=%s\n" major-mode)
          (format "comment=%s\n" (face-at 1 "comment"))
          (format "not=%s\n" (face-at 2 "NOT"))
          (format "field=%s\n" (face-at 2 "UserName"))
          (format "in=%s\n" (face-at 2 "in ("))
          (format "escape=%s\n" (face-at 2 "\\\\"))
          (format "wildcard=%s\n" (face-at 2 "*"))
          (format "incall=%s\n" (face-at 2 "in("))
          (format "dotted=%s\n" (face-at 2 "Ioa.Not"))
          (format "badop=%s\n" (face-at 3 "= "))
          (format "badescape=%s\n" (face-at 3 "\\W"))
          (format "boolean=%s\n" (face-at 3 "TRUE"))
          (let ((print-escape-newlines t))
            (format "comment-region=%S\n"
                    (with-temp-buffer
                      (insert "A == 1\n    AND B == 2\n")
                      (katafilter-mode)
                      (comment-region (point-min) (point-max))
                      (buffer-string)))))
  nil (getenv "KF_OUT"))
;; Called by --eval after a stand-in Eglot is provided: with-eval-after-load
;; forms run at once only outside of a file being loaded.
(defun kf-report-eglot ()
  (let ((entry (assq 'katafilter-mode eglot-server-programs)))
    (write-region (format "eglot=%S\n" (and entry (funcall (cdr entry))))
                  nil (getenv "KF_OUT") t)))
`
	if err := os.WriteFile(script, []byte(el), 0o644); err != nil {
		t.Fatal(err)
	}
	env := []string{"KF_EMACS=" + absDir(t, "emacs"), "KF_TMP=" + dir, "KF_FILE=" + file, "KF_OUT=" + out, "HOME=" + dir}
	output := editorRun(t, dir, env, emacs, "-Q", "--batch", "-l", script,
		"--eval", "(progn (defvar eglot-server-programs nil) (provide 'eglot) (kf-report-eglot))")
	got := readLines(t, out, output)
	wantValues(t, got, map[string]string{
		"mode":           "katafilter-mode",
		"comment":        "font-lock-comment-face",
		"not":            "font-lock-keyword-face",
		"field":          "font-lock-variable-name-face",
		"in":             "font-lock-keyword-face",
		"escape":         "katafilter-escape-face",
		"wildcard":       "katafilter-wildcard-face",
		"incall":         "font-lock-function-name-face",
		"dotted":         "font-lock-variable-name-face",
		"badop":          "katafilter-invalid-face",
		"badescape":      "katafilter-invalid-face",
		"boolean":        "font-lock-constant-face",
		"eglot":          `("katafilter" "lsp" :initializationOptions (:schemaFile "" :ignoreCase :json-false :strict :json-false))`,
		"comment-region": `"# A == 1\n#     AND B == 2\n"`,
	})
}
