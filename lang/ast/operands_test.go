package ast_test

import (
	"strings"
	"testing"

	"github.com/katafilter/katafilter/lang/ast"
	"github.com/katafilter/katafilter/lang/parser"
)

// TestAppendOperands: the operands of a chain, through parentheses, each without its own.
func TestAppendOperands(t *testing.T) {
	tests := []struct {
		src  string
		op   ast.LogicalOp
		want string
	}{
		{`A == 1`, ast.And, `A == 1`},
		{`A == 1 AND B == 2 AND C == 3`, ast.And, `A == 1 | B == 2 | C == 3`},
		{`(A == 1 AND (B == 2 AND C == 3)) AND D == 4`, ast.And, `A == 1 | B == 2 | C == 3 | D == 4`},
		{`A == 1 AND (B == 2 OR C == 3)`, ast.And, `A == 1 | B == 2 OR C == 3`},
		{`A == 1 AND (B == 2 OR C == 3)`, ast.Or, `A == 1 AND (B == 2 OR C == 3)`},
		{`((A == 1 OR B == 2)) OR NOT (C == 3 OR D == 4)`, ast.Or, `A == 1 | B == 2 | NOT (C == 3 OR D == 4)`},
	}
	for _, tt := range tests {
		x, diags := parser.Parse(tt.src)
		if len(diags) > 0 {
			t.Fatal(diags.String("", tt.src))
		}
		var got []string
		for _, o := range ast.AppendOperands(nil, x, tt.op) {
			got = append(got, tt.src[o.Span().Start:o.Span().End])
		}
		if g := strings.Join(got, " | "); g != tt.want {
			t.Errorf("AppendOperands(%q, %s)\n got %s\nwant %s", tt.src, tt.op, g, tt.want)
		}
	}
}
