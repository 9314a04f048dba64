package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/goccy/go-yaml"

	"github.com/katafilter/katafilter/internal/sarifcheck"
)

type actionStep struct {
	ID   string            `yaml:"id"`
	Name string            `yaml:"name"`
	If   string            `yaml:"if"`
	Uses string            `yaml:"uses"`
	With map[string]string `yaml:"with"`
	Env  map[string]string `yaml:"env"`
	Run  string            `yaml:"run"`
}

type action struct {
	Inputs map[string]struct {
		Default string `yaml:"default"`
	} `yaml:"inputs"`
	Runs struct {
		Using string       `yaml:"using"`
		Steps []actionStep `yaml:"steps"`
	} `yaml:"runs"`
}

var actionExpr = regexp.MustCompile(`\$\{\{\s*(inputs\.[a-z-]+|steps\.lint\.outputs\.exit-code)\s*\}\}`)

// TestAction runs the command lines of the GitHub Action (action.yml) as the runner would: each
// run step in bash with its env, ${{ inputs.* }} and the lint step's output substituted, from a
// rules repository as the working directory, with GITHUB_ACTION_PATH at this repository (the
// action's checkout) and GITHUB_OUTPUT and GITHUB_PATH files. The install step really builds
// katafilter; the lint step writes a SARIF log that validates; the last step fails with the
// lint's exit status. The steps that use other actions are checked for what they are given.
func TestAction(t *testing.T) {
	if testing.Short() {
		t.Skip("builds katafilter")
	}
	data, err := os.ReadFile(filepath.Join(repoRoot, "action.yml"))
	if err != nil {
		t.Fatal(err)
	}
	var a action
	if err := yaml.Unmarshal(data, &a); err != nil {
		t.Fatal(err)
	}
	if a.Runs.Using != "composite" {
		t.Fatalf("runs.using = %q", a.Runs.Using)
	}
	gobin := t.TempDir()
	for _, tt := range []struct {
		name     string
		inputs   map[string]string
		rules    map[string]string
		wantCode string
	}{
		{"findings", nil, map[string]string{"rules/a.yaml": "filter: eventType == 'process'\n", "rules/b.kfl": "EventType == 'process'\n"}, "1"},
		{"clean", nil, map[string]string{"rules/b.kfl": "EventType == 'process'\n"}, "0"},
		{"warning level", map[string]string{"fail-level": "warning", "paths": "rules", "sarif-file": "out/k.sarif"},
			map[string]string{"rules/b.kfl": "EventType == 'process' AND FileName in ('a', 'a')\n", "out/.keep": ""}, "1"},
		{"usage error", map[string]string{"args": "--no-such-flag"}, map[string]string{"rules/b.kfl": "EventType == 'process'\n"}, "2"},
		{"base", map[string]string{"base": "HEAD"}, map[string]string{"rules/b.kfl": "EventType == 'process'\n"}, "0"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			work := t.TempDir()
			for name, text := range tt.rules {
				p := filepath.Join(work, name)
				if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			if tt.inputs["base"] != "" {
				// A repository whose last commit had FileSize > 1000; the work tree has > 100.
				if err := os.WriteFile(filepath.Join(work, "rules/b.kfl"), []byte("EventType == 'process' AND FileSize > 1000\n"), 0o644); err != nil {
					t.Fatal(err)
				}
				for _, args := range [][]string{{"init", "-q"}, {"add", "."}, {"-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-q", "-m", "x"}} {
					if out, err := exec.Command("git", append([]string{"-C", work}, args...)...).CombinedOutput(); err != nil {
						t.Fatalf("git %v: %v\n%s", args, err, out)
					}
				}
				if err := os.WriteFile(filepath.Join(work, "rules/b.kfl"), []byte("EventType == 'process' AND FileSize > 100\n"), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			inputs := map[string]string{}
			for k, v := range a.Inputs {
				inputs[k] = v.Default
			}
			for k, v := range tt.inputs {
				inputs[k] = v
			}
			outFile := filepath.Join(t.TempDir(), "output")
			pathFile := filepath.Join(t.TempDir(), "path")
			lintCode := ""
			subst := func(s string) string {
				return actionExpr.ReplaceAllStringFunc(s, func(m string) string {
					e := actionExpr.FindStringSubmatch(m)[1]
					if e == "steps.lint.outputs.exit-code" {
						return lintCode
					}
					return inputs[strings.TrimPrefix(e, "inputs.")]
				})
			}
			for _, st := range a.Runs.Steps {
				switch {
				case strings.HasPrefix(st.Uses, "actions/setup-go@"):
					if st.With["go-version"] != "${{ inputs.go-version }}" {
						t.Errorf("setup-go is given go-version %q", st.With["go-version"])
					}
					continue
				case strings.HasPrefix(st.Uses, "github/codeql-action/upload-sarif@"):
					if subst(st.With["sarif_file"]) != inputs["sarif-file"] || !strings.Contains(st.If, "always()") {
						t.Errorf("upload-sarif step: with %v, if %q", st.With, st.If)
					}
					continue
				case st.Uses != "":
					t.Fatalf("step %q uses %s, which this test does not know", st.Name, st.Uses)
				}
				if st.If == "steps.lint.outputs.exit-code != '0'" && lintCode == "0" {
					continue
				}
				cmd := exec.Command("bash", "-e", "-c", st.Run)
				cmd.Dir = work
				cmd.Env = append(os.Environ(), "GITHUB_ACTION_PATH="+repoRoot, "GITHUB_OUTPUT="+outFile,
					"GITHUB_PATH="+pathFile, "GITHUB_WORKSPACE="+work, "GOBIN="+gobin)
				for k, v := range st.Env {
					cmd.Env = append(cmd.Env, k+"="+subst(v))
				}
				out, err := cmd.CombinedOutput()
				code := "0"
				if ee, ok := err.(*exec.ExitError); ok {
					code = strings.TrimSpace(strings.TrimPrefix(ee.String(), "exit status "))
				} else if err != nil {
					t.Fatalf("step %q: %v", st.Name, err)
				}
				if st.ID == "lint" {
					outs, _ := os.ReadFile(outFile)
					for _, l := range strings.Split(string(outs), "\n") {
						if v, ok := strings.CutPrefix(l, "exit-code="); ok {
							lintCode = v
						}
					}
					if code != "0" {
						t.Fatalf("the lint step itself failed (%s): %s", code, out)
					}
					continue
				}
				if st.ID == "" && st.Name == "fail on findings" {
					if code != tt.wantCode {
						t.Errorf("the last step exits %s, want %s: %s", code, tt.wantCode, out)
					}
					continue
				}
				if code != "0" {
					t.Fatalf("step %q exits %s: %s", st.Name, code, out)
				}
			}
			if lintCode != tt.wantCode {
				t.Errorf("exit-code output %q, want %s", lintCode, tt.wantCode)
			}
			if p, _ := os.ReadFile(pathFile); strings.TrimSpace(string(p)) != gobin {
				t.Errorf("GITHUB_PATH has %q, want %s", p, gobin)
			}
			if tt.wantCode == "2" {
				return
			}
			sarif, err := os.ReadFile(filepath.Join(work, inputs["sarif-file"]))
			if err != nil {
				t.Fatal(err)
			}
			if err := sarifcheck.Validate(filepath.Join(repoRoot, "testdata", "lint", "sarif-2.1.0-rtm.5.json"), sarif); err != nil {
				t.Errorf("the action's SARIF does not validate: %v", err)
			}
			if tt.wantCode == "1" && !strings.Contains(string(sarif), `"ruleId"`) {
				t.Errorf("no results in the SARIF log")
			}
			if tt.inputs["base"] != "" && !strings.Contains(string(sarif), "changed since HEAD: broader") {
				t.Errorf("the SARIF log does not say how the rule changed:\n%s", sarif)
			}
		})
	}
}
