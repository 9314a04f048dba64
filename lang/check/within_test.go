package check

import (
	"testing"

	"github.com/katafilter/katafilter/lang/ast"
)

func TestWithin(t *testing.T) {
	tests := []struct {
		p, q       string
		ignoreCase bool
		want       bool
	}{
		{`'ab*'`, `'a*'`, false, true},
		{`'a*'`, `'ab*'`, false, false},
		{`'*.exe'`, `'*'`, false, true},
		{`'x'`, `'*'`, false, true},
		{`'C:\\Windows\\*'`, `'C:\\*'`, false, true},
		{`'C:\\Windows\*'`, `'C:\\Windows\\*'`, false, false},
		{`'a?c'`, `'a?c'`, false, true},
		{`'a?c'`, `'abc'`, false, false},
		{`'abc'`, `'a?c'`, false, true},
		{`'a*c'`, `'a?c'`, false, false},
		{`'ABC*'`, `'abc*'`, false, false},
		{`'ABC*'`, `'abc*'`, true, true},
		{`'*a*'`, `'*a*b*'`, false, false},
		{`'a\*'`, `'a*'`, false, true},
		{`'a*'`, `'a\*'`, false, false},
	}
	for _, tt := range tests {
		p, _ := ast.DecodeString(tt.p)
		q, _ := ast.DecodeString(tt.q)
		if got := within(p, q, tt.ignoreCase); got != tt.want {
			t.Errorf("within(%s, %s, ignore case %v) = %v, want %v", tt.p, tt.q, tt.ignoreCase, got, tt.want)
		}
		// Sound: every instance of p that q's matcher sees must match.
		if tt.want {
			m := ast.NewMatcher(q, tt.ignoreCase)
			for _, fill := range []string{"", "x", "zz?*"} {
				s := instanceOf(p, fill)
				if !m.Match(s) {
					t.Errorf("within(%s, %s) but %q matches the first and not the second", tt.p, tt.q, s)
				}
			}
		}
	}
}

func instanceOf(p ast.Pattern, fill string) string {
	s := ""
	for _, sg := range p.Segs {
		switch sg.Kind {
		case ast.Star:
			s += fill
		case ast.Quest:
			s += "q"
		default:
			s += sg.Text
		}
	}
	return s
}
