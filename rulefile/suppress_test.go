package rulefile

import (
	"strconv"
	"strings"
	"testing"

	"github.com/katafilter/katafilter/lang/ast"
)

func TestSuppressionParsing(t *testing.T) {
	src := "# katafilter:ignore KF0200,kf0402 -- both\nfilter: x  # katafilter:ignore KF0500\nq: 'a#katafilter:ignore KF0100 -- inside a word'\n"
	sups := ParseSuppressions(newLines(src), false)
	var got []string
	for _, s := range sups {
		var codes []string
		for _, c := range s.Codes {
			codes = append(codes, string(c))
		}
		got = append(got, strings.Join(codes, "+")+"|"+s.Reason+"|"+itoa(s.Line)+">"+itoa(s.Target))
	}
	if g, want := strings.Join(got, " "), "KF0200+KF0402|both|1>2 KF0500||2>2"; g != want {
		t.Errorf("got %s, want %s", g, want)
	}
	if n := len(ParseSuppressions(newLines("EventType == 'x' # katafilter:ignore KF0200 -- no\n"), true)); n != 0 {
		t.Errorf("a # inside a .kfl filter line made %d suppressions", n)
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

func newLines(src string) *ast.LineTable { return ast.NewLineTable(src) }
