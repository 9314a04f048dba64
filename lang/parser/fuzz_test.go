package parser_test

import (
	"testing"

	"github.com/katafilter/katafilter/lang/ast"
	"github.com/katafilter/katafilter/lang/diag"
	"github.com/katafilter/katafilter/lang/parser"
)

// FuzzParse: the parser never panics and always builds a tree, partial only with a syntax
// error; every span lies within the input, a node's children lie within it in source order,
// the syntax errors are capped, and tokens come in order.
// Seeds: testdata/fuzz/FuzzParse.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		`EventType == 'process' AND (FileName == '*x*' OR NOT FileSize > -1)`,
		`in(A, 'x', 1, true) OR B in ()`,
		`A == 'C:\' AND B == "x\"y"`,
		"A == 'Имя'\n\tAND B != 'x?'",
		`A = 1 && !B`,
		"EventType == 'proces' AND FileNam == 'x' AND",
		"A == 1 B == 2 ; C in (1 2) AND (D ==\n E == 'x'",
		"A == 'x' OR OR in(",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		x, diags := parser.Parse(src)
		for _, d := range diags {
			if !within(d.Span, ast.Span{Start: 0, End: len(src)}) {
				t.Fatalf("Parse(%q): diagnostic span %v outside the input", src, d.Span)
			}
			for _, fx := range d.Fixes {
				for _, e := range fx.Edits {
					if !within(e.Span, ast.Span{Start: 0, End: len(src)}) {
						t.Fatalf("Parse(%q): edit span %v outside the input", src, e.Span)
					}
				}
			}
		}
		if x == nil {
			t.Fatalf("Parse(%q): no tree", src)
		}
		checkTree(t, src, x)
		if ast.Partial(x) && parser.SyntaxOK(diags) {
			t.Fatalf("Parse(%q): a partial tree without a syntax error", src)
		}
		for i := 1; i < len(diags); i++ {
			for _, d := range diags[:i] {
				if d.Span == diags[i].Span && d.Code == diags[i].Code {
					t.Fatalf("Parse(%q): %s reported twice at %v", src, d.Code, d.Span)
				}
			}
		}
		syntax := 0
		for _, d := range diags {
			if d.Code == diag.SyntaxError || d.Code == diag.SingleEquals || d.Code == diag.LogicalSymbol {
				syntax++
			}
		}
		if syntax > parser.MaxErrors+1 { // the last counts the others
			t.Fatalf("Parse(%q): %d syntax errors", src, syntax)
		}
		parser.Incomplete(src)
		last := 0
		for _, tok := range parser.Tokens(src) {
			if tok.Span.Start < last || !within(tok.Span, ast.Span{Start: 0, End: len(src)}) || src[tok.Span.Start:tok.Span.End] != tok.Text {
				t.Fatalf("Tokens(%q): token %q at %v out of order or place", src, tok.Text, tok.Span)
			}
			last = tok.Span.End
		}
		step := max(1, len(src)/64) // ContextAt lexes the whole input: sample long ones
		for off := 0; off <= len(src); off += step {
			parser.ContextAt(src, off)
		}
	})
}

func within(s, outer ast.Span) bool {
	return outer.Start <= s.Start && s.Start <= s.End && s.End <= outer.End
}

// checkTree checks the spans of every node of x.
func checkTree(t *testing.T, src string, x ast.Node) {
	t.Helper()
	var check func(n ast.Node, outer ast.Span)
	check = func(n ast.Node, outer ast.Span) {
		sp := n.Span()
		if !within(sp, outer) {
			t.Fatalf("Parse(%q): %T span %v not within %v", src, n, sp, outer)
		}
		var kids []ast.Node
		switch n := n.(type) {
		case *ast.Binary:
			kids = []ast.Node{n.X, n.Y}
			if !(n.X.Span().End <= n.OpSpan.Start && n.OpSpan.End <= n.Y.Span().Start) {
				t.Fatalf("Parse(%q): operator %v not between its operands", src, n.OpSpan)
			}
		case *ast.Not:
			kids = []ast.Node{n.X}
		case *ast.Paren:
			kids = []ast.Node{n.X}
			if src[n.Lparen] != '(' || n.Rparen >= 0 && src[n.Rparen] != ')' {
				t.Fatalf("Parse(%q): parentheses at %d,%d", src, n.Lparen, n.Rparen)
			}
		case *ast.Compare:
			kids = []ast.Node{n.Field, n.Value}
		case *ast.In:
			kids = append(kids, n.Field)
			for _, v := range n.Values {
				kids = append(kids, v)
			}
			if src[n.Lparen] != '(' || n.Rparen >= 0 && src[n.Rparen] != ')' {
				t.Fatalf("Parse(%q): in parentheses at %d,%d", src, n.Lparen, n.Rparen)
			}
		case *ast.Field:
			if src[sp.Start:sp.End] != n.Name {
				t.Fatalf("Parse(%q): field %q at %v reads %q", src, n.Name, sp, src[sp.Start:sp.End])
			}
		case *ast.Literal:
			if src[sp.Start] != '"' { // a double-quoted string is kept rewritten in single quotes
				if src[sp.Start:sp.End] != n.Raw {
					t.Fatalf("Parse(%q): literal %q at %v reads %q", src, n.Raw, sp, src[sp.Start:sp.End])
				}
			}
		}
		prev := sp.Start
		for _, k := range kids {
			ks := k.Span()
			if ks.Start < prev {
				t.Fatalf("Parse(%q): children of %T out of order at %v", src, n, ks)
			}
			prev = ks.End
			check(k, sp)
		}
	}
	check(x, ast.Span{Start: 0, End: len(src)})
}
