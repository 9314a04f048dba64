package format_test

import (
	"flag"
	"testing"

	"github.com/katafilter/katafilter/lang/format"
	"github.com/katafilter/katafilter/lang/parser"
)

func init() {
	if flag.Lookup("update") == nil {
		flag.Bool("update", false, "accepted for go test ./lang/... -update; no golden files here")
	}
}

func TestFormat(t *testing.T) {
	tests := []struct{ src, want string }{
		{`A==1`, `A == 1`},
		{`A  !=  'x'`, `A != 'x'`},
		{"A>1\nand\tB<=2", `A > 1 AND B <= 2`},
		{`a == 1 or b == 2`, `a == 1 OR b == 2`},
		{`not a == 1`, `NOT a == 1`},
		{`A IN (1,2 ,3)`, `A in (1, 2, 3)`},
		{`in(A,'x','y')`, `A in ('x', 'y')`},
		{`IN(A)`, `A in ()`},
		{`A == TRUE OR B == False`, `A == true OR B == false`},
		{`A == -0`, `A == 0`},
		{`A == 007`, `A == 7`},
		{`A == -007`, `A == -7`},
		{`A == 'a\\b\*\?\'c'`, `A == 'a\\b\*\?\'c'`},
		{`A == 'Имя'`, `A == 'Имя'`},
		{`A == "x"`, `A == 'x'`},
		// the fewest parentheses that keep the meaning
		{`(A == 1)`, `A == 1`},
		{`((A == 1))`, `A == 1`},
		{`(A == 1 AND B == 2) OR C == 3`, `A == 1 AND B == 2 OR C == 3`},
		{`(A == 1 OR B == 2) AND C == 3`, `(A == 1 OR B == 2) AND C == 3`},
		{`A == 1 AND (B == 2 OR C == 3)`, `A == 1 AND (B == 2 OR C == 3)`},
		{`A == 1 OR (B == 2 OR C == 3)`, `A == 1 OR B == 2 OR C == 3`},
		{`A == 1 AND (B == 2 AND C == 3)`, `A == 1 AND B == 2 AND C == 3`},
		{`NOT (A == 1)`, `NOT A == 1`},
		{`NOT (A == 1 AND B == 2)`, `NOT (A == 1 AND B == 2)`},
		{`NOT (A == 1 OR B == 2)`, `NOT (A == 1 OR B == 2)`},
		{`NOT (NOT (A == 1))`, `NOT NOT A == 1`},
		{`(NOT A == 1) AND B == 2`, `NOT A == 1 AND B == 2`},
		{`NOT in(A, 1)`, `NOT A in (1)`},
		{`EventType == 'process' AND (A == 1 OR B in ('x', 'y'))`, `EventType == 'process' AND (A == 1 OR B in ('x', 'y'))`},
	}
	for _, tt := range tests {
		x, diags := parser.Parse(tt.src)
		if !parser.SyntaxOK(diags) {
			t.Errorf("Parse(%q): %s", tt.src, diags.String("", tt.src))
			continue
		}
		got := format.Node(x)
		if got != tt.want {
			t.Errorf("Node(%q) = %q, want %q", tt.src, got, tt.want)
		}
		y, yd := parser.Parse(got)
		if !parser.SyntaxOK(yd) || format.Node(y) != got {
			t.Errorf("Node(%q) = %q is not a fixed point", tt.src, got)
		}
	}
}
