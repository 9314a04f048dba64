package eval

import (
	"cmp"
	"encoding/json"
	"math"

	"github.com/katafilter/katafilter/lang/ast"
)

type constant struct {
	kind ast.LitKind
	text string // for an ordering, a string's text, wildcards as written
	pat  strTest
	num  int64
	b    bool
}

// cmpNode is one comparison (an atom of the plan): ==, an ordering, or in. != is NOT ==.
type cmpNode struct {
	path   []string
	op     ast.CmpOp // Eq (for == and in) or an ordering
	consts []constant
	idx    int // the order in which the compiler made it, and bit in the raw path's mask
	pathCode
	node pnode       // the comparison's node in the plan
	one  [1]constant // the constant, for a comparison with one (consts is one[:])
}

// cost estimates the work of evaluating the node, for ordering the operands of AND and OR.
func (n *cmpNode) cost() float64 {
	c := 4 + 2*len(n.path)
	for i := range n.consts {
		c += n.consts[i].pat.cost()
	}
	return float64(c)
}

// prob guesses the probability that the node is true on an event, for the same purpose: a
// field holds many values, so each constant ==-compared is taken to match a tenth of the
// events, a pattern more; an ordering half.
func (n *cmpNode) prob() float64 {
	if n.op != ast.Eq {
		return 0.5
	}
	p := 0.0
	for i := range n.consts {
		p += n.consts[i].pat.prob()
	}
	return min(p, 0.9)
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
	switch x := v.(type) {
	case string:
		return n.testString(x)
	case bool:
		return n.testBool(x)
	}
	if x, ok := numFromAny(v); ok {
		return n.testNum(x)
	}
	return false
}

func (n *cmpNode) testString(s string) bool {
	for i := range n.consts {
		k := &n.consts[i]
		if k.kind != ast.String {
			continue
		}
		if n.op == ast.Eq {
			if k.pat.match(s) {
				return true
			}
		} else if ordered(cmp.Compare(s, k.text), n.op) {
			return true
		}
	}
	return false
}

func (n *cmpNode) testBool(b bool) bool {
	if n.op != ast.Eq {
		return false
	}
	for i := range n.consts {
		if k := &n.consts[i]; k.kind == ast.Bool && k.b == b {
			return true
		}
	}
	return false
}

func (n *cmpNode) testNum(x numVal) bool {
	for i := range n.consts {
		k := &n.consts[i]
		if k.kind != ast.Int {
			continue
		}
		c, ok := x.cmp(k.num)
		if !ok {
			return false
		}
		if ordered(c, n.op) {
			return true
		}
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

// The kinds of numVal.
const (
	numInt   = iota // i holds the value
	numFloat        // f holds the value
	numText         // text holds JSON number text that is not an int64
)

// numVal is a number from any of the event forms.
type numVal struct {
	kind uint8
	i    int64
	f    float64
	text string
}

// cmp orders x against n: -1, 0 or 1, and false when x is not a number (NaN, bad text).
func (x numVal) cmp(n int64) (int, bool) {
	switch x.kind {
	case numInt:
		return cmp.Compare(x.i, n), true
	case numFloat:
		return compareFloat(x.f, n)
	}
	return CompareNumberText(x.text, n)
}

// numFromAny converts the number kinds Match accepts.
func numFromAny(v any) (numVal, bool) {
	switch x := v.(type) {
	case float64:
		return numVal{kind: numFloat, f: x}, true
	case json.Number:
		return numFromText(string(x)), true
	case int:
		return numVal{kind: numInt, i: int64(x)}, true
	case int64:
		return numVal{kind: numInt, i: x}, true
	case int32:
		return numVal{kind: numInt, i: int64(x)}, true
	case uint64:
		if x > math.MaxInt64 {
			return numVal{kind: numFloat, f: float64(x)}, true
		}
		return numVal{kind: numInt, i: int64(x)}, true
	case float32:
		return numVal{kind: numFloat, f: float64(x)}, true
	}
	return numVal{}, false
}

// numFromText reads JSON number text: plain integers that fit in an int64 are parsed at
// once, anything else is kept as text for CompareNumberText.
func numFromText(s string) numVal {
	if i, ok := parseInt(s); ok {
		return numVal{kind: numInt, i: i}
	}
	return numVal{kind: numText, text: s}
}

// parseInt parses an optional minus and 1 to 18 decimal digits without a leading zero (or a
// lone 0), which always fits in an int64.
func parseInt(s string) (int64, bool) {
	neg := false
	if len(s) > 0 && s[0] == '-' {
		neg, s = true, s[1:]
	}
	if len(s) == 0 || len(s) > 18 || (s[0] == '0' && len(s) > 1) {
		return 0, false
	}
	var v int64
	for i := 0; i < len(s); i++ {
		c := s[i] - '0'
		if c > 9 {
			return 0, false
		}
		v = v*10 + int64(c)
	}
	if neg {
		v = -v
	}
	return v, true
}
