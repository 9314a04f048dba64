// Package check is the schema-aware type checker of KATA event filters. It reports every
// problem of a parsed filter in one pass as diagnostics with spans, stable codes and suggested
// fixes, and records what it resolved (fields, decoded constants) in an [Info] side table that
// the evaluator, the formatter and the editors read. It never writes into the tree.
package check

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/katafilter/katafilter/lang/ast"
	"github.com/katafilter/katafilter/lang/diag"
	"github.com/katafilter/katafilter/lang/schema"
)

// Options configures the checker.
type Options struct {
	// Schema is the field schema; nil means [schema.Default].
	Schema *schema.Schema
	// Strict turns multiple-event-type warnings into errors, and also reports a filter that
	// does not pin a single event type at all.
	Strict bool
	// IgnoreCase matches strings without regard to case, as the evaluator will; the value checks
	// follow it.
	IgnoreCase bool
	// AllowUnknownFields reports unknown fields as warnings instead of errors, for events that
	// carry fields the schema does not list. Such fields are typed by the constant they are
	// compared with.
	AllowUnknownFields bool
}

// Info is what the checker learned about a filter.
type Info struct {
	// Fields maps each field reference to its schema field; unresolved references are absent.
	Fields map[*ast.Field]*schema.Field
	// Patterns holds the decoded meaning of each string constant.
	Patterns map[*ast.Literal]ast.Pattern
	// Ints holds the value of each integer constant that fits in 64 bits.
	Ints map[*ast.Literal]int64
	// EventTypes lists the known event types for which the filter can be true, in schema order.
	EventTypes []string
	// PinsEventType is set when the filter compares EventType at all.
	PinsEventType bool
}

// Path returns the JSON path that the field reference f reads: the canonical name of its
// schema field (an alias such as hostName reads HostName), or the name as written.
func (in *Info) Path(f *ast.Field) []string {
	if sf, ok := in.Fields[f]; ok {
		return sf.Path
	}
	return strings.Split(f.Name, ".")
}

// Type returns the type of field reference f, and false for a field the schema does not know.
func (in *Info) Type(f *ast.Field) (schema.Type, bool) {
	if sf, ok := in.Fields[f]; ok {
		return sf.Type, true
	}
	return 0, false
}

// Check checks the filter x and returns what it learned with the diagnostics, sorted. x may be
// a partial tree from a parser that met syntax errors: each well-formed clause is checked, an
// [ast.Bad] node is a term the checker knows nothing about and reports nothing on (go/types'
// Invalid), and the whole-filter analyses ("never true") wait until the syntax is fixed. A nil
// x yields nothing.
func Check(x ast.Expr, opt Options) (*Info, diag.List) {
	if opt.Schema == nil {
		opt.Schema = schema.Default()
	}
	c := &checker{opt: opt, info: &Info{
		Fields:   map[*ast.Field]*schema.Field{},
		Patterns: map[*ast.Literal]ast.Pattern{},
		Ints:     map[*ast.Literal]int64{},
	}}
	if x == nil {
		return c.info, nil
	}
	var sz constSize
	sz.count(x)
	if sz.segs > 0 {
		c.segs = make([]ast.Seg, 0, sz.segs)
	}
	c.lits = sz.lits
	c.expr(x)
	c.logic(x)
	c.diags.Sort()
	return c.info, c.diags
}

type checker struct {
	opt   Options
	info  *Info
	diags diag.List
	// firstEventType is the first reference to EventType, in the order of the source.
	firstEventType *ast.Field
	// segs is room for the segments of the string constants, which they are decoded into
	// (see constSize).
	segs []ast.Seg
	// keys is room for the values of the chain analyses (see keep), of which there are at
	// most lits, the number of constants.
	keys []constKey
	lits int
}

// noteField records what the logic analyses need of a field reference f, resolved to sf
// (nil when unresolved).
func (c *checker) noteField(f *ast.Field, sf *schema.Field) {
	if c.firstEventType == nil && sf != nil && sf.Name == schema.EventTypeField {
		c.firstEventType = f
	}
}

func (c *checker) report(sp ast.Span, sev diag.Severity, code diag.Code, format string, args ...any) *diag.Diagnostic {
	return c.reportMsg(sp, sev, code, fmt.Sprintf(format, args...))
}

func (c *checker) reportMsg(sp ast.Span, sev diag.Severity, code diag.Code, msg string) *diag.Diagnostic {
	c.diags = append(c.diags, diag.Diagnostic{Span: sp, Severity: sev, Code: code, Message: msg})
	return &c.diags[len(c.diags)-1]
}

func (c *checker) expr(x ast.Expr) {
	switch x := x.(type) {
	case *ast.Binary:
		c.expr(x.X)
		c.expr(x.Y)
	case *ast.Not:
		c.expr(x.X)
	case *ast.Paren:
		c.expr(x.X)
	case *ast.Compare:
		f := c.field(x.Field)
		c.noteField(x.Field, f)
		c.literal(x.Value)
		c.compare(f, x.Field, x.Op, x.OpSpan, x.Value)
	case *ast.In:
		c.in(x)
	}
}

// in checks an in list. It is apart from expr, which recursion repeats for every level of a
// filter, so that expr's frame does not hold the room for the list's keys.
func (c *checker) in(x *ast.In) {
	f := c.field(x.Field)
	c.noteField(x.Field, f)
	if len(x.Values) == 0 && x.Rparen >= 0 { // a list cut off by the end is a syntax error
		c.report(x.Span(), diag.Error, diag.EmptyIn, "in list has no values, so it can never be true")
	}
	var buf [16]constKey
	seen := constSet{list: buf[:0]}
	for i, v := range x.Values {
		c.literal(v)
		c.compare(f, x.Field, ast.Eq, x.InSpan, v)
		var dup bool
		if seen, dup = seen.add(c.constKey(v)); dup {
			d := c.report(v.LitSpan, diag.Warning, diag.DuplicateValue, "%s appears twice in the in list", v.Raw)
			// Remove ", value" (from the end of the previous value to the end of this one).
			from := x.Values[i-1].LitSpan.End
			d.Fixes = []diag.Fix{{Title: "remove the duplicate " + v.Raw, Safe: true,
				Edits: []diag.Edit{{Span: ast.Span{Start: from, End: v.LitSpan.End}}}}}
		}
	}
}

// constSize is what the constants of a filter need: lits is their number, segs bounds the
// number of segments of the string constants (the text around each wildcard, and the
// wildcard).
type constSize struct{ lits, segs int }

func (sz *constSize) count(x ast.Expr) {
	switch x := x.(type) {
	case *ast.Binary:
		sz.count(x.X)
		sz.count(x.Y)
	case *ast.Not:
		sz.count(x.X)
	case *ast.Paren:
		sz.count(x.X)
	case *ast.Compare:
		sz.literal(x.Value)
	case *ast.In:
		for _, v := range x.Values {
			sz.literal(v)
		}
	}
}

func (sz *constSize) literal(v *ast.Literal) {
	sz.lits++
	if v.Kind == ast.String {
		sz.segs += 2*(strings.Count(v.Raw, "*")+strings.Count(v.Raw, "?")) + 1
	}
}

// constKey is the meaning of a constant, for the duplicate check: two constants mean the same
// when their keys are equal, which is when ast.QuotePattern writes them alike (after
// strings.ToLower with IgnoreCase).
type constKey struct {
	kind ast.LitKind // 0 for a kind other than String, Int and Bool
	wild bool        // a string with wildcards
	n    int64       // an integer's value
	// A string's text without wildcards, in valid UTF-8 as ast.QuotePattern writes it, or
	// with wildcards, as ast.QuotePattern writes it without the quotes; else the text.
	text string
}

func (c *checker) constKey(v *ast.Literal) constKey {
	switch v.Kind {
	case ast.String:
		p := c.info.Patterns[v]
		k := constKey{kind: ast.String}
		if p.IsLiteral() {
			k.text = p.Literal()
			if !utf8.ValidString(k.text) {
				k.text = string([]rune(k.text)) // each bad byte a U+FFFD
			}
		} else {
			q := ast.QuotePattern(p)
			k.wild, k.text = true, q[1:len(q)-1]
		}
		if c.opt.IgnoreCase {
			k.text = strings.ToLower(k.text)
		}
		return k
	case ast.Int:
		if n, ok := c.info.Ints[v]; ok {
			return constKey{kind: ast.Int, n: n}
		}
		return constKey{kind: ast.Int, text: v.Raw} // beyond 64 bits
	case ast.Bool:
		return constKey{kind: ast.Bool, text: strings.ToLower(v.Raw)}
	}
	return constKey{text: v.Raw}
}

// constSet is a set of constKeys: a list searched while short, hashed once longer.
type constSet struct {
	list []constKey
	m    map[constKey]bool
}

// add returns the set with k added, and whether k was in already.
func (s constSet) add(k constKey) (constSet, bool) {
	if s.m == nil && len(s.list) < 16 {
		if slices.Contains(s.list, k) {
			return s, true
		}
		s.list = append(s.list, k)
		return s, false
	}
	if s.m == nil {
		s.m = make(map[constKey]bool, 2*len(s.list))
		for _, l := range s.list {
			s.m[l] = true
		}
	}
	if s.m[k] {
		return s, true
	}
	s.m[k] = true
	return s, false
}

// field resolves a field reference.
func (c *checker) field(f *ast.Field) *schema.Field {
	s := c.opt.Schema
	if sf, ok := s.Lookup(f.Name); ok {
		c.info.Fields[f] = sf
		c.notInTable(f, sf)
		return sf
	}
	if strings.Contains(f.Name, "..") || strings.HasSuffix(f.Name, ".") {
		clean := cleanName(f.Name)
		d := c.report(f.NameSpan, diag.Error, diag.FieldMalformed, "field name %s has an empty segment", f.Name)
		if sf, ok := s.Lookup(clean); ok {
			d.Message += fmt.Sprintf("; did you mean %s?", sf.Name)
			d.Fixes = []diag.Fix{{Title: "write " + sf.Name, Safe: true, Edits: []diag.Edit{{Span: f.NameSpan, NewText: sf.Name}}}}
			c.info.Fields[f] = sf
			return sf
		}
		return nil
	}
	if fold := s.LookupFold(f.Name); len(fold) == 1 {
		sf := fold[0]
		d := c.report(f.NameSpan, diag.Error, diag.FieldCase, "field names are case-sensitive: %s is written %s", f.Name, sf.Name)
		d.Fixes = []diag.Fix{{Title: "write " + sf.Name, Safe: true, Edits: []diag.Edit{{Span: f.NameSpan, NewText: sf.Name}}}}
		c.info.Fields[f] = sf
		return sf
	}
	sev := diag.Error
	if c.opt.AllowUnknownFields {
		sev = diag.Warning
	}
	d := c.report(f.NameSpan, sev, diag.UnknownField, "unknown field %s", f.Name)
	if sugg := s.Suggest(f.Name); len(sugg) > 0 {
		d.Message += fmt.Sprintf("; did you mean %s?", strings.Join(sugg, " or "))
		for _, sg := range sugg {
			d.Fixes = append(d.Fixes, diag.Fix{Title: "write " + sg, Edits: []diag.Edit{{Span: f.NameSpan, NewText: sg}}})
		}
	}
	return nil
}

// notInTable warns that the field sf, which f names, is not in the events API's field table.
func (c *checker) notInTable(f *ast.Field, sf *schema.Field) {
	if sf.NotInTable {
		c.report(f.NameSpan, diag.Warning, diag.FieldNotInTable,
			"%s is not in the events API's field table: real events carry it, but whether KATA's filter accepts it is not documented", sf.Name)
	}
}

func cleanName(n string) string {
	var segs []string
	for _, s := range strings.Split(n, ".") {
		if s != "" {
			segs = append(segs, s)
		}
	}
	return strings.Join(segs, ".")
}

// invalidUTF8 reports a string constant whose bytes are not UTF-8: events decode such bytes to
// U+FFFD, so the constant could never match. The span is the first bad sequence (the whole
// constant when it was written in double quotes, whose Raw is a rewriting).
func (c *checker) invalidUTF8(v *ast.Literal) {
	bad, ok := ast.FirstInvalidUTF8(v.Raw)
	if !ok {
		return
	}
	sp := bad.Shift(v.LitSpan.Start)
	if v.DoubleQuoted {
		sp = v.LitSpan
	}
	c.report(sp, diag.Error, diag.InvalidUTF8,
		"string constant holds %s, which is not UTF-8: events decode such bytes to U+FFFD, so it can never match", ast.NameBytes(v.Raw[bad.Start:bad.End]))
}

// literal decodes a constant and reports bad escapes.
func (c *checker) literal(v *ast.Literal) {
	switch v.Kind {
	case ast.String:
		c.invalidUTF8(v)
		segs, p, probs := ast.AppendDecodeString(c.segs, v.Raw)
		c.segs = segs[len(segs):]
		c.info.Patterns[v] = p
		// A Windows path written with single backslashes has several bad escapes: besides the
		// fix of each, offer one that doubles them all.
		var all []diag.Edit
		for _, pr := range probs {
			if !pr.Trailing && !v.DoubleQuoted {
				at := v.LitSpan.Start + pr.Offset
				all = append(all, diag.Edit{Span: ast.Span{Start: at, End: at + 1}, NewText: `\\`})
			}
		}
		// With a wildcard next to a backslash, doubling the lone backslashes may not be what
		// the author meant: the fixes are offered, not safe.
		stars := c.pathStarWarnings(v)
		safe := len(all) == 0 || !wildcardBesideBackslash(v.Raw)
		for _, pr := range probs {
			at := v.LitSpan.Start + pr.Offset
			if pr.Trailing {
				continue // the parser reports the unterminated string
			}
			if v.DoubleQuoted {
				// Raw is a rewriting: its offsets are not the source's. The fix of the double
				// quotes comes first.
				c.report(v.LitSpan, diag.Error, diag.UnknownEscape,
					`unknown escape \%c: only \\ \' \* \? are escapes; write \\ for a backslash`, pr.Char)
				continue
			}
			_, n := utf8.DecodeRuneInString(v.Raw[pr.Offset+1:]) // the character's bytes, also when not UTF-8
			d := c.report(ast.Span{Start: at, End: at + 1 + n}, diag.Error, diag.UnknownEscape,
				`unknown escape \%c: only \\ \' \* \? are escapes; write \\ for a backslash`, pr.Char)
			d.Fixes = []diag.Fix{{Title: `write the backslash as \\`, Safe: safe,
				Edits: []diag.Edit{{Span: ast.Span{Start: at, End: at + 1}, NewText: `\\`}}}}
			if len(stars) > 0 {
				d.Fixes = append(escapeChoices(v, all, stars), d.Fixes...)
			} else if len(all) > 1 {
				d.Fixes = append(d.Fixes, diag.Fix{Title: `write every lone backslash of this string as \\`, Safe: safe, Edits: all})
			}
		}
	case ast.Int:
		if n, err := strconv.ParseInt(v.Raw, 10, 64); err == nil {
			c.info.Ints[v] = n
		}
	}
}

// compare checks one comparison of field f (nil when unresolved) with constant v.
func (c *checker) compare(f *schema.Field, ref *ast.Field, op ast.CmpOp, opSpan ast.Span, v *ast.Literal) {
	if op.Ordering() {
		if f != nil && f.Type != schema.Integer {
			c.report(opSpan, diag.Error, diag.OrderingOnString, "%s compares integers only, and %s is a %s field", op, f.Name, f.Type)
			return
		}
		if v.Kind != ast.Int {
			c.report(v.LitSpan, diag.Error, diag.TypeMismatch, "%s compares integers only, and %s is a %s", op, v.Raw, v.Kind)
			return
		}
	}
	if f == nil {
		return
	}
	switch f.Type {
	case schema.String:
		switch v.Kind {
		case ast.Int:
			d := c.report(v.LitSpan, diag.Error, diag.TypeMismatch, "%s is a string field, and %s is an integer: write it as a string", f.Name, v.Raw)
			d.Fixes = []diag.Fix{{Title: "quote " + v.Raw, Edits: []diag.Edit{{Span: v.LitSpan, NewText: "'" + v.Raw + "'"}}}}
			return
		case ast.Bool:
			c.report(v.LitSpan, diag.Error, diag.TypeMismatch, "%s is a string field, and %s is a boolean", f.Name, v.Raw)
			return
		}
		c.knownValue(f, v)
	case schema.Integer:
		switch v.Kind {
		case ast.String:
			p := c.info.Patterns[v]
			if !p.IsLiteral() {
				c.report(v.LitSpan, diag.Error, diag.WildcardOnNumber, "%s is an integer field: wildcards apply to strings only", f.Name)
				return
			}
			d := c.report(v.LitSpan, diag.Error, diag.TypeMismatch, "%s is an integer field, and %s is a string", f.Name, v.Raw)
			if _, err := strconv.ParseInt(p.Literal(), 10, 64); err == nil {
				d.Fixes = []diag.Fix{{Title: "write the integer " + p.Literal(), Edits: []diag.Edit{{Span: v.LitSpan, NewText: p.Literal()}}}}
			}
			return
		case ast.Bool:
			c.report(v.LitSpan, diag.Error, diag.TypeMismatch, "%s is an integer field, and %s is a boolean", f.Name, v.Raw)
			return
		}
		if !op.Ordering() { // FileSize > 10 need not name a known value
			c.knownValue(f, v)
		}
	case schema.Boolean:
		if v.Kind != ast.Bool {
			c.report(v.LitSpan, diag.Error, diag.TypeMismatch, "%s is a boolean field: compare it with true or false, not %s", f.Name, v.Raw)
		}
	}
}

// knownValue checks a constant against the known values of f.
func (c *checker) knownValue(f *schema.Field, v *ast.Literal) {
	if len(f.Values) == 0 || v.Unterminated {
		return
	}
	sev := diag.Warning
	if f.Closed {
		sev = diag.Error
	}
	if v.Kind == ast.Int {
		if n, ok := c.info.Ints[v]; ok && f.Closed && !f.HasValue(strconv.FormatInt(n, 10)) {
			c.report(v.LitSpan, sev, diag.UnknownValue, "%s is not a known value of %s (known: %s)", v.Raw, f.Name, strings.Join(valueTexts(f), ", "))
		}
		return
	}
	p := c.info.Patterns[v]
	m := ast.NewMatcher(p, c.opt.IgnoreCase)
	if slices.ContainsFunc(f.Values, func(kv schema.Value) bool { return m.Match(kv.Text) }) {
		return
	}
	texts := valueTexts(f)
	if !p.IsLiteral() {
		c.report(v.LitSpan, sev, diag.UnknownValue, "%s matches none of the known values of %s", v.Raw, f.Name)
		return
	}
	d := c.report(v.LitSpan, sev, diag.UnknownValue, "%s is not a known value of %s", v.Raw, f.Name)
	lit := p.Literal()
	var sugg []string
	for _, t := range texts { // a case slip first
		if strings.EqualFold(t, lit) {
			sugg = append(sugg, t)
		}
	}
	if len(sugg) == 0 {
		sugg = schema.Closest(lit, texts, 3)
	}
	if len(sugg) > 0 {
		d.Message += fmt.Sprintf("; did you mean %s?", quoteAll(sugg))
		for _, s := range sugg {
			q := ast.QuoteString(s)
			d.Fixes = append(d.Fixes, diag.Fix{Title: "write " + q, Edits: []diag.Edit{{Span: v.LitSpan, NewText: q}}})
		}
	} else if len(texts) <= 20 {
		d.Message += fmt.Sprintf(" (known: %s)", strings.Join(texts, ", "))
	}
}

// valueTexts returns the texts of the known values of f.
func valueTexts(f *schema.Field) []string {
	texts := make([]string, len(f.Values))
	for i, kv := range f.Values {
		texts[i] = kv.Text
	}
	return texts
}

func quoteAll(ss []string) string {
	q := make([]string, len(ss))
	for i, s := range ss {
		q[i] = ast.QuoteString(s)
	}
	return strings.Join(q, " or ")
}
