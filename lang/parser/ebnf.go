package parser

import (
	"fmt"
	"regexp"
	"strings"
)

// grammarPrefix is the prefix of the private grammar types ("gOr" prints as "GOr").
var grammarPrefix = regexp.MustCompile(`\bG([A-Z][A-Za-z]*)\b`)

// EBNF returns the grammar of the filter language in EBNF, printed by the parsing library
// from the very grammar the parser is built from (productions capitalised, lexer tokens in
// angle brackets and lower case), followed by the lexer's token rules as regular expressions,
// first match wins. grammar/katafilter.ebnf is this text, kept in step by a golden test.
func EBNF() string {
	var b strings.Builder
	b.WriteString(grammarPrefix.ReplaceAllString(grammar.String(), "$1"))
	b.WriteString("\n\n(* Tokens, tried in this order at each position; the first that matches wins.\n")
	b.WriteString("   Keywords are case-insensitive; whitespace separates tokens and is otherwise ignored. *)\n")
	for _, states := range []string{"Root"} {
		for _, r := range filterLexer.Rules()[states] {
			fmt.Fprintf(&b, "%s = /%s/ .\n", strings.ToLower(r.Name), r.Pattern)
		}
	}
	return b.String()
}
