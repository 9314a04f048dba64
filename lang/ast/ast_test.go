package ast_test

import (
	"flag"
	"fmt"
	"strings"
	"testing"

	"github.com/katafilter/katafilter/lang/ast"
)

func init() {
	if flag.Lookup("update") == nil {
		flag.Bool("update", false, "accepted for go test ./lang/... -update; no golden files here")
	}
}

func TestLineTable(t *testing.T) {
	src := "ab\nИмя == 'x'\r\n\tz\n"
	lt := ast.NewLineTable(src)
	tests := []struct {
		off  int
		want string
	}{
		{0, "1:1"}, {2, "1:3"}, {3, "2:1"}, {5, "2:2"}, // И is two bytes, one column
		{9, "2:4"}, {16, "2:11"}, {18, "3:1"}, {19, "3:2"}, {21, "4:1"}, {-5, "1:1"}, {999, "4:1"},
	}
	for _, tt := range tests {
		p := lt.Position(tt.off)
		if got := fmt.Sprintf("%d:%d", p.Line, p.Column); got != tt.want {
			t.Errorf("Position(%d) = %s, want %s", tt.off, got, tt.want)
		}
		if tt.off >= 0 && tt.off <= len(src) && lt.Offset(p.Line, p.Column) != tt.off {
			t.Errorf("Offset(%d, %d) = %d, want %d", p.Line, p.Column, lt.Offset(p.Line, p.Column), tt.off)
		}
	}
	if got := fmt.Sprintf("%d %q %q %q", lt.LineCount(), lt.Line(2), lt.Line(3), lt.Line(9)); got != `4 "Имя == 'x'" "\tz" ""` {
		t.Errorf("lines: %s", got)
	}
}

func TestLineStarts(t *testing.T) {
	tests := []struct{ src, want string }{
		{"", "[0]"},
		{"a", "[0]"},
		{"\n", "[0 1]"},
		{"ab\ncd\n", "[0 3 6]"},
		{"\n\n\nx", "[0 1 2 3]"},
		{"\r\nИ\r\n", "[0 2 6]"},
		{"\ufeffa\nb", "[0 5]"}, // a byte order mark is the first line's (NewLineTable skips it)
	}
	for _, tt := range tests {
		got := fmt.Sprint(ast.LineStarts(tt.src))
		if got != tt.want {
			t.Errorf("LineStarts(%q) = %s, want %s", tt.src, got, tt.want)
		}
	}
}

func segs(p ast.Pattern) string {
	var out []string
	for _, s := range p.Segs {
		switch s.Kind {
		case ast.Star:
			out = append(out, "*")
		case ast.Quest:
			out = append(out, "?")
		default:
			out = append(out, fmt.Sprintf("%q", s.Text))
		}
	}
	return strings.Join(out, " ")
}

func TestDecodeString(t *testing.T) {
	tests := []struct{ raw, want string }{
		{`''`, ``},
		{`'abc'`, `"abc"`},
		{`'a*b?c'`, `"a" * "b" ? "c"`},
		{`'*'`, `*`},
		{`'\*\?'`, `"*?"`},
		{`'a\\b'`, `"a\\b"`},
		{`'it\'s'`, `"it's"`},
		{`'\\*'`, `"\\" *`},
		{`'Имя?'`, `"Имя" ?`},
		{`'C:\Windows'`, `"C:\\Windows" problem@3:'W'`},
		{`'x\'`, `"x'" `},
		{`'x\`, `"x\\" problem@2:trailing`},
		{`'unterminated`, `"unterminated"`},
	}
	for _, tt := range tests {
		p, probs := ast.DecodeString(tt.raw)
		got := segs(p)
		for _, pr := range probs {
			if pr.Trailing {
				got += fmt.Sprintf(" problem@%d:trailing", pr.Offset)
			} else {
				got += fmt.Sprintf(" problem@%d:%q", pr.Offset, pr.Char)
			}
		}
		if strings.TrimSpace(got) != strings.TrimSpace(tt.want) {
			t.Errorf("DecodeString(%s) = %s, want %s", tt.raw, got, tt.want)
		}
	}
}

func TestQuote(t *testing.T) {
	for _, s := range []string{"", "plain", `C:\Windows\*`, "it's", "a?b*c", "Имя"} {
		q := ast.QuoteString(s)
		p, probs := ast.DecodeString(q)
		if len(probs) > 0 || !p.IsLiteral() || p.Literal() != s {
			t.Errorf("QuoteString(%q) = %s decodes to %q (literal %v, problems %v)", s, q, p.Literal(), p.IsLiteral(), probs)
		}
	}
	for _, raw := range []string{`'a*b?'`, `'\*x\\'`, `'it\'s *'`} {
		p, _ := ast.DecodeString(raw)
		if got := ast.QuotePattern(p); got != raw {
			t.Errorf("QuotePattern(DecodeString(%s)) = %s", raw, got)
		}
	}
}

func TestSpan(t *testing.T) {
	s := ast.Span{Start: 2, End: 5}
	got := fmt.Sprint(s, s.Len(), s.Contains(2), s.Contains(5), s.Contains(6), s.Join(ast.Span{Start: 7, End: 9}), s.Shift(10))
	if want := "[2,5) 3 true true false [2,9) [12,15)"; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
}
