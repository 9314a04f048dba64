package fileutil_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/katafilter/katafilter/internal/fileutil"
)

func TestWriteAtomic(t *testing.T) {
	dir := t.TempDir()
	read := func(p string) string {
		t.Helper()
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}

	// A new file gets the mode asked for.
	p := filepath.Join(dir, "new.txt")
	if err := fileutil.WriteAtomic(p, []byte("one"), 0o600); err != nil {
		t.Fatal(err)
	}
	if st, _ := os.Stat(p); read(p) != "one" || st.Mode().Perm() != 0o600 {
		t.Errorf("new file: %q %v, want \"one\" -rw-------", read(p), st.Mode().Perm())
	}

	// An existing file keeps its mode.
	os.Chmod(p, 0o640)
	if err := fileutil.WriteAtomic(p, []byte("two"), 0o600); err != nil {
		t.Fatal(err)
	}
	if st, _ := os.Stat(p); read(p) != "two" || st.Mode().Perm() != 0o640 {
		t.Errorf("rewritten file: %q %v, want \"two\" -rw-r-----", read(p), st.Mode().Perm())
	}

	// A symbolic link is followed: the link stays, its target changes.
	link := filepath.Join(dir, "link.txt")
	if err := os.Symlink("new.txt", link); err != nil {
		t.Skip("no symbolic links here:", err)
	}
	if err := fileutil.WriteAtomic(link, []byte("three"), 0o600); err != nil {
		t.Fatal(err)
	}
	if st, _ := os.Lstat(link); st.Mode()&os.ModeSymlink == 0 || read(p) != "three" {
		t.Errorf("link replaced, or its target not written (%q)", read(p))
	}

	// Errors say what is wrong, in the user's terms, and leave no temporary file behind.
	tests := []struct{ path, want string }{
		{dir, dir + " is a directory"},
		{filepath.Join(dir, "no", "such.txt"), "cannot create a file in " + filepath.Join(dir, "no") + ": no such file or directory"},
	}
	for _, tt := range tests {
		err := fileutil.WriteAtomic(tt.path, []byte("x"), 0o644)
		if err == nil || err.Error() != tt.want {
			t.Errorf("WriteAtomic(%s) = %v, want %q", tt.path, err, tt.want)
		}
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".tmp") {
			t.Errorf("temporary file %s left behind", e.Name())
		}
	}
}
