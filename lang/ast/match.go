package ast

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Matcher matches strings against a decoded string constant: literal text, * (any run of
// characters) and ? (exactly one character, that is one Unicode code point). It is the single
// definition of wildcard matching, kept beside [Pattern]: the checker reasons with it, and the
// evaluator compiles faster forms that must agree with it.
type Matcher struct {
	segs       []Seg
	ignoreCase bool
}

// NewMatcher returns a matcher for p; with ignoreCase, letters match without regard to case
// (Unicode simple case folding).
func NewMatcher(p Pattern, ignoreCase bool) Matcher {
	return Matcher{segs: p.Segs, ignoreCase: ignoreCase}
}

// Match reports whether s matches the whole pattern. It runs in time proportional to
// len(s) times the pattern's length at worst: only the last * seen is ever backtracked to,
// which suffices for patterns made of literal text, * and ?.
func (m Matcher) Match(s string) bool {
	segs := m.segs
	if len(segs) == 1 && segs[0].Kind == Text && !m.ignoreCase {
		return s == segs[0].Text // what the loop below decides for plain text, at once
	}
	i, pos := 0, 0
	starI, starPos := -1, 0
	for {
		if i < len(segs) {
			switch seg := segs[i]; seg.Kind {
			case Star:
				if i == len(segs)-1 {
					return true
				}
				starI, starPos = i, pos
				i++
				continue
			case Quest:
				if pos < len(s) {
					_, n := utf8.DecodeRuneInString(s[pos:])
					pos += n
					i++
					continue
				}
			default:
				if n, ok := m.prefix(s[pos:], seg.Text); ok {
					pos += n
					i++
					continue
				}
			}
		} else if pos == len(s) {
			return true
		}
		if starI < 0 || starPos >= len(s) {
			return false
		}
		_, n := utf8.DecodeRuneInString(s[starPos:])
		starPos += n
		pos, i = starPos, starI+1
	}
}

// prefix reports whether s starts with t and how many bytes of s that takes.
func (m Matcher) prefix(s, t string) (int, bool) {
	if !m.ignoreCase {
		return len(t), strings.HasPrefix(s, t)
	}
	n := 0
	for _, tr := range t {
		if n >= len(s) {
			return 0, false
		}
		sr, w := utf8.DecodeRuneInString(s[n:])
		if !equalFoldRune(sr, tr) {
			return 0, false
		}
		n += w
	}
	return n, true
}

// equalFoldRune reports whether a and b are equal under Unicode simple case folding.
func equalFoldRune(a, b rune) bool {
	if a == b {
		return true
	}
	for r := unicode.SimpleFold(a); r != a; r = unicode.SimpleFold(r) {
		if r == b {
			return true
		}
	}
	return false
}
