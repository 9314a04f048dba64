package eval

import (
	"encoding/binary"
	"math"
	"slices"
	"sync"
	"unsafe"
)

// Event is an event flattened once for fast repeated matching with [Program.MatchEvent]: every
// string, number and boolean in it, keyed by the path of object keys that leads to it (arrays
// are transparent, as the semantics make them). It is two blocks of memory without pointers:
// a head, an index of the values sorted by the interned number of their path (see [pathID]),
// and a body, one entry per value that holds its kind and the value itself, so that a lookup
// touches few cache lines and compares integers, not path bytes. [PackEvents] lays the heads
// of many events side by side, apart from their bodies. Matching an Event does not allocate.
// An Event is read-only once built; it may be copied (the copies share the blocks) and shared
// between goroutines.
type Event struct {
	head []uint64 // see the layout below
	body []byte   // the entries
}

// Head layout, in bytes from its start: n, the number of values (low 32 bits of the first
// word; bit 32 set when the offsets are 32-bit); a word with bit id%64 set for the id of every
// value, so that most lookups of a path the event lacks end there; n 16-bit path ids of the
// values, sorted;
// padding to 4 bytes; n offsets of the entries in the body, in the order of the ids, 16-bit
// when the body is under 64 KiB, else 32-bit. For a typical event (23 values) the head fits in
// two cache lines, which the processor fetches as a pair. The body holds the entries; an
// entry is its kind (one byte); for a path without an id (noPathID) the length of its
// encoded path (uvarint) and the path; then for a string or number text the length of the text
// (uvarint) and the text, for the other kinds 8 bytes of value (little-endian): a boolean as 0
// or 1, an int64 or a float64's bits. A lookup reads the first lines and one entry.
const (
	kindString = iota
	kindBool
	kindInt
	kindFloat
	kindNumText
)

// The path ids. Every encoded path (appendPath) of at most maxInternLen bytes gets a number,
// the same in every Event and Program of the process, the first time it is seen, until
// maxPathIDs paths have one. Paths that never get one (too long, or first seen once the table
// is full, which it then stays) are kept in the entries themselves under noPathID and
// compared byte by byte. So a path has one id forever, or none forever, and two paths with
// the same id are the same path: a lookup never needs to compare paths. The table costs at
// most maxPathIDs × maxInternLen bytes, whatever the input.
const (
	noPathID     = 0xffff
	maxPathIDs   = noPathID // ids 0 to 0xfffe
	maxInternLen = 128
)

var pathIDs struct {
	mu  sync.RWMutex
	ids map[string]uint16
}

// pathID returns the id of the encoded path p, giving it one if it has none yet and there is
// room, or noPathID.
func pathID(p []byte) uint16 {
	if len(p) > maxInternLen {
		return noPathID
	}
	pathIDs.mu.RLock()
	id, ok := pathIDs.ids[string(p)]
	full := len(pathIDs.ids) >= maxPathIDs
	pathIDs.mu.RUnlock()
	if ok {
		return id
	}
	if full {
		return noPathID
	}
	pathIDs.mu.Lock()
	defer pathIDs.mu.Unlock()
	if id, ok := pathIDs.ids[string(p)]; ok {
		return id
	}
	if len(pathIDs.ids) >= maxPathIDs {
		return noPathID
	}
	if pathIDs.ids == nil {
		pathIDs.ids = make(map[string]uint16)
	}
	id = uint16(len(pathIDs.ids))
	pathIDs.ids[string(p)] = id
	return id
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

// Reset rebuilds e from the decoded event v. It allocates new blocks, so copies of e made
// before keep their old contents.
func (e *Event) Reset(v any) {
	var index []uint64 // id<<48 | offset into entries
	var entries []byte
	var path []byte
	add := func(kind uint8, s string, val uint64) {
		id := pathID(path)
		index = append(index, uint64(id)<<48|uint64(len(entries)))
		entries = append(entries, kind)
		if id == noPathID {
			entries = binary.AppendUvarint(entries, uint64(len(path)))
			entries = append(entries, path...)
		}
		if kind == kindString || kind == kindNumText {
			entries = binary.AppendUvarint(entries, uint64(len(s)))
			entries = append(entries, s...)
		} else {
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
	offs := 16 + (2*n+3)&^3 // where the offsets start
	width := 2
	if len(entries) > 0xffff {
		width = 4
	}
	headWords := (offs + width*n + 7) / 8
	// One allocation for both blocks, the body after the head.
	w := make([]uint64, headWords+(len(entries)+7)/8)
	block := unsafe.Slice((*byte)(unsafe.Pointer(&w[0])), 8*len(w))
	w[0] = uint64(n)
	for _, x := range index {
		w[1] |= 1 << ((x >> 48) % 64)
	}
	if width == 4 {
		w[0] |= 1 << 32
	}
	for i, x := range index {
		binary.LittleEndian.PutUint16(block[16+2*i:], uint16(x>>48))
		off := uint32(x)
		if width == 2 {
			binary.LittleEndian.PutUint16(block[offs+2*i:], uint16(off))
		} else {
			binary.LittleEndian.PutUint32(block[offs+4*i:], off)
		}
	}
	e.head = w[:headWords:headWords]
	e.body = block[8*headWords : 8*headWords+len(entries) : 8*headWords+len(entries)]
	copy(e.body, entries)
}

// Len returns the number of values (strings, numbers and booleans) in the event.
func (e *Event) Len() int {
	if len(e.head) == 0 {
		return 0
	}
	return int(uint32(e.head[0]))
}

// MatchEvent reports whether the flattened event e matches; it agrees with [Program.Match] on
// the value e was built from. The zero Event is an empty object.
func (p *Program) MatchEvent(e *Event) bool { return p.root.evalEvent(e) }

func (n *cmpNode) evalEvent(e *Event) bool {
	w := e.head
	if len(w) == 0 || uint32(w[0]) == 0 {
		return false
	}
	id := n.id
	if w[1]&(1<<(id%64)) == 0 {
		return false
	}
	cnt := int(uint32(w[0]))
	wide := w[0]>>32 != 0
	block := unsafe.Slice((*byte)(unsafe.Pointer(&w[0])), 8*len(w))
	ids := unsafe.Slice((*uint16)(unsafe.Pointer(&block[16])), cnt)
	lo, hi := 0, cnt
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if ids[m] < id {
			lo = m + 1
		} else {
			hi = m
		}
	}
	offs := 16 + (2*cnt+3)&^3
	for i := lo; i < cnt && ids[i] == id; i++ {
		var off int
		if wide {
			off = int(binary.LittleEndian.Uint32(block[offs+4*i:]))
		} else {
			off = int(binary.LittleEndian.Uint16(block[offs+2*i:]))
		}
		ent := e.body[off:]
		kind := ent[0]
		ent = ent[1:]
		if id == noPathID {
			plen, k := binary.Uvarint(ent)
			ent = ent[k:]
			if string(ent[:plen]) != n.enc {
				continue
			}
			ent = ent[plen:]
		}
		var ok bool
		switch kind {
		case kindString:
			tlen, k := binary.Uvarint(ent)
			ok = n.testString(bytesString(ent[k : k+int(tlen)]))
		case kindNumText:
			tlen, k := binary.Uvarint(ent)
			ok = n.testNum(numVal{kind: numText, text: bytesString(ent[k : k+int(tlen)])})
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

// PackEvents copies the heads of evs side by side into one allocation, in the order of evs,
// and their bodies into another, and points every Event at its copies. Matching packed events
// in order then reads the heads, which every comparison reads, from low to high addresses
// without gaps, which the processor prefetches, instead of blocks scattered over the heap;
// that is the whole difference, the results are the same. Copies of the Events made before
// keep the old blocks.
func PackEvents(evs []Event) {
	heads, bodies := 0, 0
	for i := range evs {
		heads += len(evs[i].head)
		bodies += len(evs[i].body)
	}
	harena := make([]uint64, heads)
	barena := make([]byte, bodies)
	h, b := 0, 0
	for i := range evs {
		e := &evs[i]
		n := copy(harena[h:], e.head)
		m := copy(barena[b:], e.body)
		e.head, e.body = harena[h:h+n:h+n], barena[b:b+m:b+m]
		h, b = h+n, b+m
	}
}
