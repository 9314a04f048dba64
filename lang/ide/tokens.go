package ide

import (
	"unicode/utf8"

	"github.com/katafilter/katafilter/lang/ast"
	"github.com/katafilter/katafilter/lang/parser"
)

// TokenKind classifies a piece of source for highlighting.
type TokenKind int

// The token kinds. A string constant is cut into String, Wildcard and Escape pieces.
const (
	TokenField    TokenKind = iota + 1 // a field name
	TokenKeyword                       // AND OR NOT in true false
	TokenOperator                      // == != > >= < <=
	TokenString                        // the literal characters and quotes of a string
	TokenWildcard                      // * or ? inside a string
	TokenEscape                        // a backslash and the character it escapes
	TokenNumber                        // an integer
	TokenComment                       // a # line of a .kfl file
)

func (k TokenKind) String() string {
	switch k {
	case TokenField:
		return "field"
	case TokenKeyword:
		return "keyword"
	case TokenOperator:
		return "operator"
	case TokenString:
		return "string"
	case TokenWildcard:
		return "wildcard"
	case TokenEscape:
		return "escape"
	case TokenNumber:
		return "number"
	case TokenComment:
		return "comment"
	}
	return "invalid"
}

// Token is a classified span of source. Tokens never overlap and come in source order.
type Token struct {
	Span ast.Span
	Kind TokenKind
}

// Classify returns the highlighting tokens of one filter. Punctuation and text the language
// does not know are left out.
func Classify(src string) []Token {
	var out []Token
	for _, t := range parser.Tokens(src) {
		switch t.Kind {
		case parser.TokField:
			out = append(out, Token{t.Span, TokenField})
		case parser.TokKeyword, parser.TokIn, parser.TokBool:
			out = append(out, Token{t.Span, TokenKeyword})
		case parser.TokOperator:
			out = append(out, Token{t.Span, TokenOperator})
		case parser.TokNumber:
			out = append(out, Token{t.Span, TokenNumber})
		case parser.TokString:
			out = appendString(out, t.Text, t.Span.Start)
		}
	}
	return out
}

// appendString cuts a string constant at base into string, wildcard and escape pieces.
func appendString(out []Token, raw string, base int) []Token {
	start := 0 // start of the pending plain run
	flush := func(i int) {
		if i > start {
			out = append(out, Token{ast.Span{Start: base + start, End: base + i}, TokenString})
		}
	}
	for i := 1; i < len(raw); {
		switch c := raw[i]; {
		case c == '\\' && i+1 < len(raw):
			flush(i)
			_, n := utf8.DecodeRuneInString(raw[i+1:])
			out = append(out, Token{ast.Span{Start: base + i, End: base + i + 1 + n}, TokenEscape})
			i += 1 + n
			start = i
		case c == '*' || c == '?':
			flush(i)
			out = append(out, Token{ast.Span{Start: base + i, End: base + i + 1}, TokenWildcard})
			i++
			start = i
		default:
			i++
		}
	}
	flush(len(raw))
	return out
}
