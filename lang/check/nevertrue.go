package check

import (
	"github.com/katafilter/katafilter/lang/ast"
	"github.com/katafilter/katafilter/lang/schema"
)

// NeverTrue reports whether the filter x, checked into info, can be shown never to be true
// by the reasoning behind KF0501: the comparisons of each chain of ANDs on one field at a
// time, with the ORs among them tried up to a budget. An OR is never true when each of its
// alternatives is. False means only that no proof was found. Other packages that reason about
// filters (such as the comparison of two filters) ask here rather than keep a second copy.
func NeverTrue(x ast.Expr, info *Info, opt Options) bool {
	if opt.Schema == nil {
		opt.Schema = schema.Default()
	}
	c := &checker{opt: opt, info: info}
	return c.neverTrue(x)
}

func (c *checker) neverTrue(x ast.Expr) bool {
	switch b := ast.Unparen(x).(type) {
	case *ast.Binary:
		if b.Op == ast.Or {
			return c.neverTrue(b.X) && c.neverTrue(b.Y)
		}
		return c.chain(b)
	case *ast.Compare, *ast.In:
		_, e, _ := c.constrain(nil, []ast.Expr{b})
		return e != nil
	}
	return false
}
