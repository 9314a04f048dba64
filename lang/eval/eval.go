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
	atoms []cmpNode  // every comparison, indexed by cmpNode.idx
	paths [][]string // every distinct path the filter reads
	trie  *trieNode  // the paths as a tree of keys for the raw path; nil when there are too many atoms
}

// ErrInvalid is returned by [Compile] for a tree that cannot be evaluated: a syntax error left
// a hole in it ([ast.Partial]).
var ErrInvalid = errors.New("eval: the filter has errors and cannot be evaluated")

// Compile turns a checked tree into a program. The checker's [check.Info] supplies the decoded
// constants and the paths of the fields.
func Compile(x ast.Expr, info *check.Info, opt Options) (prog *Program, err error) {
	if x == nil || info == nil || ast.Partial(x) {
		return nil, ErrInvalid
	}
	var c compiler
	c.init(x, info, opt)
	root, err := c.expr(x)
	if err != nil {
		return nil, err
	}
	c.encodePaths()
	root = plan(root)
	p := &Program{root: root, atoms: c.cmps, paths: c.paths}
	if len(p.atoms) <= maxRawAtoms {
		p.trie = buildTrie(p.atoms)
	}
	return p, nil
}

// Paths returns the field paths the program reads, each split at the dots.
func (p *Program) Paths() [][]string { return p.paths }

// Match reports whether the decoded event v matches. v is what encoding/json produces
// (map[string]any, []any, string, float64 or json.Number, bool, nil); Go integers and
// map[string]string are accepted too. Any other value simply does not match.
func (p *Program) Match(v any) bool { return p.root.evalAny(v) }

// compiler builds the plan tree of one filter. Its comparisons, constants and plan nodes are
// carved from slices sized by a count of the tree beforehand (see init), which the program
// then keeps, instead of being allocated one by one.
type compiler struct {
	info   *check.Info
	opt    Options
	paths  [][]string // the distinct paths, in order of first use
	cmps   []cmpNode  // the comparisons, in the order made: cmps[i].idx is i
	consts []constant // room for the constants not handed out yet
	nodes  []pnode    // room for the plan nodes not handed out yet
	kids   []*pnode   // room for the operand lists not handed out yet
}

// pathCode is a path encoded as in Event, and its id.
type pathCode struct {
	enc string
	id  uint16
}

// init makes c ready to compile x.
func (c *compiler) init(x ast.Expr, info *check.Info, opt Options) {
	var sz treeSize
	sz.count(x)
	*c = compiler{
		info:   info,
		opt:    opt,
		paths:  make([][]string, 0, sz.atoms),
		cmps:   make([]cmpNode, 0, sz.atoms),
		consts: make([]constant, sz.consts),
		nodes:  make([]pnode, sz.nodes),
		kids:   make([]*pnode, max(sz.atoms+sz.nodes-1, 0)), // every node is an operand but the root
	}
}

// treeSize is what compiling a tree makes: comparisons and the constants that a comparison
// does not keep in itself (those of in lists of other than one value), exactly, and plan nodes
// other than the comparisons' own, at most one for each AND, OR and NOT and one more for the
// NOT that != is. It counts the nodes that compiler.expr visits.
type treeSize struct{ atoms, consts, nodes int }

func (sz *treeSize) count(x ast.Expr) {
	switch x := x.(type) {
	case *ast.Paren:
		sz.count(x.X)
	case *ast.Not:
		sz.nodes++
		sz.count(x.X)
	case *ast.Binary:
		sz.nodes++
		sz.count(x.X)
		sz.count(x.Y)
	case *ast.Compare:
		sz.atoms++
		if x.Op == ast.Ne {
			sz.nodes++
		}
	case *ast.In:
		sz.atoms++
		if len(x.Values) != 1 {
			sz.consts += len(x.Values)
		}
	}
}

// node returns a new plan node.
func (c *compiler) node(op int, kids []*pnode) *pnode {
	if len(c.nodes) == 0 { // not expected: the count is an upper bound
		return &pnode{op: op, kids: kids}
	}
	n := &c.nodes[0]
	c.nodes = c.nodes[1:]
	n.op, n.kids = op, kids
	return n
}

// kidList returns room for n operands.
func (c *compiler) kidList(n int) []*pnode {
	if len(c.kids) < n { // not expected: the count is an upper bound
		return make([]*pnode, n)
	}
	l := c.kids[:n:n]
	c.kids = c.kids[n:]
	return l
}

// cmp returns a new comparison of the path of f, with room for n constants.
func (c *compiler) cmp(f *ast.Field, op ast.CmpOp, n int) *cmpNode {
	// Within the capacity that init counted: the comparisons made before do not move, and
	// so a comparison may keep its one constant in itself.
	c.cmps = append(c.cmps, cmpNode{op: op, idx: len(c.cmps)})
	a := &c.cmps[len(c.cmps)-1]
	if n == 1 {
		a.consts = a.one[:0:1]
	} else {
		a.consts = c.consts[:0:n]
		c.consts = c.consts[n:]
	}
	c.path(a, f)
	return a
}

// path sets the path of a, the last comparison made, to the one f reads: the same slice as an
// earlier comparison of the same path.
func (c *compiler) path(a *cmpNode, f *ast.Field) {
	p := c.info.Path(f)
	for _, q := range c.paths {
		if slices.Equal(p, q) {
			a.path = q
			return
		}
	}
	a.path = p
	c.paths = append(c.paths, p)
}

// encodePaths gives each comparison the encoding of its path and the path's id, once the
// comparisons are made. The encodings of the distinct paths are cut from one string.
func (c *compiler) encodePaths() {
	type span struct {
		from, to int
		id       uint16
	}
	var encBuf [256]byte
	var spanBuf [16]span
	enc, spans := encBuf[:0], spanBuf[:0]
	for _, p := range c.paths {
		from := len(enc)
		enc = appendPath(enc, p)
		spans = append(spans, span{from, len(enc), pathID(enc[from:])})
	}
	all := string(enc)
	for i := range c.cmps {
		a := &c.cmps[i]
		j := slices.IndexFunc(c.paths, func(p []string) bool { return slices.Equal(p, a.path) })
		a.pathCode = pathCode{enc: all[spans[j].from:spans[j].to], id: spans[j].id}
	}
}

func (c *compiler) not(x *pnode) *pnode {
	kids := c.kidList(1)
	kids[0] = x
	return c.node(opNot, kids)
}

func (c *compiler) atom(a *cmpNode) *pnode {
	a.node = pnode{op: opAtom, atom: a}
	return &a.node
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
		return c.not(n), nil
	case *ast.Binary:
		// A chain of the same operator, such as a AND (b AND c), is one node with all the
		// operands, in the order written.
		var buf [8]ast.Expr
		operands := ast.AppendOperands(buf[:0], x, x.Op)
		kids := c.kidList(len(operands))
		for i, o := range operands {
			n, err := c.expr(o)
			if err != nil {
				return nil, err
			}
			kids[i] = n
		}
		return c.node(binaryOp(x), kids), nil
	case *ast.Compare:
		k, err := c.constant(x.Value, x.Op.Ordering())
		if err != nil {
			return nil, err
		}
		n := c.cmp(x.Field, x.Op, 1)
		n.consts = append(n.consts, k)
		if x.Op == ast.Ne {
			n.op = ast.Eq
			return c.not(c.atom(n)), nil
		}
		return c.atom(n), nil
	case *ast.In:
		n := c.cmp(x.Field, ast.Eq, len(x.Values))
		for _, v := range x.Values {
			k, err := c.constant(v, false)
			if err != nil {
				return nil, err
			}
			n.consts = append(n.consts, k)
		}
		return c.atom(n), nil
	}
	return nil, ErrInvalid
}

func binaryOp(b *ast.Binary) int {
	if b.Op == ast.And {
		return opAnd
	}
	return opOr
}

// constant compiles the constant v of an ordering (ordering) or of ==.
func (c *compiler) constant(v *ast.Literal, ordering bool) (constant, error) {
	switch v.Kind {
	case ast.String:
		p, ok := c.info.Patterns[v]
		if !ok || v.Unterminated {
			return constant{}, ErrInvalid
		}
		k := constant{kind: ast.String, pat: newStrTest(p, c.opt.IgnoreCase)}
		if ordering {
			k.text = p.Literal()
		}
		return k, nil
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

// plan orders the operands of the ANDs and ORs (the compiler made each chain of them one
// node): for AND by cost/(1-p), for OR by cost/p, where p is the estimated probability of the
// operand being true, which is the classic order that minimises the expected work of
// short-circuit evaluation. Evaluation has no side effects and no errors, so the order does
// not change the result.
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
	for i, k := range n.kids {
		n.kids[i] = plan(k)
	}
	and := n.op == opAnd
	slices.SortStableFunc(n.kids, func(a, b *pnode) int { return cmp.Compare(a.rank(and), b.rank(and)) })
	// Expected cost and probability, taking the operands as independent.
	n.cost, n.prob = 0, 1
	if n.op == opOr {
		n.prob = 0
	}
	reach := 1.0
	for _, k := range n.kids {
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

// rank is the key the operands of an AND (and) or an OR are ordered by.
func (n *pnode) rank(and bool) float64 {
	p := n.prob
	if and {
		p = 1 - p
	}
	return n.cost / max(p, 0.01)
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
