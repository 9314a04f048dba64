package lint_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/katafilter/katafilter/lint"
)

// TestPartialFilters: a filter with a syntax error still gets the checker's findings on its
// well-formed clauses, at their places in the rule file.
func TestPartialFilters(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"a.kfl":      "EventType == 'proces' AND FileNam == 'x' AND\n",
		"rules.yaml": "rules:\n  - name: typing\n    filter: >-\n      EventType == 'process' AND\n      (FileNam = 'x' OR FileSize > 'big'\n",
	}
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	res, err := lint.Run(lint.Options{Paths: []string{dir}, BaseDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range res.Findings() {
		got = append(got, fmt.Sprintf("%s %s:%d:%d", f.Code, f.File, f.Start.Line, f.Start.Column))
	}
	want := "KF0400 a.kfl:1:14 KF0200 a.kfl:1:27 KF0100 a.kfl:1:45 " +
		"KF0200 rules.yaml:5:8 KF0105 rules.yaml:5:16 KF0300 rules.yaml:5:36 KF0100 rules.yaml:5:41"
	if g := strings.Join(got, " "); g != want {
		t.Errorf("findings\n got %s\nwant %s", g, want)
	}
}
