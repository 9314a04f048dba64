package eval

import (
	"cmp"
	"encoding/binary"
	"encoding/json"
	"slices"
	"unsafe"
)

// Event is an event flattened once for fast repeated matching with [Program.MatchEvent]: every
// string, number and boolean in it, keyed by the path of object keys that leads to it (arrays
// are transparent, as the semantics make them), sorted by a hash of that path, with all text
// in one block of memory. Matching an Event does not allocate. An Event is read-only once
// built and may be shared between goroutines.
type Event struct {
	hashes []uint64 // sorted; hashes[i] belongs to leaves[i]
	leaves []leaf
	arena  []byte
}

// The kinds of leaf.
const (
	leafString = iota
	leafBool   // i is 0 or 1
	leafNum    // n holds the number
)

type leaf struct {
	path string // the encoded path (appendPath)
	str  string
	n    numVal
	kind uint8
}

// NewEvent flattens a decoded event (what [Decode] or encoding/json produce; see
// [Program.Match] for the accepted types).
func NewEvent(v any) *Event {
	e := &Event{}
	e.Reset(v)
	return e
}

// DecodeEvent decodes one JSON value as [Decode] does and flattens it.
func DecodeEvent(data []byte) (*Event, error) {
	v, err := Decode(data)
	if err != nil {
		return nil, err
	}
	return NewEvent(v), nil
}

// Reset rebuilds e from the decoded event v, reusing its memory when it can. It must not be
// called while another goroutine matches e.
func (e *Event) Reset(v any) {
	type pending struct {
		path, str    [2]int // offsets into the arena
		n            numVal
		kind         uint8
		hash         uint64
		numTextFixup bool
	}
	var ps []pending
	arena := e.arena[:0]
	var path []byte
	var walk func(v any)
	add := func(kind uint8, s string, n numVal) {
		p := pending{kind: kind, n: n, hash: hashPath(unsafe.String(unsafe.SliceData(path), len(path)))}
		p.path = [2]int{len(arena), len(arena) + len(path)}
		arena = append(arena, path...)
		if kind == leafString || (kind == leafNum && n.kind == numText) {
			p.str = [2]int{len(arena), len(arena) + len(s)}
			arena = append(arena, s...)
			p.numTextFixup = kind == leafNum
		}
		ps = append(ps, p)
	}
	walk = func(v any) {
		switch x := v.(type) {
		case []any:
			for _, c := range x {
				walk(c)
			}
		case map[string]any:
			n := len(path)
			for k, c := range x {
				path = appendKey(path[:n], k)
				walk(c)
			}
			path = path[:n]
		case map[string]string:
			n := len(path)
			for k, c := range x {
				path = appendKey(path[:n], k)
				add(leafString, c, numVal{})
			}
			path = path[:n]
		case string:
			add(leafString, x, numVal{})
		case bool:
			var i int64
			if x {
				i = 1
			}
			add(leafBool, "", numVal{i: i})
		case json.Number:
			n := numFromText(string(x))
			add(leafNum, string(x), n)
		default:
			if n, ok := numFromAny(v); ok {
				add(leafNum, "", n)
			}
		}
	}
	walk(v)
	slices.SortStableFunc(ps, func(a, b pending) int { return cmp.Compare(a.hash, b.hash) })
	e.arena = arena
	e.hashes = e.hashes[:0]
	e.leaves = e.leaves[:0]
	str := func(r [2]int) string {
		if r[0] == r[1] {
			return ""
		}
		return unsafe.String(&arena[r[0]], r[1]-r[0])
	}
	for _, p := range ps {
		l := leaf{path: str(p.path), kind: p.kind, n: p.n}
		if p.kind == leafString {
			l.str = str(p.str)
		} else if p.numTextFixup {
			l.n.text = str(p.str)
		}
		e.hashes = append(e.hashes, p.hash)
		e.leaves = append(e.leaves, l)
	}
}

// Len returns the number of values (strings, numbers and booleans) in the event.
func (e *Event) Len() int { return len(e.leaves) }

// MatchEvent reports whether the flattened event e matches; it agrees with [Program.Match] on
// the value e was built from.
func (p *Program) MatchEvent(e *Event) bool { return p.root.evalEvent(e) }

func (n *cmpNode) evalEvent(e *Event) bool {
	h := e.hashes
	lo, hi := 0, len(h)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if h[m] < n.hash {
			lo = m + 1
		} else {
			hi = m
		}
	}
	for i := lo; i < len(h) && h[i] == n.hash; i++ {
		l := &e.leaves[i]
		if l.path != n.enc {
			continue
		}
		var ok bool
		switch l.kind {
		case leafString:
			ok = n.testString(l.str)
		case leafBool:
			ok = n.testBool(l.n.i != 0)
		default:
			ok = n.testNum(l.n)
		}
		if ok {
			return true
		}
	}
	return false
}

// appendKey appends one key of a path: its length as a uvarint, then its bytes, so that no
// two paths share an encoding whatever the keys hold.
func appendKey(b []byte, k string) []byte {
	b = binary.AppendUvarint(b, uint64(len(k)))
	return append(b, k...)
}

func appendPath(b []byte, p []string) []byte {
	for _, k := range p {
		b = appendKey(b, k)
	}
	return b
}

// hashPath is FNV-1a, 64 bits.
func hashPath(s string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	return h
}
