package eval

import (
	"fmt"
	"strings"
	"testing"

	"github.com/katafilter/katafilter/lang/ast"
)

// dumpPlan writes the plan tree: the operand order, each atom's index, path and constants,
// and the estimates the order was chosen by, so that a change of the planner that is meant to
// be invisible can be seen to be.
func dumpPlan(p *Program) string {
	var b strings.Builder
	var walk func(n *pnode)
	walk = func(n *pnode) {
		switch n.op {
		case opAtom:
			a := n.atom
			fmt.Fprintf(&b, "#%d %s %s", a.idx, strings.Join(a.path, "."), a.op)
			for _, k := range a.consts {
				switch k.kind {
				case ast.String:
					if a.op == ast.Eq {
						fmt.Fprintf(&b, " %d:%q", k.pat.form, k.pat.a)
					} else {
						fmt.Fprintf(&b, " %q", k.text)
					}
				case ast.Int:
					fmt.Fprintf(&b, " %d", k.num)
				default:
					fmt.Fprintf(&b, " %v", k.b)
				}
			}
		case opNot:
			b.WriteString("NOT ")
			walk(n.kids[0])
		default:
			b.WriteString([]string{opAnd: "AND", opOr: "OR"}[n.op])
			b.WriteString("(")
			for i, k := range n.kids {
				if i > 0 {
					b.WriteString(", ")
				}
				walk(k)
			}
			b.WriteString(")")
		}
		fmt.Fprintf(&b, "[%g %.4g]", n.cost, n.prob)
	}
	walk(p.root)
	fmt.Fprintf(&b, " paths %q", p.paths)
	return b.String()
}

// TestPlan holds the planner to its output: the flattening of AND and OR chains, the order of
// their operands, the numbering of the atoms and the estimates.
func TestPlan(t *testing.T) {
	tests := []struct{ src, want string }{
		{`a == 'x'`, `#0 a == 0:"x"[7 0.1] paths [["a"]]`},
		{`a != 'x'`, `NOT #0 a == 0:"x"[7 0.1][7 0.9] paths [["a"]]`},
		{`a == 'x' AND (b == 1 AND (c == true AND NOT d == 'q'))`,
			`AND(#0 a == 0:"x"[7 0.1], #1 b == 1[7 0.1], #2 c == true[7 0.1], NOT #3 d == 0:"q"[7 0.1][7 0.9])[7.777 0.0009] paths [["a"] ["b"] ["c"] ["d"]]`},
		{`(a == 'x*' OR a == '*y') OR (a == '*z*' OR b.c == '?')`,
			`OR(#0 a == 1:"x"[8 0.2], #1 a == 2:"y"[8 0.2], #2 a == 3:"z"[12 0.2], #3 b.c == 6:""[20 0.2])[32.32000000000001 0.5904] paths [["a"] ["b" "c"]]`},
		{`a == 'x' AND (b == 1 OR c == 2) AND NOT (d > 3 OR d < 1)`,
			`AND(#0 a == 0:"x"[7 0.1], NOT OR(#3 d > 3[7 0.5], #4 d < 1[7 0.5])[10.5 0.75][10.5 0.25], OR(#1 b == 1[7 0.1], #2 c == 2[7 0.1])[13.3 0.19])[8.3825 0.00475] paths [["a"] ["b"] ["c"] ["d"]]`},
		{`a in ('x', 'y*', 1, true) OR a.b == 'é'`,
			`OR(#0 a == 0:"x" 1:"y" 1 true[11 0.5], #1 a.b == 0:"é"[9 0.1])[15.5 0.55] paths [["a"] ["a" "b"]]`},
		{`a > 'x*' OR a <= 'y'`,
			`OR(#1 a <= "y"[7 0.5], #0 a > "x*"[8 0.5])[11 0.75] paths [["a"]]`},
		{`EventType == 'process' AND FileName == '*.exe' AND FileSize > 10`,
			`AND(#0 EventType == 0:"process"[7 0.1], #1 FileName == 2:".exe"[8 0.2], #2 FileSize > 10[7 0.5])[7.9399999999999995 0.01] paths [["EventType"] ["FileName"] ["FileSize"]]`},
		{`hostName == 'WS-FIN-00?' AND NOT UserName in ('NT AUTHORITY\\SYSTEM', 'root') AND EventType != 'windowsevent'`,
			`AND(#0 HostName == 5:"WS-FIN-00"[18 0.2], NOT #1 UserName == 0:"NT AUTHORITY\\SYSTEM" 0:"root"[8 0.2][8 0.8], NOT #2 EventType == 0:"windowsevent"[7 0.1][7 0.9])[20.720000000000002 0.144] paths [["HostName"] ["UserName"] ["EventType"]]`},
	}
	for _, tt := range tests {
		p, err := compileSrc(tt.src, Options{})
		if err != nil {
			t.Fatalf("%s: %v", tt.src, err)
		}
		if got := dumpPlan(p); got != tt.want {
			t.Errorf("%s:\n got %s\nwant %s", tt.src, got, tt.want)
		}
	}
}
