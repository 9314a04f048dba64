// Package format prints KATA event filters in their one canonical form: single spaces around
// operators, AND OR NOT in upper case, in in lower case and always in the infix form
// Field in (v1, v2), integers in plain decimal, and the fewest parentheses that keep the
// meaning. String constants keep their text as written, escapes included, since the escapes
// carry meaning. Formatting is idempotent and never changes which events a filter matches.
package format

import (
	"strconv"
	"strings"

	"github.com/katafilter/katafilter/lang/ast"
)

// Node prints the tree x canonically.
func Node(x ast.Expr) string {
	var b strings.Builder
	p := printer{b: &b}
	p.expr(x, precOr)
	return b.String()
}

// precedence levels, loosest first.
const (
	precOr = iota
	precAnd
	precNot
)

type printer struct{ b *strings.Builder }

func (p printer) expr(x ast.Expr, ctx int) {
	x = ast.Unparen(x)
	switch x := x.(type) {
	case *ast.Binary:
		prec := precOr
		if x.Op == ast.And {
			prec = precAnd
		}
		paren := prec < ctx
		if paren {
			p.b.WriteByte('(')
		}
		// AND and OR are associative: operands of the same operator need no parentheses on
		// either side.
		p.expr(x.X, prec)
		p.b.WriteString(" " + x.Op.String() + " ")
		p.expr(x.Y, prec)
		if paren {
			p.b.WriteByte(')')
		}
	case *ast.Not:
		p.b.WriteString("NOT ")
		p.expr(x.X, precNot)
	case *ast.Compare:
		p.b.WriteString(x.Field.Name)
		p.b.WriteString(" " + x.Op.String() + " ")
		p.literal(x.Value)
	case *ast.In:
		if x.Field != nil {
			p.b.WriteString(x.Field.Name)
		}
		p.b.WriteString(" in (")
		for i, v := range x.Values {
			if i > 0 {
				p.b.WriteString(", ")
			}
			p.literal(v)
		}
		p.b.WriteByte(')')
	case *ast.Bad:
		p.b.WriteString("<bad>")
	}
}

func (p printer) literal(v *ast.Literal) {
	switch v.Kind {
	case ast.Int:
		if n, err := strconv.ParseInt(v.Raw, 10, 64); err == nil {
			p.b.WriteString(strconv.FormatInt(n, 10))
			return
		}
	case ast.Bool:
		p.b.WriteString(strings.ToLower(v.Raw))
		return
	}
	p.b.WriteString(v.Raw)
}
