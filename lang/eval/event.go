package eval

import (
	"cmp"
	"encoding/binary"
	"math"
	"slices"
	"unsafe"
)

// Event is an event flattened once for fast repeated matching with [Program.MatchEvent]: every
// string, number and boolean in it, keyed by the path of object keys that leads to it (arrays
// are transparent, as the semantics make them). It is one block of memory without pointers:
// the hashes of the paths, sorted, then one record per value, then the text of the paths and
// strings, each path right before its value, so that a lookup touches few cache lines.
// Matching an Event does not allocate. An Event is read-only once built; it may be copied
// (the copies share the block) and shared between goroutines.
type Event struct {
	w []uint64 // see the layout below
}

// Block layout, in 64-bit words: w[0] = n, the number of values; then n uint32 hashes
// (sorted, (n+1)/2 words); then n records of two words: path offset<<32 | path length, and
// the value; the text follows, addressed in bytes from the start of the block.
//
// The first word of a record is path offset (32 bits) | kind (8 bits) | path length (24
// bits); the second, the value, holds by kind:
//   - a string: text offset<<32 | length
//   - a boolean: 0 or 1
//   - an int64 number: its bits
//   - a float64 number: its bits
//   - other number text: text offset<<32 | length
const (
	kindString = iota
	kindBool
	kindInt
	kindFloat
	kindNumText
)

// maxPathLen is the longest encoded path a record can hold. A value under a longer path (keys
// of 16 MiB) is left out, and no filter can name it.
const maxPathLen = 1<<24 - 1

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

type pendingLeaf struct {
	hash       uint32
	kind       uint8
	path, text [2]int // byte ranges in the text buffer
	val        uint64
}

// Reset rebuilds e from the decoded event v. It allocates a new block, so copies of e made
// before keep their old contents.
func (e *Event) Reset(v any) {
	var ps []pendingLeaf
	var text []byte
	var path []byte
	add := func(kind uint8, s string, val uint64) {
		p := pendingLeaf{kind: kind, val: val, hash: uint32(hashPath(unsafe.String(unsafe.SliceData(path), len(path))) >> 32)}
		p.path = [2]int{len(text), len(text) + len(path)}
		text = append(text, path...)
		if kind == kindString || kind == kindNumText {
			p.text = [2]int{len(text), len(text) + len(s)}
			text = append(text, s...)
		}
		ps = append(ps, p)
	}
	var walk func(v any)
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
				walk(c)
			}
			path = path[:n]
		case string:
			if len(path) <= maxPathLen {
				add(kindString, x, 0)
			}
		case bool:
			var b uint64
			if x {
				b = 1
			}
			add(kindBool, "", b)
		default:
			n, ok := numFromAny(v)
			if !ok || len(path) > maxPathLen {
				return
			}
			switch n.kind {
			case numInt:
				add(kindInt, "", uint64(n.i))
			case numFloat:
				add(kindFloat, "", math.Float64bits(n.f))
			default:
				add(kindNumText, n.text, 0)
			}
		}
	}
	walk(v)
	slices.SortStableFunc(ps, func(a, b pendingLeaf) int { return cmp.Compare(a.hash, b.hash) })
	n := len(ps)
	hw := (n + 1) / 2
	head := 1 + hw + 2*n // words before the text
	w := make([]uint64, head+(len(text)+7)/8)
	w[0] = uint64(n)
	if n == 0 {
		e.w = w
		return
	}
	hs := unsafe.Slice((*uint32)(unsafe.Pointer(&w[1])), 2*hw)
	base := uint64(head * 8)
	for i, p := range ps {
		hs[i] = p.hash
		r := w[1+hw+2*i:]
		r[0] = (base+uint64(p.path[0]))<<32 | uint64(p.kind)<<24 | uint64(p.path[1]-p.path[0])
		if p.kind == kindString || p.kind == kindNumText {
			r[1] = (base+uint64(p.text[0]))<<32 | uint64(p.text[1]-p.text[0])
		} else {
			r[1] = p.val
		}
	}
	if len(text) > 0 {
		copy(unsafe.Slice((*byte)(unsafe.Pointer(&w[head])), len(text)), text)
	}
	e.w = w
}

// Len returns the number of values (strings, numbers and booleans) in the event.
func (e *Event) Len() int {
	if len(e.w) == 0 {
		return 0
	}
	return int(e.w[0])
}

// MatchEvent reports whether the flattened event e matches; it agrees with [Program.Match] on
// the value e was built from. The zero Event is an empty object.
func (p *Program) MatchEvent(e *Event) bool { return p.root.evalEvent(e) }

// str returns the text at offset<<32 | length in the block.
func (e *Event) str(ref uint64) string {
	n := int(ref & 0xffffffff)
	if n == 0 {
		return ""
	}
	return unsafe.String((*byte)(unsafe.Add(unsafe.Pointer(&e.w[0]), ref>>32)), n)
}

func (n *cmpNode) evalEvent(e *Event) bool {
	w := e.w
	if len(w) == 0 || w[0] == 0 {
		return false
	}
	cnt := int(w[0])
	hw := (cnt + 1) / 2
	hs := unsafe.Slice((*uint32)(unsafe.Pointer(&w[1])), cnt)
	h := n.hash32
	lo, hi := 0, cnt
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if hs[m] < h {
			lo = m + 1
		} else {
			hi = m
		}
	}
	for i := lo; i < cnt && hs[i] == h; i++ {
		r0, r1 := w[1+hw+2*i], w[2+hw+2*i]
		if e.str(r0&^(0xff<<24)) != n.enc {
			continue
		}
		var ok bool
		switch uint8(r0 >> 24) {
		case kindString:
			ok = n.testString(e.str(r1))
		case kindBool:
			ok = n.testBool(r1 != 0)
		case kindInt:
			ok = n.testNum(numVal{kind: numInt, i: int64(r1)})
		case kindFloat:
			ok = n.testNum(numVal{kind: numFloat, f: math.Float64frombits(r1)})
		default:
			ok = n.testNum(numVal{kind: numText, text: e.str(r1)})
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
