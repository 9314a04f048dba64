package eval

import (
	"encoding/binary"
	"math"
	"slices"
	"unsafe"
)

// Event is an event flattened once for fast repeated matching with [Program.MatchEvent]: every
// string, number and boolean in it, keyed by the path of object keys that leads to it (arrays
// are transparent, as the semantics make them). It is one block of memory without pointers:
// an index of the values sorted by a hash of their path, then one entry per value that holds
// its kind, its path and the value itself side by side, so that a lookup touches few cache
// lines. Matching an Event does not allocate. An Event is read-only once built; it may be
// copied (the copies share the block) and shared between goroutines.
type Event struct {
	w []uint64 // see the layout below
}

// Block layout, in bytes from its start: n, the number of values (low 32 bits of the first
// word; bit 32 set when the offsets are 32-bit); n 16-bit hashes of the values' paths,
// sorted; padding to 4 bytes; n offsets of the entries, in the order of the hashes, 16-bit
// when the whole block is under 64 KiB, else 32-bit; the entries. For a typical event (23
// values) the count, the hashes and the offsets fit in the first two cache lines, which the
// processor fetches as a pair. An entry is its kind (one byte), the length of its path
// (uvarint), then for a string or number text the length of the text (uvarint), the path and
// the text; for the other kinds the path and 8 bytes of value (little-endian): a boolean as 0
// or 1, an int64 or a float64's bits. A lookup reads the first lines and one entry.
const (
	kindString = iota
	kindBool
	kindInt
	kindFloat
	kindNumText
)

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

// Reset rebuilds e from the decoded event v. It allocates a new block, so copies of e made
// before keep their old contents.
func (e *Event) Reset(v any) {
	var index []uint64 // hash<<48 | offset into entries
	var entries []byte
	var path []byte
	add := func(kind uint8, s string, val uint64) {
		h := hashPath(unsafe.String(unsafe.SliceData(path), len(path))) >> 48
		index = append(index, h<<48|uint64(len(entries)))
		entries = append(entries, kind)
		entries = binary.AppendUvarint(entries, uint64(len(path)))
		if kind == kindString || kind == kindNumText {
			entries = binary.AppendUvarint(entries, uint64(len(s)))
			entries = append(entries, path...)
			entries = append(entries, s...)
		} else {
			entries = append(entries, path...)
			entries = binary.LittleEndian.AppendUint64(entries, val)
		}
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
			add(kindString, x, 0)
		case bool:
			var b uint64
			if x {
				b = 1
			}
			add(kindBool, "", b)
		default:
			n, ok := numFromAny(v)
			if !ok {
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
	slices.Sort(index)
	n := len(index)
	offs := 8 + (2*n+3)&^3 // where the offsets start
	width := 2
	if offs+2*n+len(entries) > 0xffff {
		width = 4
	}
	head := offs + width*n
	w := make([]uint64, (head+len(entries)+7)/8)
	block := unsafe.Slice((*byte)(unsafe.Pointer(&w[0])), 8*len(w))
	w[0] = uint64(n)
	if width == 4 {
		w[0] |= 1 << 32
	}
	for i, x := range index {
		binary.LittleEndian.PutUint16(block[8+2*i:], uint16(x>>48))
		off := uint32(head) + uint32(x)
		if width == 2 {
			binary.LittleEndian.PutUint16(block[offs+2*i:], uint16(off))
		} else {
			binary.LittleEndian.PutUint32(block[offs+4*i:], off)
		}
	}
	copy(block[head:], entries)
	e.w = w
}

// Len returns the number of values (strings, numbers and booleans) in the event.
func (e *Event) Len() int {
	if len(e.w) == 0 {
		return 0
	}
	return int(uint32(e.w[0]))
}

// MatchEvent reports whether the flattened event e matches; it agrees with [Program.Match] on
// the value e was built from. The zero Event is an empty object.
func (p *Program) MatchEvent(e *Event) bool { return p.root.evalEvent(e) }

func (n *cmpNode) evalEvent(e *Event) bool {
	w := e.w
	if len(w) == 0 || uint32(w[0]) == 0 {
		return false
	}
	cnt := int(uint32(w[0]))
	wide := w[0]>>32 != 0
	block := unsafe.Slice((*byte)(unsafe.Pointer(&w[0])), 8*len(w))
	hs := unsafe.Slice((*uint16)(unsafe.Pointer(&block[8])), cnt)
	h := n.hash16
	lo, hi := 0, cnt
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if hs[m] < h {
			lo = m + 1
		} else {
			hi = m
		}
	}
	offs := 8 + (2*cnt+3)&^3
	for i := lo; i < cnt && hs[i] == h; i++ {
		var off int
		if wide {
			off = int(binary.LittleEndian.Uint32(block[offs+4*i:]))
		} else {
			off = int(binary.LittleEndian.Uint16(block[offs+2*i:]))
		}
		ent := block[off:]
		kind := ent[0]
		plen, k := binary.Uvarint(ent[1:])
		ent = ent[1+k:]
		var tlen uint64
		if kind == kindString || kind == kindNumText {
			tlen, k = binary.Uvarint(ent)
			ent = ent[k:]
		}
		if string(ent[:plen]) != n.enc {
			continue
		}
		ent = ent[plen:]
		var ok bool
		switch kind {
		case kindString:
			ok = n.testString(bytesString(ent[:tlen]))
		case kindNumText:
			ok = n.testNum(numVal{kind: numText, text: bytesString(ent[:tlen])})
		case kindBool:
			ok = n.testBool(binary.LittleEndian.Uint64(ent) != 0)
		case kindInt:
			ok = n.testNum(numVal{kind: numInt, i: int64(binary.LittleEndian.Uint64(ent))})
		default:
			ok = n.testNum(numVal{kind: numFloat, f: math.Float64frombits(binary.LittleEndian.Uint64(ent))})
		}
		if ok {
			return true
		}
	}
	return false
}

func bytesString(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(&b[0], len(b))
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
