package parser

import "github.com/katafilter/katafilter/lang/ast"

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
	for i := 0; i < len(src); {
		if isSpace(src[i]) {
			i++
			continue
		}
		k, n := scan(src[i:])
		out = append(out, Token{Kind: publicKind[k], Text: src[i : i+n], Span: ast.Span{Start: i, End: i + n}})
		i += n
	}
	return out
}

// publicKind maps the parser's token kinds to the kinds editors see.
var publicKind = [...]TokenKind{
	tString: TokString, tBadString: TokString, tDQString: TokString, tInt: TokNumber,
	tIdent: TokField, tAnd: TokKeyword, tOr: TokKeyword, tNot: TokKeyword, tIn: TokIn,
	tTrue: TokBool, tFalse: TokBool, tCmp: TokOperator, tAssign: TokInvalid, tAndAnd: TokInvalid,
	tOrOr: TokInvalid, tBang: TokInvalid, tLparen: TokPunct, tRparen: TokPunct, tComma: TokPunct,
	tOther: TokInvalid,
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
	// Call is set in the call form of in, in(Field, v1, ...), for ExpectInParen and the
	// in-list states.
	Call bool
	// Values is the number of values the in list holds so far, for the in-list states.
	Values int
}

// ContextAt returns the grammatical context at byte offset off of src: what may come next after
// the tokens that end at or before off. A token that contains off (the word being typed) is not
// counted. It is the parser's own state where it meets the end of that text (after recovering
// from any error before it), so completion and syntax errors read the grammar alike.
func ContextAt(src string, off int) Context {
	off = max(0, min(off, len(src)))
	cut := 0
	for i := 0; i < len(src); {
		if isSpace(src[i]) {
			i++
			continue
		}
		k, n := scan(src[i:])
		if i+n > off || i+n == off && k == tIdent {
			break
		}
		i += n
		cut = i
	}
	p := newParser(src[:cut])
	p.parse()
	c := p.eof
	if !p.eofSet {
		c = Context{Expect: ExpectConnective, Depth: p.depth}
	}
	if c.Expect != ExpectValue {
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
