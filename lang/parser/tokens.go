package parser

import (
	"strings"

	"github.com/katafilter/katafilter/lang/ast"
)

// TokenKind classifies a token for editors (semantic highlighting) and for the completion
// engine.
type TokenKind int

// The token kinds.
const (
	TokField    TokenKind = iota + 1 // a field name
	TokKeyword                       // AND OR NOT
	TokIn                            // in
	TokOperator                      // == != > >= < <=
	TokString                        // a string constant, terminated or not
	TokNumber                        // an integer
	TokBool                          // true false
	TokPunct                         // ( ) ,
	TokInvalid                       // anything else
)

// Token is one token of a filter with its span.
type Token struct {
	Kind TokenKind
	Text string
	Span ast.Span
}

// Tokens cuts src into tokens, white space dropped. It never fails: text the language does not
// know becomes [TokInvalid] tokens.
func Tokens(src string) []Token {
	var out []Token
	lx, err := filterLexer.LexString("", src)
	if err != nil {
		return nil
	}
	sym := filterLexer.Symbols()
	names := make(map[int]string, len(sym))
	for n, t := range sym {
		names[int(t)] = n
	}
	for {
		t, err := lx.Next()
		if err != nil || t.EOF() {
			return out
		}
		k := TokInvalid
		switch names[int(t.Type)] {
		case "Whitespace":
			continue
		case "String", "BadString", "DQString":
			k = TokString
		case "Int":
			k = TokNumber
		case "Ident":
			k = TokField
		case "Keyword":
			switch strings.ToUpper(t.Value) {
			case "IN":
				k = TokIn
			case "TRUE", "FALSE":
				k = TokBool
			default:
				k = TokKeyword
			}
		case "Op":
			if ast.ParseCmpOp(t.Value) != 0 {
				k = TokOperator
			}
		case "Punct":
			k = TokPunct
		}
		out = append(out, Token{Kind: k, Text: t.Value, Span: ast.Span{Start: t.Pos.Offset, End: t.Pos.Offset + len(t.Value)}})
	}
}

// Expect is what the grammar allows at some point of a filter.
type Expect int

// The grammatical contexts.
const (
	ExpectTerm       Expect = iota + 1 // a field name, NOT or (
	ExpectOperator                     // a comparison operator or in, after a field name
	ExpectValue                        // a value, after a comparison operator
	ExpectInParen                      // ( after in
	ExpectListValue                    // a value or ), just inside an in list
	ExpectListNext                     // a value, after a comma in an in list
	ExpectListSep                      // , or ) after a value in an in list
	ExpectCallField                    // a field name, just inside in(
	ExpectCallComma                    // , after the field of in(
	ExpectConnective                   // AND, OR, ) or the end, after a complete comparison
)

// Context describes the grammatical position after the tokens that end before an offset.
type Context struct {
	Expect Expect
	// Field is the field of the comparison being written, for ExpectOperator, ExpectValue and
	// the in-list states; empty elsewhere.
	Field string
	// Op is the comparison operator, for ExpectValue.
	Op string
	// Depth is the number of open parentheses.
	Depth int
}

// ContextAt returns the grammatical context at byte offset off of src: what may come next after
// the tokens that end at or before off. A token that contains off (the word being typed) is not
// counted.
func ContextAt(src string, off int) Context {
	var toks []Token
	for _, t := range Tokens(src) {
		if t.Span.End > off || (t.Span.End == off && t.Kind == TokField) {
			break
		}
		toks = append(toks, t)
	}
	return contextAfter(toks)
}

type frame int

const (
	frameGroup frame = iota
	frameList
	frameCall
)

func contextAfter(toks []Token) Context {
	c := Context{Expect: ExpectTerm}
	var stack []frame
	top := func() frame {
		if len(stack) == 0 {
			return frameGroup
		}
		return stack[len(stack)-1]
	}
	for _, t := range toks {
		switch t.Kind {
		case TokKeyword:
			c = Context{Expect: ExpectTerm}
		case TokIn:
			if c.Expect == ExpectOperator {
				c.Expect = ExpectInParen
			} else {
				c = Context{Expect: ExpectInParen, Field: ""}
				stack = append(stack, frameCall) // popped at once by "(": mark a call
				stack = stack[:len(stack)-1]
				c.Op = "call"
			}
		case TokField:
			if c.Expect == ExpectCallField {
				c = Context{Expect: ExpectCallComma, Field: t.Text}
			} else {
				c = Context{Expect: ExpectOperator, Field: t.Text}
			}
		case TokOperator:
			c.Expect, c.Op = ExpectValue, t.Text
		case TokString, TokNumber, TokBool:
			if f := top(); len(stack) > 0 && (f == frameList || f == frameCall) {
				c.Expect = ExpectListSep
			} else {
				c = Context{Expect: ExpectConnective}
			}
		case TokPunct:
			switch t.Text {
			case "(":
				switch {
				case c.Expect == ExpectInParen && c.Op == "call":
					stack = append(stack, frameCall)
					c = Context{Expect: ExpectCallField}
				case c.Expect == ExpectInParen:
					stack = append(stack, frameList)
					c.Expect = ExpectListValue
				default:
					stack = append(stack, frameGroup)
					c = Context{Expect: ExpectTerm}
				}
			case ")":
				if len(stack) > 0 {
					stack = stack[:len(stack)-1]
				}
				c = Context{Expect: ExpectConnective}
			case ",":
				if top() == frameList || top() == frameCall {
					c.Expect = ExpectListNext
				}
			}
		}
	}
	c.Depth = len(stack)
	if c.Expect != ExpectValue && c.Op != "call" {
		c.Op = ""
	}
	return c
}

// Describe says in words what the context expects, for error messages.
func (c Context) Describe() string {
	switch c.Expect {
	case ExpectTerm:
		return `a field name, NOT or "("`
	case ExpectOperator:
		return "a comparison operator (== != > >= < <=) or in"
	case ExpectValue:
		return "a value (a 'string', an integer, true or false)"
	case ExpectInParen:
		return `"(" after in`
	case ExpectListValue:
		return `a value or ")"`
	case ExpectListNext:
		return "a value"
	case ExpectListSep:
		return `"," or ")"`
	case ExpectCallField:
		return "a field name"
	case ExpectCallComma:
		return `","`
	case ExpectConnective:
		if c.Depth > 0 {
			return `AND, OR or ")"`
		}
		return "AND, OR or the end of the filter"
	}
	return "something else"
}
