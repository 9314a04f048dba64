// Package parser turns the text of a KATA event filter into an [ast.Expr]: a hand-written
// scanner (scanner.go) and a recursive-descent parser with one token of lookahead, in the
// go/parser style. It never stops at the first mistake: on a syntax error it records a
// diagnostic, skips to a point where the filter can go on (AND, OR, ")" or the start of a new
// line), and puts an [ast.Bad] node where it skipped, so that every filter yields a tree and
// every syntax error, and the checker still sees each well-formed clause. Mistakes with an
// obvious meaning (= for ==, && || ! for AND OR NOT) are reported and read as meant.
//
// The grammar's specification is package grammar (participle's structs, which print
// grammar/katafilter.ebnf); a differential test and a fuzz target there hold this parser to it.
// The parser never panics, whatever the input.
package parser

import (
	"fmt"
	"strconv"

	"github.com/katafilter/katafilter/lang/ast"
	"github.com/katafilter/katafilter/lang/diag"
)

// MaxDepth is how deeply [Parse] lets parentheses nest, and how many NOTs it takes in a row.
// Real filters nest a few levels; the limit keeps a hostile filter (an events API request,
// say) from costing seconds: each level of the tree is a level of recursion in the parser,
// the checker and the planner (250,000 NOTs took a second and 90 MB).
const MaxDepth = 100

// MaxErrors is how many syntax errors [Parse] reports; one more diagnostic counts the rest.
const MaxErrors = 10

// Parse parses one filter. It always returns a tree: after a syntax error the tree is partial
// ([ast.Partial]: [ast.Bad] nodes where the parser skipped text, a Paren or an in list whose
// ")" is missing, an AND the parser supplied), and the diagnostics hold every syntax error,
// capped at [MaxErrors]. Lexical problems (unterminated strings, double quotes, an integer out
// of range) come back as diagnostics beside a whole tree. [SyntaxOK] tells the two apart.
func Parse(src string) (ast.Expr, diag.List) {
	p := newParser(src)
	x := p.parse()
	return x, p.finish()
}

// SyntaxOK reports whether diags, from [Parse], hold no syntax error: then the tree is whole
// and means what the text says.
func SyntaxOK(diags diag.List) bool {
	for _, d := range diags {
		if d.Severity == diag.Error && syntaxCode(d.Code) {
			return false
		}
	}
	return true
}

// syntaxCode reports the codes of text that does not follow the grammar.
func syntaxCode(c diag.Code) bool {
	return c == diag.SyntaxError || c == diag.SingleEquals || c == diag.LogicalSymbol
}

// Incomplete reports whether src ends too early: its first syntax error is that the filter
// stops where the grammar expects more (an operator, a value, a term after AND, a ")").
// An interactive reader then asks for another line.
func Incomplete(src string) bool {
	p := newParser(src)
	if p.tok == tEOF {
		return false // nothing typed yet
	}
	p.parse()
	return p.firstErr == len(src)
}

type parser struct {
	src string
	pos int // where the next token starts, white space included

	// the current token
	tok        kind
	start, end int
	nl         bool // a newline separates it from the previous token

	// the previous token
	prevTok            kind
	prevStart, prevEnd int

	depth int // open parentheses, list parentheses included

	diags    diag.List
	nerr     int // syntax errors recorded, those beyond MaxErrors included
	firstErr int // offset of the first syntax error, -1 before it
	lastErr  int // offset of the last token the parser stumbled on (errorExpected)
	// lastSymbol is the offset of the last && || or ! reported (see logicalSymbol).
	lastSymbol int
	dropped    int // syntax errors beyond MaxErrors
	// quiet is set after a syntax error until the parser has read a whole term again, or an
	// AND or OR other than the one it stumbled on: errors found meanwhile would follow from
	// the first (go/parser's rule against cascades).
	quiet bool
	// gaveUp is set when parentheses nest too deep: the rest of the input is skipped and no
	// more errors are reported.
	gaveUp bool
	// eof is the context where the parser first met the end of the input expecting more.
	eof    Context
	eofSet bool
}

func newParser(src string) *parser {
	p := &parser{src: src, firstErr: -1, lastErr: -1, lastSymbol: -1}
	p.next()
	return p
}

// parse parses a whole filter.
func (p *parser) parse() ast.Expr {
	if p.tok == tEOF {
		p.eof, p.eofSet = Context{Expect: ExpectTerm}, true
		p.nerr, p.firstErr = 1, len(p.src)
		p.diags = append(p.diags, diag.Diagnostic{Span: ast.Span{Start: 0, End: len(p.src)}, Severity: diag.Error,
			Code: diag.SyntaxError, Message: "empty filter: expected a comparison such as EventType == 'process'"})
		return &ast.Bad{From: 0, To: len(p.src)}
	}
	return p.or()
}

// finish returns the diagnostics, with the count of those beyond MaxErrors.
func (p *parser) finish() diag.List {
	if p.dropped > 0 {
		end := len(p.src)
		p.diags = append(p.diags, diag.Diagnostic{Span: ast.Span{Start: end, End: end}, Severity: diag.Error,
			Code: diag.SyntaxError, Message: fmt.Sprintf("and %d more syntax errors", p.dropped)})
	}
	return p.diags
}

// next moves to the next token.
func (p *parser) next() {
	p.prevTok, p.prevStart, p.prevEnd = p.tok, p.start, p.end
	p.nl = false
	for p.pos < len(p.src) && isSpace(p.src[p.pos]) {
		if p.src[p.pos] == '\n' {
			p.nl = true
		}
		p.pos++
	}
	if p.pos >= len(p.src) {
		p.tok, p.start, p.end = tEOF, len(p.src), len(p.src)
		return
	}
	k, n := scan(p.src[p.pos:])
	p.tok, p.start, p.end = k, p.pos, p.pos+n
	p.pos += n
}

func (p *parser) text() string { return p.src[p.start:p.end] }

func (p *parser) span() ast.Span { return ast.Span{Start: p.start, End: p.end} }

// or parses Or = And ("OR" And)*.
func (p *parser) or() ast.Expr {
	x := p.and()
	for p.tok == tOr || p.tok == tOrOr {
		opSpan := p.connective()
		x = &ast.Binary{Op: ast.Or, OpSpan: opSpan, X: x, Y: p.and()}
	}
	return x
}

// and parses And = Not ("AND" Not)*. It also takes what no rule allows after a term (a term
// with its AND left out, or text the language does not know), so that the chain goes on: the
// missing AND becomes a Binary whose OpSpan is empty.
func (p *parser) and() ast.Expr {
	x := p.not()
	for {
		switch p.tok {
		case tAnd, tAndAnd:
			opSpan := p.connective()
			x = &ast.Binary{Op: ast.And, OpSpan: opSpan, X: x, Y: p.not()}
			continue
		case tEOF, tOr, tOrOr:
			return x
		case tRparen:
			if p.depth > 0 {
				return x
			}
		}
		p.errorExpected(Context{Expect: ExpectConnective})
		at := ast.Span{Start: p.start, End: p.start}
		var y ast.Expr
		switch p.tok {
		case tIdent, tNot, tBang, tLparen, tIn:
			y = p.not()
		default:
			y = p.junk()
		}
		x = &ast.Binary{Op: ast.And, OpSpan: at, X: x, Y: y}
	}
}

// connective reads AND or OR (&& or || with a diagnostic) and returns its span.
func (p *parser) connective() ast.Span {
	sp := p.span()
	switch p.tok {
	case tAndAnd:
		p.logicalSymbol("AND")
	case tOrOr:
		p.logicalSymbol("OR")
	}
	if p.start != p.lastErr {
		p.quiet = false // a new clause: its errors are its own
	}
	p.next()
	return sp
}

// not parses Not = "NOT"* Primary, without recursion: a filter may hold any number of NOTs,
// of which the tree keeps MaxDepth.
func (p *parser) not() ast.Expr {
	var buf [4]ast.Span // room for the usual runs of NOTs, on the stack
	nots := buf[:0]
	for p.tok == tNot || p.tok == tBang {
		if p.tok == tBang {
			p.logicalSymbol("NOT")
		}
		if len(nots) < MaxDepth {
			nots = append(nots, p.span())
		} else if len(nots) == MaxDepth {
			p.tooDeep(fmt.Sprintf("NOTs nest more than %d deep", MaxDepth))
			nots = append(nots, ast.Span{}) // reported once; the extra span is dropped below
		}
		p.next()
	}
	x := p.primary()
	for i := min(len(nots), MaxDepth) - 1; i >= 0; i-- {
		x = &ast.Not{NotSpan: nots[i], X: x}
	}
	return x
}

// primary parses Primary = "(" Or ")" | "IN" "(" Ident ("," Value)* ")" | Ident (Op Value | InList).
func (p *parser) primary() ast.Expr {
	switch p.tok {
	case tLparen:
		return p.paren()
	case tIn:
		return p.call()
	case tIdent:
		f := ast.Field{Name: p.text(), NameSpan: p.span()}
		p.next()
		if p.tok == tIn {
			l := &list{field: f}
			l.in.Field = &l.field
			return p.inList(l)
		}
		n := &comparison{field: f} // the common case: one allocation for its three nodes
		n.cmp = ast.Compare{Field: &n.field, Op: p.cmpOp(), OpSpan: p.span()}
		if n.cmp.Op == 0 {
			p.errorExpected(Context{Expect: ExpectOperator, Field: n.field.Name})
			return p.bad(n.field.NameSpan.Start)
		}
		p.next()
		if !p.isValue() {
			p.errorExpected(Context{Expect: ExpectValue, Field: n.field.Name, Op: n.cmp.Op.String()})
			return p.bad(n.field.NameSpan.Start)
		}
		n.cmp.Value = p.value(&n.value)
		p.quiet = false
		return &n.cmp
	}
	p.errorExpected(Context{Expect: ExpectTerm})
	return p.bad(p.start)
}

// paren parses "(" Or ")".
func (p *parser) paren() ast.Expr {
	lparen := p.start
	if p.depth >= MaxDepth {
		p.tooDeep(fmt.Sprintf("parentheses nest more than %d deep", MaxDepth))
		p.gaveUp = true
		for p.tok != tEOF {
			p.next()
		}
		return &ast.Bad{From: lparen, To: p.prevEnd}
	}
	p.depth++
	p.next()
	x := p.or()
	p.depth--
	if p.tok != tRparen {
		p.errorExpected(Context{Expect: ExpectConnective, Depth: p.depth + 1})
		return &ast.Paren{Lparen: lparen, Rparen: -1, X: x}
	}
	rparen := p.start
	p.quiet = false
	p.next()
	return &ast.Paren{Lparen: lparen, Rparen: rparen, X: x}
}

// call parses the call form "IN" "(" Ident ("," Value)* ")".
func (p *parser) call() ast.Expr {
	from := p.start
	l := new(list)
	in := &l.in
	in.Call, in.InSpan = true, p.span()
	p.next()
	if p.tok != tLparen {
		p.errorExpected(Context{Expect: ExpectInParen, Call: true})
		return p.bad(from)
	}
	in.Lparen = p.start
	p.depth++
	p.next()
	if p.tok != tIdent {
		p.errorExpected(Context{Expect: ExpectCallField, Call: true})
		return p.badList(from)
	}
	l.field = ast.Field{Name: p.text(), NameSpan: p.span()}
	in.Field = &l.field
	p.next()
	for p.tok == tComma {
		p.next()
		if !p.isValue() {
			p.errorExpected(Context{Expect: ExpectListNext, Field: in.Field.Name, Call: true, Values: len(in.Values)})
			return p.listError(in, from)
		}
		p.listValue(l)
	}
	if p.tok != tRparen {
		e := ExpectListSep
		if len(in.Values) == 0 {
			e = ExpectCallComma
		}
		p.errorExpected(Context{Expect: e, Field: in.Field.Name, Call: true, Values: len(in.Values)})
		return p.listError(in, from)
	}
	return p.closeList(in)
}

// inList parses InList = "IN" "(" (Value ("," Value)*)? ")" after the field of l.
func (p *parser) inList(l *list) ast.Expr {
	f, in := &l.field, &l.in
	in.InSpan = p.span()
	p.next()
	if p.tok != tLparen {
		p.errorExpected(Context{Expect: ExpectInParen, Field: f.Name})
		return p.bad(f.NameSpan.Start)
	}
	in.Lparen = p.start
	p.depth++
	p.next()
	if p.tok != tRparen {
		expect := ExpectListValue
		for {
			if !p.isValue() {
				p.errorExpected(Context{Expect: expect, Field: f.Name, Values: len(in.Values)})
				return p.listError(in, f.NameSpan.Start)
			}
			p.listValue(l)
			if p.tok != tComma {
				break
			}
			p.next()
			expect = ExpectListNext
		}
		if p.tok != tRparen {
			p.errorExpected(Context{Expect: ExpectListSep, Field: f.Name, Values: len(in.Values)})
			return p.listError(in, f.NameSpan.Start)
		}
	}
	return p.closeList(in)
}

// closeList reads the ")" that ends the list of in.
func (p *parser) closeList(in *ast.In) ast.Expr {
	in.Rparen = p.start
	p.depth--
	p.quiet = false
	p.next()
	return in
}

// cmpOp returns the comparison operator of the current token (= read as == with a
// diagnostic), or 0.
func (p *parser) cmpOp() ast.CmpOp {
	switch p.tok {
	case tCmp:
		return ast.ParseCmpOp(p.text())
	case tAssign:
		sp := p.span()
		p.report(diag.Diagnostic{Span: sp, Severity: diag.Error, Code: diag.SingleEquals,
			Message: "= is not an operator: compare with ==",
			Fixes:   []diag.Fix{{Title: "replace = with ==", Safe: true, Edits: []diag.Edit{{Span: sp, NewText: "=="}}}}})
		return ast.Eq
	}
	return 0
}

// isValue reports whether the current token is a Value: String | BadString | DQString | Int |
// "TRUE" | "FALSE".
func (p *parser) isValue() bool {
	switch p.tok {
	case tString, tBadString, tDQString, tInt, tTrue, tFalse:
		return true
	}
	return false
}

// value makes l the literal of the current token, a Value, and moves past it.
func (p *parser) value(l *ast.Literal) *ast.Literal {
	sp := p.span()
	raw := p.text()
	switch p.tok {
	case tString:
		*l = ast.Literal{Kind: ast.String, Raw: raw, LitSpan: sp}
	case tBadString:
		p.diags = append(p.diags, unterminated(sp, raw))
		*l = ast.Literal{Kind: ast.String, Raw: raw, LitSpan: sp, Unterminated: true}
	case tDQString:
		d, text := doubleQuoted(sp, raw)
		p.diags = append(p.diags, d)
		*l = ast.Literal{Kind: ast.String, Raw: text, LitSpan: sp, DoubleQuoted: true}
	case tInt:
		if _, err := strconv.ParseInt(raw, 10, 64); err != nil {
			p.diags = append(p.diags, diag.Diagnostic{Span: sp, Severity: diag.Error, Code: diag.IntegerRange,
				Message: fmt.Sprintf("integer %s does not fit in 64 bits", raw)})
		}
		*l = ast.Literal{Kind: ast.Int, Raw: raw, LitSpan: sp}
	default:
		*l = ast.Literal{Kind: ast.Bool, Raw: raw, LitSpan: sp}
	}
	p.next()
	return l
}

// bad skips to the next point where the filter can go on (AND, OR, a ")" that closes an open
// parenthesis, the end, or a token that starts a new line, unless it is the one at from) and
// returns the Bad node for the text from from to the last token skipped.
func (p *parser) bad(from int) ast.Expr {
	for {
		switch p.tok {
		case tEOF, tAnd, tOr, tAndAnd, tOrOr:
			return p.badTo(from)
		case tRparen:
			if p.depth > 0 {
				return p.badTo(from)
			}
		}
		if p.nl && p.start != from {
			return p.badTo(from)
		}
		p.next()
	}
}

// junk skips text that can neither go on after a term nor start one, up to where the filter
// can go on or a term starts, and returns its Bad node.
func (p *parser) junk() ast.Expr {
	from := p.start
	for {
		p.next()
		switch p.tok {
		case tEOF, tAnd, tOr, tAndAnd, tOrOr, tIdent, tNot, tBang, tLparen, tIn:
			return p.badTo(from)
		case tRparen:
			if p.depth > 0 {
				return p.badTo(from)
			}
		}
	}
}

func (p *parser) badTo(from int) ast.Expr {
	return &ast.Bad{From: from, To: max(from, p.prevEnd)}
}

// listError ends the in list in after a syntax error. Where the filter ends inside the list
// (as it does while being typed), the list is kept with the values written and Rparen -1, so
// that they are checked; otherwise the list becomes a Bad node from from (see badList).
func (p *parser) listError(in *ast.In, from int) ast.Expr {
	if p.tok == tEOF {
		in.Rparen = -1
		p.depth--
		return in
	}
	return p.badList(from)
}

// badList skips the rest of an in list after an error and returns the Bad node for the list:
// its ")" is read when the skip stops there.
func (p *parser) badList(from int) ast.Expr {
	b := p.bad(from)
	p.depth--
	if p.tok == tRparen {
		p.next()
		b.(*ast.Bad).To = p.prevEnd
	}
	return b
}

// list holds the nodes of an in list allocated together: the In, its field, and room for
// its first values.
type list struct {
	in    ast.In
	field ast.Field
	ptrs  [4]*ast.Literal
	lits  [4]ast.Literal
}

// listValue appends the literal of the current token, a Value, to the values of l, in the
// room l has while it lasts, and moves past it.
func (p *parser) listValue(l *list) {
	n := len(l.in.Values)
	if n == 0 {
		l.in.Values = l.ptrs[:0]
	}
	var lit *ast.Literal
	if n < len(l.lits) {
		lit = &l.lits[n]
	} else {
		lit = new(ast.Literal)
	}
	l.in.Values = append(l.in.Values, p.value(lit))
}

// comparison holds the nodes of Field op Value, allocated together.
type comparison struct {
	cmp   ast.Compare
	field ast.Field
	value ast.Literal
}
