package parser

import (
	"strings"

	"github.com/alecthomas/participle/v2/lexer"

	"github.com/katafilter/katafilter/lang/ast"
	"github.com/katafilter/katafilter/lang/diag"
)

// descent is the grammar of grammar.go written out as a recursive-descent parser over the
// tokens of scanToken, for the filters the grammar accepts. participle interprets the grammar
// structs by reflection, building a struct for every rule it tries; that was nine tenths of the
// time of compiling a filter. descent builds the tree directly, in one pass, with one token of
// lookahead (the grammar needs no more: a primary starts with "(", IN or a field name).
//
// descent does not explain errors: at the first token the grammar rejects it gives up, and
// Parse runs participle, whose error and the token context (syntax.go) make the diagnostic. It
// also gives up at any token filterLexer might cut differently from scanToken (a byte outside
// ASCII outside a string constant: the regular expressions fold the keywords' case over
// Unicode). So participle's grammar stays the definition of the language and of its errors;
// descent_test.go holds descent to it, tree and diagnostics, on the corpus and by fuzzing.
type descent struct {
	conv converter
	src  string
	pos  int // where the next token starts

	// the current token
	typ        lexer.TokenType
	start, end int
}

// parseDescent parses src; ok is false when descent gave up (see [descent]).
func parseDescent(src string) (x ast.Expr, diags diag.List, ok bool) {
	p := &descent{conv: converter{src: src}, src: src}
	p.next()
	x, ok = p.or()
	if !ok || p.typ != lexer.EOF {
		return nil, nil, false
	}
	if p.conv.deep != nil {
		return nil, diag.List{*p.conv.deep}, true
	}
	return x, p.conv.diags, true
}

// next moves to the next token that is not white space.
func (p *descent) next() {
	for {
		if p.pos >= len(p.src) {
			p.typ, p.start, p.end = lexer.EOF, len(p.src), len(p.src)
			return
		}
		typ, n := scanToken(p.src[p.pos:])
		p.typ, p.start, p.end = typ, p.pos, p.pos+n
		p.pos += n
		if typ != tokWhitespace {
			return
		}
	}
}

func (p *descent) text() string { return p.src[p.start:p.end] }

func (p *descent) span() ast.Span { return ast.Span{Start: p.start, End: p.end} }

// keyword reports whether the current token is the keyword kw (upper case), in any case.
func (p *descent) keyword(kw string) bool {
	return p.typ == tokKeyword && strings.EqualFold(p.text(), kw)
}

// punct reports whether the current token is the punctuation c.
func (p *descent) punct(c byte) bool {
	return p.typ == tokPunct && p.src[p.start] == c
}

// or parses Or = And ("OR" And)*.
func (p *descent) or() (ast.Expr, bool) { return p.chain(ast.Or, p.and) }

// and parses And = Not ("AND" Not)*.
func (p *descent) and() (ast.Expr, bool) { return p.chain(ast.And, p.not) }

// chain parses operand (op operand)*, grouping to the left.
func (p *descent) chain(op ast.LogicalOp, operand func() (ast.Expr, bool)) (ast.Expr, bool) {
	x, ok := operand()
	for ok && p.keyword(op.String()) {
		opSpan := p.span()
		p.next()
		var y ast.Expr
		if y, ok = operand(); ok {
			x = &ast.Binary{Op: op, OpSpan: opSpan, X: x, Y: y}
		}
	}
	return x, ok
}

// not parses Not = "NOT"* Primary, without recursion: a filter may hold any number of NOTs.
func (p *descent) not() (ast.Expr, bool) {
	var nots []ast.Span
	for p.keyword("NOT") {
		if len(nots) < MaxDepth {
			nots = append(nots, p.span())
		} else if len(nots) == MaxDepth {
			p.conv.tooManyNots(p.span()) // the filter is refused: the rest need no nodes
		}
		p.next()
	}
	x, ok := p.primary()
	if !ok {
		return nil, false
	}
	for i := len(nots) - 1; i >= 0; i-- {
		x = &ast.Not{NotSpan: nots[i], X: x}
	}
	return x, true
}

// primary parses Primary = "(" Or ")" | "IN" "(" Ident ("," Value)* ")" | Ident (Op Value | InList).
func (p *descent) primary() (ast.Expr, bool) {
	switch {
	case p.punct('('):
		lparen := p.start
		p.next()
		x, ok := p.or()
		if !ok || !p.punct(')') {
			return nil, false
		}
		rparen := p.start
		p.next()
		return &ast.Paren{Lparen: lparen, Rparen: rparen, X: x}, true
	case p.keyword("IN"):
		in := &ast.In{Call: true, InSpan: p.span()}
		p.next()
		if !p.punct('(') {
			return nil, false
		}
		in.Lparen = p.start
		p.next()
		if p.typ != tokIdent {
			return nil, false
		}
		in.Field = &ast.Field{Name: p.text(), NameSpan: p.span()}
		p.next()
		for p.punct(',') {
			p.next()
			if !p.isValue() {
				return nil, false
			}
			in.Values = append(in.Values, p.value(new(ast.Literal)))
		}
		return in, p.close(&in.Rparen)
	case p.typ == tokIdent:
		n := new(comparison) // the common case: one allocation for its three nodes
		n.field = ast.Field{Name: p.text(), NameSpan: p.span()}
		p.next()
		if p.keyword("IN") {
			return p.inList(&n.field)
		}
		op := p.cmpOp()
		if op == 0 {
			return nil, false
		}
		n.cmp = ast.Compare{Field: &n.field, Op: op, OpSpan: p.span()}
		p.next()
		if !p.isValue() {
			return nil, false
		}
		n.cmp.Value = p.value(&n.value)
		return &n.cmp, true
	}
	return nil, false
}

// inList parses InList = "IN" "(" (Value ("," Value)*)? ")" after the field f.
func (p *descent) inList(f *ast.Field) (ast.Expr, bool) {
	in := &ast.In{Field: f, InSpan: p.span()}
	p.next()
	if !p.punct('(') {
		return nil, false
	}
	in.Lparen = p.start
	p.next()
	if !p.punct(')') {
		for {
			if !p.isValue() {
				return nil, false
			}
			in.Values = append(in.Values, p.value(new(ast.Literal)))
			if !p.punct(',') {
				break
			}
			p.next()
		}
	}
	return in, p.close(&in.Rparen)
}

// close consumes the ")" that ends a list, storing its offset.
func (p *descent) close(at *int) bool {
	if !p.punct(')') {
		return false
	}
	*at = p.start
	p.next()
	return true
}

// cmpOp returns the comparison operator of the current token, or 0.
func (p *descent) cmpOp() ast.CmpOp {
	if p.typ != tokOp {
		return 0
	}
	return ast.ParseCmpOp(p.text())
}

// isValue reports whether the current token is a Value: String | BadString | DQString | Int |
// "TRUE" | "FALSE".
func (p *descent) isValue() bool {
	switch p.typ {
	case tokString, tokBadString, tokDQString, tokInt:
		return true
	}
	return p.keyword("TRUE") || p.keyword("FALSE")
}

// value makes l the literal of the current token, a Value, and moves past it.
func (p *descent) value(l *ast.Literal) *ast.Literal {
	l = p.conv.literal(l, p.typ, p.text(), p.span())
	p.next()
	return l
}

// comparison holds the nodes of Field op Value, allocated together.
type comparison struct {
	cmp   ast.Compare
	field ast.Field
	value ast.Literal
}
