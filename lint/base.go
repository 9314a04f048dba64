package lint

import (
	"github.com/katafilter/katafilter/lang/ast"
	"github.com/katafilter/katafilter/lang/diag"
	"github.com/katafilter/katafilter/rulefile"
)

// sinceFindings returns a KL0008 finding for each filter of the file (its sites, in src)
// that is new or changed since the revision of since, saying how its matches changed.
func sinceFindings(since *rulefile.Since, j job, lines *ast.LineTable, sites []*rulefile.Site) ([]Finding, error) {
	oldSrc, existed, same, err := since.Old(j.abs, true)
	if err != nil || same {
		return nil, err
	}
	var out []Finding
	for _, c := range rulefile.Changes(oldSrc, existed, rulefile.KindOf(j.abs), j.cfg.Keys, sites) {
		s := sites[c.Site]
		msg := "new since " + since.Rev
		if !c.New {
			msg = rulefile.DescribeChange(c.Old, s.Map.Text, since.Rev, j.cfg.Lang)
		}
		span := ast.Span{Start: s.Start, End: s.End}
		out = append(out, Finding{File: j.display,
			Finding: rulefile.Finding{Diagnostic: diag.Diagnostic{Span: span, Severity: diag.Info, Code: rulefile.ChangedFilter, Message: msg},
				Filter: s.Map.Text, Site: c.Site},
			Start: lines.Position(span.Start), End: lines.Position(span.End)})
	}
	return out, nil
}
