package docs

import (
	"os"
	"regexp"
	"strings"
	"testing"
)

// ciNames is how README.md names each package that .ci/run installs.
var ciNames = map[string]string{
	"curl": "curl", "gzip": "gzip", "git": "git", "pre-commit": "pre-commit", "vim": "Vim",
	"neovim": "Neovim", "emacs-nox": "Emacs", "elpa-eglot": "Eglot", "elpa-yaml-mode": "yaml-mode", "elpa-lsp-mode": "lsp-mode", "npm": "npm",
	"nodejs": "Node.js", "chromium": "Chromium", "postgresql": "PostgreSQL",
	"clickhouse-server": "ClickHouse", "clickhouse-client": "ClickHouse",
}

// TestReadmeDescribesCI checks that README.md's account of .ci/run names every package that
// .ci/run installs, so that the two cannot drift apart. A package new to .ci/run goes into
// README.md and into ciNames.
func TestReadmeDescribesCI(t *testing.T) {
	run, err := os.ReadFile("../.ci/run")
	if err != nil {
		t.Fatal(err)
	}
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	i := strings.Index(string(readme), "`.ci/run` is what CI runs")
	if i < 0 {
		t.Fatal("README.md no longer describes .ci/run (\"`.ci/run` is what CI runs ...\")")
	}
	para, _, _ := strings.Cut(string(readme[i:]), "\n\n")
	for _, m := range regexp.MustCompile(`\+=\(([^)]*)\)`).FindAllStringSubmatch(string(run), -1) {
		for _, pkg := range strings.Fields(m[1]) {
			name, ok := ciNames[pkg]
			if !ok {
				t.Errorf(".ci/run installs %s, which ciNames does not know: say it in README.md and add it here", pkg)
				continue
			}
			if !strings.Contains(para, name) {
				t.Errorf(".ci/run installs %s, and README.md's account of .ci/run does not say %s", pkg, name)
			}
		}
	}
}

// TestReadmeSetUp checks that README.md's "Set up" section gives a fresh machine exactly two
// commands: the REPL against the built-in server, and the tests, as .ci/run runs them.
func TestReadmeSetUp(t *testing.T) {
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(readme), "\n## Set up\n")
	if !ok {
		t.Fatal(`README.md has no "## Set up" section`)
	}
	section, _, _ := strings.Cut(rest, "\n## ")
	blocks, err := parseBlocks(section)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, b := range blocks {
		got = append(got, strings.TrimSpace(b.text))
	}
	want := []string{"go run ./cmd/katafilter repl", "go test ./..."}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("README.md's set-up commands are %q, want exactly %q", got, want)
	}
	run, err := os.ReadFile("../.ci/run")
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`(?m)^go test \./\.\.\.$`).Match(run) {
		t.Error(".ci/run does not run README's test command, go test ./...")
	}
}
