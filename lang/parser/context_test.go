package parser

import (
	"strings"
	"testing"
)

// FuzzContextAgrees keeps the two readings of the grammar in step: the parser (participle)
// and the token state machine behind ContextAt, which completion and syntax errors rely on.
// A filter parses exactly when the machine accepts each of its tokens in turn and ends
// expecting AND, OR or the end at depth 0; and a syntax error lies at the first token the
// machine rejects. Seeds: testdata/fuzz/FuzzContextAgrees.
func FuzzContextAgrees(f *testing.F) {
	for _, s := range []string{`A == 1`, `NOT (A in (1, 'x') OR in(B, true))`, `A in (1,`, `(A == 1`, `A == 'x`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		x, diags := Parse(src)
		if x == nil && len(diags) == 1 && strings.Contains(diags[0].Message, "nest more than") {
			return // a limit of the parser, not of the grammar
		}
		var before []Token
		rejected := -1
		for _, tok := range Tokens(src) {
			if !contextAfter(before).accepts(tok) {
				rejected = tok.Span.Start
				break
			}
			before = append(before, tok)
		}
		c := contextAfter(before)
		machineOK := rejected < 0 && c.Expect == ExpectConnective && c.Depth == 0
		if machineOK != (x != nil) {
			t.Fatalf("%q: the parser says %v, the state machine %v (%s)", src, x != nil, machineOK, c.Describe())
		}
		if x == nil && rejected >= 0 && len(diags) > 0 {
			last := diags[len(diags)-1] // a hint may come first
			if last.Span.Start != rejected && !strings.Contains(last.Message, "nest more than") {
				t.Fatalf("%q: the syntax error is at %d, the first rejected token at %d", src, last.Span.Start, rejected)
			}
		}
	})
}
