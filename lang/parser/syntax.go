package parser

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/katafilter/katafilter/lang/ast"
	"github.com/katafilter/katafilter/lang/diag"
)

// errorExpected reports that the grammar expects c at the current token, in the go/parser
// way: the first error after a point where the filter can go on is reported, those that would
// follow from it are not. Where the input ends it also notes c as the context at the end, the
// completion engine's question (see [ContextAt]).
func (p *parser) errorExpected(c Context) {
	if c.Depth == 0 {
		c.Depth = p.depth
	}
	p.lastErr = p.start
	if p.tok == tEOF && !p.eofSet {
		p.eof, p.eofSet = c, true
	}
	if p.quiet || p.gaveUp {
		return
	}
	p.quiet = true
	sp := p.span()
	switch p.tok {
	case tAndAnd:
		p.logicalSymbol("AND")
		return
	case tOrOr:
		p.logicalSymbol("OR")
		return
	case tBang:
		p.logicalSymbol("NOT")
		return
	}
	found := "end of filter"
	if p.tok != tEOF {
		found = strconv.Quote(p.text())
	}
	if p.firstErr < 0 && p.prevTok == tString {
		if hint, ok := escapedQuoteBefore(p.src[p.prevStart:p.prevEnd], p.prevStart); ok {
			p.diags = append(p.diags, hint)
		}
	}
	p.report(diag.Diagnostic{Span: sp, Severity: diag.Error, Code: diag.SyntaxError,
		Message: fmt.Sprintf("expected %s, found %s", c.Describe(), found)})
}

// logicalSymbol reports && || or ! (the current token) written for the keyword word, once.
func (p *parser) logicalSymbol(word string) {
	if p.start == p.lastSymbol {
		return // reported where the parser stumbled on it, and now read as meant
	}
	p.lastSymbol = p.start
	sp := p.span()
	tok := p.text()
	text := word
	if sp.Start > 0 && !isSpace(p.src[sp.Start-1]) {
		text = " " + text
	}
	if sp.End < len(p.src) && !isSpace(p.src[sp.End]) {
		text += " "
	}
	p.report(diag.Diagnostic{Span: sp, Severity: diag.Error, Code: diag.LogicalSymbol,
		Message: fmt.Sprintf("%s is not an operator: write %s", tok, word),
		Fixes: []diag.Fix{{Title: "replace " + tok + " with " + word, Safe: true,
			Edits: []diag.Edit{{Span: sp, NewText: text}}}}})
}

// tooDeep reports a nesting limit passed at the current token.
func (p *parser) tooDeep(msg string) {
	if p.gaveUp {
		return
	}
	p.report(diag.Diagnostic{Span: p.span(), Severity: diag.Error, Code: diag.SyntaxError, Message: msg})
}

// report records the syntax error d, unless MaxErrors are recorded already.
func (p *parser) report(d diag.Diagnostic) {
	p.nerr++
	if p.firstErr < 0 {
		p.firstErr = d.Span.Start
	}
	if p.nerr > MaxErrors {
		p.dropped++
		return
	}
	p.diags = append(p.diags, d)
}

// unterminated explains a string that runs to the end of the input. The common cause is a
// backslash before the closing quote (a Windows path ending in \), which escapes the quote:
// when the string ends with \' (white space aside), that is the diagnosis, with a fix.
func unterminated(sp ast.Span, raw string) diag.Diagnostic {
	if i := strings.LastIndex(raw, `\'`); i > 0 && !escapedBefore(raw, i) && strings.TrimSpace(raw[i+2:]) == "" {
		at := sp.Start + i
		return diag.Diagnostic{Span: ast.Span{Start: at, End: at + 2}, Severity: diag.Error,
			Code:    diag.TrailingBackslash,
			Message: `this backslash escapes the quote after it, so the string never ends; write \\ for a backslash`,
			Fixes: []diag.Fix{{Title: `write the backslash as \\`, Safe: true,
				Edits: []diag.Edit{{Span: ast.Span{Start: at, End: at + 1}, NewText: `\\`}}}}}
	}
	return diag.Diagnostic{Span: sp, Severity: diag.Error, Code: diag.UnterminatedString,
		Message: "string constant has no closing quote",
		Fixes: []diag.Fix{{Title: "add the closing quote",
			Edits: []diag.Edit{{Span: ast.Span{Start: sp.End, End: sp.End}, NewText: "'"}}}}}
}

// doubleQuoted explains a string constant in double quotes, with the fix that writes it in
// single quotes, and returns that text.
func doubleQuoted(sp ast.Span, raw string) (diag.Diagnostic, string) {
	d := diag.Diagnostic{Span: sp, Severity: diag.Error, Code: diag.DoubleQuotes,
		Message: "string constants are written in single quotes"}
	text, closed := singleQuoted(raw)
	fix := diag.Fix{Title: "use single quotes", Safe: closed, Edits: []diag.Edit{{Span: sp, NewText: text}}}
	if !closed {
		fix.Title = "use single quotes and close the string"
	}
	d.Fixes = []diag.Fix{fix}
	return d, text
}

// singleQuoted rewrites a double-quoted string constant (closed or not) in single quotes with
// the same meaning: \" becomes ", a bare ' becomes \', other escapes stay as they are. closed
// reports whether raw had its closing double quote.
func singleQuoted(raw string) (text string, closed bool) {
	var b strings.Builder
	b.WriteByte('\'')
	for i := 1; i < len(raw); i++ {
		switch c := raw[i]; {
		case c == '"':
			closed = true
			i = len(raw)
		case c == '\\' && i+1 < len(raw):
			if raw[i+1] == '"' {
				b.WriteByte('"')
			} else {
				b.WriteString(raw[i : i+2])
			}
			i++
		case c == '\\': // a lone backslash at the very end
			b.WriteString(`\\`)
		case c == '\'':
			b.WriteString(`\'`)
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte('\'')
	return b.String(), closed
}

// escapedBefore reports whether the backslash at i is itself escaped.
func escapedBefore(s string, i int) bool {
	n := 0
	for j := i - 1; j > 0 && s[j] == '\\'; j-- {
		n++
	}
	return n%2 == 1
}

// escapedQuoteBefore explains a syntax error that follows the string constant raw (at offset
// at) holding an escaped quote, the usual result of a Windows path that ends in a backslash:
// in FilePath == 'C:\Users\' AND FileName == 'x' the string runs on to the quote before x, and
// the error is only noticed at x. It returns a diagnostic at the first \' of that string, with
// the fix that doubles its backslash.
func escapedQuoteBefore(raw string, base int) (diag.Diagnostic, bool) {
	for i := 1; i < len(raw)-1; i++ {
		if raw[i] != '\\' {
			continue
		}
		if raw[i+1] == '\'' {
			if !looksLikeFilter.MatchString(raw[i+2:]) {
				return diag.Diagnostic{}, false // an apostrophe meant as one: it\'s
			}
			at := base + i
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
