package lint

import (
	"os"
	"path/filepath"
	"testing"
)

// TestBaselineFileProblems: a finding of the file rather than of a filter (here a filter key
// holding a number) is recorded with the text of its line, never with an empty text, so that
// the entry accepts that finding and not any other of its code in the file.
func TestBaselineFileProblems(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "r.yaml")
	if err := os.WriteFile(file, []byte("a:\n  filter: 3\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	res, err := Run(Options{Paths: []string{dir}, BaseDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	b := NewBaseline(res)
	if len(b.Findings) != 1 || b.Findings[0].Text != "line: filter: 3" {
		t.Fatalf("baseline %+v", b.Findings)
	}
	if n := b.Filter(res); n != 1 || len(res.Stale) != 0 || res.Accepted() != 1 {
		t.Errorf("accepted %d, stale %v", n, res.Stale)
	}
	// Another problem of the same code elsewhere in the file is new.
	if err := os.WriteFile(file, []byte("a:\n  filter: 3\nb:\n  filter: {x: 1}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	res, _ = Run(Options{Paths: []string{dir}, BaseDir: dir})
	if n := b.Filter(res); n != 1 || len(res.Findings()) != 1 {
		t.Errorf("accepted %d, left %d", n, len(res.Findings()))
	}
}
