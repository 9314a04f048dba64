package parser

import (
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/katafilter/katafilter/internal/workload"
	"github.com/katafilter/katafilter/lang/ast"
)

// descentAgrees holds the recursive-descent parser to participle's grammar on src: when descent
// parses src, the grammar accepts it with the same tree and the same diagnostics; when descent
// gives up on text that is ASCII, the grammar rejects it too (descent may leave other text to
// the grammar, see the type's doc, but never a filter it could have parsed).
func descentAgrees(tb testing.TB, src string) {
	tb.Helper()
	if _, deep := tooDeep(src); deep {
		return // Parse stops before either parser
	}
	dx, dd, ok := parseDescent(src)
	gx, gd := parseGrammar(src)
	switch {
	case ok && gx == nil:
		tb.Fatalf("%q: descent accepts what the grammar rejects: %v", src, gd)
	case ok:
		if d := cmp.Diff(gx, dx); d != "" {
			tb.Fatalf("%q: trees differ (-grammar +descent):\n%s", src, d)
		}
		if d := cmp.Diff(gd, dd); d != "" {
			tb.Fatalf("%q: diagnostics differ (-grammar +descent):\n%s", src, d)
		}
	case gx != nil && isASCII(src):
		tb.Fatalf("%q: descent gave up on a filter the grammar accepts", src)
	}
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// descentCorpus holds cases at the edges of each rule; the test adds the lexer's corpus, the
// workload's filters, and random filters with and without mistakes.
var descentCorpus = []string{
	`A == 1`, `A==-1`, `a.b.c != 'x'`, `A >= 1 AND B <= 2 OR C > 3 AND D < 4`,
	`NOT A == 1`, `not NOT nOt A == 1`, `NOT (A == 1 OR B == 2) AND C == 3`, `((A == 1))`,
	`A in ('x', 1, TRUE)`, `A IN ()`, `A in (1,)`, `A in (,1)`, `A in 1`, `in(A)`, `IN(A, 'x', 2)`,
	`in(A,)`, `in('A', 1)`, `in (A, 1) or B in (2)`, `A == true`, `A == False`, `A == 'it\'s'`,
	`A == 'C:\'`, `A == 'C:\' AND B == 'x'`, `A == "dq"`, `A == "dq`, `A == 'open`,
	`A == 99999999999999999999`, `A == -`, `A = 1`, `A && B`, `A == 1 &&`, `!A`, `A == 1 OR`,
	`A == 1)`, `(A == 1`, `()`, `A`, `A ==`, `== 1`, `1 == A`, `A == B`, `A == 1 2`, `AND`,
	"A == 'Имя'", "Имя == 1", "FALſE == 1", "A == FALſE", "A == 1 \u00a0AND B == 2",
	"A\n==\n'x'\n\tAND\tB == 2", "A == 'x' #", `A == 1 AND NOT`, `A in ('x' 'y')`,
}

func TestDescentAgrees(t *testing.T) {
	corpus := append(append([]string(nil), descentCorpus...), lexCorpus...)
	if data, err := workload.Queries(); err == nil {
		corpus = append(corpus, strings.Split(string(data), "\n")...)
	}
	rng := rand.New(rand.NewPCG(5, 6))
	for range 3000 {
		src := randomFilter(rng, 3)
		corpus = append(corpus, src, mutate(rng, src))
	}
	accepted := 0
	for _, src := range corpus {
		descentAgrees(t, src)
		if _, _, ok := parseDescent(src); ok {
			accepted++
		}
	}
	// A test that only ever saw rejections would hold descent to nothing.
	if accepted < len(corpus)/3 {
		t.Fatalf("descent parsed only %d of %d texts", accepted, len(corpus))
	}
}

// FuzzDescentAgrees feeds both parsers arbitrary text. Seeds: descentCorpus and
// testdata/fuzz/FuzzDescentAgrees.
func FuzzDescentAgrees(f *testing.F) {
	for _, s := range descentCorpus {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) { descentAgrees(t, src) })
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
	return src[:i] + pick(rng, "(", ")", ",", "'", "\"", "=", "!", "\\", " ", "A", "1") + src[i+1:]
}

// TestDescentManyNots: a run of NOTs is read in a loop and makes the nested nodes in order; a
// hundred thousand of them are refused at the first beyond MaxDepth, cheaply.
func TestDescentManyNots(t *testing.T) {
	x, diags, ok := parseDescent(strings.Repeat("not ", MaxDepth) + "A == 1")
	if !ok || len(diags) != 0 {
		t.Fatalf("ok %v, diags %v", ok, diags)
	}
	depth := 0
	for {
		not, isNot := x.(*ast.Not)
		if !isNot {
			break
		}
		if want := 4 * depth; not.NotSpan.Start != want {
			t.Fatalf("NOT %d at %d, want %d", depth, not.NotSpan.Start, want)
		}
		x, depth = not.X, depth+1
	}
	if depth != MaxDepth {
		t.Fatalf("%d NOTs, want %d", depth, MaxDepth)
	}
	x, diags, ok = parseDescent(strings.Repeat("not ", 100_000) + "A == 1")
	if !ok || x != nil || len(diags) != 1 || diags[0].Span.Start != 4*MaxDepth {
		t.Fatalf("100,000 NOTs: ok %v, tree %v, diags %v", ok, x, diags)
	}
}
