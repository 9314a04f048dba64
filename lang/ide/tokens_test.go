package ide

import (
	"fmt"
	"strings"
	"testing"
)

// renderTokens writes tokens as kind:text.
func renderTokens(src string, toks []Token) string {
	var parts []string
	for _, t := range toks {
		parts = append(parts, fmt.Sprintf("%s:%s", t.Kind, src[t.Span.Start:t.Span.End]))
	}
	return strings.Join(parts, " ")
}

func TestClassify(t *testing.T) {
	tests := []struct{ src, want string }{
		{"EventType == 'process'", "field:EventType operator:== string:'process'"},
		{`FileName == 'a\*b*' and not x in (1, TRUE)`, `field:FileName operator:== string:'a escape:\* string:b wildcard:* string:' keyword:and keyword:not field:x keyword:in number:1 keyword:TRUE`},
		{`x == '*?'`, `field:x operator:== string:' wildcard:* wildcard:? string:'`},
		{`x == '\\\''`, `field:x operator:== string:' escape:\\ escape:\' string:'`},
		{`x == 'Ж\Ж'`, `field:x operator:== string:'Ж escape:\Ж string:'`},
		{`x == 'ab\`, `field:x operator:== string:'ab\`},
		{`x == "a*"`, `field:x operator:== string:"a wildcard:* string:"`},
		{`x = 1 && y`, `field:x number:1 field:y`},
	}
	for _, tc := range tests {
		if got := renderTokens(tc.src, Classify(tc.src)); got != tc.want {
			t.Errorf("Classify(%q):\n got %s\nwant %s", tc.src, got, tc.want)
		}
	}
}
