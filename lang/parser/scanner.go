package parser

import "unicode/utf8"

// kind is the kind of a token as the parser sees it: keywords and operators each have their
// own, so that the parser compares kinds, never text.
type kind uint8

const (
	tEOF       kind = iota
	tString         // 'text', closed
	tBadString      // 'text with no closing quote, to the end of the input
	tDQString       // "text", closed or not (an error, explained by a diagnostic)
	tInt            // -?[0-9]+
	tIdent          // a field name: [A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z0-9_]*)*
	tAnd            // AND, in any ASCII case
	tOr             // OR
	tNot            // NOT
	tIn             // IN
	tTrue           // TRUE
	tFalse          // FALSE
	tCmp            // == != >= <= > <
	tAssign         // = (a mistake for ==)
	tAndAnd         // && (a mistake for AND)
	tOrOr           // || (a mistake for OR)
	tBang           // ! (a mistake for NOT)
	tLparen         // (
	tRparen         // )
	tComma          // ,
	tOther          // any other character
)

// scan returns the kind and the length of the token at the start of s, which is not empty and
// does not start with white space. Tokens are cut the go/scanner way, longest match first;
// keywords are the ASCII words AND OR NOT IN TRUE FALSE in any ASCII case (a word of other
// letters is never a keyword: "FALſE" is no FALSE). A letter outside ASCII outside a string
// is one [tOther] token.
func scan(s string) (kind, int) {
	c := s[0]
	switch {
	case c == '\'':
		// The first quote not escaped ends it; with none, the rest of the text.
		for i := 1; i < len(s); i++ {
			switch s[i] {
			case '\\':
				i++
			case '\'':
				return tString, i + 1
			}
		}
		return tBadString, len(s)
	case c == '"':
		// Up to the first quote not escaped, or the end, but not a lone backslash at the end.
		i := 1
		for i < len(s) {
			switch s[i] {
			case '\\':
				if i+1 == len(s) {
					return tDQString, i
				}
				i += 2
				continue
			case '"':
				return tDQString, i + 1
			}
			i++
		}
		return tDQString, i
	case isLetter(c):
		w := 1
		for w < len(s) && isWord(s[w]) {
			w++
		}
		if k := keyword(s[:w]); k != tEOF {
			return k, w
		}
		return tIdent, identEnd(s, w)
	case c == '_':
		w := 1
		for w < len(s) && isWord(s[w]) {
			w++
		}
		return tIdent, identEnd(s, w)
	case isDigit(c) || c == '-' && len(s) > 1 && isDigit(s[1]):
		n := 1
		for n < len(s) && isDigit(s[n]) {
			n++
		}
		return tInt, n
	}
	var next byte
	if len(s) > 1 {
		next = s[1]
	}
	switch c {
	case '=':
		if next == '=' {
			return tCmp, 2
		}
		return tAssign, 1
	case '!':
		if next == '=' {
			return tCmp, 2
		}
		return tBang, 1
	case '<', '>':
		if next == '=' {
			return tCmp, 2
		}
		return tCmp, 1
	case '&':
		if next == '&' {
			return tAndAnd, 2
		}
	case '|':
		if next == '|' {
			return tOrOr, 2
		}
	case '(':
		return tLparen, 1
	case ')':
		return tRparen, 1
	case ',':
		return tComma, 1
	}
	if c < utf8.RuneSelf {
		return tOther, 1
	}
	_, n := utf8.DecodeRuneInString(s)
	return tOther, n
}

// identEnd extends an identifier whose first word ends at w over (\.[A-Za-z0-9_]*)*.
func identEnd(s string, w int) int {
	for w < len(s) && s[w] == '.' {
		w++
		for w < len(s) && isWord(s[w]) {
			w++
		}
	}
	return w
}

// isSpace reports white space, which separates tokens: space, tab, newline, form feed and
// carriage return (not a vertical tab, which is a character the language does not know).
func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r'
}

func isLetter(c byte) bool { return c|0x20 >= 'a' && c|0x20 <= 'z' }

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func isWord(c byte) bool { return isLetter(c) || isDigit(c) || c == '_' }

// keyword returns the keyword the ASCII word w spells in any case, or tEOF.
func keyword(w string) kind {
	switch len(w) {
	case 2:
		switch {
		case fold(w, "or"):
			return tOr
		case fold(w, "in"):
			return tIn
		}
	case 3:
		switch {
		case fold(w, "and"):
			return tAnd
		case fold(w, "not"):
			return tNot
		}
	case 4:
		if fold(w, "true") {
			return tTrue
		}
	case 5:
		if fold(w, "false") {
			return tFalse
		}
	}
	return tEOF
}

// fold reports whether the ASCII word w equals the lower-case word lower in any ASCII case.
func fold(w, lower string) bool {
	for i := 0; i < len(w); i++ {
		if w[i]|0x20 != lower[i] {
			return false
		}
	}
	return true
}
