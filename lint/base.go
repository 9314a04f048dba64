package lint

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
	"github.com/katafilter/katafilter/lang/diag"
	"github.com/katafilter/katafilter/lang/relate"
	"github.com/katafilter/katafilter/rulefile"
)

// gitBase reads rule files as they were at a git revision, for lint --base: each changed
// filter is reported (KL0008) with how its matches changed.
type gitBase struct {
	rev     string
	mu      sync.Mutex
	tops    map[string]string          // directory -> the top of its work tree
	changed map[string]map[string]bool // top -> the paths (relative, slashes) changed since rev
}

func newGitBase(rev string) *gitBase {
	return &gitBase{rev: rev, tops: map[string]string{}, changed: map[string]map[string]bool{}}
}

// changedSince returns the files of the work tree at top that differ from the revision or are
// not tracked: two git commands for the whole tree, so that an unchanged file costs nothing.
func (g *gitBase) changedSince(top string) (map[string]bool, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if c, ok := g.changed[top]; ok {
		return c, nil
	}
	c := map[string]bool{}
	for _, args := range [][]string{{"diff", "--name-only", "-z", "--no-renames", g.rev, "--"}, {"ls-files", "-z", "--others", "--exclude-standard"}} {
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

// check makes sure that dir is in a git work tree in which the revision names a commit.
func (g *gitBase) check(dir string) error {
	top, err := g.top(dir)
	if err != nil {
		return err
	}
	if _, err := git(top, "rev-parse", "--verify", "--quiet", g.rev+"^{commit}"); err != nil {
		return fmt.Errorf("--base %s: not a commit of the repository at %s", g.rev, top)
	}
	return nil
}

func (g *gitBase) top(dir string) (string, error) {
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

// old returns the content of the file at abs as it was at the revision, and false when the
// file did not exist then; same is set when the file has not changed since.
func (g *gitBase) old(abs string) (content string, existed, same bool, err error) {
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
	changed, err := g.changedSince(top)
	if err != nil {
		return "", false, false, err
	}
	if !changed[filepath.ToSlash(rel)] {
		return "", true, true, nil
	}
	spec := g.rev + ":" + filepath.ToSlash(rel)
	if _, err := git(top, "cat-file", "-e", spec); err != nil {
		return "", false, false, nil
	}
	out, err := git(top, "cat-file", "blob", spec)
	return out, err == nil, false, err
}

// changes returns a KL0008 finding for each filter of the file (its sites, in src) that is
// new or changed since the revision. Filters whose canonical text is the same at the
// revision are unchanged; the others are paired with the changed filters of the old file in
// order of appearance.
func (g *gitBase) changes(j job, src string, lines *ast.LineTable, sites []*rulefile.Site) ([]Finding, error) {
	oldSrc, existed, same, err := g.old(j.abs)
	if err != nil || same {
		return nil, err
	}
	var oldTexts []string
	if existed {
		oldSites, _ := rulefile.Extract(oldSrc, ast.NewLineTable(oldSrc), rulefile.KindOf(j.abs), j.cfg.Keys)
		for _, s := range oldSites {
			oldTexts = append(oldTexts, s.Map.Text)
		}
	}
	unchanged := map[string]int{}
	for _, t := range oldTexts {
		unchanged[canonicalText(t)]++
	}
	var changed []int // sites whose text is not in the old file
	for i, s := range sites {
		if k := canonicalText(s.Map.Text); unchanged[k] > 0 {
			unchanged[k]--
		} else {
			changed = append(changed, i)
		}
	}
	var gone []string // the old filters not found unchanged, in order
	for _, t := range oldTexts {
		if k := canonicalText(t); unchanged[k] > 0 {
			unchanged[k]--
			gone = append(gone, t)
		}
	}
	var out []Finding
	for n, i := range changed {
		s := sites[i]
		msg := "new since " + g.rev
		if n < len(gone) {
			msg = describeChange(gone[n], s.Map.Text, g.rev, j.cfg.Lang)
		}
		span := ast.Span{Start: s.Start, End: s.End}
		out = append(out, Finding{File: j.display,
			Finding: rulefile.Finding{Diagnostic: diag.Diagnostic{Span: span, Severity: diag.Info, Code: rulefile.ChangedFilter, Message: msg},
				Filter: s.Map.Text, Site: i},
			Start: lines.Position(span.Start), End: lines.Position(span.End)})
	}
	return out, nil
}

// describeChange says how the filter new, which was old at the revision, changed.
func describeChange(old, new, rev string, cfg lang.Config) string {
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
