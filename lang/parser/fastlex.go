package parser

import (
	"io"
	"strings"

	"github.com/alecthomas/participle/v2/lexer"
)

// fastLexer is filterLexer written out as code, for the parser: the regexp-based lexer runs up
// to ten regular expressions per token, one rule after the other, which was a quarter of the
// time of a parse. It gives exactly the tokens of filterLexer (the same types, texts and
// positions; fastlex_test.go holds it to that on a corpus and by fuzzing) on ASCII input, and
// hands any other input to filterLexer itself, since there the regular expressions' Unicode
// case folding of the keywords (a long s matches S in FALSE) would have to be copied too.
type fastLexer struct{}

var _ lexer.StringDefinition = fastLexer{}

// The token types, as filterLexer numbers them.
var (
	tokWhitespace = filterLexer.Symbols()["Whitespace"]
	tokString     = filterLexer.Symbols()["String"]
	tokBadString  = filterLexer.Symbols()["BadString"]
	tokDQString   = filterLexer.Symbols()["DQString"]
	tokKeyword    = filterLexer.Symbols()["Keyword"]
	tokInt        = filterLexer.Symbols()["Int"]
	tokIdent      = filterLexer.Symbols()["Ident"]
	tokOp         = filterLexer.Symbols()["Op"]
	tokPunct      = filterLexer.Symbols()["Punct"]
	tokOther      = filterLexer.Symbols()["Other"]
)

func (fastLexer) Symbols() map[string]lexer.TokenType { return filterLexer.Symbols() }

func (l fastLexer) Lex(filename string, r io.Reader) (lexer.Lexer, error) {
	var b strings.Builder
	if _, err := io.Copy(&b, r); err != nil {
		return nil, err
	}
	return l.LexString(filename, b.String())
}

func (fastLexer) LexString(filename, src string) (lexer.Lexer, error) {
	for i := 0; i < len(src); i++ {
		if src[i] >= 0x80 {
			return filterLexer.LexString(filename, src)
		}
	}
	return &fastLex{data: src, pos: lexer.Position{Filename: filename, Line: 1, Column: 1}}, nil
}

// fastLex lexes ASCII text.
type fastLex struct {
	data string // what is left
	pos  lexer.Position
}

func (l *fastLex) Next() (lexer.Token, error) {
	if len(l.data) == 0 {
		return lexer.EOFToken(l.pos), nil
	}
	typ, n := scanToken(l.data)
	tok := lexer.Token{Type: typ, Value: l.data[:n], Pos: l.pos}
	l.data = l.data[n:]
	l.pos.Advance(tok.Value)
	return tok, nil
}

// scanToken returns the type and the length of the token at the start of the ASCII text s,
// trying filterLexer's rules in its order, the first that matches winning.
func scanToken(s string) (lexer.TokenType, int) {
	c := s[0]
	switch {
	case isRESpace(c): // \s+
		n := 1
		for n < len(s) && isRESpace(s[n]) {
			n++
		}
		return tokWhitespace, n
	case c == '\'':
		// String: '(?s:\\.|[^'\\])*' — the first quote not escaped ends it.
		for i := 1; i < len(s); i++ {
			switch s[i] {
			case '\\':
				i++
			case '\'':
				return tokString, i + 1
			}
		}
		// BadString: '(?s:\\.|[^'\\])*\\? — with no closing quote, the rest of the text.
		return tokBadString, len(s)
	case c == '"':
		// DQString: "(?s:\\.|[^"\\])*"? — up to the first quote not escaped, or the end, but
		// not a lone backslash at the end.
		i := 1
		for i < len(s) {
			switch s[i] {
			case '\\':
				if i+1 == len(s) {
					return tokDQString, i
				}
				i += 2
				continue
			case '"':
				return tokDQString, i + 1
			}
			i++
		}
		return tokDQString, i
	case isLetter(c):
		// Keyword: (?i)\b(?:AND|OR|NOT|IN|TRUE|FALSE)\b — a whole word, so the word run.
		w := 1
		for w < len(s) && isWord(s[w]) {
			w++
		}
		if isKeyword(s[:w]) {
			return tokKeyword, w
		}
		return tokIdent, identEnd(s, w)
	case c >= '0' && c <= '9' || c == '-' && len(s) > 1 && s[1] >= '0' && s[1] <= '9':
		// Int: -?[0-9]+
		n := 1
		for n < len(s) && s[n] >= '0' && s[n] <= '9' {
			n++
		}
		return tokInt, n
	case c == '_':
		// Ident: [A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z0-9_]*)*
		w := 1
		for w < len(s) && isWord(s[w]) {
			w++
		}
		return tokIdent, identEnd(s, w)
	}
	// Op: ==|!=|>=|<=|&&|\|\||[<>=!]
	if len(s) > 1 {
		switch s[:2] {
		case "==", "!=", ">=", "<=", "&&", "||":
			return tokOp, 2
		}
	}
	switch c {
	case '<', '>', '=', '!':
		return tokOp, 1
	case '(', ')', ',': // Punct: [(),]
		return tokPunct, 1
	}
	return tokOther, 1 // Other: . (a newline is white space)
}

// identEnd extends an identifier whose first word ends at w over (?:\.[A-Za-z0-9_]*)*.
func identEnd(s string, w int) int {
	for w < len(s) && s[w] == '.' {
		w++
		for w < len(s) && isWord(s[w]) {
			w++
		}
	}
	return w
}

// isRESpace is RE2's \s: [\t\n\f\r ].
func isRESpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r'
}

func isLetter(c byte) bool { return c|0x20 >= 'a' && c|0x20 <= 'z' }

// isWord is RE2's \w, which \b is about: [0-9A-Za-z_].
func isWord(c byte) bool { return isLetter(c) || c >= '0' && c <= '9' || c == '_' }

func isKeyword(w string) bool {
	switch len(w) {
	case 2:
		return strings.EqualFold(w, "OR") || strings.EqualFold(w, "IN")
	case 3:
		return strings.EqualFold(w, "AND") || strings.EqualFold(w, "NOT")
	case 4:
		return strings.EqualFold(w, "TRUE")
	case 5:
		return strings.EqualFold(w, "FALSE")
	}
	return false
}
