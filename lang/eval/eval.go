// Package eval compiles a checked filter into a [Program] that decides whether an event
// matches. A Program is immutable and safe for concurrent use. Events come in three forms:
// already decoded JSON values ([Program.Match]), the raw bytes of one JSON value
// ([Program.MatchJSON], which evaluates on the bytes without decoding them), and events
// flattened once for repeated matching ([NewEvent], [Program.MatchEvent]; [PackEvents] lays
// many of them out for a pass in order). All three give the same answer on the same event.
//
// The semantics, documented in docs/language.md:
//   - strings compare case-sensitively unless IgnoreCase is set; * matches any run of
//     characters and ? exactly one character (code point);
//   - a dotted name walks nested objects; where the path meets an array, the comparison holds
//     when it holds for any element;
//   - a missing field, a JSON null, or a value of another JSON type than the constant makes
//     ==, in and the ordering comparisons false;
//   - a != b is exactly NOT (a == b), so it is true for a missing field;
//   - integers compare exactly, also beyond 2^53; a JSON number with a fraction compares by value.
//
// JSON input is read as encoding/json reads it (see [Decode]): the last of duplicate keys
// wins, invalid UTF-8 and unpaired surrogates become U+FFFD, and input that encoding/json
// rejects is an error, never a match. docs/performance.md describes how the raw path works.
package eval

import (
	"cmp"
	"errors"
	"slices"
	"strings"

	"github.com/katafilter/katafilter/lang/ast"
	"github.com/katafilter/katafilter/lang/check"
)

// Options configures compilation.
type Options struct {
	// IgnoreCase compares strings without regard to case.
	IgnoreCase bool
}

// Program is a compiled filter.
type Program struct {
	root  *pnode
	atoms []*cmpNode // every comparison, indexed by cmpNode.idx
	paths [][]string // every distinct path the filter reads
	trie  *trieNode  // the paths as a tree of keys for the raw path; nil when there are too many atoms
}

// ErrInvalid is returned by [Compile] for a tree that cannot be evaluated (a syntax error left
// a hole in it).
var ErrInvalid = errors.New("eval: the filter has errors and cannot be evaluated")

// Compile turns a checked tree into a program. The checker's [check.Info] supplies the decoded
// constants and the paths of the fields.
func Compile(x ast.Expr, info *check.Info, opt Options) (prog *Program, err error) {
	if x == nil || info == nil {
		return nil, ErrInvalid
	}
	c := &compiler{info: info, opt: opt}
	root, err := c.expr(x)
	if err != nil {
		return nil, err
	}
	root = plan(root)
	p := &Program{root: root, atoms: c.atoms, paths: c.paths}
	if len(c.atoms) <= maxRawAtoms {
		p.trie = buildTrie(c.atoms)
	}
	return p, nil
}

// Paths returns the field paths the program reads, each split at the dots.
func (p *Program) Paths() [][]string { return p.paths }

// Match reports whether the decoded event v matches. v is what encoding/json produces
// (map[string]any, []any, string, float64 or json.Number, bool, nil); Go integers and
// map[string]string are accepted too. Any other value simply does not match.
func (p *Program) Match(v any) bool { return p.root.evalAny(v) }

type compiler struct {
	info  *check.Info
	opt   Options
	paths [][]string
	atoms []*cmpNode
}

func (c *compiler) path(f *ast.Field) []string {
	p := c.info.Path(f)
	for _, q := range c.paths {
		if slices.Equal(p, q) {
			return q
		}
	}
	c.paths = append(c.paths, p)
	return p
}

func (c *compiler) atom(n *cmpNode) *pnode {
	n.finish()
	n.idx = len(c.atoms)
	c.atoms = append(c.atoms, n)
	return &pnode{op: opAtom, atom: n}
}

func (c *compiler) expr(x ast.Expr) (*pnode, error) {
	switch x := x.(type) {
	case *ast.Paren:
		return c.expr(x.X)
	case *ast.Not:
		n, err := c.expr(x.X)
		if err != nil {
			return nil, err
		}
		return &pnode{op: opNot, kids: []*pnode{n}}, nil
	case *ast.Binary:
		a, err := c.expr(x.X)
		if err != nil {
			return nil, err
		}
		b, err := c.expr(x.Y)
		if err != nil {
			return nil, err
		}
		op := opOr
		if x.Op == ast.And {
			op = opAnd
		}
		return &pnode{op: op, kids: []*pnode{a, b}}, nil
	case *ast.Compare:
		k, err := c.constant(x.Value)
		if err != nil {
			return nil, err
		}
		n := &cmpNode{path: c.path(x.Field), op: x.Op, consts: []constant{k}}
		if x.Op == ast.Ne {
			n.op = ast.Eq
			return &pnode{op: opNot, kids: []*pnode{c.atom(n)}}, nil
		}
		return c.atom(n), nil
	case *ast.In:
		n := &cmpNode{path: c.path(x.Field), op: ast.Eq}
		for _, v := range x.Values {
			k, err := c.constant(v)
			if err != nil {
				return nil, err
			}
			n.consts = append(n.consts, k)
		}
		return c.atom(n), nil
	}
	return nil, ErrInvalid
}

func (c *compiler) constant(v *ast.Literal) (constant, error) {
	switch v.Kind {
	case ast.String:
		p, ok := c.info.Patterns[v]
		if !ok || v.Unterminated {
			return constant{}, ErrInvalid
		}
		return constant{kind: ast.String, text: p.Literal(), pat: newStrTest(p, c.opt.IgnoreCase)}, nil
	case ast.Int:
		n, ok := c.info.Ints[v]
		if !ok {
			return constant{}, ErrInvalid
		}
		return constant{kind: ast.Int, num: n}, nil
	case ast.Bool:
		return constant{kind: ast.Bool, b: strings.EqualFold(v.Raw, "true")}, nil
	}
	return constant{}, ErrInvalid
}

// The operations of the plan tree.
const (
	opAtom = iota
	opAnd
	opOr
	opNot
)

// pnode is a node of the plan: AND and OR are n-ary, their operands ordered so that the
// evaluation is expected to stop soonest.
type pnode struct {
	op   int
	kids []*pnode
	atom *cmpNode
	cost float64 // estimated work
	prob float64 // estimated probability of being true
}

// plan flattens nested ANDs and ORs and orders their operands: for AND by cost/(1-p), for OR
// by cost/p, where p is the estimated probability of the operand being true, which is the
// classic order that minimises the expected work of short-circuit evaluation. Evaluation has
// no side effects and no errors, so the order does not change the result.
func plan(n *pnode) *pnode {
	switch n.op {
	case opAtom:
		n.cost, n.prob = n.atom.cost(), n.atom.prob()
		return n
	case opNot:
		n.kids[0] = plan(n.kids[0])
		n.cost, n.prob = n.kids[0].cost, 1-n.kids[0].prob
		return n
	}
	var kids []*pnode
	for _, k := range n.kids {
		k = plan(k)
		if k.op == n.op {
			kids = append(kids, k.kids...)
		} else {
			kids = append(kids, k)
		}
	}
	rank := func(k *pnode) float64 {
		p := k.prob
		if n.op == opAnd {
			p = 1 - p
		}
		return k.cost / max(p, 0.01)
	}
	slices.SortStableFunc(kids, func(a, b *pnode) int { return cmp.Compare(rank(a), rank(b)) })
	n.kids = kids
	// Expected cost and probability, taking the operands as independent.
	n.cost, n.prob = 0, 1
	if n.op == opOr {
		n.prob = 0
	}
	reach := 1.0
	for _, k := range kids {
		n.cost += reach * k.cost
		if n.op == opAnd {
			reach *= k.prob
			n.prob *= k.prob
		} else {
			reach *= 1 - k.prob
			n.prob = n.prob + k.prob - n.prob*k.prob
		}
	}
	return n
}

func (n *pnode) evalAny(v any) bool {
	switch n.op {
	case opAtom:
		return n.atom.eval(v)
	case opNot:
		return !n.kids[0].evalAny(v)
	case opAnd:
		for _, k := range n.kids {
			if !k.evalAny(v) {
				return false
			}
		}
		return true
	}
	for _, k := range n.kids {
		if k.evalAny(v) {
			return true
		}
	}
	return false
}

func (n *pnode) evalEvent(e *Event) bool {
	switch n.op {
	case opAtom:
		return n.atom.evalEvent(e)
	case opNot:
		return !n.kids[0].evalEvent(e)
	case opAnd:
		for _, k := range n.kids {
			if !k.evalEvent(e) {
				return false
			}
		}
		return true
	}
	for _, k := range n.kids {
		if k.evalEvent(e) {
			return true
		}
	}
	return false
}

// evalMask evaluates the tree given the truth of every atom as a bit of mask.
func (n *pnode) evalMask(mask uint64) bool {
	switch n.op {
	case opAtom:
		return mask&(1<<n.atom.idx) != 0
	case opNot:
		return !n.kids[0].evalMask(mask)
	case opAnd:
		for _, k := range n.kids {
			if !k.evalMask(mask) {
				return false
			}
		}
		return true
	}
	for _, k := range n.kids {
		if k.evalMask(mask) {
			return true
		}
	}
	return false
}
