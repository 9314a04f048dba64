package main

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/goccy/go-yaml"
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
