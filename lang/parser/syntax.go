package parser

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/katafilter/katafilter/lang/ast"
	"github.com/katafilter/katafilter/lang/diag"
)

// firstRejected finds where a syntax error really is. The parsing library may report an error
// at a token the grammar accepts there: having failed further on, it backs out of a repetition
// (the "," of "A in (1,") and blames where the repetition began. Starting from the library's
// offset off, firstRejected follows the tokens with the grammatical context and returns the
// context before the first token the grammar rejects, and that token's offset (len(src) when
// every remaining token is acceptable: then the filter ended too early).
func firstRejected(src string, off int) (Context, int) {
	var before []Token
	toks := Tokens(src)
	i := 0
	for ; i < len(toks) && toks[i].Span.End <= off; i++ {
		before = append(before, toks[i])
	}
	ctx := contextAfter(before)
	for ; i < len(toks); i++ {
		t := toks[i]
		if t.Span.Start < off || !ctx.accepts(t) {
			return ctx, max(off, t.Span.Start)
		}
		before = append(before, t)
		ctx = contextAfter(before)
	}
	return ctx, len(src)
}

// accepts reports whether the grammar allows token t in context c.
func (c Context) accepts(t Token) bool {
	value := t.Kind == TokString || t.Kind == TokNumber || t.Kind == TokBool
	switch c.Expect {
	case ExpectTerm:
		return t.Kind == TokField || t.Kind == TokIn || t.Text == "(" ||
			t.Kind == TokKeyword && strings.EqualFold(t.Text, "NOT")
	case ExpectOperator:
		return t.Kind == TokOperator || t.Kind == TokIn
	case ExpectValue, ExpectListNext:
		return value
	case ExpectInParen:
		return t.Text == "("
	case ExpectListValue:
		return value || t.Text == ")"
	case ExpectListSep, ExpectCallComma:
		return t.Text == "," || t.Text == ")"
	case ExpectCallField:
		return t.Kind == TokField
	case ExpectConnective:
		return t.Kind == TokKeyword && !strings.EqualFold(t.Text, "NOT") || t.Text == ")" && c.Depth > 0
	}
	return false
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// escapedQuoteBefore explains a syntax error that follows a string constant holding an escaped
// quote, the usual result of a Windows path that ends in a backslash: in
// FilePath == 'C:\Users\' AND FileName == 'x' the string runs on to the quote before x, and the
// error is only noticed at x. It returns a diagnostic at the first \' of that string, with the
// fix that doubles its backslash.
func escapedQuoteBefore(src string, off int) (diag.Diagnostic, bool) {
	var prev *Token
	for _, t := range Tokens(src) {
		if t.Span.End > off {
			break
		}
		prev = &t
	}
	if prev == nil || prev.Kind != TokString || !strings.HasPrefix(prev.Text, "'") {
		return diag.Diagnostic{}, false
	}
	raw := prev.Text
	for i := 1; i < len(raw)-1; i++ {
		if raw[i] != '\\' {
			continue
		}
		if raw[i+1] == '\'' {
			if !looksLikeFilter.MatchString(raw[i+2:]) {
				return diag.Diagnostic{}, false // an apostrophe meant as one: it\'s
			}
			at := prev.Span.Start + i
			return diag.Diagnostic{Span: ast.Span{Start: at, End: at + 2}, Severity: diag.Error, Code: diag.TrailingBackslash,
				Message: `this backslash escapes the quote after it, so the string goes on to the next quote; write \\ for a backslash`,
				Fixes: []diag.Fix{{Title: `write the backslash as \\`,
					Edits: []diag.Edit{{Span: ast.Span{Start: at, End: at + 1}, NewText: `\\`}}}}}, true
		}
		i++ // skip the escaped character
	}
	return diag.Diagnostic{}, false
}

// looksLikeFilter matches text that reads as filter syntax rather than string content.
var looksLikeFilter = regexp.MustCompile(`(?i)\s(AND|OR)\s|==|!=|\bin\s*\(`)

// MaxDepth is how deeply [Parse] lets parentheses nest, and how many NOTs it takes in a row.
// Real filters nest a few levels; the limit keeps a hostile filter (an events API request,
// say) from costing seconds: the parsing library backtracks at every level of parentheses
// (10,000 levels took 2 s), and each level of the tree is a level of recursion in the checker
// and the planner (250,000 NOTs took a second and 90 MB).
const MaxDepth = 100

// tooDeep reports the first "(" that opens more than MaxDepth levels.
func tooDeep(src string) (diag.Diagnostic, bool) {
	if strings.Count(src, "(") <= MaxDepth {
		return diag.Diagnostic{}, false
	}
	depth := 0
	for _, t := range Tokens(src) {
		switch {
		case t.Kind != TokPunct:
		case t.Text == "(":
			depth++
			if depth > MaxDepth {
				return diag.Diagnostic{Span: t.Span, Severity: diag.Error, Code: diag.SyntaxError,
					Message: fmt.Sprintf("parentheses nest more than %d deep", MaxDepth)}, true
			}
		case t.Text == ")":
			depth = max(0, depth-1)
		}
	}
	return diag.Diagnostic{}, false
}
