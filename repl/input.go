package repl

import (
	"strings"

	"github.com/katafilter/katafilter/lang/parser"
)

// NeedsMore reports whether input (the lines typed so far, joined with "\n") is an unfinished
// filter that continues on the next line: a parenthesis is still open, or the last token is
// AND, OR, NOT, a comparison operator, in, or a comma. Meta-commands are always one line.
func NeedsMore(input string) bool {
	t := strings.TrimSpace(input)
	if t == "" {
		return false
	}
	if _, _, ok := splitMeta(t); ok {
		return false
	}
	toks := parser.Tokens(t)
	if len(toks) == 0 {
		return false
	}
	switch last := toks[len(toks)-1]; last.Kind {
	case parser.TokKeyword, parser.TokOperator, parser.TokIn:
		return true
	case parser.TokPunct:
		if last.Text == "," || last.Text == "(" {
			return true
		}
	}
	return parser.ContextAt(t, len(t)).Depth > 0
}
