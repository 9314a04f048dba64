package parser_test

import (
	"flag"
	"fmt"
	"strings"
	"testing"

	"github.com/katafilter/katafilter/lang/ast"
	"github.com/katafilter/katafilter/lang/diag"
	"github.com/katafilter/katafilter/lang/parser"
)

var update = flag.Bool("update", false, "rewrite golden files")

// sexpr renders a tree fully parenthesised, so that a table shows the grouping the parser chose.
func sexpr(x ast.Node) string {
	switch x := x.(type) {
	case nil:
		return "<nil>"
	case *ast.Binary:
		return fmt.Sprintf("(%s %s %s)", x.Op, sexpr(x.X), sexpr(x.Y))
	case *ast.Not:
		return fmt.Sprintf("(NOT %s)", sexpr(x.X))
	case *ast.Paren:
		return fmt.Sprintf("[%s]", sexpr(x.X))
	case *ast.Compare:
		return fmt.Sprintf("(%s %s %s)", x.Op, x.Field.Name, x.Value.Raw)
	case *ast.In:
		kw := "in"
		if x.Call {
			kw = "in()"
		}
		var vs []string
		for _, v := range x.Values {
			vs = append(vs, fmt.Sprintf("%s:%s", v.Kind, v.Raw))
		}
		return fmt.Sprintf("(%s %s {%s})", kw, x.Field.Name, strings.Join(vs, " "))
	case *ast.Bad:
		return "<bad>"
	}
	return fmt.Sprintf("<%T>", x)
}

func TestParse(t *testing.T) {
	tests := []struct{ src, want string }{
		// every comparison operator
		{`A == 1`, `(== A 1)`},
		{`A != 1`, `(!= A 1)`},
		{`A > 1`, `(> A 1)`},
		{`A >= 1`, `(>= A 1)`},
		{`A < 1`, `(< A 1)`},
		{`A <= 1`, `(<= A 1)`},
		{`A==1`, `(== A 1)`},
		{`A<=-1`, `(<= A -1)`},
		// literals
		{`A == 'x'`, `(== A 'x')`},
		{`A == ''`, `(== A '')`},
		{`A == -42`, `(== A -42)`},
		{`A == 0`, `(== A 0)`},
		{`A == -9223372036854775808`, `(== A -9223372036854775808)`},
		{`A == true`, `(== A true)`},
		{`A == FALSE`, `(== A FALSE)`},
		{`A == True`, `(== A True)`},
		{`A == 'a\\b'`, `(== A 'a\\b')`},
		{`A == 'it\'s'`, `(== A 'it\'s')`},
		{`A == '\*'`, `(== A '\*')`},
		{`A == '\?'`, `(== A '\?')`},
		{`A == '*x?'`, `(== A '*x?')`},
		{`UserName == 'Иванов'`, `(== UserName 'Иванов')`},
		{`UserName == 'CORP\\Пётр'`, `(== UserName 'CORP\\Пётр')`},
		{"A == 'two\nlines'", "(== A 'two\nlines')"},
		// dotted names
		{`Ioa.Rules.Name == 'x'`, `(== Ioa.Rules.Name 'x')`},
		{`System.EventID.value == '4624'`, `(== System.EventID.value '4624')`},
		{`_x9.y_1 == 1`, `(== _x9.y_1 1)`},
		// keywords in any case
		{`A == 1 AND B == 2`, `(AND (== A 1) (== B 2))`},
		{`A == 1 and B == 2`, `(AND (== A 1) (== B 2))`},
		{`A == 1 And B == 2`, `(AND (== A 1) (== B 2))`},
		{`A == 1 OR B == 2`, `(OR (== A 1) (== B 2))`},
		{`A == 1 or B == 2`, `(OR (== A 1) (== B 2))`},
		{`NOT A == 1`, `(NOT (== A 1))`},
		{`not A == 1`, `(NOT (== A 1))`},
		{`nOt A == 1`, `(NOT (== A 1))`},
		{`NOT NOT A == 1`, `(NOT (NOT (== A 1)))`},
		{`A IN (1)`, `(in A {integer:1})`},
		{`A In (1)`, `(in A {integer:1})`},
		// precedence NOT > AND > OR, left associativity
		{`A == 1 OR B == 2 AND C == 3`, `(OR (== A 1) (AND (== B 2) (== C 3)))`},
		{`A == 1 AND B == 2 OR C == 3`, `(OR (AND (== A 1) (== B 2)) (== C 3))`},
		{`NOT A == 1 AND B == 2`, `(AND (NOT (== A 1)) (== B 2))`},
		{`NOT A == 1 OR B == 2`, `(OR (NOT (== A 1)) (== B 2))`},
		{`A == 1 AND NOT B == 2 OR NOT C == 3 AND D == 4`, `(OR (AND (== A 1) (NOT (== B 2))) (AND (NOT (== C 3)) (== D 4)))`},
		{`A == 1 OR B == 2 OR C == 3`, `(OR (OR (== A 1) (== B 2)) (== C 3))`},
		{`A == 1 AND B == 2 AND C == 3`, `(AND (AND (== A 1) (== B 2)) (== C 3))`},
		// parentheses
		{`(A == 1)`, `[(== A 1)]`},
		{`((A == 1))`, `[[(== A 1)]]`},
		{`(A == 1 OR B == 2) AND C == 3`, `(AND [(OR (== A 1) (== B 2))] (== C 3))`},
		{`A == 1 AND (B == 2 OR C == 3)`, `(AND (== A 1) [(OR (== B 2) (== C 3))])`},
		{strings.Repeat("(", 100) + "A == 1" + strings.Repeat(")", 100), strings.Repeat("[", 100) + "(== A 1)" + strings.Repeat("]", 100)},
		{`NOT (A == 1 OR B == 2)`, `(NOT [(OR (== A 1) (== B 2))])`},
		{`NOT(A == 1)`, `(NOT [(== A 1)])`},
		// in, infix and call form
		{`A in ('x', 'y')`, `(in A {string:'x' string:'y'})`},
		{`A in (1, -2, 3)`, `(in A {integer:1 integer:-2 integer:3})`},
		{`A in ()`, `(in A {})`},
		{`A in ('x*', true)`, `(in A {string:'x*' boolean:true})`},
		{`in(A, 'x', 'y')`, `(in() A {string:'x' string:'y'})`},
		{`IN(A, 1)`, `(in() A {integer:1})`},
		{`in(A)`, `(in() A {})`},
		{`in (A, 'x')`, `(in() A {string:'x'})`},
		{`NOT in(A, 'x') AND B in ('y')`, `(AND (NOT (in() A {string:'x'})) (in B {string:'y'}))`},
		// a keyword may follow a number or a string without a space
		{`A == 1AND B == -2or C == 'x'and D == 1`, `(OR (AND (== A 1) (== B -2)) (AND (== C 'x') (== D 1)))`},
		// white space of every kind
		{" \t\r\nA\n==\t1 \n", `(== A 1)`},
		// the vendor's example
		{`EventType=='threatdetect' OR EventType=='threatprocessingresult'`, `(OR (== EventType 'threatdetect') (== EventType 'threatprocessingresult'))`},
	}
	for _, tt := range tests {
		x, diags := parser.Parse(tt.src)
		if len(diags) > 0 {
			t.Errorf("Parse(%q): unexpected diagnostics:\n%s", tt.src, diags.String("", tt.src))
			continue
		}
		if got := sexpr(x); got != tt.want {
			t.Errorf("Parse(%q)\n got %s\nwant %s", tt.src, got, tt.want)
		}
	}
}

// spans lists every node of the tree with the source text its span covers.
func spans(src string, x ast.Node) string {
	var out []string
	ast.Inspect(x, func(n ast.Node) bool {
		sp := n.Span()
		name := strings.TrimPrefix(fmt.Sprintf("%T", n), "*ast.")
		out = append(out, fmt.Sprintf("%s%v%q", name, sp, src[sp.Start:sp.End]))
		return true
	})
	return strings.Join(out, " ")
}

func TestSpans(t *testing.T) {
	tests := []struct{ src, want string }{
		{`A == 1`, `Compare[0,6)"A == 1" Field[0,1)"A" Literal[5,6)"1"`},
		{`  Ioa.Rules.Name=='x'  `, `Compare[2,21)"Ioa.Rules.Name=='x'" Field[2,16)"Ioa.Rules.Name" Literal[18,21)"'x'"`},
		{`NOT (A == -1)`, `Not[0,13)"NOT (A == -1)" Paren[4,13)"(A == -1)" Compare[5,12)"A == -1" Field[5,6)"A" Literal[10,12)"-1"`},
		{`A == 1 or B != 'é'`, `Binary[0,19)"A == 1 or B != 'é'" Compare[0,6)"A == 1" Field[0,1)"A" Literal[5,6)"1" Compare[10,19)"B != 'é'" Field[10,11)"B" Literal[15,19)"'é'"`},
		{`A in ('x', 2)`, `In[0,13)"A in ('x', 2)" Field[0,1)"A" Literal[6,9)"'x'" Literal[11,12)"2"`},
		{`in( A , true )`, `In[0,14)"in( A , true )" Field[4,5)"A" Literal[8,12)"true"`},
		{"A == 'Имя'\nAND\n B == 1", `Binary[0,25)"A == 'Имя'\nAND\n B == 1" Compare[0,13)"A == 'Имя'" Field[0,1)"A" Literal[5,13)"'Имя'" Compare[19,25)"B == 1" Field[19,20)"B" Literal[24,25)"1"`},
	}
	for _, tt := range tests {
		x, diags := parser.Parse(tt.src)
		if len(diags) > 0 {
			t.Errorf("Parse(%q): unexpected diagnostics:\n%s", tt.src, diags.String("", tt.src))
			continue
		}
		if got := spans(tt.src, x); got != tt.want {
			t.Errorf("spans of %q\n got %s\nwant %s", tt.src, got, tt.want)
		}
	}
}

// TestOperatorSpans checks the spans of the keyword and operator tokens kept in the tree.
func TestOperatorSpans(t *testing.T) {
	src := `NOT A >= 1 aNd in(B, 'x') Or C in ('y')`
	x, diags := parser.Parse(src)
	if len(diags) > 0 {
		t.Fatal(diags.String("", src))
	}
	var got []string
	text := func(sp ast.Span) string { return src[sp.Start:sp.End] }
	ast.Inspect(x, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.Binary:
			got = append(got, text(n.OpSpan))
		case *ast.Not:
			got = append(got, text(n.NotSpan))
		case *ast.Compare:
			got = append(got, text(n.OpSpan))
		case *ast.In:
			got = append(got, fmt.Sprintf("%s%c%c", text(n.InSpan), src[n.Lparen], src[n.Rparen]))
		}
		return true
	})
	want := "Or aNd NOT >= in() in()"
	if g := strings.Join(got, " "); g != want {
		t.Errorf("operator spans: got %q, want %q", g, want)
	}
}

func TestSyntaxErrors(t *testing.T) {
	tests := []struct{ src, want string }{
		{``, `1:1 KF0100 empty filter: expected a comparison such as EventType == 'process'`},
		{"  \n ", `1:1 KF0100 empty filter: expected a comparison such as EventType == 'process'`},
		{`EventType ==`, `1:13 KF0100 expected a value (a 'string', an integer, true or false), found end of filter`},
		{`EventType 'x'`, `1:11 KF0100 expected a comparison operator (== != > >= < <=) or in, found "'x'"`},
		{`EventType`, `1:10 KF0100 expected a comparison operator (== != > >= < <=) or in, found end of filter`},
		{`(A == 1`, `1:8 KF0100 expected AND, OR or ")", found end of filter`},
		{`A == 1)`, `1:7 KF0100 expected AND, OR or the end of the filter, found ")"`},
		{`A == 1 B == 2`, `1:8 KF0100 expected AND, OR or the end of the filter, found "B"`},
		{`A == 1 AND`, `1:11 KF0100 expected a field name, NOT or "(", found end of filter`},
		{`A == 1 AND OR B == 1`, `1:12 KF0100 expected a field name, NOT or "(", found "OR"`},
		{`NOT`, `1:4 KF0100 expected a field name, NOT or "(", found end of filter`},
		{`()`, `1:2 KF0100 expected a field name, NOT or "(", found ")"`},
		{`A in 1`, `1:6 KF0100 expected "(" after in, found "1"`},
		{`A in (1,`, `1:9 KF0100 expected a value, found end of filter`},
		{`A in (1,)`, `1:9 KF0100 expected a value, found ")"`},
		{`A in (1 2)`, `1:9 KF0100 expected "," or ")", found "2"`},
		{`A in (1`, `1:8 KF0100 expected "," or ")", found end of filter`},
		{`A in (B)`, `1:7 KF0100 expected a value or ")", found "B"`},
		{`in(A 1)`, `1:6 KF0100 expected ",", found "1"`},
		{`in('x', A)`, `1:4 KF0100 expected a field name, found "'x'"`},
		{`in(A, 1`, `1:8 KF0100 expected "," or ")", found end of filter`},
		{`A == B`, `1:6 KF0100 expected a value (a 'string', an integer, true or false), found "B"`},
		{`A == 1.5`, `1:7 KF0100 expected AND, OR or the end of the filter, found "."`},
		{`A == 'x' OR OR`, `1:13 KF0100 expected a field name, NOT or "(", found "OR"`},
		{`A == 'x' NOT B == 1`, `1:10 KF0100 expected AND, OR or the end of the filter, found "NOT"`},
		{`1 == A`, `1:1 KF0100 expected a field name, NOT or "(", found "1"`},
		{`Имя == 1`, `1:1 KF0100 expected a field name, NOT or "(", found "И"`},
		{`A == 'Имя' Б`, `1:12 KF0100 expected AND, OR or the end of the filter, found "Б"`},
		{"A == 1 AND\n  B ==\n  == 2", `3:3 KF0100 expected a value (a 'string', an integer, true or false), found "=="`},
		{"A == 1\r\nOR\r\n(B == 2", `3:8 KF0100 expected AND, OR or ")", found end of filter`},
		{`A = 1`, `1:3 KF0105 = is not an operator: compare with ==`},
		{`A >== 1`, `1:5 KF0100 expected a value (a 'string', an integer, true or false), found "="`},
		{`A == 1 && B == 2`, `1:8 KF0107 && is not an operator: write AND`},
		{`A == 1 || B == 2`, `1:8 KF0107 || is not an operator: write OR`},
		{`!A == 1`, `1:1 KF0107 ! is not an operator: write NOT`},
		{`A == 1 ; B == 2`, `1:8 KF0100 expected AND, OR or the end of the filter, found ";"`},
		{strings.Repeat("(", 101) + "A == 1" + strings.Repeat(")", 101), `1:101 KF0100 parentheses nest more than 100 deep`},
		{strings.Repeat("(", 50000), `1:101 KF0100 parentheses nest more than 100 deep`},
		{strings.Repeat("NOT ", 101) + "A == 1", `1:401 KF0100 NOTs nest more than 100 deep`},
		{"B == 'é' AND " + strings.Repeat("not ", 300) + "A == 1", `1:414 KF0100 NOTs nest more than 100 deep`},
		{"B == \"x\" AND " + strings.Repeat("NOT ", 101) + "A == 1", `1:414 KF0100 NOTs nest more than 100 deep`},
	}
	for _, tt := range tests {
		x, diags := parser.Parse(tt.src)
		if x == nil {
			t.Errorf("Parse(%q): no tree", tt.src)
		}
		if parser.SyntaxOK(diags) {
			t.Errorf("Parse(%q): SyntaxOK despite the syntax error", tt.src)
		}
		var syntax diag.List
		for _, d := range diags {
			if d.Code != diag.DoubleQuotes {
				syntax = append(syntax, d)
			}
		}
		if len(syntax) != 1 {
			t.Errorf("Parse(%q): want one diagnostic, got %d:\n%s", tt.src, len(diags), diags.String("", tt.src))
			continue
		}
		d := syntax[0]
		pos := ast.NewLineTable(tt.src).Position(d.Span.Start)
		got := fmt.Sprintf("%d:%d %s %s", pos.Line, pos.Column, d.Code, d.Message)
		if got != tt.want {
			t.Errorf("Parse(%q)\n got %s\nwant %s", tt.src, got, tt.want)
		}
		if d.Span.Start < 0 || d.Span.End > len(tt.src) || d.Span.Start > d.Span.End {
			t.Errorf("Parse(%q): span %v outside the input", tt.src, d.Span)
		}
	}
}

// TestLexicalProblems checks the problems that leave a usable tree beside their diagnostic.
func TestLexicalProblems(t *testing.T) {
	tests := []struct{ src, tree, want string }{
		{`A == 'x`, `(== A 'x)`, `1:6 KF0101 string constant has no closing quote`},
		{`A == 'C:\'`, `(== A 'C:\')`, `1:9 KF0103 this backslash escapes the quote after it, so the string never ends; write \\ for a backslash`},
		{`A == "x"`, `(== A 'x')`, `1:6 KF0106 string constants are written in single quotes`},
		{`A == "it's"`, `(== A 'it\'s')`, `1:6 KF0106 string constants are written in single quotes`},
		{`A == 99999999999999999999`, `(== A 99999999999999999999)`, `1:6 KF0104 integer 99999999999999999999 does not fit in 64 bits`},
		{`A == -9223372036854775809`, `(== A -9223372036854775809)`, `1:6 KF0104 integer -9223372036854775809 does not fit in 64 bits`},
	}
	for _, tt := range tests {
		x, diags := parser.Parse(tt.src)
		if got := sexpr(x); got != tt.tree {
			t.Errorf("Parse(%q): tree %s, want %s", tt.src, got, tt.tree)
		}
		var got []string
		for _, d := range diags {
			pos := ast.NewLineTable(tt.src).Position(d.Span.Start)
			got = append(got, fmt.Sprintf("%d:%d %s %s", pos.Line, pos.Column, d.Code, d.Message))
		}
		if g := strings.Join(got, "\n"); g != tt.want {
			t.Errorf("Parse(%q)\n got %s\nwant %s", tt.src, g, tt.want)
		}
	}
}

// TestFixes applies the first fix of each diagnostic the parser reports, one diagnostic at a time.
func TestFixes(t *testing.T) {
	tests := []struct{ src, want string }{
		{`A = 1`, `A == 1`},
		{`A == 1&&B == 2`, `A == 1 AND B == 2`},
		{`A == 1 && B == 2`, `A == 1 AND B == 2`},
		{`A == 1 ||B == 2`, `A == 1 OR B == 2`},
		{`!A == 1`, `NOT A == 1`},
		{`A == 'x`, `A == 'x'`},
		{`A == 'C:\'`, `A == 'C:\\'`},
		{"A == 'C:\\' \n", "A == 'C:\\\\' \n"},
		{`A != '\'00`, `A != '\'00'`}, // the \' is no closing quote gone wrong: add one
		{`A == "x"`, `A == 'x'`},
		{`A == "it's"`, `A == 'it\'s'`},
		{`A == "say \"hi\""`, `A == 'say "hi"'`},
		{`A == "a\*b"`, `A == 'a\*b'`},
		{`A == "x`, `A == 'x'`},
		{`A == "C:\\x"`, `A == 'C:\\x'`},
		// the string runs on to the quote before x: the fix ends it where it was meant to end
		{`A == 'C:\' AND B == 'x'`, `A == 'C:\\' AND B == 'x' | expected AND, OR or the end of the filter, found "x"`},
		{`A == 'it\'s' B == 1`, `expected AND, OR or the end of the filter, found "B"`},
	}
	for _, tt := range tests {
		_, diags := parser.Parse(tt.src)
		var got []string
		for _, d := range diags {
			if len(d.Fixes) == 0 {
				got = append(got, d.Message)
				continue
			}
			fixed, err := diag.ApplyEdits(tt.src, d.Fixes[0].Edits)
			if err != nil {
				t.Errorf("%q: %v", tt.src, err)
			}
			got = append(got, fixed)
			if x, more := parser.Parse(fixed); x == nil || len(more) > 0 {
				t.Errorf("%q fixed to %q still has diagnostics:\n%s", tt.src, fixed, more.String("", fixed))
			}
		}
		if g := strings.Join(got, " | "); g != tt.want {
			t.Errorf("fix of %q\n got %s\nwant %s", tt.src, g, tt.want)
		}
	}
}

// TestContextAt: what the grammar expects at the end of each prefix (the completion engine's
// question).
func TestContextAt(t *testing.T) {
	tests := []struct{ src, want string }{
		{``, `a field name, NOT or "(" depth 0`},
		{`Event`, `a field name, NOT or "(" depth 0`}, // the word being typed does not count
		{`EventType `, `a comparison operator (== != > >= < <=) or in field EventType depth 0`},
		{`EventType == `, `a value (a 'string', an integer, true or false) field EventType op == depth 0`},
		{`EventType == 'process' `, `AND, OR or the end of the filter depth 0`},
		{`EventType == 'process' and `, `a field name, NOT or "(" depth 0`},
		{`(A == 1 `, `AND, OR or ")" depth 1`},
		{`A in `, `"(" after in field A depth 0`},
		{`A in (`, `a value or ")" field A depth 1`},
		{`A in ('x', `, `a value field A depth 1`},
		{`A in ('x' `, `"," or ")" field A depth 1`},
		{`in(`, `a field name depth 1`},
		{`in(A, `, `a value field A depth 1`},
		{`in(A, 'x') `, `AND, OR or the end of the filter depth 0`},
		{`NOT `, `a field name, NOT or "(" depth 0`},
		{`A == 1 AND (B in (1, 2) OR in(C, `, `a value field C depth 2`},
		{`A == 1 AND (B in (1, 2) OR in(C, 3) `, `AND, OR or ")" depth 1`},
	}
	for _, tt := range tests {
		c := parser.ContextAt(tt.src, len(tt.src))
		got := c.Describe()
		if c.Field != "" {
			got += " field " + c.Field
		}
		if c.Op != "" {
			got += " op " + c.Op
		}
		got += fmt.Sprintf(" depth %d", c.Depth)
		if got != tt.want {
			t.Errorf("ContextAt(%q)\n got %s\nwant %s", tt.src, got, tt.want)
		}
	}
}

// TestDepth: only parentheses nested more than MaxDepth deep, and more than MaxDepth NOTs in a
// row, are refused, not many parentheses in a row nor parentheses inside strings.
func TestDepth(t *testing.T) {
	for _, src := range []string{
		strings.Repeat("(A == 1) AND ", 200) + "B == '" + strings.Repeat("(", 200) + "'",
		strings.Repeat("(", parser.MaxDepth) + "A == 1" + strings.Repeat(")", parser.MaxDepth),
		strings.Repeat("NOT ", parser.MaxDepth) + "A == 1",
		strings.Repeat("NOT (", parser.MaxDepth) + "A == 1" + strings.Repeat(")", parser.MaxDepth),
	} {
		if x, diags := parser.Parse(src); x == nil || len(diags) > 0 {
			t.Errorf("Parse(%.40q...): %s", src, diags.String("", src))
		}
	}
}

// TestTokens: the token kinds editors highlight, with their exact spans.
func TestTokens(t *testing.T) {
	src := "NOT Ioa.Rules.Name in ('x\\'', 1, True) and\tin(B, \"q\") OR C >= -2 && @ 'open"
	kinds := map[parser.TokenKind]string{parser.TokField: "field", parser.TokKeyword: "kw", parser.TokIn: "in",
		parser.TokOperator: "op", parser.TokString: "str", parser.TokNumber: "num", parser.TokBool: "bool",
		parser.TokPunct: "punct", parser.TokInvalid: "invalid"}
	var got []string
	for _, tok := range parser.Tokens(src) {
		if src[tok.Span.Start:tok.Span.End] != tok.Text {
			t.Errorf("token %q at %v reads %q", tok.Text, tok.Span, src[tok.Span.Start:tok.Span.End])
		}
		got = append(got, kinds[tok.Kind]+":"+tok.Text)
	}
	want := `kw:NOT field:Ioa.Rules.Name in:in punct:( str:'x\'' punct:, num:1 punct:, bool:True punct:) kw:and ` +
		`in:in punct:( field:B punct:, str:"q" punct:) kw:OR field:C op:>= num:-2 invalid:&& invalid:@ str:'open`
	if g := strings.Join(got, " "); g != want {
		t.Errorf("Tokens\n got %s\nwant %s", g, want)
	}
}

// partial renders a tree fully parenthesised with the text of each Bad node, a supplied AND
// as "AND?" and a missing ")" as "]?".
func partial(src string, x ast.Node) string {
	switch x := x.(type) {
	case *ast.Binary:
		op := x.Op.String()
		if x.OpSpan.Len() == 0 {
			op += "?"
		}
		return fmt.Sprintf("(%s %s %s)", op, partial(src, x.X), partial(src, x.Y))
	case *ast.Not:
		return fmt.Sprintf("(NOT %s)", partial(src, x.X))
	case *ast.Paren:
		if x.Rparen < 0 {
			return fmt.Sprintf("[%s]?", partial(src, x.X))
		}
		return fmt.Sprintf("[%s]", partial(src, x.X))
	case *ast.Bad:
		return fmt.Sprintf("<bad %q>", src[x.From:x.To])
	case *ast.In:
		if x.Rparen < 0 {
			return sexpr(x) + "?"
		}
	}
	return sexpr(x)
}

// TestRecovery: after a syntax error the parser goes on, so that the tree keeps every
// well-formed clause and every independent syntax error is reported, but none that follows
// from another.
func TestRecovery(t *testing.T) {
	tests := []struct{ src, tree, diags string }{
		{`EventType == 'proces' AND FileNam == 'x' AND`, `(AND (AND (== EventType 'proces') (== FileNam 'x')) <bad "">)`,
			`1:45 KF0100`},
		{`A == 1 AND OR B == 2`, `(OR (AND (== A 1) <bad "">) (== B 2))`, `1:12 KF0100`},
		{`A == 'x' OR OR`, `(OR (OR (== A 'x') <bad "">) <bad "">)`, `1:13 KF0100`},
		{`A == 1 B == 2`, `(AND? (== A 1) (== B 2))`, `1:8 KF0100`},
		{`A == 1 B`, `(AND? (== A 1) <bad "B">)`, `1:8 KF0100`},
		{`A == 1.5 AND B == 2`, `(AND (AND? (== A 1) <bad ".5">) (== B 2))`, `1:7 KF0100`},
		{`A == 'x' ; B == 1`, `(AND? (AND? (== A 'x') <bad ";">) (== B 1))`, `1:10 KF0100`},
		{`A == 1)`, `(AND? (== A 1) <bad ")">)`, `1:7 KF0100`},
		{`A == AND B == 2`, `(AND <bad "A =="> (== B 2))`, `1:6 KF0100`},
		{`A == B AND C == 'x' AND D`, `(AND (AND <bad "A == B"> (== C 'x')) <bad "D">)`, `1:6 KF0100, 1:26 KF0100`},
		{`(A == 1`, `[(== A 1)]?`, `1:8 KF0100`},
		{`(A == 1 OR B ==) AND C == 2`, `(AND [(OR (== A 1) <bad "B ==">)] (== C 2))`, `1:16 KF0100`},
		{`A in (1 2) AND B in ('x',) AND in(C 1)`, `(AND (AND <bad "A in (1 2)"> <bad "B in ('x',)">) <bad "in(C 1)">)`,
			`1:9 KF0100, 1:26 KF0100, 1:37 KF0100`},
		{`A in ('x' AND B == 1`, `(AND <bad "A in ('x'"> (== B 1))`, `1:11 KF0100`},
		{`A == 1 AND B in ('x', 2,`, `(AND (== A 1) (in B {string:'x' integer:2})?)`, `1:25 KF0100`},
		{`A == 1 AND in(B, 'x'`, `(AND (== A 1) (in() B {string:'x'})?)`, `1:21 KF0100`},
		{`(B in (`, `[(in B {})?]?`, `1:8 KF0100`},
		{`in(`, `<bad "in(">`, `1:4 KF0100`},
		{`A = 1 AND B = 2`, `(AND (== A 1) (== B 2))`, `1:3 KF0105, 1:13 KF0105`},
		{`00&&&&`, `(AND (AND <bad "00"> <bad "">) <bad "">)`, `1:1 KF0100, 1:3 KF0107, 1:5 KF0107`},
		{`A == 1 !B == 2 || || C == 3`, `(OR (OR (AND? (== A 1) (NOT (== B 2))) <bad "">) (== C 3))`, `1:8 KF0107, 1:16 KF0107, 1:19 KF0107`},
		{`A == 1 OR OR OR`, `(OR (OR (OR (== A 1) <bad "">) <bad "">) <bad "">)`, `1:11 KF0100`},
		{`A == 1 && B == 2 || !C == 3`, `(OR (AND (== A 1) (== B 2)) (NOT (== C 3)))`, `1:8 KF0107, 1:18 KF0107, 1:21 KF0107`},
		{"A == 1 AND\n  B ==\n  C == 2", `(AND? (AND (== A 1) <bad "B ==">) (== C 2))`, `3:3 KF0100`},
		{"A == 1 AND\n  == 2\n  AND C == 3", `(AND (AND (== A 1) <bad "== 2">) (== C 3))`, `2:3 KF0100`},
		{`A == "x" B == 2`, `(AND? (== A 'x') (== B 2))`, `1:6 KF0106, 1:10 KF0100`},
		{strings.Repeat("A == B AND ", 12) + "C == 1", "", `1:6 KF0100, 1:17 KF0100, 1:28 KF0100, 1:39 KF0100, 1:50 KF0100, ` +
			`1:61 KF0100, 1:72 KF0100, 1:83 KF0100, 1:94 KF0100, 1:105 KF0100, 1:139 KF0100 and 2 more syntax errors`},
	}
	for _, tt := range tests {
		x, diags := parser.Parse(tt.src)
		if got := partial(tt.src, x); tt.tree != "" && got != tt.tree {
			t.Errorf("Parse(%q)\n got %s\nwant %s", tt.src, got, tt.tree)
		}
		var got []string
		for _, d := range diags {
			pos := ast.NewLineTable(tt.src).Position(d.Span.Start)
			s := fmt.Sprintf("%d:%d %s", pos.Line, pos.Column, d.Code)
			if strings.HasPrefix(d.Message, "and ") {
				s += " " + d.Message
			}
			got = append(got, s)
		}
		if g := strings.Join(got, ", "); g != tt.diags {
			t.Errorf("Parse(%q): diagnostics\n got %s\nwant %s\n%s", tt.src, g, tt.diags, diags.String("", tt.src))
		}
	}
}

// TestIncomplete: a filter that stops where the grammar expects more is incomplete (a reader
// asks for another line); one with an error before its end, or none, is not.
func TestIncomplete(t *testing.T) {
	tests := []struct {
		src  string
		want bool
	}{
		{`A == 1`, false}, {`A ==`, true}, {`A == 1 AND`, true}, {`(A == 1`, true}, {`A in (1,`, true},
		{`NOT`, true}, {`in(`, true}, {`A`, true}, {``, false}, {`A == 'x`, false}, {`A == 1)`, false},
		{`A = = 1 AND`, false}, {"A == 1 OR\n", true},
	}
	for _, tt := range tests {
		if got := parser.Incomplete(tt.src); got != tt.want {
			t.Errorf("Incomplete(%q) = %v, want %v", tt.src, got, tt.want)
		}
	}
}
