package repl

import (
	"strings"

	"github.com/katafilter/katafilter/lang/parser"
)

// NeedsMore reports whether input (the lines typed so far, joined with "\n") is an unfinished
// filter that continues on the next line: the parser's first syntax error is that the input
// ends where the grammar expects more (after AND, OR, NOT, a comparison operator, in, a comma,
// or with a parenthesis open). Meta-commands are always one line, and so is a lone word, more
// likely a command typed without its dot (help) than the start of a filter.
func NeedsMore(input string) bool {
	t := strings.TrimSpace(input)
	if t == "" {
		return false
	}
	if _, _, ok := splitMeta(t); ok {
		return false
	}
	if toks := parser.Tokens(t); len(toks) == 1 && toks[0].Kind == parser.TokField {
		return false
	}
	return parser.Incomplete(t)
}
