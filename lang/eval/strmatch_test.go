package eval

import (
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/katafilter/katafilter/lang/ast"
)

// segs builds a pattern from a compact notation: * and ? are wildcards, any other rune is text
// (one text segment per rune, so that adjacent texts are exercised too).
func segs(s string) ast.Pattern {
	var p ast.Pattern
	for _, r := range s {
		switch r {
		case '*':
			p.Segs = append(p.Segs, ast.Seg{Kind: ast.Star})
		case '?':
			p.Segs = append(p.Segs, ast.Seg{Kind: ast.Quest})
		default:
			p.Segs = append(p.Segs, ast.Seg{Kind: ast.Text, Text: string(r)})
		}
	}
	return p
}

func TestStrTestForms(t *testing.T) {
	tests := []struct {
		pat  string
		form int
	}{
		{"", strExact}, {"abc", strExact}, {"*", strAny}, {"***", strAny}, {"ab*", strPrefix},
		{"ab**", strPrefix}, {"*ab", strSuffix}, {"*ab*", strContains}, {"**ab***", strContains},
		{"a?", strPrefixN}, {"ab??", strPrefixN}, {"a?b", strGlob}, {"?a", strGlob}, {"a*b", strGlob}, {"*a*b*", strGlob}, {"?", strGlob},
	}
	for _, tt := range tests {
		if got := newStrTest(segs(tt.pat), false); got.form != tt.form {
			t.Errorf("%q: form %d, want %d", tt.pat, got.form, tt.form)
		}
		if got := newStrTest(segs(tt.pat), true); got.form != tt.form || !got.fold {
			t.Errorf("%q ignoring case: form %d (fold %v), want %d", tt.pat, got.form, got.fold, tt.form)
		}
	}
	// An empty text segment (as from '') must not change the form.
	p := ast.Pattern{Segs: []ast.Seg{{Kind: ast.Text, Text: "ab"}, {Kind: ast.Text}, {Kind: ast.Star}}}
	if got := newStrTest(p, false); got.form != strPrefix || got.a != "ab" {
		t.Errorf("ab + empty + *: %+v", got)
	}
}

// TestStrTestAgreesWithMatcher holds every fast form to ast.Matcher, the one definition of
// wildcard matching, on random patterns and strings over a small alphabet.
func TestStrTestAgreesWithMatcher(t *testing.T) {
	alpha := []string{"a", "b", "A", "é", "É", "*", "?", "\\", "ſ", "\xff"}
	rng := rand.New(rand.NewPCG(1, 2))
	word := func(n int, wild bool) string {
		var b strings.Builder
		for range rng.IntN(n + 1) {
			s := alpha[rng.IntN(len(alpha))]
			if !wild && (s == "*" || s == "?") {
				s = "b"
			}
			b.WriteString(s)
		}
		return b.String()
	}
	for range 20000 {
		pat, s := word(5, true), word(7, false)
		for _, ic := range []bool{false, true} {
			p := segs(pat)
			want := ast.NewMatcher(p, ic).Match(s)
			ft := newStrTest(p, ic)
			if got := ft.match(s); got != want {
				t.Fatalf("pattern %q on %q (ignore case %v, form %d): %v, matcher says %v", pat, s, ic, ft.form, got, want)
			}
		}
	}
}

func FuzzStrTest(f *testing.F) {
	f.Add("ab*", "abc")
	f.Add("*b*", "xbx")
	f.Add("*é", "é")
	f.Fuzz(func(t *testing.T, pat, s string) {
		for _, ic := range []bool{false, true} {
			p := segs(pat)
			ft := newStrTest(p, ic)
			if got, want := ft.match(s), ast.NewMatcher(p, ic).Match(s); got != want {
				t.Fatalf("pattern %q on %q (ignore case %v): %v, matcher says %v", pat, s, ic, got, want)
			}
		}
	})
}
