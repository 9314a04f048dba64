// Package eval compiles a checked filter into a [Program] that decides whether an event
// matches. A Program is immutable and safe for concurrent use. Events come as already decoded
// JSON values ([Program.Match]) or as the raw bytes of one JSON object ([Program.MatchJSON]).
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
package eval

import (
	"encoding/json"
	"errors"
	"math"
	"math/big"
	"strconv"
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
	root  node
	paths [][]string // every distinct path the filter reads
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
	c := &compiler{info: info, opt: opt, pathIdx: map[string]int{}}
	root, err := c.expr(x)
	if err != nil {
		return nil, err
	}
	return &Program{root: root, paths: c.paths}, nil
}

// Paths returns the field paths the program reads, each split at the dots.
func (p *Program) Paths() [][]string { return p.paths }

// Match reports whether the decoded event v matches. v is what encoding/json produces
// (map[string]any, []any, string, float64 or json.Number, bool, nil); Go integers and
// map[string]string are accepted too. Any other value simply does not match.
func (p *Program) Match(v any) bool { return p.root.eval(v) }

// MatchJSON reports whether the JSON object in data matches. Malformed JSON is an error, never
// a match.
func (p *Program) MatchJSON(data []byte) (bool, error) {
	v, err := Decode(data)
	if err != nil {
		return false, err
	}
	return p.Match(v), nil
}

// Decode decodes one JSON value keeping numbers exact (as json.Number), which is the decoded
// form [Program.Match] handles best.
func Decode(data []byte) (any, error) {
	dec := json.NewDecoder(strings.NewReader(string(data)))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	if dec.More() {
		return nil, errors.New("eval: more than one JSON value on the line")
	}
	if _, err := dec.Token(); err == nil {
		return nil, errors.New("eval: trailing data after the JSON value")
	}
	return v, nil
}

type compiler struct {
	info    *check.Info
	opt     Options
	paths   [][]string
	pathIdx map[string]int
}

func (c *compiler) path(f *ast.Field) []string {
	p := c.info.Path(f)
	key := strings.Join(p, ".")
	if _, ok := c.pathIdx[key]; !ok {
		c.pathIdx[key] = len(c.paths)
		c.paths = append(c.paths, p)
	}
	return p
}

func (c *compiler) expr(x ast.Expr) (node, error) {
	switch x := x.(type) {
	case *ast.Paren:
		return c.expr(x.X)
	case *ast.Not:
		n, err := c.expr(x.X)
		if err != nil {
			return nil, err
		}
		return notNode{n}, nil
	case *ast.Binary:
		a, err := c.expr(x.X)
		if err != nil {
			return nil, err
		}
		b, err := c.expr(x.Y)
		if err != nil {
			return nil, err
		}
		if x.Op == ast.And {
			return andNode{a, b}, nil
		}
		return orNode{a, b}, nil
	case *ast.Compare:
		k, err := c.constant(x.Value)
		if err != nil {
			return nil, err
		}
		n := &cmpNode{path: c.path(x.Field), op: x.Op, consts: []constant{k}}
		if x.Op == ast.Ne {
			n.op = ast.Eq
			return notNode{n}, nil
		}
		return n, nil
	case *ast.In:
		n := &cmpNode{path: c.path(x.Field), op: ast.Eq}
		for _, v := range x.Values {
			k, err := c.constant(v)
			if err != nil {
				return nil, err
			}
			n.consts = append(n.consts, k)
		}
		return n, nil
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
		return constant{kind: ast.String, text: p.Literal(), pat: check.NewMatcher(p, c.opt.IgnoreCase)}, nil
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

type node interface{ eval(v any) bool }

type andNode struct{ a, b node }
type orNode struct{ a, b node }
type notNode struct{ x node }

func (n andNode) eval(v any) bool { return n.a.eval(v) && n.b.eval(v) }
func (n orNode) eval(v any) bool  { return n.a.eval(v) || n.b.eval(v) }
func (n notNode) eval(v any) bool { return !n.x.eval(v) }

type constant struct {
	kind ast.LitKind
	text string // a string's text, wildcards as written, for ordering
	pat  check.Matcher
	num  int64
	b    bool
}

type cmpNode struct {
	path   []string
	op     ast.CmpOp // Eq (for == and in) or an ordering
	consts []constant
}

func (n *cmpNode) eval(v any) bool { return n.walk(v, 0) }

// walk follows the path from step i, fanning out over arrays.
func (n *cmpNode) walk(v any, i int) bool {
	for {
		if arr, ok := v.([]any); ok {
			for _, e := range arr {
				if n.walk(e, i) {
					return true
				}
			}
			return false
		}
		if i == len(n.path) {
			return n.test(v)
		}
		switch m := v.(type) {
		case map[string]any:
			c, ok := m[n.path[i]]
			if !ok {
				return false
			}
			v, i = c, i+1
		case map[string]string:
			c, ok := m[n.path[i]]
			if !ok {
				return false
			}
			v, i = c, i+1
		default:
			return false
		}
	}
}

// test compares one value at the end of the path with the constants.
func (n *cmpNode) test(v any) bool {
	for i := range n.consts {
		k := &n.consts[i]
		if compareValue(v, k, n.op) {
			return true
		}
	}
	return false
}

func compareValue(v any, k *constant, op ast.CmpOp) bool {
	switch k.kind {
	case ast.String:
		s, ok := v.(string)
		if !ok {
			return false
		}
		if op == ast.Eq {
			return k.pat.Match(s)
		}
		return ordered(strings.Compare(s, k.text), op)
	case ast.Int:
		c, ok := compareNumber(v, k.num)
		if !ok {
			return false
		}
		if op == ast.Eq {
			return c == 0
		}
		return ordered(c, op)
	case ast.Bool:
		b, ok := v.(bool)
		return ok && op == ast.Eq && b == k.b
	}
	return false
}

func ordered(c int, op ast.CmpOp) bool {
	switch op {
	case ast.Gt:
		return c > 0
	case ast.Ge:
		return c >= 0
	case ast.Lt:
		return c < 0
	case ast.Le:
		return c <= 0
	}
	return c == 0
}

// compareNumber orders a JSON number against n: -1, 0 or 1, and false when v is not a number.
func compareNumber(v any, n int64) (int, bool) {
	switch x := v.(type) {
	case float64:
		return compareFloat(x, n)
	case json.Number:
		return CompareNumberText(string(x), n)
	case int:
		return cmpInt(int64(x), n), true
	case int64:
		return cmpInt(x, n), true
	case int32:
		return cmpInt(int64(x), n), true
	case uint64:
		if x > math.MaxInt64 {
			return 1, true
		}
		return cmpInt(int64(x), n), true
	case float32:
		return compareFloat(float64(x), n)
	}
	return 0, false
}

func cmpInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func compareFloat(f float64, n int64) (int, bool) {
	if math.IsNaN(f) {
		return 0, false
	}
	if f == math.Trunc(f) && f >= -9.2e18 && f <= 9.2e18 {
		return cmpInt(int64(f), n), true
	}
	return new(big.Float).SetFloat64(f).Cmp(new(big.Float).SetInt64(n)), true
}

// CompareNumberText orders the JSON number text s against n exactly: integers of any size and
// numbers with fractions or exponents alike. It reports false for text that is not a JSON number.
func CompareNumberText(s string, n int64) (int, bool) {
	if i, err := strconv.ParseInt(s, 10, 64); err == nil {
		return cmpInt(i, n), true
	}
	if !validNumber(s) {
		return 0, false
	}
	if e := strings.IndexAny(s, "eE"); e >= 0 {
		if strings.Trim(s[:e], "-0.") == "" {
			return cmpInt(0, n), true
		}
		// A huge exponent would make an exact rational enormous: decide by sign and magnitude.
		if exp, err := strconv.Atoi(s[e+1:]); err != nil || exp > 400 || exp < -400 {
			neg := s[0] == '-'
			big := exp > 0
			switch {
			case big && !neg:
				return 1, true
			case big && neg:
				return -1, true
			case !neg: // a tiny positive number: above 0, below 1
				if n > 0 {
					return -1, true
				}
				return 1, true
			default: // a tiny negative number: below 0, above -1
				if n < 0 {
					return 1, true
				}
				return -1, true
			}
		}
	}
	r, ok := new(big.Rat).SetString(s)
	if !ok {
		return 0, false
	}
	return r.Cmp(new(big.Rat).SetInt64(n)), true
}

// validNumber reports whether s has JSON number syntax.
func validNumber(s string) bool {
	i := 0
	if i < len(s) && s[i] == '-' {
		i++
	}
	if i >= len(s) {
		return false
	}
	if s[i] == '0' {
		i++
	} else if s[i] >= '1' && s[i] <= '9' {
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
	} else {
		return false
	}
	if i < len(s) && s[i] == '.' {
		i++
		j := i
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		if i == j {
			return false
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		j := i
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		if i == j {
			return false
		}
	}
	return i == len(s)
}
