package lint

import (
	"fmt"
	"slices"
	"strings"

	"github.com/katafilter/katafilter/lang"
	"github.com/katafilter/katafilter/lang/ast"
	"github.com/katafilter/katafilter/lang/diag"
	"github.com/katafilter/katafilter/rulefile"
)

// fixText applies the safe fixes of a filter's diagnostics and, for a filter on one line,
// canonical formatting. A filter written over several lines keeps its layout: formatting
// would join its lines. It returns the new text split into the body and the line breaks that
// end it (which a block scalar keeps as they are). The fixes of a diagnostic whose code held
// reports true are not applied (nil holds nothing).
func fixText(text string, cfg lang.Config, held func(diag.Code) bool) (body, trailing string) {
	// A syntax error hides the checker's findings: fix again until nothing changes.
	fixed := text
	for range 3 {
		next := safeFixes(fixed, cfg, held)
		if next == fixed {
			break
		}
		fixed = next
	}
	body = strings.TrimRight(fixed, "\n")
	trailing = fixed[len(body):]
	if !strings.Contains(body, "\n") {
		if formatted, diags := lang.Format(body); formatted != "" && !diags.HasErrors() {
			body = formatted
		}
	}
	return body, trailing
}

// safeFixes applies the first safe fix of each diagnostic of text whose code is not held,
// skipping any that overlaps one already taken.
func safeFixes(text string, cfg lang.Config, held func(diag.Code) bool) string {
	f := lang.Analyze(text, cfg)
	var edits []diag.Edit
	taken := []ast.Span{}
	for _, d := range f.Diagnostics {
		if held != nil && held(d.Code) {
			continue
		}
		for _, fx := range d.Fixes {
			if !fx.Safe {
				continue
			}
			ok := true
			for _, e := range fx.Edits {
				for _, t := range taken {
					if e.Span.Start < t.End && t.Start < e.Span.End || e.Span == t {
						ok = false
					}
				}
			}
			if ok {
				edits = append(edits, fx.Edits...)
				for _, e := range fx.Edits {
					taken = append(taken, e.Span)
				}
			}
			break
		}
	}
	fixed, err := diag.ApplyEdits(text, edits)
	if err != nil {
		return text
	}
	return fixed
}

// fixFile returns src with every filter fixed, notes on the filters it could not fix, and
// whether anything changed. Each filter is written back in the way it was written (the same
// YAML scalar style, a JSON string, a .kfl line); the file is read again afterwards, and a
// filter that does not read back as intended is left as it was, with a note.
func fixFile(src string, k rulefile.Kind, cfg *rulefile.Checker) (string, []string, bool) {
	lines := ast.NewLineTable(src)
	sites, probs := rulefile.Extract(src, lines, k, cfg.Keys)
	for _, p := range probs {
		if p.Code == rulefile.InvalidFile {
			return src, nil, false
		}
	}
	// A finding that is suppressed in the file, or whose code the configuration turns off,
	// is accepted as it is: its fix is not applied.
	var rws []rulefile.Rewrite
	var sups []*rulefile.Suppression
	if k == rulefile.KFL || k == rulefile.YAML {
		sups = rulefile.ValidSuppressions(rulefile.ParseSuppressions(lines, k == rulefile.KFL))
	}
	for i, s := range sites {
		held := func(c diag.Code) bool {
			if cfg.SeverityOf(c, rulefile.DefaultSeverity(c)) == 0 {
				return true
			}
			for _, sp := range sups {
				if sp.Target == s.KeyLine && slices.Contains(sp.Codes, c) {
					return true
				}
			}
			return false
		}
		body, trailing := fixText(s.Map.Text, cfg.Lang, held)
		if body+trailing != s.Map.Text {
			rws = append(rws, rulefile.Rewrite{Site: i, Body: body, Trailing: trailing})
		}
	}
	edits, notes := rulefile.Apply(src, k, cfg.Keys, sites, rws)
	var out []string
	for _, n := range notes {
		line := 0
		if n.Site >= 0 {
			line = lines.Position(sites[n.Site].Start).Line
		}
		out = append(out, fmt.Sprintf("%d: fix not applied: %s", line, n.Reason))
	}
	if len(edits) == 0 {
		return src, out, false
	}
	fixed, err := diag.ApplyEdits(src, edits)
	if err != nil {
		return src, append(out, "0: fix not applied: "+err.Error()), false
	}
	return fixed, out, true
}
