package eval_test

import (
	"errors"
	"testing"

	"github.com/katafilter/katafilter/lang/check"
	"github.com/katafilter/katafilter/lang/eval"
	"github.com/katafilter/katafilter/lang/parser"
)

// TestPartialRefused: a tree the parser built after a syntax error is never compiled, though
// a caller forgets to look at the diagnostics; the clauses of one are not either.
func TestPartialRefused(t *testing.T) {
	for _, src := range []string{
		`EventType == 'process' AND`,
		`EventType == 'process' FileName == 'x'`,
		`(EventType == 'process'`,
		`EventType in ('process', 'module'`,
		`in(EventType, 'process'`,
		`EventType == 'process' AND (FileName == 'x' OR FileName ==)`,
	} {
		x, diags := parser.Parse(src)
		if parser.SyntaxOK(diags) {
			t.Fatalf("%q: no syntax error", src)
		}
		info, _ := check.Check(x, check.Options{})
		if p, err := eval.Compile(x, info, eval.Options{}); p != nil || !errors.Is(err, eval.ErrInvalid) {
			t.Errorf("Compile(%q) = %v, %v", src, p, err)
		}
		if cl, err := eval.CompileClause(x, info, eval.Options{}); cl != nil || !errors.Is(err, eval.ErrInvalid) {
			t.Errorf("CompileClause(%q) = %v, %v", src, cl, err)
		}
	}
}
