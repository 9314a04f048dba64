// Package ast declares the syntax tree of KATA event filters and the position model shared by
// every layer of katafilter: byte offsets into the source, half-open spans, and a line table
// that turns offsets into 1-based line:column pairs.
//
// The tree is produced by package parser and read by the checker, the evaluator, the formatter
// and the completion engine. Type information is never written into the tree: the checker keeps
// it in side tables.
package ast

import "fmt"

// Span is a half-open range [Start, End) of byte offsets into a source text.
type Span struct {
	Start, End int
}

// Contains reports whether off lies inside s, its end included (a cursor just after a token
// still touches it).
func (s Span) Contains(off int) bool { return s.Start <= off && off <= s.End }

// Len is the number of bytes the span covers.
func (s Span) Len() int { return s.End - s.Start }

// Join returns the smallest span that covers both s and t.
func (s Span) Join(t Span) Span {
	return Span{Start: min(s.Start, t.Start), End: max(s.End, t.End)}
}

// Shift returns s moved by delta bytes.
func (s Span) Shift(delta int) Span { return Span{s.Start + delta, s.End + delta} }

func (s Span) String() string { return fmt.Sprintf("[%d,%d)", s.Start, s.End) }

// Node is any node of the tree.
type Node interface {
	// Span is the source range the node covers.
	Span() Span
}

// Expr is a boolean expression: [*Binary], [*Not], [*Paren], [*Compare], [*In] or [*Bad].
type Expr interface {
	Node
	exprNode()
}

// LogicalOp is AND or OR.
type LogicalOp int

// The logical operators.
const (
	And LogicalOp = iota + 1
	Or
)

func (op LogicalOp) String() string {
	if op == And {
		return "AND"
	}
	return "OR"
}

// Binary is X AND Y or X OR Y. After a syntax error where AND was left out between two
// terms, the parser supplies it: OpSpan is then empty.
type Binary struct {
	Op     LogicalOp
	OpSpan Span // the keyword
	X, Y   Expr
}

// Not is NOT X.
type Not struct {
	NotSpan Span // the keyword
	X       Expr
}

// Paren is ( X ). Rparen is -1 when the closing parenthesis is missing (a syntax error).
type Paren struct {
	Lparen, Rparen int // offsets of the parentheses
	X              Expr
}

// CmpOp is a comparison operator.
type CmpOp int

// The comparison operators.
const (
	Eq CmpOp = iota + 1 // ==
	Ne                  // !=
	Gt                  // >
	Ge                  // >=
	Lt                  // <
	Le                  // <=
)

var cmpText = [...]string{Eq: "==", Ne: "!=", Gt: ">", Ge: ">=", Lt: "<", Le: "<="}

func (op CmpOp) String() string {
	if op < Eq || op > Le {
		return "?"
	}
	return cmpText[op]
}

// Ordering reports whether op is one of > >= < <=.
func (op CmpOp) Ordering() bool { return op >= Gt }

// ParseCmpOp returns the operator written s, or 0.
func ParseCmpOp(s string) CmpOp {
	for op := Eq; op <= Le; op++ {
		if cmpText[op] == s {
			return op
		}
	}
	return 0
}

// Compare is Field op Value.
type Compare struct {
	Field  *Field
	Op     CmpOp
	OpSpan Span
	Value  *Literal
}

// In is Field in (v1, v2, ...), or the call form in(Field, v1, ...) when Call is set. Rparen
// is -1 when the filter ends inside the list (a syntax error): Values are those written.
type In struct {
	Field          *Field
	Values         []*Literal
	Call           bool
	InSpan         Span // the keyword
	Lparen, Rparen int  // offsets of the parentheses
}

// Bad stands for a part of the source that could not be parsed: the parser skipped From to To
// after a syntax error (an empty span where it skipped nothing). The checker takes it as a
// term it knows nothing about and reports nothing more about it.
type Bad struct {
	From, To int
}

// Field is a (possibly dotted) field name.
type Field struct {
	Name     string
	NameSpan Span
}

// LitKind is the kind of a literal.
type LitKind int

// The kinds of literal.
const (
	String LitKind = iota + 1
	Int
	Bool
)

func (k LitKind) String() string {
	switch k {
	case String:
		return "string"
	case Int:
		return "integer"
	case Bool:
		return "boolean"
	}
	return "invalid"
}

// Literal is a constant as written: Raw keeps the exact source text, quotes and escapes
// included. Unterminated is set for a string that runs to the end of the input without its
// closing quote. Use [DecodeString] for a string's meaning. DoubleQuoted is set for a string
// written in double quotes (an error): Raw is then its rewriting in single quotes, and offsets
// into Raw do not map to the source.
type Literal struct {
	Kind         LitKind
	Raw          string
	LitSpan      Span
	Unterminated bool
	DoubleQuoted bool
}

func (*Binary) exprNode()  {}
func (*Not) exprNode()     {}
func (*Paren) exprNode()   {}
func (*Compare) exprNode() {}
func (*In) exprNode()      {}
func (*Bad) exprNode()     {}

// Span implements [Node].
func (x *Binary) Span() Span { return x.X.Span().Join(x.Y.Span()) }

// Span implements [Node].
func (x *Not) Span() Span { return x.NotSpan.Join(x.X.Span()) }

// Span implements [Node].
func (x *Paren) Span() Span {
	if x.Rparen < 0 {
		return Span{x.Lparen, x.Lparen + 1}.Join(x.X.Span())
	}
	return Span{x.Lparen, x.Rparen + 1}
}

// Span implements [Node].
func (x *Compare) Span() Span { return x.Field.NameSpan.Join(x.Value.LitSpan) }

// Span implements [Node].
func (x *In) Span() Span {
	s := x.InSpan.Join(Span{x.Lparen, x.Lparen + 1})
	if x.Rparen >= 0 {
		s = s.Join(Span{x.Rparen, x.Rparen + 1})
	} else if n := len(x.Values); n > 0 {
		s = s.Join(x.Values[n-1].LitSpan)
	}
	if x.Field != nil {
		s = s.Join(x.Field.NameSpan)
	}
	return s
}

// Span implements [Node].
func (x *Bad) Span() Span { return Span{x.From, x.To} }

// Span implements [Node].
func (f *Field) Span() Span { return f.NameSpan }

// Span implements [Node].
func (l *Literal) Span() Span { return l.LitSpan }

// Inspect walks the tree rooted at n in depth-first order, calling f for each node (fields and
// literals included) before its children; when f returns false the children are skipped.
func Inspect(n Node, f func(Node) bool) {
	if n == nil || !f(n) {
		return
	}
	switch x := n.(type) {
	case *Binary:
		Inspect(x.X, f)
		Inspect(x.Y, f)
	case *Not:
		Inspect(x.X, f)
	case *Paren:
		Inspect(x.X, f)
	case *Compare:
		Inspect(x.Field, f)
		Inspect(x.Value, f)
	case *In:
		if x.Field != nil {
			Inspect(x.Field, f)
		}
		for _, v := range x.Values {
			Inspect(v, f)
		}
	}
}

// Unparen returns x without any enclosing parentheses.
func Unparen(x Expr) Expr {
	for {
		p, ok := x.(*Paren)
		if !ok {
			return x
		}
		x = p.X
	}
}

// Partial reports whether x holds what a parser recovering from a syntax error builds: a
// [Bad] node, a [Paren] or an [In] without its ")", or a [Binary] whose operator was left out
// (an empty OpSpan). Analyses that reason about the whole filter stay silent about a partial one.
func Partial(x Expr) bool {
	switch x := x.(type) {
	case *Bad:
		return true
	case *Paren:
		return x.Rparen < 0 || Partial(x.X)
	case *Binary:
		return x.OpSpan.Len() == 0 || Partial(x.X) || Partial(x.Y)
	case *Not:
		return Partial(x.X)
	case *In:
		return x.Rparen < 0
	}
	return false
}

// AppendOperands appends to out the operands of the chain of op that x is, in source order,
// looking through parentheses, and returns the extended slice: (A AND (B AND C)) AND D has the
// operands A, B, C and D. Each operand comes without its enclosing parentheses; an x that is
// not a chain of op is its own only operand.
func AppendOperands(out []Expr, x Expr, op LogicalOp) []Expr {
	x = Unparen(x)
	if b, ok := x.(*Binary); ok && b.Op == op {
		return AppendOperands(AppendOperands(out, b.X, op), b.Y, op)
	}
	return append(out, x)
}
