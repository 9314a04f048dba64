package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/goccy/go-yaml"

	"github.com/katafilter/katafilter/internal/testenv"
)

// TestPreCommitHooks runs the hooks of .pre-commit-hooks.yaml the way pre-commit does: the
// files of a commit that the hook's files pattern selects (Python's re; the pattern uses only
// syntax that Go's regexp reads alike) are passed to its entry. The pattern ignores case, and
// katafilter-lint-fix leaves a rule whose fix is uncertain as it is, failing the commit.
func TestPreCommitHooks(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "..", ".pre-commit-hooks.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var hooks []struct {
		ID    string `yaml:"id"`
		Entry string `yaml:"entry"`
		Files string `yaml:"files"`
	}
	if err := yaml.Unmarshal(data, &hooks); err != nil {
		t.Fatal(err)
	}
	staged := map[string]string{
		"rules/a.yaml":   "filter: EventType == 'process' AND FileFullName == 'C:\\Windows\\*'\n",
		"rules/B.YML":    "filter: eventType == 'process'\n",
		"rules/c.Json":   `{"filter": "EventType == 'process'"}`,
		"rules/d.KFL":    "EventType == 'process'\n",
		"rules/notes.md": "filter: not a rule file\n",
	}
	want := map[string]bool{"rules/a.yaml": true, "rules/B.YML": true, "rules/c.Json": true, "rules/d.KFL": true}
	ids := map[string]bool{}
	for _, h := range hooks {
		ids[h.ID] = true
		t.Run(h.ID, func(t *testing.T) {
			re, err := regexp.Compile(h.Files)
			if err != nil {
				t.Fatalf("files pattern %q: %v", h.Files, err)
			}
			dir := t.TempDir()
			var args []string
			for name, text := range staged {
				p := filepath.Join(dir, name)
				if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
					t.Fatal(err)
				}
				if re.MatchString(name) != want[name] {
					t.Errorf("files pattern %q on %s: %v, want %v", h.Files, name, !want[name], want[name])
				}
				if re.MatchString(name) {
					args = append(args, name)
				}
			}
			entry := strings.Fields(h.Entry)
			if len(entry) < 2 || entry[0] != "katafilter" {
				t.Fatalf("entry %q does not run katafilter", h.Entry)
			}
			t.Chdir(dir)
			var out, errb bytes.Buffer
			code := run(&cmdEnv{stdin: strings.NewReader(""), stdout: &out, stderr: &errb, getenv: func(string) string { return "" }}, append(entry[1:], args...))
			if code != 1 {
				t.Errorf("%s: exit %d, want 1 (the rule with C:\\Windows\\* stays an error)\n%s%s", h.Entry, code, out.String(), errb.String())
			}
			got, _ := os.ReadFile("rules/a.yaml")
			if string(got) != staged["rules/a.yaml"] {
				t.Errorf("%s changed a rule whose fix is uncertain:\n%s", h.Entry, got)
			}
			fixed, _ := os.ReadFile("rules/B.YML")
			if wantFixed := strings.Contains(h.Entry, "--fix"); wantFixed != (string(fixed) != staged["rules/B.YML"]) {
				t.Errorf("%s: rules/B.YML is now %q", h.Entry, fixed)
			}
		})
	}
	if !ids["katafilter-lint"] || !ids["katafilter-lint-fix"] {
		t.Errorf("hooks %v, want katafilter-lint and katafilter-lint-fix", ids)
	}
}

// TestPreCommitReal runs the real pre-commit on a rules repository whose configuration points
// at this repository's committed HEAD (rev: its SHA, as docs/lint.md tells users to pin):
// pre-commit builds katafilter with Go (language: golang) and runs katafilter-lint-fix, which
// fixes the rule it can fix safely, leaves 'C:\Windows\*' alone and fails the commit.
func TestPreCommitReal(t *testing.T) {
	if testing.Short() {
		t.Skip("builds katafilter through pre-commit")
	}
	preCommit := testenv.LookPath(t, "pre-commit", "apt-get install pre-commit")
	gitBin := testenv.LookPath(t, "git", "apt-get install git")
	out, err := exec.Command(gitBin, "-C", repoRoot, "rev-parse", "HEAD").Output()
	if err != nil {
		testenv.Missing(t, "the repository is not a git clone (%v): pre-commit needs a commit to pin", err)
	}
	sha := strings.TrimSpace(string(out))
	// pre-commit gives the hook a GOPATH of its own; the module and build caches of this
	// machine spare it downloading and compiling every dependency again.
	caches, err := exec.Command("go", "env", "GOMODCACHE", "GOCACHE").Output()
	if err != nil {
		t.Fatal(err)
	}
	cache := strings.Fields(string(caches))
	dir := t.TempDir()
	run := func(name string, args ...string) (string, error) {
		cmd := exec.Command(name, args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "PRE_COMMIT_HOME="+filepath.Join(dir, ".cache"), "GIT_AUTHOR_NAME=t",
			"GIT_AUTHOR_EMAIL=t@example.com", "GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@example.com")
		if len(cache) == 2 {
			cmd.Env = append(cmd.Env, "GOMODCACHE="+cache[0], "GOCACHE="+cache[1])
		}
		b, err := cmd.CombinedOutput()
		return string(b), err
	}
	files := map[string]string{
		".pre-commit-config.yaml": "repos:\n  - repo: " + repoRoot + "\n    rev: " + sha + "\n    hooks:\n      - id: katafilter-lint-fix\n",
		"rules/A.YAML":            "rules:\n  - filter: EventType == 'process' AND FileFullName == 'C:\\Windows\\*'\n  - filter: eventType == 'process'\n",
	}
	for name, text := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if out, err := run(gitBin, "init", "-q"); err != nil {
		t.Fatal(out)
	}
	if out, err := run(gitBin, "add", "."); err != nil {
		t.Fatal(out)
	}
	out2, err := run(preCommit, "run", "--all-files")
	if err == nil {
		t.Fatalf("pre-commit passed:\n%s", out2)
	}
	if !strings.Contains(out2, "write every backslash as") {
		t.Errorf("pre-commit output lacks the choices:\n%s", out2)
	}
	got, _ := os.ReadFile(filepath.Join(dir, "rules", "A.YAML"))
	want := "rules:\n  - filter: EventType == 'process' AND FileFullName == 'C:\\Windows\\*'\n  - filter: EventType == 'process'\n"
	if string(got) != want {
		t.Errorf("after the hook:\n%s\nwant:\n%s\n(pre-commit said:\n%s)", got, want, out2)
	}
}
