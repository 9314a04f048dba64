package rulefile

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"

	"github.com/katafilter/katafilter/lang"
	"github.com/katafilter/katafilter/lang/ast"
	"github.com/katafilter/katafilter/lang/relate"
)

// Since reads rule files as they were at a git revision, so that a filter can be compared
// with what it was: lint --base reports each changed filter (KL0008), the language server says
// it in a hover. It runs git; it is safe for concurrent use.
type Since struct {
	Rev     string
	mu      sync.Mutex
	tops    map[string]string          // directory -> the top of its work tree
	changed map[string]map[string]bool // top -> the paths (relative, slashes) changed since Rev
}

// NewSince returns a reader of the revision rev (a commit, branch or tag).
func NewSince(rev string) *Since {
	return &Since{Rev: rev, tops: map[string]string{}, changed: map[string]map[string]bool{}}
}

func git(dir string, args ...string) (string, error) {
	cmd := exec.Command("git", append([]string{"-C", dir}, args...)...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		if msg := strings.TrimSpace(errb.String()); msg != "" {
			return "", fmt.Errorf("git %s: %s", strings.Join(args, " "), msg)
		}
		return "", fmt.Errorf("git %s: %w", strings.Join(args, " "), err)
	}
	return out.String(), nil
}

// Check makes sure that dir is in a git work tree in which the revision names a commit.
func (g *Since) Check(dir string) error {
	top, err := g.top(dir)
	if err != nil {
		return err
	}
	if _, err := git(top, "rev-parse", "--verify", "--quiet", g.Rev+"^{commit}"); err != nil {
		return fmt.Errorf("--base %s: not a commit of the repository at %s", g.Rev, top)
	}
	return nil
}

func (g *Since) top(dir string) (string, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if t, ok := g.tops[dir]; ok {
		return t, nil
	}
	out, err := git(dir, "rev-parse", "--show-toplevel")
	if err != nil {
		return "", fmt.Errorf("--base needs a git work tree: %v", err)
	}
	t := strings.TrimSpace(out)
	g.tops[dir] = t
	return t, nil
}

// changedSince returns the files of the work tree at top that differ from the revision or are
// not tracked: two git commands for the whole tree, so that an unchanged file costs nothing.
func (g *Since) changedSince(top string) (map[string]bool, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if c, ok := g.changed[top]; ok {
		return c, nil
	}
	c := map[string]bool{}
	for _, args := range [][]string{{"diff", "--name-only", "-z", "--no-renames", g.Rev, "--"}, {"ls-files", "-z", "--others", "--exclude-standard"}} {
		out, err := git(top, args...)
		if err != nil {
			return nil, err
		}
		for _, p := range strings.Split(out, "\x00") {
			if p != "" {
				c[p] = true
			}
		}
	}
	g.changed[top] = c
	return c, nil
}

// Old returns the content of the file at abs as it was at the revision, and false when the
// file did not exist then. With onDisk, a file that git sees unchanged since the revision
// (the work tree's, as lint reads it) is not read: same is set instead. An editor's buffer
// is not the file on disk: it asks without onDisk.
func (g *Since) Old(abs string, onDisk bool) (content string, existed, same bool, err error) {
	real, err := filepath.EvalSymlinks(abs)
	if err != nil {
		return "", false, false, err
	}
	top, err := g.top(filepath.Dir(real))
	if err != nil {
		return "", false, false, err
	}
	rel, err := filepath.Rel(top, real)
	if err != nil {
		return "", false, false, err
	}
	rel = filepath.ToSlash(rel)
	if onDisk {
		changed, err := g.changedSince(top)
		if err != nil {
			return "", false, false, err
		}
		if !changed[rel] {
			return "", true, true, nil
		}
	}
	spec := g.Rev + ":" + rel
	if _, err := git(top, "cat-file", "-e", spec); err != nil {
		return "", false, false, nil
	}
	out, err := git(top, "cat-file", "blob", spec)
	return out, err == nil, false, err
}

// Change is a filter that is new or changed since the revision.
type Change struct {
	Site int    // the index of its site in the file now
	Old  string // the filter it was; "" (with New set) for a filter that is new
	New  bool
}

// Changes pairs the filters of a file now (sites) with those of its old content (oldSrc, of
// kind k, read with the keys; existed false for a file that is new). A filter whose canonical
// text is found unchanged in the old file has not changed; the others are paired with the old
// file's remaining filters in order of appearance, and those left over are new.
func Changes(oldSrc string, existed bool, k Kind, keys map[string]bool, sites []*Site) []Change {
	var oldTexts []string
	if existed {
		oldSites, _ := Extract(oldSrc, ast.NewLineTable(oldSrc), k, keys)
		for _, s := range oldSites {
			oldTexts = append(oldTexts, s.Map.Text)
		}
	}
	unchanged := map[string]int{}
	for _, t := range oldTexts {
		unchanged[CanonicalText(t)]++
	}
	var changed []int // sites whose text is not in the old file
	for i, s := range sites {
		if c := CanonicalText(s.Map.Text); unchanged[c] > 0 {
			unchanged[c]--
		} else {
			changed = append(changed, i)
		}
	}
	var gone []string // the old filters not found unchanged, in order
	for _, t := range oldTexts {
		if c := CanonicalText(t); unchanged[c] > 0 {
			unchanged[c]--
			gone = append(gone, t)
		}
	}
	out := make([]Change, len(changed))
	for n, i := range changed {
		out[n] = Change{Site: i, New: true}
		if n < len(gone) {
			out[n] = Change{Site: i, Old: gone[n]}
		}
	}
	return out
}

// CanonicalText is a filter's canonical form (as katafilter fmt prints it), or its words
// joined by single spaces when it does not parse: the identity of a filter across edits that
// only reformat it.
func CanonicalText(filter string) string {
	if s, diags := lang.Format(filter); s != "" && !diags.HasErrors() {
		return s
	}
	return strings.Join(strings.Fields(filter), " ")
}

// DescribeChange says how the filter new, which was old at revision rev, changed: what
// [relate.Compare] decides, with its witnesses.
func DescribeChange(old, new, rev string, cfg lang.Config) string {
	fo, fn := lang.Analyze(old, cfg), lang.Analyze(new, cfg)
	if fo.Diagnostics.HasErrors() || fn.Diagnostics.HasErrors() {
		return "changed since " + rev + " (not compared: the old or the new filter has errors)"
	}
	r, err := relate.Compare(relate.Filter{Expr: fo.Expr, Info: fo.Info}, relate.Filter{Expr: fn.Expr, Info: fn.Info},
		relate.Options{Schema: cfg.Schema, IgnoreCase: cfg.IgnoreCase})
	if err != nil {
		return "changed since " + rev + " (not compared: " + err.Error() + ")"
	}
	witness := func(ev relate.Event) string {
		b, _ := json.Marshal(ev)
		return string(b)
	}
	msg := "changed since " + rev + ": "
	switch r.Relation {
	case relate.Equivalent:
		return msg + "it matches the same events as before"
	case relate.Broader:
		return msg + "broader: it matches every event it matched before, and more, such as " + witness(r.OnlyNew.Witness)
	case relate.Narrower:
		return msg + "narrower: it no longer matches some events it matched before, such as " + witness(r.OnlyOld.Witness)
	case relate.Incomparable:
		return msg + "it now matches " + witness(r.OnlyNew.Witness) + ", which it did not before, and no longer matches " + witness(r.OnlyOld.Witness)
	}
	msg += "how its matches changed is unknown"
	if r.OnlyNew.Witness != nil {
		msg += "; it now matches " + witness(r.OnlyNew.Witness) + ", which it did not before"
	}
	if r.OnlyOld.Witness != nil {
		msg += "; it no longer matches " + witness(r.OnlyOld.Witness)
	}
	return msg
}
