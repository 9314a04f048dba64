package sql

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Fold returns s with every character replaced by the smallest character of its orbit under
// Unicode simple case folding ([unicode.SimpleFold]): the evaluator's case-insensitive
// comparison ([check.EqualFoldRune]) holds between two characters exactly when they fold to
// the same character, and folding keeps the number of characters, so a case-insensitive
// match of a pattern against s is a case-sensitive match of the folded pattern against the
// folded s. For ASCII that is the upper case; 'ſ' folds to 'S' and the Kelvin sign to 'K'.
// Bytes that are not UTF-8 become U+FFFD, as the evaluator reads them.
func Fold(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= utf8.RuneSelf || 'a' <= c && c <= 'z' {
			ascii = false
			break
		}
	}
	if ascii {
		return s
	}
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
