package ast_test

import (
	"strings"
	"testing"

	"github.com/katafilter/katafilter/lang/ast"
)

// TestMatcher is the definition of wildcard matching: * any run of characters (the empty run
// too), ? exactly one character (a code point, not a byte), \* and \? the characters themselves.
func TestMatcher(t *testing.T) {
	tests := []struct {
		pattern, s string
		fold       bool
		want       bool
	}{
		{`'abc'`, "abc", false, true},
		{`'abc'`, "abcd", false, false},
		{`'abc'`, "ABC", false, false},
		{`'abc'`, "ABC", true, true},
		{`''`, "", false, true},
		{`''`, "a", false, false},
		{`'*'`, "", false, true},
		{`'*'`, "anything", false, true},
		{`'a*'`, "a", false, true},
		{`'*a'`, "bba", false, true},
		{`'*a'`, "ab", false, false},
		{`'*x*'`, "axb", false, true},
		{`'*x*'`, "ab", false, false},
		{`'a*b*c'`, "aXbYbZc", false, true},
		{`'a*b*c'`, "aXbYbZcd", false, false},
		{`'?'`, "", false, false},
		{`'?'`, "a", false, true},
		{`'?'`, "ab", false, false},
		{`'?'`, "я", false, true},   // one code point, two bytes
		{`'??'`, "я", false, false}, // not two bytes
		{`'?'`, "😀", false, true},
		{`'WS-FIN-00?'`, "WS-FIN-001", false, true},
		{`'WS-FIN-00?'`, "WS-FIN-0010", false, false},
		{`'\*'`, "*", false, true},
		{`'\*'`, "x", false, false},
		{`'\?'`, "x", false, false},
		{`'what\?'`, "what?", false, true},
		{`'a\\b'`, `a\b`, false, true},
		{`'it\'s'`, "it's", false, true},
		{`'CORP\\*'`, `CORP\alice`, false, true},
		{`'*\\Temp\\*'`, `C:\Users\x\AppData\Local\Temp\a.exe`, false, true},
		{`'Иванов'`, "иванов", false, false},
		{`'Иванов'`, "иванов", true, true},
		{`'*ПЁТР*'`, "пётр", true, true},
		{`'straße'`, "STRASSE", true, false}, // simple folding only: ß is one character
		{`'*a*a*a*a*b'`, strings.Repeat("a", 200), false, false},
	}
	for _, tt := range tests {
		p, probs := ast.DecodeString(tt.pattern)
		if len(probs) > 0 {
			t.Fatalf("%s: %v", tt.pattern, probs)
		}
		if got := ast.NewMatcher(p, tt.fold).Match(tt.s); got != tt.want {
			t.Errorf("%s matches %q (ignore case %v): got %v, want %v", tt.pattern, tt.s, tt.fold, got, tt.want)
		}
	}
}
