package lsp

import (
	"slices"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/katafilter/katafilter/lang"
	"github.com/katafilter/katafilter/lang/ast"
	"github.com/katafilter/katafilter/lang/diag"
	"github.com/katafilter/katafilter/lang/ide"
	"github.com/katafilter/katafilter/rulefile"
)

// ruleDoc is one version of a YAML or JSON rule file: the filters inside it, found by
// package rulefile exactly as lint finds them, each analysed. Every feature works inside the
// filter values only, in the filter's own terms, and maps what it finds back into the file;
// the rest of the file is left to the editor's YAML or JSON server. A ruleDoc never changes
// once made.
type ruleDoc struct {
	text    string
	kind    rulefile.Kind
	ck      *rulefile.Checker
	lines   *ast.LineTable
	sites   []*rulefile.Site // in the order rulefile finds them
	byStart []int            // the indexes of sites in file order
	probs   []rulefile.Problem
	filters []*lang.Filter       // filters[i] analyses sites[i]
	perSite [][]rulefile.Finding // perSite[i]: the findings of sites[i] (rulefile.SiteFindings)
}

// newRuleDoc reads the filters of text. A file that the configuration does not select
// (include/exclude) has none. prev lends the analyses of filters whose text and
// configuration have not changed.
func newRuleDoc(text string, kind rulefile.Kind, ck *rulefile.Checker, selected bool, prev *ruleDoc) *ruleDoc {
	d := &ruleDoc{text: text, kind: kind, ck: ck, lines: ast.NewLineTable(text)}
	if !selected {
		return d
	}
	d.sites, d.probs = rulefile.Extract(text, d.lines, kind, ck.Keys)
	d.byStart = make([]int, len(d.sites))
	for i := range d.byStart {
		d.byStart[i] = i
	}
	sort.SliceStable(d.byStart, func(i, j int) bool { return d.sites[d.byStart[i]].Start < d.sites[d.byStart[j]].Start })
	done := map[string]*lang.Filter{}
	if prev != nil && prev.ck == ck {
		for _, f := range prev.filters {
			done[f.Source] = f
		}
	}
	d.filters = make([]*lang.Filter, len(d.sites))
	d.perSite = make([][]rulefile.Finding, len(d.sites))
	for i, s := range d.sites {
		f, ok := done[s.Map.Text]
		if !ok {
			f = lang.Analyze(s.Map.Text, ck.Lang)
		}
		d.filters[i] = f
		d.perSite[i] = rulefile.SiteFindings(i, s, f, ck)
	}
	return d
}

// edit returns the document after the bytes [a, b) of its text are replaced by ins, without
// reading the file again: only when the edit stays inside one filter value, on one line, and
// deletes and inserts only characters that the value's style reads as they are (no quote or
// escape of that style, no line break, no blank where the style would drop it; in a plain
// scalar no `:` or `#`, and no `,[]{}` inside a flow collection; nothing at its start), or
// when it cuts a line of a literal block in two (see [ruleDoc.lineBreak]). The other filters
// keep their analyses and findings, moved. ok is false otherwise: the caller reads the file
// again.
func (d *ruleDoc) edit(a, b int, ins string) (*ruleDoc, bool) {
	k, _, ok := d.siteAt(a)
	if !ok || a > b || b > len(d.text) {
		return nil, false
	}
	s := d.sites[k]
	if !s.Map.Contains(b) || s.Scalar != nil && (s.Scalar.Style == '|' || s.Scalar.Style == '>') && !d.wellIndented(s) {
		return nil, false
	}
	if !utf8.ValidString(ins) || a < len(d.text) && !utf8.RuneStart(d.text[a]) || b < len(d.text) && !utf8.RuneStart(d.text[b]) {
		return nil, false // a character cut in two
	}
	if changed := d.text[a:b] + ins; !utf8.ValidString(changed) || strings.ContainsFunc(changed, unprintable) {
		return nil, false // YAML refuses it (JSON inside a string too), and the file says so
	}
	if d.testOnLine(a, b) {
		return nil, false
	}
	text := d.text[:a] + ins + d.text[b:]
	m, lines, ok := d.lineBreak(s, a, b, ins)
	if !ok {
		m, ok = d.inPlace(s, text, a, b, ins)
	}
	if !ok {
		return nil, false
	}
	return d.spliced(k, m, text, a, b, len(ins)-(b-a), lines), true
}

// wellIndented reports whether the block scalar of s is YAML as written: not inside a flow
// collection, its content indented more than its key (the YAML library reads some blocks that
// are neither, but not as it reads them once edited).
func (d *ruleDoc) wellIndented(s *rulefile.Site) bool {
	key := strings.Index(d.lines.Line(s.KeyLine), s.Key+":")
	return !s.Scalar.Flow && key >= 0 && s.Scalar.Indent > key
}

// testOnLine reports whether a rule test, or a problem of the file, is written on a line of
// the bytes [a, b), or a problem quotes lines of the file: what is said about them may quote
// the line (an event that does not read), which the edit changes.
func (d *ruleDoc) testOnLine(a, b int) bool {
	ls := strings.LastIndexByte(d.text[:a], '\n') + 1
	le := len(d.text)
	if i := strings.IndexByte(d.text[b:], '\n'); i >= 0 {
		le = b + i
	}
	on := func(sp ast.Span) bool { return sp.Start <= le && sp.End >= ls }
	for _, s := range d.sites {
		if slices.ContainsFunc(s.Samples, func(smp rulefile.Sample) bool { return on(smp.Span) }) {
			return true
		}
	}
	// A problem that quotes the file (the YAML library's excerpt of lines) may quote any line.
	return slices.ContainsFunc(d.probs, func(p rulefile.Problem) bool { return on(p.Span) || strings.Contains(p.Message, "\n") })
}

// lineBreak returns the map of filter s after ins, a line break and blanks, is inserted at a,
// inside a line of a literal block (|) scalar: the line is cut in two, both with text, and the
// second part indented at least as the block. lines is the number of lines it adds (1).
func (d *ruleDoc) lineBreak(s *rulefile.Site, a, b int, ins string) (*rulefile.TextMap, int, bool) {
	if d.kind != rulefile.YAML || s.Scalar == nil || s.Scalar.Style != '|' || a != b || !strings.HasPrefix(ins, "\n") ||
		strings.Trim(ins[1:], " ") != "" {
		return nil, 0, false
	}
	ls := strings.LastIndexByte(d.text[:a], '\n') + 1
	le := len(d.text)
	if i := strings.IndexByte(d.text[a:], '\n'); i >= 0 {
		le = a + i
	}
	line, rest := d.text[ls:le], strings.TrimLeft(d.text[a:le], " ")
	if strings.TrimSpace(d.text[ls:a]) == "" || rest == "" || strings.ContainsAny(line, "\r\t") ||
		strings.ContainsRune("-?:#,[]{}&*!|>'\"%@`", rune(rest[0])) ||
		strings.Contains(line, ": ") || strings.Contains(line, " #") || strings.HasSuffix(strings.TrimRight(d.text[ls:a], " "), ":") {
		return nil, 0, false // a part without text, or a line that the YAML library may read otherwise
	}
	m, ok := s.Map.SpliceBreak(a, len(ins)-1, s.Scalar.Indent)
	return m, 1, ok
}

// inPlace returns the map of filter s after the bytes [a, b) are replaced by ins on one line,
// making text, if the value's style reads them as they are (see [ruleDoc.edit]).
func (d *ruleDoc) inPlace(s *rulefile.Site, text string, a, b int, ins string) (*rulefile.TextMap, bool) {
	changed := d.text[a:b] + ins
	special := "\n\r\t"
	switch {
	case d.kind == rulefile.JSON || s.Scalar != nil && s.Scalar.Style == '"':
		special += `"\`
	case s.Scalar != nil && s.Scalar.Style == '\'':
		special += "'"
	case s.Scalar != nil && (s.Scalar.Style == '|' || s.Scalar.Style == '>'):
	default: // plain: what could end it or start a comment (a quote starts a scalar only as its first character, which is never spliced)
		special += ":#"
		if s.Scalar == nil || s.Scalar.Flow {
			special += ",[]{}" // they end a plain scalar inside a flow collection
		}
	}
	// (The JSON reader maps each byte of a character to the whole character, which a
	// splice, byte by byte, would not: in JSON only ASCII is typed in place.)
	if strings.ContainsAny(changed, special) || d.kind == rulefile.JSON && !ascii(ins) || strings.HasSuffix(s.Map.Text, "\n") && b >= s.Map.Span(ast.Span{Start: len(s.Map.Text)}).Start {
		return nil, false
	}
	// No blank where the style may drop it: at the start of a line of the value, at the start
	// and end of a plain scalar, at the end of a line of a plain or quoted one (a block
	// keeps its trailing blanks, a quoted scalar its blanks inside the quotes).
	blank := func(c byte) bool { return c == ' ' || c == '\t' }
	ls := strings.LastIndexByte(text[:a], '\n') + 1
	le := len(text)
	if i := strings.IndexByte(text[a:], '\n'); i >= 0 {
		le = a + i
	}
	first, last := s.Map.Span(ast.Span{}).Start, s.Map.Span(ast.Span{Start: len(s.Map.Text)}).Start
	end := a + len(ins)
	plain := d.kind == rulefile.YAML && s.Scalar != nil && s.Scalar.Style == 0
	block := s.Scalar != nil && (s.Scalar.Style == '|' || s.Scalar.Style == '>')
	atStart := plain && a == first || strings.TrimLeft(text[ls:a], " ") == ""
	atEnd := plain && b == last || !block && strings.TrimRight(text[end:le], "\r") == ""
	if atStart && (end >= le || blank(text[a])) || atEnd && (end == 0 || blank(text[end-1])) {
		return nil, false
	}
	if plain {
		// A plain scalar ends at ": " or " #", and its first character may be an indicator;
		// so may the first of a line that continues it (the YAML library then places the
		// scalar elsewhere).
		near := text[max(ls, a-1):min(le, end+1)]
		cont := strings.TrimLeft(text[ls:le], " ")
		if a == first || strings.Contains(near, ": ") || strings.Contains(near, " #") || strings.HasSuffix(strings.TrimRight(text[:le], "\r"), ":") ||
			ls > first && cont != "" && strings.ContainsRune("-?:", rune(cont[0])) {
			return nil, false
		}
	}
	m, ok := s.Map.Splice(a, b, ins)
	if ok && plain && (!rulefile.PlainString(m.Text) || strings.ContainsRune(m.Text, '\t')) {
		return nil, false // it became a number, a boolean or null; or the YAML library drops its tabs
	}
	return m, ok
}

// spliced returns the document of text, made by replacing the bytes [a, b) of filter k's
// value with others, delta more, whose new map is m, and adding lines line breaks: the filters
// after it move, with their findings.
func (d *ruleDoc) spliced(k int, m *rulefile.TextMap, text string, a, b, delta, lines int) *ruleDoc {
	n := &ruleDoc{text: text, kind: d.kind, ck: d.ck, lines: ast.NewLineTable(text), byStart: d.byStart,
		sites: make([]*rulefile.Site, len(d.sites)), filters: make([]*lang.Filter, len(d.sites)),
		perSite: make([][]rulefile.Finding, len(d.sites))}
	for i, t := range d.sites {
		switch {
		case i == k:
			c := *t.Shifted(0)
			c.Map, c.End = m, t.End+delta
			if t.Scalar != nil {
				sc := *t.Scalar
				sc.Map, sc.End = m, sc.End+delta
				c.Scalar = &sc
			}
			c.Samples = movedAfter(c.Samples, b, delta) // the tests come after the filter
			n.sites[i] = &c
			n.filters[i] = lang.Analyze(m.Text, d.ck.Lang)
			n.perSite[i] = rulefile.SiteFindings(i, &c, n.filters[i], d.ck)
		case t.Start >= b:
			n.sites[i] = t.Shifted(delta)
			n.sites[i].KeyLine += lines
			n.filters[i] = d.filters[i]
			n.perSite[i] = make([]rulefile.Finding, len(d.perSite[i]))
			for j, f := range d.perSite[i] {
				n.perSite[i][j] = f.Shifted(movedBy(f.Span, b, delta), i) // (an empty filter's sits at 0)
			}
		default: // before the edit; its tests may follow the edited filter (a list of filters)
			n.sites[i], n.filters[i], n.perSite[i] = t, d.filters[i], d.perSite[i]
			if slices.ContainsFunc(t.Samples, func(smp rulefile.Sample) bool { return smp.Span.Start >= b }) {
				c := *t
				c.Samples = movedAfter(t.Samples, b, delta)
				n.sites[i] = &c
				n.perSite[i] = slices.Clone(d.perSite[i])
				for j, f := range n.perSite[i] {
					n.perSite[i][j] = f.Shifted(movedBy(f.Span, b, delta), i)
				}
			}
		}
	}
	n.probs = make([]rulefile.Problem, len(d.probs))
	for i, p := range d.probs {
		p.Span = p.Span.Shift(movedBy(p.Span, b, delta))
		n.probs[i] = p
	}
	return n
}

// unprintable reports whether r is a character that a YAML file may not hold (YAML's
// c-printable, less the byte order mark), which includes those a JSON string may not hold
// unescaped.
func unprintable(r rune) bool {
	switch {
	case r == '\t' || r == '\n' || r == '\r' || r == 0x85:
		return false
	case r < 0x20 || r == 0x7f || r >= 0x80 && r < 0xa0 || r >= 0xd800 && r < 0xe000 || r == 0xfeff || r == 0xfffe || r == 0xffff:
		return true
	}
	return false
}

// movedBy returns how far an edit of delta bytes at b moves span: delta if it starts at or
// after b, else 0.
func movedBy(span ast.Span, b, delta int) int {
	if span.Start >= b {
		return delta
	}
	return 0
}

// movedAfter returns a copy of samples in which those at or after b are moved by delta.
func movedAfter(samples []rulefile.Sample, b, delta int) []rulefile.Sample {
	out := slices.Clone(samples)
	for j := range out {
		out[j].Span = out[j].Span.Shift(movedBy(out[j].Span, b, delta))
	}
	return out
}

// Text returns the file's text.
func (d *ruleDoc) Text() string { return d.text }

// Findings returns what lint reports for the file: its problems, the filters' diagnostics,
// failed rule tests, with the configured severities and suppressions applied.
func (d *ruleDoc) Findings() []rulefile.Finding {
	return rulefile.Finish(d.lines, d.kind, d.sites, d.probs, d.perSite, d.ck)
}

// siteAt returns the filter whose value holds byte offset off (its end included) and the
// offset in the filter's text; a filter that could not be traced exactly has no place.
func (d *ruleDoc) siteAt(off int) (int, int, bool) {
	k := sort.Search(len(d.byStart), func(k int) bool { return d.sites[d.byStart[k]].Start > off }) - 1
	if k < 0 {
		return 0, 0, false
	}
	i := d.byStart[k]
	s := d.sites[i]
	if s.Map.Text == "" { // an empty quoted string: the cursor between the quotes
		if quoted(d.kind, s) && off == s.Start+1 && s.End-s.Start == 2 {
			return i, 0, true
		}
		return 0, 0, false
	}
	if !s.Map.Contains(off) {
		return 0, 0, false
	}
	return i, s.Map.Offset(off), true
}

func ascii(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

func quoted(k rulefile.Kind, s *rulefile.Site) bool {
	return k == rulefile.JSON || s.Scalar != nil && (s.Scalar.Style == '"' || s.Scalar.Style == '\'')
}

// toFile maps a span of filter i's text into the file.
func (d *ruleDoc) toFile(i int, sp ast.Span) ast.Span {
	s := d.sites[i]
	if s.Map.Text == "" {
		return ast.Span{Start: s.Start + 1, End: s.Start + 1}
	}
	return s.Map.Span(sp)
}

// escape writes filter text as it must be written inside the value of site i (a fragment:
// no quotes around it).
func (d *ruleDoc) escape(i int, text string) string {
	s := d.sites[i]
	switch {
	case d.kind == rulefile.JSON || s.Scalar != nil && s.Scalar.Style == '"':
		q := rulefile.JSONQuote(text)
		return q[1 : len(q)-1]
	case s.Scalar != nil && s.Scalar.Style == '\'':
		return strings.ReplaceAll(text, "'", "''")
	}
	return text
}

// Complete returns the completion items at byte offset off of the file.
func (d *ruleDoc) Complete(off int) []ide.Item {
	i, local, ok := d.siteAt(off)
	if !ok {
		return nil
	}
	items := ide.Complete(d.sites[i].Map.Text, local, d.ck.Lang)
	for k := range items {
		items[k].Replace = d.toFile(i, items[k].Replace)
		items[k].InsertText = d.escape(i, items[k].InsertText)
	}
	return items
}

// Hover explains the token at byte offset off of the file.
func (d *ruleDoc) Hover(off int) (ide.Hover, bool) {
	i, local, ok := d.siteAt(off)
	if !ok {
		return ide.Hover{}, false
	}
	h, ok := ide.HoverAt(d.sites[i].Map.Text, local, d.ck.Lang)
	h.Span = d.toFile(i, h.Span)
	return h, ok
}

// Signature returns help for the in list around byte offset off of the file.
func (d *ruleDoc) Signature(off int) (ide.Signature, bool) {
	i, local, ok := d.siteAt(off)
	if !ok {
		return ide.Signature{}, false
	}
	return ide.SignatureAt(d.sites[i].Map.Text, local, d.ck.Lang)
}

// Tokens returns the highlighting tokens of the filters, in file order.
func (d *ruleDoc) Tokens() []ide.Token {
	var out []ide.Token
	for _, i := range d.byStart {
		s := d.sites[i]
		if !s.Map.Exact {
			continue
		}
		for _, t := range ide.Classify(s.Map.Text) {
			t.Span = d.toFile(i, t.Span)
			out = append(out, t)
		}
	}
	return out
}

// Symbols and Folds are the YAML or JSON server's: a rule file has none of katafilter's.
func (d *ruleDoc) Symbols() []ide.Symbol { return nil }

// Folds returns nothing: see [ruleDoc.Symbols].
func (d *ruleDoc) Folds() []ast.Span { return nil }

// overlaps reports whether site i touches span.
func (d *ruleDoc) overlaps(i int, span ast.Span) bool {
	s := d.sites[i]
	return s.End >= span.Start && s.Start <= span.End
}

// rewrite returns the edits that write the given new texts of filters back into the file,
// each in its own style, keeping only those that read back as intended.
func (d *ruleDoc) rewrite(rws []rulefile.Rewrite) []diag.Edit {
	if len(rws) == 0 {
		return nil
	}
	edits, _ := rulefile.Apply(d.text, d.kind, d.ck.Keys, d.sites, rws)
	return edits
}

// formatRewrite returns the canonical form of filter i (lang.Format), false when it is
// canonical already, cannot be formatted, or is written over several lines (formatting
// would join them).
func (d *ruleDoc) formatRewrite(i int) (rulefile.Rewrite, bool) {
	text := d.sites[i].Map.Text
	body := strings.TrimRight(text, "\n")
	if strings.Contains(body, "\n") {
		return rulefile.Rewrite{}, false
	}
	f, diags := lang.Format(body)
	if f == "" && diags.HasErrors() || f == body {
		return rulefile.Rewrite{}, false
	}
	return rulefile.Rewrite{Site: i, Body: f, Trailing: text[len(body):]}, true
}

// FormatEdits returns the edits that write each filter overlapping span in canonical form,
// in the scalar style it is written in.
func (d *ruleDoc) FormatEdits(span ast.Span) []diag.Edit {
	var rws []rulefile.Rewrite
	for i := range d.sites {
		if rw, ok := d.formatRewrite(i); ok && d.overlaps(i, span) {
			rws = append(rws, rw)
		}
	}
	return d.rewrite(rws)
}

// Actions returns the fixes of the diagnostics of the filters that span touches, and
// "format filter" for each of them not in canonical form. A fix is applied to the filter's
// text and the whole value written again in its style, so that escapes and quotes stay right.
func (d *ruleDoc) Actions(span ast.Span) []ide.Action {
	var out []ide.Action
	for i, s := range d.sites {
		if !d.overlaps(i, span) {
			continue
		}
		for _, dg := range d.filters[i].Diagnostics {
			if d.ck.SeverityOf(dg.Code, dg.Severity) == 0 {
				continue
			}
			mapped := rulefile.MapDiagnostic(dg, s.Map)
			if mapped.Span.End < span.Start || mapped.Span.Start > span.End {
				continue
			}
			for _, fx := range dg.Fixes {
				text, err := diag.ApplyEdits(s.Map.Text, fx.Edits)
				if err != nil {
					continue
				}
				body := strings.TrimRight(text, "\n")
				edits := d.rewrite([]rulefile.Rewrite{{Site: i, Body: body, Trailing: text[len(body):]}})
				if len(edits) == 0 {
					continue
				}
				mapped := mapped
				out = append(out, ide.Action{Title: fx.Title, Kind: ide.ActionFix, Diagnostic: &mapped, Edits: edits, Preferred: fx.Safe})
			}
		}
		if rw, ok := d.formatRewrite(i); ok {
			if edits := d.rewrite([]rulefile.Rewrite{rw}); len(edits) > 0 {
				out = append(out, ide.Action{Title: "format filter", Kind: ide.ActionFormat, Edits: edits})
			}
		}
	}
	return out
}
