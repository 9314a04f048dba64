package rulefile

import (
	"cmp"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/katafilter/katafilter/lang"
	"github.com/katafilter/katafilter/lang/ast"
	"github.com/katafilter/katafilter/lang/diag"
	"github.com/katafilter/katafilter/lang/explain"
	"github.com/katafilter/katafilter/lang/schema"
	"github.com/katafilter/katafilter/lang/schema/schemafile"
)

// KindOf returns the kind of a file by its name's extension, 0 for a file that is not a rule
// file.
func KindOf(name string) Kind {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".kfl":
		return KFL
	case ".yaml", ".yml":
		return YAML
	case ".json":
		return JSON
	}
	return 0
}

// Checker is a validated configuration ready to check files: its keys as a set and the
// language configuration it implies (with the schema extension read).
type Checker struct {
	*Config
	Lang lang.Config
	Keys map[string]bool
}

// NewChecker prepares a validated configuration for checking; it reads the schema extension
// the configuration names.
func NewChecker(c *Config) (*Checker, error) {
	ck := &Checker{Config: c, Keys: map[string]bool{}}
	for _, k := range c.Keys {
		ck.Keys[k] = true
	}
	ck.Lang = lang.Config{Strict: c.Strict, AllowUnknownFields: c.AllowUnknownFields, IgnoreCase: c.IgnoreCase}
	if c.Schema != "" {
		sp := c.Schema
		if !filepath.IsAbs(sp) && c.File != "" {
			sp = filepath.Join(c.Dir, sp)
		}
		data, err := os.ReadFile(sp)
		if err != nil {
			return nil, fmt.Errorf("schema: %w", err)
		}
		s, err := schemafile.Extend(schema.Default(), data, sp)
		if err != nil {
			return nil, err
		}
		ck.Lang.Schema = s
	}
	return ck, nil
}

// Extract finds the filters of a file of kind k and the problems of the file itself (a YAML
// or JSON file that does not parse, a filter key that does not hold a string, a tests
// section of the wrong shape).
func Extract(src string, lines *ast.LineTable, k Kind, keys map[string]bool) ([]*Site, []Problem) {
	switch k {
	case KFL:
		return kflSites(src), nil
	case YAML:
		sites, probs := yamlSites(src, lines, keys)
		return sites, append(probs, notUTF8(src)...)
	case JSON:
		sites, probs := jsonSites(src, lines, keys)
		return sites, append(probs, notUTF8(src)...)
	}
	return nil, nil
}

// notUTF8 reports the first bytes of a YAML or JSON file that are not UTF-8. Their parsers
// read such bytes as U+FFFD, so the checker would never see them in a filter (in a .kfl file,
// it does: KF0111 on the string constant).
func notUTF8(src string) []Problem {
	bad, ok := ast.FirstInvalidUTF8(src)
	if !ok {
		return nil
	}
	return []Problem{{Span: bad, Code: diag.InvalidUTF8, Message: "the file holds " + ast.NameBytes(src[bad.Start:bad.End]) +
		", which is not UTF-8: YAML and JSON are read as UTF-8, and a filter holding such bytes could never match an event"}}
}

// Finding is one problem of a rule file, as lint reports it and the language server shows it.
type Finding struct {
	// Diagnostic is the problem; its spans are byte offsets into the file, its severity the
	// configured one.
	diag.Diagnostic
	// Filter is the text of the filter the finding is about, "" for a problem of the file.
	Filter string
	// Explanation is the per-clause explanation of a failed rule test.
	Explanation string
	// Site is the index of the filter's site, -1 for a problem of the file.
	Site int
}

// Check extracts the filters of a file, analyses them with the checker's language
// configuration and returns the sites with the file's findings (see [Findings]).
func Check(src string, lines *ast.LineTable, k Kind, c *Checker) ([]*Site, []Finding) {
	sites, probs := Extract(src, lines, k, c.Keys)
	filters := make([]*lang.Filter, len(sites))
	for i, s := range sites {
		filters[i] = lang.Analyze(s.Map.Text, c.Lang)
	}
	return sites, Findings(lines, k, sites, probs, filters, c)
}

// Findings returns the findings of a file, sorted by position: its problems, the
// diagnostics of each filter (filters[i] is the analysis of sites[i]) moved into the file,
// the failed rule tests, with the configured severities (a code turned off is dropped) and
// the suppression comments applied (and checked themselves).
func Findings(lines *ast.LineTable, k Kind, sites []*Site, probs []Problem, filters []*lang.Filter, c *Checker) []Finding {
	perSite := make([][]Finding, len(sites))
	for i, s := range sites {
		perSite[i] = SiteFindings(i, s, filters[i], c)
	}
	return Finish(lines, k, sites, probs, perSite, c)
}

// SiteFindings returns the findings of filter i of a file, before the configured severities
// and the suppressions apply: its diagnostics moved into the file, its failed rule tests and
// missing tests. They depend on the filter and its place only, so that an editor may keep
// them while other filters change (moving them with [Finding.Shifted]).
func SiteFindings(i int, s *Site, f *lang.Filter, c *Checker) []Finding {
	var out []Finding
	for _, d := range f.Diagnostics {
		out = append(out, Finding{Diagnostic: MapDiagnostic(d, s.Map), Site: i, Filter: s.Map.Text})
	}
	out = append(out, runTests(s, f, i)...)
	if len(s.Samples) == 0 && (c.RequireTests || s.TestsTypo != "") {
		out = append(out, missingTests(s, i, c.RequireTests))
	}
	return out
}

// Shifted returns the finding moved by delta bytes in the file, for the site at index site.
func (f Finding) Shifted(delta, site int) Finding {
	f.Site = site
	if delta == 0 {
		return f
	}
	f.Span = f.Span.Shift(delta)
	if len(f.Fixes) > 0 {
		fixes := make([]diag.Fix, len(f.Fixes))
		for i, fx := range f.Fixes {
			edits := make([]diag.Edit, len(fx.Edits))
			for k, e := range fx.Edits {
				edits[k] = diag.Edit{Span: e.Span.Shift(delta), NewText: e.NewText}
			}
			fixes[i] = diag.Fix{Title: fx.Title, Edits: edits, Safe: fx.Safe}
		}
		f.Fixes = fixes
	}
	return f
}

// Finish completes the findings of a file from those of its sites (perSite[i], see
// [SiteFindings]): it adds the problems of the file, applies the configured severities (a code
// turned off is dropped) and the suppression comments (checked themselves), and sorts them by
// position.
func Finish(lines *ast.LineTable, k Kind, sites []*Site, probs []Problem, perSite [][]Finding, c *Checker) []Finding {
	var findings []Finding
	for _, p := range probs {
		findings = append(findings, Finding{Diagnostic: diag.Diagnostic{Span: p.Span, Severity: DefaultSeverity(p.Code),
			Code: p.Code, Message: p.Message}, Site: -1})
	}
	for _, fs := range perSite {
		findings = append(findings, fs...)
	}
	// Configured severities; then the suppressions, which may be reported themselves.
	kept := findings[:0]
	for _, f := range findings {
		if sev := c.SeverityOf(f.Code, f.Severity); sev != 0 {
			f.Severity = sev
			kept = append(kept, f)
		}
	}
	findings = kept
	if k == KFL || k == YAML {
		findings = applySuppressions(lines, k, sites, findings, c.Config)
	}
	slices.SortStableFunc(findings, func(a, b Finding) int {
		return cmp.Or(cmp.Compare(a.Span.Start, b.Span.Start), cmp.Compare(a.Span.End, b.Span.End),
			cmp.Compare(a.Severity, b.Severity), cmp.Compare(a.Code, b.Code))
	})
	return findings
}

// MapDiagnostic moves a filter's diagnostic, and the edits of its fixes, into the file.
func MapDiagnostic(d diag.Diagnostic, m *TextMap) diag.Diagnostic {
	d.Span = m.Span(d.Span)
	if len(d.Fixes) > 0 {
		fixes := make([]diag.Fix, len(d.Fixes))
		for i, f := range d.Fixes {
			edits := make([]diag.Edit, len(f.Edits))
			for k, e := range f.Edits {
				edits[k] = diag.Edit{Span: m.Span(e.Span), NewText: e.NewText}
			}
			fixes[i] = diag.Fix{Title: f.Title, Edits: edits, Safe: f.Safe}
		}
		d.Fixes = fixes
	}
	return d
}

// runTests checks the rule's sample events; a filter with errors is not run.
func runTests(s *Site, f *lang.Filter, siteIdx int) []Finding {
	if len(s.Samples) == 0 {
		return nil
	}
	prog, err := f.Program()
	if err != nil {
		return nil
	}
	ex, err := explain.NewFilter(f)
	if err != nil {
		return nil
	}
	s.Ran = len(s.Samples)
	var out []Finding
	for _, smp := range s.Samples {
		if prog.Match(smp.Event) == smp.Match {
			continue
		}
		list, verb := "nomatch", "matches"
		if smp.Match {
			list, verb = "match", "does not match"
		}
		out = append(out, Finding{
			Diagnostic: diag.Diagnostic{Span: smp.Span, Severity: diag.Error, Code: TestFailed,
				Message: fmt.Sprintf("tests.%s[%d]: the filter %s this event", list, smp.Index, verb)},
			Filter: s.Map.Text, Explanation: ex.Explain(smp.Event).String(), Site: siteIdx,
		})
	}
	return out
}

// missingTests reports a filter without rule tests: an error when the configuration requires
// them (require-tests), a warning when only a key that looks like a misspelled tests was found.
func missingTests(s *Site, siteIdx int, required bool) Finding {
	msg := "no rule tests found for this filter: write tests: {match: [...], nomatch: [...]} beside its key, or in a mapping around it"
	sev := diag.Error
	if s.TestsTypo != "" {
		msg = fmt.Sprintf("no rule tests found for this filter: the key %s looks like a misspelling of tests", s.TestsTypo)
	}
	if !required {
		sev = diag.Warning
	}
	return Finding{Diagnostic: diag.Diagnostic{Span: ast.Span{Start: s.Start, End: s.End}, Severity: sev, Code: MissingTests, Message: msg},
		Filter: s.Map.Text, Site: siteIdx}
}
