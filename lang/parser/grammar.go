package parser

import (
	"github.com/alecthomas/participle/v2"
	"github.com/alecthomas/participle/v2/lexer"
)

// The grammar structs below are private to this package: Parse converts them into package ast
// at once, and nothing outside sees them.

// filterLexer tokenizes a filter. Order matters: the first rule that matches at a position wins,
// so complete strings come before unterminated ones and keywords before identifiers.
var filterLexer = lexer.MustSimple([]lexer.SimpleRule{
	{Name: "Whitespace", Pattern: `\s+`},
	{Name: "String", Pattern: `'(?s:\\.|[^'\\])*'`},
	{Name: "BadString", Pattern: `'(?s:\\.|[^'\\])*\\?`},
	{Name: "DQString", Pattern: `"(?s:\\.|[^"\\])*"?`},
	{Name: "Keyword", Pattern: `(?i)\b(?:AND|OR|NOT|IN|TRUE|FALSE)\b`},
	{Name: "Int", Pattern: `-?[0-9]+`},
	{Name: "Ident", Pattern: `[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z0-9_]*)*`},
	{Name: "Op", Pattern: `==|!=|>=|<=|&&|\|\||[<>=!]`},
	{Name: "Punct", Pattern: `[(),]`},
	{Name: "Other", Pattern: `.`},
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

var grammar = participle.MustBuild[gOr](
	participle.Lexer(fastLexer{}),
	participle.Elide("Whitespace"),
	participle.CaseInsensitive("Keyword"),
	participle.UseLookahead(2),
)
