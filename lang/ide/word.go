package ide

import (
	"github.com/katafilter/katafilter/lang/ast"
	"github.com/katafilter/katafilter/lang/parser"
)

// word is the partial token under the cursor that a completion replaces.
type word struct {
	span   ast.Span // the whole token, or an empty span at the cursor
	cursor int
	tok    *parser.Token // nil when the cursor touches no word
}

// wordAt finds the token a completion at off would replace: a word-like token (field name,
// keyword, number, a partial operator) that the cursor is in or just after, or a string
// constant the cursor is inside. A complete operator, a terminated string or punctuation just
// before the cursor is not a word: the completion comes after it.
func wordAt(src string, off int) word {
	for _, t := range parser.Tokens(src) {
		if t.Span.Start >= off {
			break
		}
		if t.Span.End < off {
			continue
		}
		// t.Start < off <= t.End
		atEnd := off == t.Span.End
		switch t.Kind {
		case parser.TokField, parser.TokKeyword, parser.TokIn, parser.TokBool, parser.TokNumber:
		case parser.TokString:
			if atEnd && terminated(t.Text) {
				continue
			}
		case parser.TokInvalid:
			if !isOpStart(t.Text) {
				continue
			}
		case parser.TokOperator:
			if atEnd {
				continue
			}
		default:
			continue
		}
		tt := t
		return word{span: t.Span, cursor: off, tok: &tt}
	}
	return word{span: ast.Span{Start: off, End: off}, cursor: off}
}

// terminated reports whether a string token has its closing quote.
func terminated(raw string) bool {
	if len(raw) < 2 || raw[len(raw)-1] != '\'' {
		return false
	}
	n := 0
	for j := len(raw) - 2; j >= 1 && raw[j] == '\\'; j-- {
		n++
	}
	return n%2 == 0
}

func isOpStart(s string) bool { return s == "=" || s == "!" }
