package eval

import (
	"github.com/katafilter/katafilter/lang/ast"
	"github.com/katafilter/katafilter/lang/check"
)

// Clause is one comparison (==, !=, an ordering, or in) compiled on its own, for tools that
// explain a match clause by clause. It uses the very code a [Program] runs, so that an
// explanation cannot disagree with [Program.Match].
type Clause struct {
	n      *cmpNode
	negate bool // the clause is !=, which is NOT ==
}

// CompileClause compiles the comparison x, a [*ast.Compare] or an [*ast.In], with the
// checker's [check.Info].
func CompileClause(x ast.Expr, info *check.Info, opt Options) (*Clause, error) {
	if info == nil || ast.Partial(x) {
		return nil, ErrInvalid
	}
	switch x.(type) {
	case *ast.Compare, *ast.In:
	default:
		return nil, ErrInvalid
	}
	var c compiler
	c.init(x, info, opt)
	n, err := c.expr(x)
	if err != nil {
		return nil, err
	}
	c.encodePaths()
	switch n.op {
	case opAtom:
		return &Clause{n: n.atom}, nil
	case opNot:
		return &Clause{n: n.kids[0].atom, negate: true}, nil
	}
	return nil, ErrInvalid
}

// Path returns the field path the clause reads.
func (c *Clause) Path() []string { return c.n.path }

// Values returns every value found at the clause's path in the decoded event v, fanning out
// over arrays as [Program.Match] does. It is empty when the field is missing.
func (c *Clause) Values(v any) []any {
	var out []any
	c.n.collect(v, 0, &out)
	return out
}

// Match reports whether the clause holds for the decoded event v; it equals the result of a
// program made of this clause alone.
func (c *Clause) Match(v any) bool { return c.n.eval(v) != c.negate }

// collect gathers the values at the end of the path from step i, as walk visits them.
func (n *cmpNode) collect(v any, i int, out *[]any) {
	for {
		if arr, ok := v.([]any); ok {
			for _, e := range arr {
				n.collect(e, i, out)
			}
			return
		}
		if i == len(n.path) {
			*out = append(*out, v)
			return
		}
		switch m := v.(type) {
		case map[string]any:
			c, ok := m[n.path[i]]
			if !ok {
				return
			}
			v, i = c, i+1
		case map[string]string:
			c, ok := m[n.path[i]]
			if !ok {
				return
			}
			v, i = c, i+1
		default:
			return
		}
	}
}
