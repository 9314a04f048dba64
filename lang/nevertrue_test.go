package lang_test

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/katafilter/katafilter/lang"
	"github.com/katafilter/katafilter/lang/ast"
	"github.com/katafilter/katafilter/lang/diag"
	"github.com/katafilter/katafilter/lang/eval"
)

// TestNeverTrueSound holds the checker's "never true" reasoning (KF0501) to the evaluator: for
// random filters over a few fields, whenever the checker says an operand of an AND chain can
// never be true together with the others, the chain matches none of a set of events that
// takes every field through the filters' constants, their neighbours and absence; when it
// says so of the whole filter, the filter matches none. A test of the reasoning's soundness:
// it does not ask the checker to find every such chain.
func TestNeverTrueSound(t *testing.T) {
	events := neverTrueEvents()
	rng := rand.New(rand.NewPCG(7, 8))
	warned, viaOr, viaOrs := 0, 0, 0
	for i := range 30000 {
		src := randomLogicFilter(rng, 3)
		if i%3 == 0 { // chains of several ORs, which random trees seldom make
			src = randomOrChain(rng)
		}
		f := lang.Analyze(src, lang.Config{})
		if f.Diagnostics.HasErrors() {
			continue
		}
		for _, d := range f.Diagnostics {
			if d.Code != diag.NeverTrue {
				continue
			}
			warned++
			if strings.Contains(d.Message, "alternatives") {
				viaOr++
			}
			if strings.Contains(d.Message, "whichever") {
				viaOrs++
			}
			part := neverTruePart(f.Expr, d.Span)
			if part == nil {
				t.Fatalf("%s: KF0501 at %v names no operand of a chain", src, d.Span)
			}
			text := src[part.Span().Start:part.Span().End]
			p, diags := lang.Compile(text, lang.Config{})
			if p == nil {
				t.Fatalf("%s: the chain %s does not compile: %v", src, text, diags)
			}
			for _, ev := range events {
				if p.Match(ev) {
					t.Fatalf("%s: %s\n  said never true (%s), but matches %v", src, text, d.Message, ev)
				}
			}
		}
	}
	// A test in which the checker never warned would hold it to nothing.
	t.Logf("%d warnings, %d of them about an OR, %d about several", warned, viaOr, viaOrs)
	if warned < 500 || viaOr < 50 || viaOrs < 30 {
		t.Fatalf("only %d warnings in the random filters, %d about an OR, %d about several", warned, viaOr, viaOrs)
	}
}

// neverTruePart returns the AND chain of which the node at sp is an operand, or the node at
// sp itself when it is the whole filter.
func neverTruePart(x ast.Expr, sp ast.Span) ast.Expr {
	if x.Span() == sp {
		return x
	}
	var found ast.Expr
	var walk func(x ast.Expr, chain ast.Expr)
	walk = func(x ast.Expr, chain ast.Expr) {
		if found != nil {
			return
		}
		switch y := x.(type) {
		case *ast.Paren:
			walk(y.X, chain)
			return
		case *ast.Binary:
			if y.Op == ast.And {
				if chain == nil {
					chain = y
				}
				walk(y.X, chain)
				walk(y.Y, chain)
				return
			}
		}
		if chain != nil && x.Span() == sp {
			found = chain
			return
		}
		switch y := x.(type) {
		case *ast.Binary:
			walk(y.X, nil)
			walk(y.Y, nil)
		case *ast.Not:
			walk(y.X, nil)
		}
	}
	walk(x, nil)
	return found
}

var (
	logicInts    = []string{"0", "3", "5", "10", "11"}
	logicStrings = []string{"'a'", "'b'", "'c'", "'a*'", "'*b'"}
)

func randomLogicFilter(rng *rand.Rand, depth int) string {
	if depth == 0 || rng.IntN(3) == 0 {
		return randomLogicComparison(rng)
	}
	switch rng.IntN(6) {
	case 0:
		return "NOT (" + randomLogicFilter(rng, depth-1) + ")"
	case 1, 2:
		return "(" + randomLogicFilter(rng, depth-1) + " OR " + randomLogicFilter(rng, depth-1) + ")"
	}
	return randomLogicFilter(rng, depth-1) + " AND " + randomLogicFilter(rng, depth-1)
}

// randomOrChain writes a comparison and two or three ORs in an AND chain, over few fields and
// constants, so that the ORs often contradict each other.
func randomOrChain(rng *rand.Rand) string {
	parts := []string{randomLogicComparison(rng)}
	for range 2 + rng.IntN(2) {
		alts := []string{randomLogicComparison(rng), randomLogicComparison(rng)}
		if rng.IntN(3) == 0 {
			alts = append(alts, randomLogicComparison(rng)+" AND "+randomLogicComparison(rng))
		}
		parts = append(parts, "("+strings.Join(alts, " OR ")+")")
	}
	return strings.Join(parts, " AND ")
}

func randomLogicComparison(rng *rand.Rand) string {
	pick := func(xs []string) string { return xs[rng.IntN(len(xs))] }
	switch rng.IntN(7) {
	case 0:
		return "EventType " + pick([]string{"==", "!="}) + " " + pick([]string{"'process'", "'module'", "'proc*'"})
	case 1, 2:
		return "FileSize " + pick([]string{"==", "!=", "<", "<=", ">", ">="}) + " " + pick(logicInts)
	case 3:
		return "FileSize in (" + pick(logicInts) + ", " + pick(logicInts) + ")"
	case 4:
		return "FileName in (" + pick(logicStrings[:3]) + ", " + pick(logicStrings[:3]) + ")"
	}
	return pick([]string{"FileName", "UserName"}) + " " + pick([]string{"==", "!="}) + " " + pick(logicStrings)
}

// neverTrueEvents takes each field through the constants, their neighbours, other values and
// absence.
func neverTrueEvents() []any {
	var out []any
	for _, et := range []string{"process", "module"} {
		for size := -2; size <= 12; size++ { // -2: no FileSize
			for _, name := range []string{"", "a", "b", "c", "ab", "ba", "A", "x"} { // "": none
				for _, user := range []string{"", "a", "b"} {
					var b strings.Builder
					fmt.Fprintf(&b, `{"EventType": %q`, et)
					if size >= -1 {
						fmt.Fprintf(&b, `, "FileSize": %d`, size)
					}
					if name != "" {
						fmt.Fprintf(&b, `, "FileName": %q`, name)
					}
					if user != "" {
						fmt.Fprintf(&b, `, "UserName": %q`, user)
					}
					b.WriteString("}")
					v, err := eval.Decode([]byte(b.String()))
					if err != nil {
						panic(err)
					}
					out = append(out, v)
				}
			}
		}
	}
	return out
}
