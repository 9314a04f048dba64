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

// TestSuppressionsAreComments: the marker inside a quoted string, a plain scalar or a block
// scalar is text, not a comment, and suppresses nothing; comments are what the YAML lexer reads.
func TestSuppressionsAreComments(t *testing.T) {
	src := `rules:
  - description: "see # katafilter:ignore KF0402 -- quoted"
    filter: "EventType == 'process' AND FileName in ('a # katafilter:ignore KF0402 -- in the filter', 'a')"
  - filter: |
      EventType == 'process'
      # katafilter:ignore KF0402 -- inside a block scalar
  - note: plain # katafilter:ignore KF0500 -- a real comment after a plain scalar
  # katafilter:ignore KF0500 -- a real comment on its own line
  - filter: x
`
	var got []string
	for _, s := range ParseSuppressions(newLines(src), false) {
		got = append(got, itoa(s.Line)+">"+itoa(s.Target)+" "+s.Reason)
	}
	want := "7>7 a real comment after a plain scalar|8>9 a real comment on its own line"
	if g := strings.Join(got, "|"); g != want {
		t.Errorf("got %s, want %s", g, want)
	}
}
