// Package parser turns the text of a KATA event filter into an [ast.Expr]. It is the only
// package of katafilter that knows the parsing library (participle): the grammar structs are
// private and converted at once into package ast. participle's grammar defines the language
// (the published EBNF is generated from it) and explains its syntax errors; the filters it
// accepts are parsed by the same grammar written out as a recursive-descent parser
// (descent.go), without reflection and with far fewer allocations, and held to it by a
// differential test and a fuzz target. Syntax errors come back as diagnostics with positions;
// the parser never panics, whatever the input.
package parser

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/alecthomas/participle/v2"
	"github.com/alecthomas/participle/v2/lexer"

	"github.com/katafilter/katafilter/lang/ast"
	"github.com/katafilter/katafilter/lang/diag"
)

// Parse parses one filter. On a syntax error the tree is nil and the diagnostics say what was
// expected where. Other lexical problems (bad escapes, unterminated strings, double quotes, an
// integer out of range) come back as diagnostics beside a usable tree.
func Parse(src string) (x ast.Expr, diags diag.List) {
	defer func() {
		if r := recover(); r != nil { // a bug in the parsing library must not cross our API
			x = nil
			diags = diag.List{{Span: ast.Span{Start: 0, End: len(src)}, Severity: diag.Error,
				Code: diag.SyntaxError, Message: fmt.Sprintf("internal parser error: %v", r)}}
		}
	}()
	if strings.Trim(src, lexSpace) == "" {
		return nil, diag.List{{Span: ast.Span{Start: 0, End: len(src)}, Severity: diag.Error,
			Code: diag.SyntaxError, Message: "empty filter: expected a comparison such as EventType == 'process'"}}
	}
	if d, deep := tooDeep(src); deep {
		return nil, diag.List{d}
	}
	if x, diags, ok := parseDescent(src); ok {
		return x, diags
	}
	return parseGrammar(src)
}

// parseGrammar parses src with participle's grammar, which defines the language: Parse uses it
// when [descent] gives up, to explain the syntax error.
func parseGrammar(src string) (ast.Expr, diag.List) {
	g, err := grammar.ParseString("", src)
	if err != nil {
		return nil, syntaxError(src, err)
	}
	c := &converter{src: src}
	x := c.or(g)
	if c.deep != nil {
		return nil, diag.List{*c.deep}
	}
	return x, c.diags
}

// lexSpace is the white space of the lexer (the \s of its Whitespace rule: RE2's \s has no
// vertical tab), so that Parse and ContextAt agree on what an empty filter is.
const lexSpace = " \t\n\f\r"

type converter struct {
	src   string
	diags diag.List
	deep  *diag.Diagnostic // the first run of NOTs too long, which refuses the filter
}

// tooManyNots notes a run of more than MaxDepth NOTs, the first beyond at sp.
func (c *converter) tooManyNots(sp ast.Span) {
	if c.deep == nil {
		c.deep = &diag.Diagnostic{Span: sp, Severity: diag.Error, Code: diag.SyntaxError,
			Message: fmt.Sprintf("NOTs nest more than %d deep", MaxDepth)}
	}
}

func (c *converter) or(g *gOr) ast.Expr {
	x := c.and(g.Left)
	for _, r := range g.Rest {
		x = &ast.Binary{Op: ast.Or, OpSpan: tokSpan(r.Op.Pos, r.Op.EndPos), X: x, Y: c.and(r.Right)}
	}
	return x
}

func (c *converter) and(g *gAnd) ast.Expr {
	x := c.not(g.Left)
	for _, r := range g.Rest {
		x = &ast.Binary{Op: ast.And, OpSpan: tokSpan(r.Op.Pos, r.Op.EndPos), X: x, Y: c.not(r.Right)}
	}
	return x
}

func (c *converter) not(g *gNot) ast.Expr {
	if len(g.Nots) > MaxDepth {
		c.tooManyNots(tokSpan(g.Nots[MaxDepth].Pos, g.Nots[MaxDepth].EndPos))
	}
	x := c.primary(g.X)
	for i := len(g.Nots) - 1; i >= 0; i-- {
		x = &ast.Not{NotSpan: tokSpan(g.Nots[i].Pos, g.Nots[i].EndPos), X: x}
	}
	return x
}

func (c *converter) primary(g *gPrimary) ast.Expr {
	switch {
	case g.Paren != nil:
		return &ast.Paren{Lparen: g.Paren.Pos.Offset, Rparen: g.Paren.End.Pos.Offset, X: c.or(g.Paren.X)}
	case g.Call != nil:
		in := &ast.In{Field: field(g.Call.Field), Call: true, InSpan: tokSpan(g.Call.Kw.Pos, g.Call.Kw.EndPos),
			Lparen: c.nextParen(g.Call.Kw.EndPos.Offset), Rparen: g.Call.End.Pos.Offset}
		in.Values = c.values(g.Call.Values)
		return in
	default:
		f := field(g.Cmp.Field)
		if l := g.Cmp.In; l != nil {
			return &ast.In{Field: f, InSpan: tokSpan(l.Kw.Pos, l.Kw.EndPos), Lparen: c.nextParen(l.Kw.EndPos.Offset),
				Rparen: l.End.Pos.Offset, Values: c.values(l.Values)}
		}
		return &ast.Compare{Field: f, Op: ast.ParseCmpOp(g.Cmp.Op.Text), OpSpan: tokSpan(g.Cmp.Op.Pos, g.Cmp.Op.EndPos),
			Value: c.value(g.Cmp.Value)}
	}
}

// nextParen finds the offset of the "(" that the grammar guarantees after off.
func (c *converter) nextParen(off int) int {
	if i := strings.IndexByte(c.src[off:], '('); i >= 0 {
		return off + i
	}
	return off
}

func (c *converter) values(gs []*gValue) []*ast.Literal {
	if len(gs) == 0 {
		return nil
	}
	out := make([]*ast.Literal, len(gs))
	for i, g := range gs {
		out[i] = c.value(g)
	}
	return out
}

func (c *converter) value(g *gValue) *ast.Literal {
	sp := tokSpan(g.Pos, g.EndPos)
	switch {
	case g.String != nil:
		return c.literal(new(ast.Literal), tokString, *g.String, sp)
	case g.BadString != nil:
		return c.literal(new(ast.Literal), tokBadString, *g.BadString, sp)
	case g.DQString != nil:
		return c.literal(new(ast.Literal), tokDQString, *g.DQString, sp)
	case g.Int != nil:
		return c.literal(new(ast.Literal), tokInt, *g.Int, sp)
	default:
		return c.literal(new(ast.Literal), tokKeyword, *g.Bool, sp)
	}
}

// literal sets l to the literal of a value token (a keyword is TRUE or FALSE), with the
// diagnostics of its lexical problems, and returns it.
func (c *converter) literal(l *ast.Literal, typ lexer.TokenType, raw string, sp ast.Span) *ast.Literal {
	switch typ {
	case tokString:
		*l = ast.Literal{Kind: ast.String, Raw: raw, LitSpan: sp}
	case tokBadString:
		c.unterminated(sp, raw)
		*l = ast.Literal{Kind: ast.String, Raw: raw, LitSpan: sp, Unterminated: true}
	case tokDQString:
		d := diag.Diagnostic{Span: sp, Severity: diag.Error, Code: diag.DoubleQuotes,
			Message: "string constants are written in single quotes"}
		text, closed := singleQuoted(raw)
		fix := diag.Fix{Title: "use single quotes", Safe: closed, Edits: []diag.Edit{{Span: sp, NewText: text}}}
		if !closed {
			fix.Title = "use single quotes and close the string"
		}
		d.Fixes = []diag.Fix{fix}
		c.diags = append(c.diags, d)
		*l = ast.Literal{Kind: ast.String, Raw: text, LitSpan: sp, DoubleQuoted: true}
	case tokInt:
		if _, err := strconv.ParseInt(raw, 10, 64); err != nil {
			c.diags = append(c.diags, diag.Diagnostic{Span: sp, Severity: diag.Error, Code: diag.IntegerRange,
				Message: fmt.Sprintf("integer %s does not fit in 64 bits", raw)})
		}
		*l = ast.Literal{Kind: ast.Int, Raw: raw, LitSpan: sp}
	default:
		*l = ast.Literal{Kind: ast.Bool, Raw: raw, LitSpan: sp}
	}
	return l
}

// unterminated explains a string that runs to the end of the input. The common cause is a
// backslash before the closing quote (a Windows path ending in \), which escapes the quote:
// when the string ends with \' (white space aside), that is the diagnosis, with a fix.
func (c *converter) unterminated(sp ast.Span, raw string) {
	if i := strings.LastIndex(raw, `\'`); i > 0 && !escapedBefore(raw, i) && strings.TrimSpace(raw[i+2:]) == "" {
		at := sp.Start + i
		c.diags = append(c.diags, diag.Diagnostic{Span: ast.Span{Start: at, End: at + 2}, Severity: diag.Error,
			Code:    diag.TrailingBackslash,
			Message: `this backslash escapes the quote after it, so the string never ends; write \\ for a backslash`,
			Fixes: []diag.Fix{{Title: `write the backslash as \\`, Safe: true,
				Edits: []diag.Edit{{Span: ast.Span{Start: at, End: at + 1}, NewText: `\\`}}}}})
		return
	}
	c.diags = append(c.diags, diag.Diagnostic{Span: sp, Severity: diag.Error, Code: diag.UnterminatedString,
		Message: "string constant has no closing quote",
		Fixes: []diag.Fix{{Title: "add the closing quote",
			Edits: []diag.Edit{{Span: ast.Span{Start: sp.End, End: sp.End}, NewText: "'"}}}}})
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

func field(g *gIdent) *ast.Field {
	return &ast.Field{Name: g.Name, NameSpan: tokSpan(g.Pos, g.EndPos)}
}

func tokSpan(start, end lexer.Position) ast.Span {
	return ast.Span{Start: start.Offset, End: end.Offset}
}

// syntaxError turns participle's error into a diagnostic in our words.
func syntaxError(src string, err error) diag.List {
	d := syntaxDiag(src, err)
	if hint, ok := escapedQuoteBefore(src, d.Span.Start); ok {
		return diag.List{hint, d}
	}
	return diag.List{d}
}

func syntaxDiag(src string, err error) diag.Diagnostic {
	d := diag.Diagnostic{Severity: diag.Error, Code: diag.SyntaxError}
	var perr participle.Error
	off := len(src)
	if errors.As(err, &perr) {
		off = perr.Position().Offset
	}
	off = max(0, min(off, len(src)))
	ctx, off := firstRejected(src, off)
	tok := tokenAt(src, off)
	d.Span = ast.Span{Start: off, End: off + len(tok)}
	found := "end of filter"
	if tok != "" {
		found = strconv.Quote(tok)
	}
	expected := ctx.Describe()
	switch tok {
	case "=":
		if ctx.Expect != ExpectOperator {
			break // after >, say: the generic message is clearer than a fix that makes >==
		}
		d.Code = diag.SingleEquals
		d.Message = "= is not an operator: compare with =="
		d.Fixes = []diag.Fix{{Title: "replace = with ==", Safe: true, Edits: []diag.Edit{{Span: d.Span, NewText: "=="}}}}
		return d
	case "&&", "||", "!":
		word := map[string]string{"&&": "AND", "||": "OR", "!": "NOT"}[tok]
		d.Code = diag.LogicalSymbol
		d.Message = fmt.Sprintf("%s is not an operator: write %s", tok, word)
		text := word
		if off > 0 && !isSpace(src[off-1]) {
			text = " " + text
		}
		if d.Span.End < len(src) && !isSpace(src[d.Span.End]) {
			text += " "
		}
		d.Fixes = []diag.Fix{{Title: "replace " + tok + " with " + word, Safe: true,
			Edits: []diag.Edit{{Span: d.Span, NewText: text}}}}
		return d
	}
	if expected == "" {
		d.Message = fmt.Sprintf("unexpected %s", found)
	} else {
		d.Message = fmt.Sprintf("expected %s, found %s", expected, found)
	}
	return d
}

// tokenAt returns the token text that starts at off, as the lexer would cut it.
func tokenAt(src string, off int) string {
	if off >= len(src) {
		return ""
	}
	lx, err := filterLexer.LexString("", src[off:])
	if err != nil {
		return src[off : off+1]
	}
	t, err := lx.Next()
	if err != nil || t.EOF() {
		return ""
	}
	return t.Value
}
