package sql

import (
	"strings"
	"unicode"
	"unicode/utf8"
	"unsafe"
)

// Fold returns s with every character replaced by the smallest character of its orbit under
// Unicode simple case folding ([unicode.SimpleFold]): the evaluator's case-insensitive
// comparison ([check.EqualFoldRune]) holds between two characters exactly when they fold to
// the same character, and folding keeps the number of characters, so a case-insensitive
// match of a pattern against s is a case-sensitive match of the folded pattern against the
// folded s. For ASCII that is the upper case; 'ſ' folds to 'S' and the Kelvin sign to 'K'.
// Bytes that are not UTF-8 become U+FFFD, as the evaluator reads them.
func Fold(s string) string {
	lower := -1 // the first lower-case ASCII letter
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= utf8.RuneSelf {
			return foldUnicode(s)
		}
		if lower < 0 && 'a' <= c && c <= 'z' {
			lower = i
		}
	}
	if lower < 0 {
		return s
	}
	b := []byte(s)
	for i := lower; i < len(b); i++ {
		if c := b[i]; 'a' <= c && c <= 'z' {
			b[i] = c - 'a' + 'A'
		}
	}
	return unsafe.String(&b[0], len(b))
}

// foldUnicode is Fold of a string that is not all ASCII.
func foldUnicode(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		b.WriteRune(foldRune(r))
	}
	return b.String()
}

func foldRune(r rune) rune {
	if r < utf8.RuneSelf {
		if 'a' <= r && r <= 'z' {
			return r - 'a' + 'A' // the upper case is the smaller, and no other letter is in the orbit below it
		}
		return r
	}
	m := r
	for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
		m = min(m, f)
	}
	return m
}
