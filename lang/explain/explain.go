// Package explain tells why a filter did or did not match one event: for every clause (each
// comparison, in list, NOT, AND and OR) whether it was true or false, and for comparisons the
// values found at the field's path or that the field was missing. The result is a tree that
// renders as indented text:
//
//	false  AND
//	  true   EventType == 'process'  (EventType: "process")
//	  false  FileName == '*powershell*'  (FileName: "cmd.exe")
//
// Comparisons are evaluated by [eval.Clause], the code a compiled program runs, so an
// explanation always agrees with [eval.Program.Match] on the same event. The command line's
// lint, the REPL's explain command and any other view share this package.
package explain

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/katafilter/katafilter/lang"
	"github.com/katafilter/katafilter/lang/ast"
	"github.com/katafilter/katafilter/lang/check"
	"github.com/katafilter/katafilter/lang/eval"
	"github.com/katafilter/katafilter/lang/format"
)

// Kind is the kind of a clause.
type Kind int

// The kinds of clause.
const (
	And     Kind = iota + 1 // a chain of AND: true when every child is
	Or                      // a chain of OR: true when any child is
	Not                     // NOT: the opposite of its one child
	Compare                 // a comparison: == != > >= < <=
	In                      // an in list
)

func (k Kind) String() string {
	switch k {
	case And:
		return "AND"
	case Or:
		return "OR"
	case Not:
		return "NOT"
	case Compare:
		return "compare"
	case In:
		return "in"
	}
	return "invalid"
}

// Node is the explanation of one clause.
type Node struct {
	Kind Kind
	// Expr is the clause in the tree (parentheses removed).
	Expr ast.Expr
	// Text is the clause in canonical form for a comparison or in list, and the operator (AND,
	// OR, NOT) otherwise.
	Text string
	// Result is whether the clause was true for the event.
	Result bool
	// Field is the dotted path a comparison read.
	Field string
	// Values are the values found at the path (arrays fanned out); empty when the field is
	// missing. Only comparisons have them.
	Values []any
	// Children are the operands of AND, OR (a chain of the same operator is flattened into one
	// node) and NOT.
	Children []*Node
}

// Missing reports whether a comparison found no value at its path.
func (n *Node) Missing() bool {
	return (n.Kind == Compare || n.Kind == In) && len(n.Values) == 0
}

// Options configures an explanation; it must match the options the filter is compiled with.
type Options struct {
	// IgnoreCase compares strings without regard to case.
	IgnoreCase bool
}

// Explainer explains one filter on any number of events. It is prepared once (each
// comparison compiled) and is safe for concurrent use.
type Explainer struct {
	root *plan
}

// plan is a clause prepared for explaining.
type plan struct {
	kind     Kind
	expr     ast.Expr
	text     string
	field    string
	clause   *eval.Clause // a comparison
	children []*plan
}

// New prepares the checked filter x (with the checker's info). A tree that cannot be
// evaluated (one with a syntax error) gives [eval.ErrInvalid].
func New(x ast.Expr, info *check.Info, opt Options) (*Explainer, error) {
	if x == nil || info == nil {
		return nil, eval.ErrInvalid
	}
	root, err := prepare(x, info, eval.Options{IgnoreCase: opt.IgnoreCase})
	if err != nil {
		return nil, err
	}
	return &Explainer{root: root}, nil
}

// NewFilter prepares an analysed filter with the filter's own options. A filter with errors
// is refused as [lang.Filter.Program] refuses it.
func NewFilter(f *lang.Filter) (*Explainer, error) {
	if err := f.Diagnostics.Err(); err != nil {
		return nil, err
	}
	return New(f.Expr, f.Info, Options{IgnoreCase: f.Config().IgnoreCase})
}

// Filter explains an analysed filter on a decoded event; see [NewFilter].
func Filter(f *lang.Filter, event any) (*Node, error) {
	e, err := NewFilter(f)
	if err != nil {
		return nil, err
	}
	return e.Explain(event), nil
}

func prepare(x ast.Expr, info *check.Info, opt eval.Options) (*plan, error) {
	x = ast.Unparen(x)
	switch x := x.(type) {
	case *ast.Binary:
		kind := And
		if x.Op == ast.Or {
			kind = Or
		}
		p := &plan{kind: kind, expr: x, text: x.Op.String()}
		for _, op := range ast.AppendOperands(nil, x, x.Op) {
			c, err := prepare(op, info, opt)
			if err != nil {
				return nil, err
			}
			p.children = append(p.children, c)
		}
		return p, nil
	case *ast.Not:
		c, err := prepare(x.X, info, opt)
		if err != nil {
			return nil, err
		}
		return &plan{kind: Not, expr: x, text: "NOT", children: []*plan{c}}, nil
	case *ast.Compare, *ast.In:
		// The verdict and the values come from the evaluator's own code for one comparison,
		// so that they cannot disagree with the whole program.
		cl, err := eval.CompileClause(x, info, opt)
		if err != nil {
			return nil, err
		}
		kind := Compare
		if _, ok := x.(*ast.In); ok {
			kind = In
		}
		return &plan{kind: kind, expr: x, text: format.Node(x), clause: cl,
			field: strings.Join(cl.Path(), ".")}, nil
	}
	return nil, eval.ErrInvalid
}

// Explain explains the filter on one decoded event.
func (e *Explainer) Explain(event any) *Node { return e.root.explain(event) }

func (p *plan) explain(event any) *Node {
	n := &Node{Kind: p.kind, Expr: p.expr, Text: p.text, Field: p.field}
	switch p.kind {
	case And, Or:
		n.Result = p.kind == And
		for _, c := range p.children {
			cn := c.explain(event)
			n.Children = append(n.Children, cn)
			if p.kind == And {
				n.Result = n.Result && cn.Result
			} else {
				n.Result = n.Result || cn.Result
			}
		}
	case Not:
		cn := p.children[0].explain(event)
		n.Children = []*Node{cn}
		n.Result = !cn.Result
	default:
		n.Result = p.clause.Match(event)
		n.Values = p.clause.Values(event)
	}
	return n
}

// maxValueWidth caps how much of one value (an object, say) the rendering shows.
const maxValueWidth = 60

// maxValues caps how many values of one path the rendering lists.
const maxValues = 5

// Write renders the tree as indented text, one clause per line, each prefixed with prefix.
func (n *Node) Write(w io.Writer, prefix string) error {
	var b strings.Builder
	n.write(&b, prefix, 0)
	_, err := io.WriteString(w, b.String())
	return err
}

// String renders the tree as indented text.
func (n *Node) String() string {
	var b strings.Builder
	n.write(&b, "", 0)
	return b.String()
}

func (n *Node) write(b *strings.Builder, prefix string, depth int) {
	fmt.Fprintf(b, "%s%s%-5t  %s", prefix, strings.Repeat("  ", depth), n.Result, n.Text)
	if n.Kind == Compare || n.Kind == In {
		fmt.Fprintf(b, "  (%s)", n.Reason())
	}
	b.WriteByte('\n')
	for _, c := range n.Children {
		c.write(b, prefix, depth+1)
	}
}

// Reason says what a comparison found: "Field: field missing" or "Field: v1, v2". It is empty
// for AND, OR and NOT.
func (n *Node) Reason() string {
	if n.Kind != Compare && n.Kind != In {
		return ""
	}
	if n.Missing() {
		return n.Field + ": field missing"
	}
	var vs []string
	for i, v := range n.Values {
		if i == maxValues {
			vs = append(vs, fmt.Sprintf("… %d more", len(n.Values)-maxValues))
			break
		}
		vs = append(vs, valueText(v))
	}
	return n.Field + ": " + strings.Join(vs, ", ")
}

// valueText renders one value found in an event as JSON, shortened when long.
func valueText(v any) string {
	data, err := json.Marshal(v)
	s := string(data)
	if err != nil {
		s = fmt.Sprint(v)
	}
	if r := []rune(s); len(r) > maxValueWidth {
		s = string(r[:maxValueWidth-1]) + "…"
	}
	return s
}
