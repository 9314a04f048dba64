package eval

import (
	"strings"
	"unicode/utf8"

	"github.com/katafilter/katafilter/lang/ast"
	"github.com/katafilter/katafilter/lang/check"
)

// The forms of strTest.
const (
	strExact    = iota // s == a
	strPrefix          // a*
	strSuffix          // *a
	strContains        // *a*
	strAny             // * alone: every string
	strPrefixN         // a followed by n ?: the prefix and exactly n more characters
	strGlob            // anything else: check.Matcher
)

// strTest is a string pattern compiled to the fastest form that agrees with [check.Matcher],
// the one definition of wildcard matching (strmatch_test.go holds them to it).
type strTest struct {
	form int
	a    string
	n    int // strPrefixN: the number of ?
	m    check.Matcher
}

func newStrTest(p ast.Pattern, ignoreCase bool) strTest {
	t := strTest{form: strGlob, m: check.NewMatcher(p, ignoreCase)}
	if ignoreCase {
		return t
	}
	// Normalise: adjacent texts joined, runs of * made one.
	var segs []ast.Seg
	for _, s := range p.Segs {
		if n := len(segs); n > 0 && s.Kind == segs[n-1].Kind && s.Kind != ast.Quest {
			if s.Kind == ast.Text {
				segs[n-1].Text += s.Text
			}
			continue
		}
		if s.Kind == ast.Text && s.Text == "" {
			continue
		}
		segs = append(segs, s)
	}
	kinds := make([]ast.SegKind, len(segs))
	for i, s := range segs {
		kinds[i] = s.Kind
	}
	switch {
	case len(segs) == 0:
		t.form = strExact
	case eqKinds(kinds, ast.Text):
		t.form, t.a = strExact, segs[0].Text
	case eqKinds(kinds, ast.Star):
		t.form = strAny
	case eqKinds(kinds, ast.Text, ast.Star):
		t.form, t.a = strPrefix, segs[0].Text
	case eqKinds(kinds, ast.Star, ast.Text):
		t.form, t.a = strSuffix, segs[1].Text
	case eqKinds(kinds, ast.Star, ast.Text, ast.Star):
		t.form, t.a = strContains, segs[1].Text
	case len(segs) >= 2 && segs[0].Kind == ast.Text && allQuest(segs[1:]):
		t.form, t.a, t.n = strPrefixN, segs[0].Text, len(segs)-1
	}
	return t
}

func allQuest(segs []ast.Seg) bool {
	for _, s := range segs {
		if s.Kind != ast.Quest {
			return false
		}
	}
	return true
}

func eqKinds(a []ast.SegKind, b ...ast.SegKind) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func (t *strTest) match(s string) bool {
	switch t.form {
	case strExact:
		return s == t.a
	case strPrefix:
		return len(s) >= len(t.a) && s[:len(t.a)] == t.a
	case strSuffix:
		return len(s) >= len(t.a) && s[len(s)-len(t.a):] == t.a
	case strContains:
		return strings.Contains(s, t.a)
	case strAny:
		return true
	case strPrefixN:
		if len(s) < len(t.a)+t.n || s[:len(t.a)] != t.a {
			return false
		}
		rest := s[len(t.a):]
		return len(rest) <= 4*t.n && utf8.RuneCountInString(rest) == t.n
	}
	return t.m.Match(s)
}

// prob is the planner's guess of the share of values the test accepts.
func (t *strTest) prob() float64 {
	switch t.form {
	case strExact:
		return 0.1
	case strAny:
		return 0.9
	}
	return 0.2
}

// cost ranks the forms for the planner.
func (t *strTest) cost() int {
	switch t.form {
	case strExact, strAny:
		return 1
	case strPrefix, strSuffix:
		return 2
	case strContains:
		return 6
	}
	return 12
}
