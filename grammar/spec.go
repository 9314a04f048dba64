// Package grammar is the specification of the KATA event filter language: participle's
// grammar structs and a regular-expression lexer, which print grammar/katafilter.ebnf
// ([EBNF]) and serve as the oracle that the hand-written parser (package lang/parser) is held
// to, by a differential test and a fuzz target, on valid input (the same trees) and invalid
// input (both reject, the first error at the same place). It is the only package that imports
// participle; nothing in the product imports it.
package grammar

import (
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/alecthomas/participle/v2"
	"github.com/alecthomas/participle/v2/lexer"

	"github.com/katafilter/katafilter/lang/ast"
)

// filterLexer tokenizes a filter. Order matters: the first rule that matches at a position
// wins, so complete strings come before unterminated ones and keywords before identifiers.
// Keywords are ASCII words in any ASCII case (RE2's (?i) would fold over Unicode: the long s
// of FALſE would match S).
var filterLexer = lexer.MustSimple([]lexer.SimpleRule{
	{Name: "Whitespace", Pattern: `[\t\n\f\r ]+`},
	{Name: "String", Pattern: `'(?s:\\.|[^'\\])*'`},
	{Name: "BadString", Pattern: `'(?s:\\.|[^'\\])*\\?`},
	{Name: "DQString", Pattern: `"(?s:\\.|[^"\\])*"?`},
	{Name: "Keyword", Pattern: `\b(?:[Aa][Nn][Dd]|[Oo][Rr]|[Nn][Oo][Tt]|[Ii][Nn]|[Tt][Rr][Uu][Ee]|[Ff][Aa][Ll][Ss][Ee])\b`},
	{Name: "Int", Pattern: `-?[0-9]+`},
	{Name: "Ident", Pattern: `[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z0-9_]*)*`},
	{Name: "Op", Pattern: `==|!=|>=|<=|&&|\|\||[<>=!]`},
	{Name: "Punct", Pattern: `[(),]`},
	{Name: "Other", Pattern: `(?s:.)`},
})

type gOr struct {
	Left *gAnd     `parser:"@@"`
	Rest []*gOrOps `parser:"@@*"`
}

type gOrOps struct {
	Op    gOrKw `parser:"@@"`
	Right *gAnd `parser:"@@"`
}

type gAnd struct {
	Left *gNot      `parser:"@@"`
	Rest []*gAndOps `parser:"@@*"`
}

type gAndOps struct {
	Op    gAndKw `parser:"@@"`
	Right *gNot  `parser:"@@"`
}

type gOrKw struct {
	Pos    lexer.Position
	EndPos lexer.Position
	Text   string `parser:"@'OR'"`
}

type gAndKw struct {
	Pos    lexer.Position
	EndPos lexer.Position
	Text   string `parser:"@'AND'"`
}

type gNot struct {
	Nots []*gNotKw `parser:"@@*"`
	X    *gPrimary `parser:"@@"`
}

type gNotKw struct {
	Pos    lexer.Position
	EndPos lexer.Position
	Text   string `parser:"@'NOT'"`
}

type gPrimary struct {
	Paren *gParen `parser:"  @@"`
	Call  *gCall  `parser:"| @@"`
	Cmp   *gCmp   `parser:"| @@"`
}

type gParen struct {
	Pos lexer.Position
	X   *gOr    `parser:"'(' @@"`
	End *gClose `parser:"@@"`
}

type gClose struct {
	Pos  lexer.Position
	Text string `parser:"@')'"`
}

type gCall struct {
	Kw     *gInKw    `parser:"@@"`
	Field  *gIdent   `parser:"'(' @@"`
	Values []*gValue `parser:"( ',' @@ )*"`
	End    *gClose   `parser:"@@"`
}

type gInKw struct {
	Pos    lexer.Position
	EndPos lexer.Position
	Text   string `parser:"@'IN'"`
}

type gIdent struct {
	Pos    lexer.Position
	EndPos lexer.Position
	Name   string `parser:"@Ident"`
}

type gCmp struct {
	Field *gIdent  `parser:"@@"`
	Op    *gOp     `parser:"( @@"`
	Value *gValue  `parser:"  @@"`
	In    *gInList `parser:"| @@ )"`
}

type gOp struct {
	Pos    lexer.Position
	EndPos lexer.Position
	Text   string `parser:"@('==' | '!=' | '>=' | '<=' | '>' | '<')"`
}

type gInList struct {
	Kw     *gInKw    `parser:"@@"`
	Values []*gValue `parser:"'(' ( @@ ( ',' @@ )* )?"`
	End    *gClose   `parser:"@@"`
}

type gValue struct {
	Pos       lexer.Position
	EndPos    lexer.Position
	String    *string `parser:"(  @String"`
	BadString *string `parser:" | @BadString"`
	DQString  *string `parser:" | @DQString"`
	Int       *string `parser:" | @Int"`
	Bool      *string `parser:" | @('TRUE' | 'FALSE') )"`
}

var spec = participle.MustBuild[gOr](
	participle.Lexer(filterLexer),
	participle.Elide("Whitespace"),
	participle.CaseInsensitive("Keyword"),
	// No lookahead beyond the current token: a branch that has read a token is committed to,
	// as in the hand-written parser, so that an error is reported where it is (in A in (1,)
	// at the ")", not at the "," where a repetition that failed began).
	participle.UseLookahead(0),
)

// grammarPrefix is the prefix of the private grammar types ("gOr" prints as "GOr").
var grammarPrefix = regexp.MustCompile(`\bG([A-Z][A-Za-z]*)\b`)

// EBNF returns the grammar of the filter language in EBNF, printed by participle from the
// grammar structs (productions capitalised, lexer tokens in angle brackets and lower case),
// followed by the lexer's token rules as regular expressions, first match wins.
// grammar/katafilter.ebnf is this text, kept in step by a golden test.
func EBNF() string {
	var b strings.Builder
	b.WriteString(grammarPrefix.ReplaceAllString(spec.String(), "$1"))
	b.WriteString("\n\n(* Tokens, tried in this order at each position; the first that matches wins.\n")
	b.WriteString("   Keywords are ASCII words in any ASCII case; whitespace separates tokens and is otherwise ignored. *)\n")
	for _, r := range filterLexer.Rules()["Root"] {
		fmt.Fprintf(&b, "%s = /%s/ .\n", strings.ToLower(r.Name), r.Pattern)
	}
	return b.String()
}

// Parse parses src by the specification. It returns the tree, or the byte offset of the
// first token the grammar rejects (len(src) when the filter ends too early).
func Parse(src string) (ast.Expr, int, error) {
	g, err := spec.ParseString("", src)
	if err != nil {
		off := len(src)
		var perr participle.Error
		if errors.As(err, &perr) {
			off = perr.Position().Offset
		}
		return nil, off, err
	}
	return or(src, g), 0, nil
}

func or(src string, g *gOr) ast.Expr {
	x := and(src, g.Left)
	for _, r := range g.Rest {
		x = &ast.Binary{Op: ast.Or, OpSpan: span(r.Op.Pos, r.Op.EndPos), X: x, Y: and(src, r.Right)}
	}
	return x
}

func and(src string, g *gAnd) ast.Expr {
	x := not(src, g.Left)
	for _, r := range g.Rest {
		x = &ast.Binary{Op: ast.And, OpSpan: span(r.Op.Pos, r.Op.EndPos), X: x, Y: not(src, r.Right)}
	}
	return x
}

func not(src string, g *gNot) ast.Expr {
	x := primary(src, g.X)
	for i := len(g.Nots) - 1; i >= 0; i-- {
		x = &ast.Not{NotSpan: span(g.Nots[i].Pos, g.Nots[i].EndPos), X: x}
	}
	return x
}

func primary(src string, g *gPrimary) ast.Expr {
	switch {
	case g.Paren != nil:
		return &ast.Paren{Lparen: g.Paren.Pos.Offset, Rparen: g.Paren.End.Pos.Offset, X: or(src, g.Paren.X)}
	case g.Call != nil:
		return &ast.In{Field: field(g.Call.Field), Call: true, InSpan: span(g.Call.Kw.Pos, g.Call.Kw.EndPos),
			Lparen: nextParen(src, g.Call.Kw.EndPos.Offset), Rparen: g.Call.End.Pos.Offset, Values: values(g.Call.Values)}
	case g.Cmp.In != nil:
		l := g.Cmp.In
		return &ast.In{Field: field(g.Cmp.Field), InSpan: span(l.Kw.Pos, l.Kw.EndPos), Lparen: nextParen(src, l.Kw.EndPos.Offset),
			Rparen: l.End.Pos.Offset, Values: values(l.Values)}
	}
	return &ast.Compare{Field: field(g.Cmp.Field), Op: ast.ParseCmpOp(g.Cmp.Op.Text),
		OpSpan: span(g.Cmp.Op.Pos, g.Cmp.Op.EndPos), Value: value(g.Cmp.Value)}
}

func values(gs []*gValue) []*ast.Literal {
	var out []*ast.Literal
	for _, g := range gs {
		out = append(out, value(g))
	}
	return out
}

// value makes the literal of g. A double-quoted string keeps its text as written in Raw
// (the parser rewrites it in single quotes, a matter of its diagnostics, not of the grammar).
func value(g *gValue) *ast.Literal {
	l := &ast.Literal{LitSpan: span(g.Pos, g.EndPos)}
	switch {
	case g.String != nil:
		l.Kind, l.Raw = ast.String, *g.String
	case g.BadString != nil:
		l.Kind, l.Raw, l.Unterminated = ast.String, *g.BadString, true
	case g.DQString != nil:
		l.Kind, l.Raw, l.DoubleQuoted = ast.String, *g.DQString, true
	case g.Int != nil:
		l.Kind, l.Raw = ast.Int, *g.Int
	default:
		l.Kind, l.Raw = ast.Bool, *g.Bool
	}
	return l
}

func field(g *gIdent) *ast.Field {
	return &ast.Field{Name: g.Name, NameSpan: span(g.Pos, g.EndPos)}
}

func span(start, end lexer.Position) ast.Span {
	return ast.Span{Start: start.Offset, End: end.Offset}
}

// nextParen finds the offset of the "(" that the grammar guarantees after off.
func nextParen(src string, off int) int {
	return off + strings.IndexByte(src[off:], '(')
}

// Token is a token of the specification's lexer: the name of its rule, its text and offset.
type Token struct {
	Type   string
	Text   string
	Offset int
}

// Tokens lexes src with the specification's lexer, white space dropped.
func Tokens(src string) ([]Token, error) {
	lx, err := filterLexer.LexString("", src)
	if err != nil {
		return nil, err
	}
	names := map[lexer.TokenType]string{}
	for n, t := range filterLexer.Symbols() {
		names[t] = n
	}
	var out []Token
	for {
		t, err := lx.Next()
		if err != nil {
			return out, err
		}
		if t.EOF() {
			return out, nil
		}
		if names[t.Type] != "Whitespace" {
			out = append(out, Token{Type: names[t.Type], Text: t.Value, Offset: t.Pos.Offset})
		}
	}
}
