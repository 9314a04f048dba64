package lint

import (
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/katafilter/katafilter/rulefile"
)

// walker walks directory trees for rule files, following symbolic links: a link to a rule
// file is linted like the file, a link to a directory is walked like the directory. Each
// directory is walked once however many links lead to it, so that a link loop ends and a tree
// reached twice is not linted twice; what is not followed is said in a note.
type walker struct {
	base   string            // reported paths are relative to it
	walked map[string]string // real directory -> the path it was walked as
	notes  []string
}

func newWalker(base string) *walker { return &walker{base: base, walked: map[string]string{}} }

func (w *walker) display(p string) string {
	if rel, err := filepath.Rel(w.base, p); err == nil {
		return filepath.ToSlash(rel)
	}
	return filepath.ToSlash(p)
}

// walk calls visit for each rule file under dir (hidden files and directories and
// node_modules left out, except dir itself). The stack holds the real directories being
// walked, to tell a loop from a directory already walked elsewhere.
func (w *walker) walk(dir string, visit func(string)) error {
	return w.walkDir(dir, map[string]bool{}, visit)
}

func (w *walker) walkDir(dir string, stack map[string]bool, visit func(string)) error {
	real, err := filepath.EvalSymlinks(dir)
	if err != nil {
		return err
	}
	if stack[real] {
		w.notes = append(w.notes, w.display(dir)+": symbolic link loop (it leads back to "+w.display(w.walked[real])+"), not followed")
		return nil
	}
	if first, ok := w.walked[real]; ok {
		w.notes = append(w.notes, w.display(dir)+": the same directory as "+w.display(first)+", linted there")
		return nil
	}
	w.walked[real] = dir
	stack[real] = true
	defer delete(stack, real)
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	slices.SortFunc(entries, func(a, b os.DirEntry) int { return strings.Compare(a.Name(), b.Name()) })
	for _, e := range entries {
		q := filepath.Join(dir, e.Name())
		hidden := strings.HasPrefix(e.Name(), ".")
		typ := e.Type()
		if typ&os.ModeSymlink != 0 {
			st, err := os.Stat(q)
			if err != nil {
				if !hidden && (rulefile.KindOf(q) != 0 || filepath.Ext(q) == "") {
					w.notes = append(w.notes, w.display(q)+": broken symbolic link, not linted")
				}
				continue
			}
			typ = st.Mode().Type()
		}
		switch {
		case typ.IsDir():
			if hidden || e.Name() == "node_modules" {
				continue
			}
			if err := w.walkDir(q, stack, visit); err != nil {
				return err
			}
		case typ.IsRegular():
			if !hidden && rulefile.KindOf(q) != 0 {
				visit(q)
			}
		}
	}
	return nil
}
