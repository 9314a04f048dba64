package grammar_test

import (
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"strings"
	"testing"

	"github.com/katafilter/katafilter/grammar"
	"github.com/katafilter/katafilter/internal/workload"
	"github.com/katafilter/katafilter/lang/ast"
	"github.com/katafilter/katafilter/lang/diag"
	"github.com/katafilter/katafilter/lang/parser"
)

var update = flag.Bool("update", false, "rewrite golden files")

// TestEBNF keeps katafilter.ebnf equal to the grammar the specification is built from; run
// with -update to rewrite it after a grammar change.
func TestEBNF(t *testing.T) {
	const header = "(* The grammar of KATA event filters, generated from the specification (package grammar)\n" +
		"   by go test ./grammar -run TestEBNF -update. Do not edit. *)\n\n"
	want := header + grammar.EBNF()
	const path = "katafilter.ebnf"
	if *update {
		if err := os.WriteFile(path, []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./grammar -run TestEBNF -update)", err)
	}
	if string(got) != want {
		t.Errorf("%s is out of date: run go test ./grammar -run TestEBNF -update", path)
	}
	for _, prod := range []string{"Or = ", "And = ", "Not = ", "InList = ", `"NOT"`, `"AND"`, `"OR"`, `"IN"`} {
		if !strings.Contains(want, prod) {
			t.Errorf("EBNF lacks %s", prod)
		}
	}
}

// render writes a tree with every span, so that two trees compare as text. A literal is its
// kind, flags and source text (the parser keeps a double-quoted string rewritten in Raw).
func render(src string, x ast.Node) string {
	switch x := x.(type) {
	case *ast.Binary:
		return fmt.Sprintf("(%s%v %s %s)", x.Op, x.OpSpan, render(src, x.X), render(src, x.Y))
	case *ast.Not:
		return fmt.Sprintf("(NOT%v %s)", x.NotSpan, render(src, x.X))
	case *ast.Paren:
		return fmt.Sprintf("[%d %s %d]", x.Lparen, render(src, x.X), x.Rparen)
	case *ast.Compare:
		return fmt.Sprintf("(%s%v %s %s)", x.Op, x.OpSpan, render(src, x.Field), render(src, x.Value))
	case *ast.In:
		var vs []string
		for _, v := range x.Values {
			vs = append(vs, render(src, v))
		}
		return fmt.Sprintf("(in%v call=%v %d %s {%s} %d)", x.InSpan, x.Call, x.Lparen, render(src, x.Field),
			strings.Join(vs, " "), x.Rparen)
	case *ast.Field:
		return fmt.Sprintf("%s%v", x.Name, x.NameSpan)
	case *ast.Literal:
		return fmt.Sprintf("%s%v%q u=%v dq=%v", x.Kind, x.LitSpan, src[x.LitSpan.Start:x.LitSpan.End], x.Unterminated, x.DoubleQuoted)
	}
	return fmt.Sprintf("<%T>", x)
}

// capNots shortens each run of NOTs in x to parser.MaxDepth, its first ones, as the parser
// keeps them.
func capNots(x ast.Expr) ast.Expr {
	switch n := x.(type) {
	case *ast.Binary:
		n.X, n.Y = capNots(n.X), capNots(n.Y)
	case *ast.Paren:
		n.X = capNots(n.X)
	case *ast.Not:
		run := []*ast.Not{n}
		for {
			inner, ok := run[len(run)-1].X.(*ast.Not)
			if !ok {
				break
			}
			run = append(run, inner)
		}
		last := run[len(run)-1]
		last.X = capNots(last.X)
		if len(run) > parser.MaxDepth {
			run[parser.MaxDepth-1].X = last.X
		}
	}
	return x
}

// nesting is the deepest nesting of parentheses in src, and the offset of the first "("
// beyond parser.MaxDepth (-1 when there is none).
func nesting(src string) (deepest, beyond int) {
	depth, beyond := 0, -1
	for _, t := range parser.Tokens(src) {
		switch t.Text {
		case "(":
			depth++
			if depth > parser.MaxDepth && beyond < 0 {
				beyond = t.Span.Start
			}
			deepest = max(deepest, depth)
		case ")":
			depth = max(0, depth-1)
		}
	}
	return deepest, beyond
}

// agree holds the parser to the specification on src: when the grammar accepts src, the
// parser reports no syntax error and builds the same tree (with the runs of NOTs beyond
// parser.MaxDepth cut, and reported); when the grammar rejects src, so does the parser, its
// first syntax error where the grammar's is.
func agree(tb testing.TB, src string) (accepted bool) {
	tb.Helper()
	x, diags := parser.Parse(src)
	if _, beyond := nesting(src); beyond >= 0 {
		// The grammar has no limit; the parser stops at the first "(" beyond its own.
		first := firstSyntaxError(diags)
		if first == nil || first.Span.Start > beyond {
			tb.Fatalf("%q: nests beyond %d at %d, but the parser says %v", src, parser.MaxDepth, beyond, diags)
		}
		return false
	}
	gx, off, err := grammar.Parse(src)
	first := firstSyntaxError(diags)
	if err != nil {
		if first == nil {
			tb.Fatalf("%q: the grammar rejects it at %d (%v), the parser accepts it", src, off, err)
		}
		at := first.Span.Start
		if strings.HasPrefix(first.Message, "empty filter") {
			at = first.Span.End // the diagnostic covers the blank text, to its end where the grammar stops
		}
		if at != off && !strings.Contains(first.Message, "nest more than") {
			tb.Fatalf("%q: the grammar's first error is at %d (%v), the parser's at %d: %s", src, off, err, first.Span.Start, first.Message)
		}
		return false
	}
	for _, d := range diags {
		if d.Code == diag.SyntaxError && !strings.HasPrefix(d.Message, "NOTs nest more than") || d.Code == diag.SingleEquals || d.Code == diag.LogicalSymbol {
			tb.Fatalf("%q: the grammar accepts it, the parser says %s", src, d.Message)
		}
	}
	if want, got := render(src, capNots(gx)), render(src, x); got != want {
		tb.Fatalf("%q: trees differ\ngrammar %s\n parser %s", src, want, got)
	}
	return true
}

// firstSyntaxError is the first syntax error the parser found, in the order it found them.
func firstSyntaxError(diags diag.List) *diag.Diagnostic {
	for i, d := range diags {
		if d.Code == diag.SyntaxError || d.Code == diag.SingleEquals || d.Code == diag.LogicalSymbol {
			return &diags[i]
		}
	}
	return nil
}

// corpus holds cases at the edges of each rule; the test adds the workload's filters, and
// random filters with and without mistakes.
var corpus = []string{
	`A == 1`, `A==-1`, `a.b.c != 'x'`, `A >= 1 AND B <= 2 OR C > 3 AND D < 4`,
	`NOT A == 1`, `not NOT nOt A == 1`, `NOT (A == 1 OR B == 2) AND C == 3`, `((A == 1))`,
	`A in ('x', 1, TRUE)`, `A IN ()`, `A in (1,)`, `A in (,1)`, `A in 1`, `in(A)`, `IN(A, 'x', 2)`,
	`in(A,)`, `in('A', 1)`, `in (A, 1) or B in (2)`, `A == true`, `A == False`, `A == 'it\'s'`,
	`A == 'C:\'`, `A == 'C:\' AND B == 'x'`, `A == "dq"`, `A == "dq`, `A == 'open`,
	`A == 99999999999999999999`, `A == -`, `A = 1`, `A && B`, `A == 1 &&`, `!A`, `A == 1 OR`,
	`A == 1)`, `(A == 1`, `()`, `A`, `A ==`, `== 1`, `1 == A`, `A == B`, `A == 1 2`, `AND`,
	"A == 'Имя'", "Имя == 1", "FALſE == 1", "A == FALſE", "A == 1 \u00a0AND B == 2",
	"A\n==\n'x'\n\tAND\tB == 2", "A == 'x' #", `A == 1 AND NOT`, `A in ('x' 'y')`, ``, " \n ",
	"A == 1 \v", `A == 1AND B == -2or C == 'x'and D == 1`, `A == 1 AND B = 2 && C == 3 || !D == 4`,
	strings.Repeat("NOT ", parser.MaxDepth+1) + "A == 1", strings.Repeat("not ", 300) + "A == 1 AND (" + strings.Repeat("NOT ", 150) + "B == 2)",
	strings.Repeat("(", parser.MaxDepth) + "A == 1" + strings.Repeat(")", parser.MaxDepth),
	strings.Repeat("(", parser.MaxDepth+1) + "A == 1" + strings.Repeat(")", parser.MaxDepth+1),
	"A == 1\nB == 2", "A ==\nB == 2", "(A == 1 OR\n", `A in (1 2) AND B = 3`, `in(A 1) OR in(B, 'x')`,
	`A == "x" B == 2`, `A == 'x' NOT B == 1`, `A == 'x' ; B == 1`, `A == 1 AND OR B == 1`,
}

func TestAgrees(t *testing.T) {
	all := append([]string(nil), corpus...)
	if data, err := workload.Queries(); err == nil {
		all = append(all, strings.Split(string(data), "\n")...)
	}
	rng := rand.New(rand.NewPCG(5, 6))
	for range 3000 {
		src := randomFilter(rng, 3)
		all = append(all, src, mutate(rng, src))
	}
	accepted := 0
	for _, src := range all {
		if agree(t, src) {
			accepted++
		}
	}
	// A test that only ever saw rejections would hold the parser to nothing.
	if accepted < len(all)/3 {
		t.Fatalf("the grammar accepted only %d of %d texts", accepted, len(all))
	}
}

// FuzzAgrees feeds both parsers arbitrary text. Seeds: corpus and testdata/fuzz/FuzzAgrees.
func FuzzAgrees(f *testing.F) {
	for _, s := range corpus {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		if len(src) > 4096 {
			return // the specification backtracks by reflection: long inputs take seconds
		}
		agree(t, src)
	})
}

// randomFilter writes a random filter of the grammar, with random spacing and keyword case,
// nesting up to depth.
func randomFilter(rng *rand.Rand, depth int) string {
	var b strings.Builder
	writeOr(rng, &b, depth)
	return b.String()
}

func pick[T any](rng *rand.Rand, xs ...T) T { return xs[rng.IntN(len(xs))] }

func space(rng *rand.Rand) string { return pick(rng, " ", " ", " ", "", "\n\t", "  ") }

func kw(rng *rand.Rand, w string) string {
	switch rng.IntN(3) {
	case 0:
		return strings.ToLower(w)
	case 1:
		return w[:1] + strings.ToLower(w[1:])
	}
	return w
}

func writeOr(rng *rand.Rand, b *strings.Builder, depth int) {
	for i := range 1 + rng.IntN(3) {
		if i > 0 {
			b.WriteString(" " + kw(rng, pick(rng, "AND", "OR")) + " ")
		}
		for range rng.IntN(3) / 2 {
			b.WriteString(kw(rng, "NOT") + pick(rng, " ", "  "))
		}
		writePrimary(rng, b, depth)
	}
}

func writePrimary(rng *rand.Rand, b *strings.Builder, depth int) {
	field := pick(rng, "EventType", "a.b", "_x9", "FileSize", "Ioa.Rules.Name", "x.")
	switch n := rng.IntN(10); {
	case n == 0 && depth > 0:
		b.WriteString("(" + space(rng))
		writeOr(rng, b, depth-1)
		b.WriteString(space(rng) + ")")
	case n == 1:
		b.WriteString(kw(rng, "IN") + space(rng) + "(" + space(rng) + field)
		for range rng.IntN(3) {
			b.WriteString("," + space(rng) + randomValue(rng))
		}
		b.WriteString(space(rng) + ")")
	case n == 2:
		b.WriteString(field + " " + kw(rng, "IN") + space(rng) + "(")
		for i := range rng.IntN(4) {
			if i > 0 {
				b.WriteString("," + space(rng))
			}
			b.WriteString(randomValue(rng))
		}
		b.WriteString(")")
	default:
		b.WriteString(field + space(rng) + pick(rng, "==", "!=", ">", ">=", "<", "<=") + space(rng) + randomValue(rng))
	}
}

func randomValue(rng *rand.Rand) string {
	return pick(rng, `'process'`, `''`, `'*\\Temp\\*'`, `'it\'s'`, `'Имя'`, `"dq"`, `"d\"q'`, `0`, `-42`,
		`99999999999999999999`, kw(rng, "TRUE"), kw(rng, "FALSE"), `'a?b*'`)
}

// mutate makes a likely mistake in src: a byte removed, doubled or replaced by one the
// grammar cares about.
func mutate(rng *rand.Rand, src string) string {
	if src == "" {
		return src
	}
	i := rng.IntN(len(src))
	switch rng.IntN(3) {
	case 0:
		return src[:i] + src[i+1:]
	case 1:
		return src[:i] + src[i:i+1] + src[i:]
	}
	return src[:i] + pick(rng, "(", ")", ",", "'", "\"", "=", "!", "\\", " ", "A", "1", "&&", "\n") + src[i+1:]
}

// lexCorpus holds the tricky cases of each token rule.
var lexCorpus = []string{
	``, ` `, "\t\n\f\r \v", `A == 1`, `a.b.c == 'x'`, `a..b. == 1`, `_x.9 != -5`, `-`, `--1`, `-x`,
	`AND and And aNd ANDROID AND1 AND_ AND.x NOT(x) IN( in(a, 1) TRUE FALSE true1 falsey OR`,
	`'abc'`, `'a\'b'`, `'a\\'`, `'a\\\'`, `'unterminated`, `'ends in backslash\`, `'\`, `'`, `''`,
	`"dq"`, `"dq`, `"d\"q"`, `"lone\`, `"\\"`, `"`, `==!=>=<=&&||<>=!`, `===`, `&`, `|`, `(),`,
	`@#$%^*+[]{};:~` + "`", "1AND", "x'y'z", "A == 'x\ny'", "a\n== \n'b'", "NOT NOT x == 1",
	"FALſE", "fal\u017fe", "\u212aey", "Имя", "a\xffb", "'\xff'",
}

// scannerAgrees holds the parser's scanner (parser.Tokens) to the specification's lexer.
func scannerAgrees(tb testing.TB, src string) {
	tb.Helper()
	want, err := grammar.Tokens(src)
	if err != nil {
		tb.Fatalf("%q: %v", src, err)
	}
	kinds := map[string]parser.TokenKind{"String": parser.TokString, "BadString": parser.TokString,
		"DQString": parser.TokString, "Int": parser.TokNumber, "Ident": parser.TokField, "Punct": parser.TokPunct,
		"Other": parser.TokInvalid}
	got := parser.Tokens(src)
	if len(got) != len(want) {
		tb.Fatalf("%q: the scanner cuts %d tokens %v, the specification %d %v", src, len(got), got, len(want), want)
	}
	for i, w := range want {
		k, ok := kinds[w.Type]
		switch {
		case ok:
		case w.Type == "Keyword" && strings.EqualFold(w.Text, "in"):
			k = parser.TokIn
		case w.Type == "Keyword" && (strings.EqualFold(w.Text, "true") || strings.EqualFold(w.Text, "false")):
			k = parser.TokBool
		case w.Type == "Keyword":
			k = parser.TokKeyword
		case ast.ParseCmpOp(w.Text) != 0:
			k = parser.TokOperator
		default:
			k = parser.TokInvalid
		}
		g := got[i]
		if g.Kind != k || g.Text != w.Text || g.Span.Start != w.Offset {
			tb.Fatalf("%q: token %d: the scanner says %v %q at %d, the specification %s %q at %d", src, i, g.Kind, g.Text, g.Span.Start, w.Type, w.Text, w.Offset)
		}
	}
}

func TestScannerAgrees(t *testing.T) {
	all := append(append([]string(nil), lexCorpus...), corpus...)
	if data, err := workload.Queries(); err == nil {
		all = append(all, strings.Split(string(data), "\n")...)
	}
	rng := rand.New(rand.NewPCG(3, 4))
	alphabet := []string{"a", "Z", "_", "0", "7", "-", ".", " ", "\n", "\t", "'", "\"", "\\", "=", "!", "<", ">", "&", "|",
		"(", ")", ",", "*", "?", "AND", "or", "Not", "in", "TRUE", "false", "\x00", "\x7f", "ſ", "\xff", "é"}
	for range 5000 {
		var b strings.Builder
		for range rng.IntN(20) {
			b.WriteString(alphabet[rng.IntN(len(alphabet))])
		}
		all = append(all, b.String())
	}
	for _, src := range all {
		scannerAgrees(t, src)
	}
}

// FuzzScannerAgrees feeds both lexers arbitrary text; the seeds are lexCorpus.
func FuzzScannerAgrees(f *testing.F) {
	for _, s := range lexCorpus {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) { scannerAgrees(t, src) })
}
