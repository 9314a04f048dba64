package lint

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
)

func symlink(t *testing.T, target, link string) {
	t.Helper()
	if err := os.Symlink(target, link); err != nil {
		t.Skipf("symbolic links: %v", err)
	}
}

// TestWalkSymlinks: a symbolic link to a directory, given as PATH or met in a tree, is walked;
// a link to a file is linted; a loop ends with a note, a directory reached twice is linted once,
// and a broken link is said.
func TestWalkSymlinks(t *testing.T) {
	dir := t.TempDir()
	real := filepath.Join(dir, "real")
	if err := os.MkdirAll(filepath.Join(real, "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	write := func(p, s string) {
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(filepath.Join(real, "a.kfl"), "EventType == 'process'\n")
	write(filepath.Join(real, "sub", "b.kfl"), "eventType == 'process'\n")
	symlink(t, real, filepath.Join(dir, "rules"))                                 // the folder given as PATH
	symlink(t, "..", filepath.Join(real, "sub", "up"))                            // a loop
	symlink(t, filepath.Join(real, "a.kfl"), filepath.Join(real, "sub", "c.kfl")) // a file
	symlink(t, filepath.Join(dir, "missing.kfl"), filepath.Join(real, "gone.kfl"))

	res, err := Run(Options{Paths: []string{filepath.Join(dir, "rules")}, BaseDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	var files []string
	for _, f := range res.Files {
		files = append(files, f.Path)
	}
	if want := []string{"rules/a.kfl", "rules/sub/b.kfl", "rules/sub/c.kfl"}; !slices.Equal(files, want) {
		t.Errorf("files %v, want %v", files, want)
	}
	wantNotes := []string{
		"rules/gone.kfl: broken symbolic link, not linted",
		"rules/sub/up: symbolic link loop (it leads back to rules), not followed",
	}
	if !slices.Equal(res.Notes, wantNotes) {
		t.Errorf("notes %q, want %q", res.Notes, wantNotes)
	}

	// Two links to one directory: linted once.
	symlink(t, real, filepath.Join(dir, "again"))
	res, err = Run(Options{Paths: []string{dir}, BaseDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Files) != 3 || !slices.Contains(res.Notes, "real: the same directory as again, linted there") {
		t.Errorf("%d files, notes %q", len(res.Files), res.Notes)
	}
}
