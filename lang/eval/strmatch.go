package eval

import (
	"encoding/binary"
	"strings"
	"unicode/utf8"
	"unsafe"

	"github.com/katafilter/katafilter/lang/ast"
)

// The forms of strTest.
const (
	strExact    = iota // s == a
	strPrefix          // a*
	strSuffix          // *a
	strContains        // *a*
	strAny             // * alone: every string
	strPrefixN         // a followed by n ?: the prefix and exactly n more characters
	strGlob            // anything else: ast.Matcher
)

// strTest is a string pattern compiled to the fastest form that agrees with [ast.Matcher],
// the one definition of wildcard matching (strmatch_test.go holds them to it).
type strTest struct {
	form int
	a    string
	n    int // strPrefixN: the number of ?
	m    ast.Matcher
	// fold is set for a case-insensitive pattern whose text is all ASCII: a is then in lower
	// case, and the form applies to ASCII strings (other strings go to m, since a non-ASCII
	// character such as the Kelvin sign can fold to an ASCII letter).
	fold bool
}

func newStrTest(p ast.Pattern, ignoreCase bool) strTest {
	t := strTest{form: strGlob, m: ast.NewMatcher(p, ignoreCase)}
	if ignoreCase {
		for _, s := range p.Segs {
			if s.Kind == ast.Text && !isASCII(s.Text) {
				return t
			}
		}
		t.fold = true
	}
	segs := p.Segs
	if !normal(segs) {
		segs = normalise(segs)
	}
	switch {
	case len(segs) == 0:
		t.form = strExact
	case kindsAre(segs, ast.Text):
		t.form, t.a = strExact, segs[0].Text
	case kindsAre(segs, ast.Star):
		t.form = strAny
	case kindsAre(segs, ast.Text, ast.Star):
		t.form, t.a = strPrefix, segs[0].Text
	case kindsAre(segs, ast.Star, ast.Text):
		t.form, t.a = strSuffix, segs[1].Text
	case kindsAre(segs, ast.Star, ast.Text, ast.Star):
		t.form, t.a = strContains, segs[1].Text
	case len(segs) >= 2 && segs[0].Kind == ast.Text && allQuest(segs[1:]):
		t.form, t.a, t.n = strPrefixN, segs[0].Text, len(segs)-1
	}
	if t.fold {
		t.a = strings.ToLower(t.a) // ASCII only: the same as simple folding to lower case
	}
	return t
}

// normal reports whether segs has no empty text, no two texts in a row and no two * in a
// row, as ast.DecodeString makes them.
func normal(segs []ast.Seg) bool {
	for i, s := range segs {
		if (s.Kind == ast.Text && s.Text == "") || (i > 0 && s.Kind == segs[i-1].Kind && s.Kind != ast.Quest) {
			return false
		}
	}
	return true
}

// normalise returns segs with adjacent texts joined, runs of * made one and empty texts left out.
func normalise(segs []ast.Seg) []ast.Seg {
	var out []ast.Seg
	for _, s := range segs {
		if n := len(out); n > 0 && s.Kind == out[n-1].Kind && s.Kind != ast.Quest {
			if s.Kind == ast.Text {
				out[n-1].Text += s.Text
			}
			continue
		}
		if s.Kind == ast.Text && s.Text == "" {
			continue
		}
		out = append(out, s)
	}
	return out
}

func allQuest(segs []ast.Seg) bool {
	for _, s := range segs {
		if s.Kind != ast.Quest {
			return false
		}
	}
	return true
}

// kindsAre reports whether the segments are of the kinds given, in order.
func kindsAre(segs []ast.Seg, kinds ...ast.SegKind) bool {
	if len(segs) != len(kinds) {
		return false
	}
	for i := range segs {
		if segs[i].Kind != kinds[i] {
			return false
		}
	}
	return true
}

func (t *strTest) match(s string) bool {
	if t.fold {
		return t.matchFold(s)
	}
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

// matchFold is match for case-insensitive ASCII patterns.
func (t *strTest) matchFold(s string) bool {
	if t.form == strGlob || !isASCII(s) {
		return t.form == strAny || t.m.Match(s)
	}
	a := t.a
	switch t.form {
	case strExact:
		return len(s) == len(a) && eqFoldASCII(s, a)
	case strPrefix:
		return len(s) >= len(a) && eqFoldASCII(s[:len(a)], a)
	case strSuffix:
		return len(s) >= len(a) && eqFoldASCII(s[len(s)-len(a):], a)
	case strContains:
		for i := 0; i+len(a) <= len(s); i++ {
			if eqFoldASCII(s[i:i+len(a)], a) {
				return true
			}
		}
		return false
	case strAny:
		return true
	case strPrefixN:
		return len(s) == len(a)+t.n && eqFoldASCII(s[:len(a)], a)
	}
	return t.m.Match(s)
}

// eqFoldASCII reports whether the ASCII string s equals lower, which is in lower case,
// regardless of case.
func eqFoldASCII(s, lower string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != lower[i] {
			return false
		}
	}
	return true
}

func isASCII(s string) bool {
	b := unsafe.Slice(unsafe.StringData(s), len(s)) // read only
	i := 0
	for ; i+8 <= len(b); i += 8 {
		if binary.LittleEndian.Uint64(b[i:])&msb != 0 {
			return false
		}
	}
	for ; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
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
