package sql

import (
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/katafilter/katafilter/lang/ast"
)

// strPattern is a string constant normalised (adjacent texts joined, runs of * made one,
// empty texts dropped) and, for a case-insensitive comparison, folded.
type strPattern struct{ segs []ast.Seg }

func newStrPattern(p ast.Pattern, fold bool) strPattern {
	var out []ast.Seg
	for _, s := range p.Segs {
		if s.Kind == ast.Text {
			if s.Text == "" {
				continue
			}
			if fold {
				s.Text = Fold(s.Text)
			}
		}
		if n := len(out); n > 0 && s.Kind == out[n-1].Kind && s.Kind != ast.Quest {
			if s.Kind == ast.Text {
				out[n-1].Text += s.Text
			}
			continue
		}
		out = append(out, s)
	}
	return strPattern{out}
}

// The shapes of a pattern, each with a cheaper test than a regular expression.
const (
	shapeExact    = iota // text (or the empty string)
	shapeAny             // *
	shapePrefix          // text*
	shapeSuffix          // *text
	shapeContains        // *text*
	shapePrefixN         // text followed by n ? (n >= 1): the text and exactly n more characters
	shapeGeneral
)

func (p strPattern) shape() (int, string) {
	k := make([]ast.SegKind, len(p.segs))
	for i, s := range p.segs {
		k[i] = s.Kind
	}
	is := func(kinds ...ast.SegKind) bool {
		if len(kinds) != len(k) {
			return false
		}
		for i := range kinds {
			if kinds[i] != k[i] {
				return false
			}
		}
		return true
	}
	switch {
	case len(k) == 0:
		return shapeExact, ""
	case is(ast.Text):
		return shapeExact, p.segs[0].Text
	case is(ast.Star):
		return shapeAny, ""
	case is(ast.Text, ast.Star):
		return shapePrefix, p.segs[0].Text
	case is(ast.Star, ast.Text):
		return shapeSuffix, p.segs[1].Text
	case is(ast.Star, ast.Text, ast.Star):
		return shapeContains, p.segs[1].Text
	case len(k) >= 2 && k[0] == ast.Text && !slices.ContainsFunc(k[1:], func(s ast.SegKind) bool { return s != ast.Quest }):
		return shapePrefixN, p.segs[0].Text
	}
	return shapeGeneral, ""
}

// regex writes the pattern as an RE2 regular expression for ClickHouse's match(), which
// matches UTF-8 characters (18.16 and current alike): anchored, . matching any character
// (newlines too, (?s)), and every character of the text escaped as \x{...} unless it is an
// ASCII letter or digit, so that no byte of it, U+0000 included, reaches the engine raw.
func (p strPattern) regex() string {
	var b strings.Builder
	b.WriteString("(?s)^")
	for _, s := range p.segs {
		switch s.Kind {
		case ast.Star:
			b.WriteString(".*")
		case ast.Quest:
			b.WriteString(".")
		default:
			for _, r := range s.Text {
				if 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9' {
					b.WriteRune(r)
				} else {
					fmt.Fprintf(&b, `\x{%X}`, r)
				}
			}
		}
	}
	b.WriteString("$")
	return b.String()
}

// like writes the pattern for PostgreSQL's LIKE ... ESCAPE '\': * is %, ? is _ (one
// character), and %, _ and \ in the text are escaped.
func (p strPattern) like() string {
	var b strings.Builder
	for _, s := range p.segs {
		switch s.Kind {
		case ast.Star:
			b.WriteByte('%')
		case ast.Quest:
			b.WriteByte('_')
		default:
			for i := 0; i < len(s.Text); i++ {
				if c := s.Text[i]; c == '%' || c == '_' || c == '\\' {
					b.WriteByte('\\')
				}
				b.WriteByte(s.Text[i])
			}
		}
	}
	return b.String()
}

// strs translates "some string at path matches one of pats".
func (t *translator) strs(path string, pats []ast.Pattern) string {
	sp := make([]strPattern, len(pats))
	var exact []string
	anyStr := false
	for i, p := range pats {
		sp[i] = newStrPattern(p, t.fold)
		switch shape, text := sp[i].shape(); shape {
		case shapeExact:
			exact = append(exact, text)
		case shapeAny:
			anyStr = true
		}
	}
	f, typedOK := typed(path, kindString)
	switch {
	case typedOK && (anyStr || !t.fold): // folding changes no string into no string
		return t.typedStrs(f.col, exact, sp, anyStr)
	case anyStr:
		return t.exists([]string{colStrPath, colStr}, []string{"p", "x"}, t.pathIs("p", path)+" AND "+t.trueExpr())
	case !t.fold:
		return t.exists([]string{colStrPath, colStr}, []string{"p", "x"}, t.pathIs("p", path)+" AND "+t.paren(t.strPreds("x", sp)))
	}
	// Case-insensitive: an ASCII string folds to its upper case, which SQL computes exactly;
	// the others are stored folded, with their paths.
	ascii := func(x string) string { return t.isASCII(x) + " AND " + t.paren(t.strPreds(t.upperASCII(x), sp)) }
	var plain string
	if typedOK {
		plain = t.existsTyped([]string{f.col}, []string{"x"}, func(x []string) string { return ascii(x[0]) })
	} else {
		plain = t.exists([]string{colStrPath, colStr}, []string{"p", "x"}, t.pathIs("p", path)+" AND "+ascii("x"))
	}
	folded := t.exists([]string{colFoldPath, colFold}, []string{"p", "x"}, t.pathIs("p", path)+" AND "+t.paren(t.strPreds("x", sp)))
	return "(" + plain + " OR " + folded + ")"
}

// typedStrs: some string of the typed column col matches one of the patterns (exact are the
// texts of those without wildcards, anyStr whether one is a lone *).
func (t *translator) typedStrs(col string, exact []string, sp []strPattern, anyStr bool) string {
	switch {
	case anyStr:
		return t.nonEmpty(col)
	case len(exact) == len(sp):
		return t.notNull(t.hasAny(col, exact))
	}
	return t.existsTyped([]string{col}, []string{"x"}, func(x []string) string { return t.strPreds(x[0], sp) })
}

// isASCII: the string x holds only ASCII characters (the values are valid UTF-8).
func (t *translator) isASCII(x string) string {
	if t.d == ClickHouse {
		return "lengthUTF8(" + x + ") = length(" + x + ")"
	}
	return "octet_length(" + x + ") = char_length(" + x + ")"
}

// upperASCII is the ASCII string x with its letters in upper case: [Fold] of an ASCII string.
// ClickHouse's upper changes ASCII letters only; PostgreSQL's depends on the locale, so it is
// spelled out.
func (t *translator) upperASCII(x string) string {
	if t.d == ClickHouse {
		return "upper(" + x + ")"
	}
	return "translate(" + x + ", 'abcdefghijklmnopqrstuvwxyz', 'ABCDEFGHIJKLMNOPQRSTUVWXYZ')"
}

func (t *translator) paren(s string) string {
	if strings.Contains(s, " OR ") {
		return "(" + s + ")"
	}
	return s
}

// strPreds is the test of the string x against the patterns, OR-ed.
func (t *translator) strPreds(x string, pats []strPattern) string {
	var ors []string
	for _, p := range pats {
		ors = append(ors, t.strPred(x, p))
	}
	return strings.Join(ors, " OR ")
}

func (t *translator) strPred(x string, p strPattern) string {
	shape, text := p.shape()
	if t.d == Postgres {
		switch shape {
		case shapeExact:
			return x + " = " + t.arg(text)
		case shapeAny:
			return "TRUE"
		}
		return x + " LIKE " + t.arg(p.like()) + ` ESCAPE '\'`
	}
	switch shape {
	case shapeExact:
		return x + " = " + t.arg(text)
	case shapeAny:
		return "1"
	case shapePrefix:
		return "startsWith(" + x + ", " + t.arg(text) + ")"
	case shapeSuffix:
		return "endsWith(" + x + ", " + t.arg(text) + ")"
	case shapeContains:
		return "position(" + x + ", " + t.arg(text) + ") > 0"
	case shapePrefixN: // lengthUTF8 counts characters, as the values are UTF-8
		return "startsWith(" + x + ", " + t.arg(text) + ") AND lengthUTF8(" + x + ") = " + t.arg(int64(utf8.RuneCountInString(text)+len(p.segs)-1))
	}
	return "match(" + x + ", " + t.arg(p.regex()) + ")"
}

func (t *translator) pathIs(p, path string) string { return p + " = " + t.arg(path) }

// nonEmpty: the array column holds a value.
func (t *translator) nonEmpty(col string) string {
	if t.d == ClickHouse {
		return "notEmpty(" + col + ")"
	}
	return "coalesce(cardinality(" + col + ") > 0, FALSE)"
}

// hasAny: the array column holds one of the strings.
func (t *translator) hasAny(col string, vals []string) string {
	if t.d == ClickHouse {
		if len(vals) == 1 {
			return "has(" + col + ", " + t.arg(vals[0]) + ")"
		}
		return "hasAny(" + col + ", " + t.arg(vals) + ")"
	}
	return col + " && " + t.arg(vals) + "::text[]"
}

// exists: some element of the arrays cols (zipped, named by vars) satisfies pred.
func (t *translator) exists(cols, vars []string, pred string) string {
	if t.d == ClickHouse {
		v := strings.Join(vars, ", ")
		if len(vars) > 1 {
			v = "(" + v + ")"
		}
		return "arrayExists(" + v + " -> " + pred + ", " + strings.Join(cols, ", ") + ")"
	}
	return "EXISTS (SELECT 1 FROM unnest(" + strings.Join(cols, ", ") + ") AS u(" + strings.Join(vars, ", ") + ") WHERE " + pred + ")"
}

// existsTyped is exists over the typed columns cols, with pred writing the test of the
// elements named as given. On PostgreSQL, where a subquery per row is slow, the first element
// is tested in place and the subquery runs only for a field with several values:
// coalesce(cardinality(c) > 0 AND pred(c[1]) OR cardinality(c) > 1 AND EXISTS (...), FALSE):
// NULL, for a NULL (empty) column, becomes false.
func (t *translator) existsTyped(cols, vars []string, pred func(elems []string) string) string {
	if t.d == ClickHouse {
		return t.exists(cols, vars, pred(vars))
	}
	first := make([]string, len(cols))
	for i, c := range cols {
		first[i] = c + "[1]"
	}
	card := "cardinality(" + cols[0] + ")"
	return t.notNull(card + " > 0 AND " + t.paren(pred(first)) + " OR " + card + " > 1 AND " + t.exists(cols, vars, pred(vars)))
}

// notNull makes a test of PostgreSQL's typed columns, which are NULL for an absent field,
// false there instead of NULL.
func (t *translator) notNull(s string) string {
	if t.d == ClickHouse {
		return s
	}
	return "coalesce(" + s + ", FALSE)"
}

// numbers translates "some number at path compares with one of ns by op". A number is kept
// as (n, a): n and an adjustment a (see [number]); it compares with c as (n, a) with (c, 0).
func (t *translator) numbers(path string, op ast.CmpOp, ns []int64) string {
	if f, ok := typed(path, kindNumber); ok {
		return t.existsTyped([]string{f.col, f.twin}, []string{"n", "a"}, func(x []string) string {
			var ors []string
			for _, c := range ns {
				ors = append(ors, t.numPred(x[0], x[1], op, c))
			}
			return strings.Join(ors, " OR ")
		})
	}
	var ors []string
	for _, c := range ns {
		ors = append(ors, t.numPred("n", "a", op, c))
	}
	pred := strings.Join(ors, " OR ")
	return t.exists([]string{colNumPath, colNum, colNumAdj}, []string{"p", "n", "a"}, t.pathIs("p", path)+" AND "+t.paren(pred))
}

func (t *translator) numPred(n, a string, op ast.CmpOp, c int64) string {
	switch op {
	case ast.Gt:
		return "(" + n + " > " + t.arg(c) + " OR " + n + " = " + t.arg(c) + " AND " + a + " > 0)"
	case ast.Ge:
		return "(" + n + " > " + t.arg(c) + " OR " + n + " = " + t.arg(c) + " AND " + a + " >= 0)"
	case ast.Lt:
		return "(" + n + " < " + t.arg(c) + " OR " + n + " = " + t.arg(c) + " AND " + a + " < 0)"
	case ast.Le:
		return "(" + n + " < " + t.arg(c) + " OR " + n + " = " + t.arg(c) + " AND " + a + " <= 0)"
	}
	return "(" + n + " = " + t.arg(c) + " AND " + a + " = 0)"
}

// bools translates "some boolean at path is one of bs".
func (t *translator) bools(path string, bs []bool) string {
	hasT, hasF := false, false
	for _, b := range bs {
		hasT = hasT || b
		hasF = hasF || !b
	}
	var pred string
	switch {
	case hasT && hasF:
		pred = "TRUE"
	case hasT:
		pred = "b"
	default:
		pred = "NOT b"
	}
	if t.d == ClickHouse {
		pred = map[string]string{"TRUE": "1", "b": "b = 1", "NOT b": "b = 0"}[pred]
	}
	return t.exists([]string{colBoolPath, colBool}, []string{"p", "b"}, t.pathIs("p", path)+" AND "+pred)
}
