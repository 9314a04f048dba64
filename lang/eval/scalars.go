package eval

import (
	"encoding/json"
	"strings"
	"sync"
	"unicode/utf8"
	"unsafe"
)

// ScalarKind is the kind of a [Scalar].
type ScalarKind uint8

// The kinds of scalar values. JSON null is not a value: a filter never matches it.
const (
	ScalarString ScalarKind = iota
	ScalarNumber
	ScalarBool
)

// Scalar is one scalar value of an event, as [WalkScalars] reports it.
type Scalar struct {
	Kind ScalarKind
	// Text is a string's value, decoded as [Decode] decodes it (escapes resolved, invalid
	// UTF-8 and unpaired surrogates made U+FFFD), or a number's JSON text.
	Text string
	// Bool is a boolean's value.
	Bool bool
}

// WalkScalars calls visit with every scalar value of the JSON value data that a filter's path
// can reach, and that path: the object keys from the top, joined by '.'. It reads data as
// the evaluator reads an event, the same values as walking [Decode]'s result:
//   - the last of duplicate keys wins;
//   - arrays are transparent at every step: each element of an array (nested arrays too) has
//     the path of the array;
//   - null holds no value, an object is not a value, and a scalar at the top level has no
//     path;
//   - a value under a key that no filter can name (a key that is not ASCII letters, digits
//     and _) is left out.
//
// Each string's Text without escapes is a part of data, others are new strings; path is
// valid during the call only. The order of the calls is not specified. WalkScalars fails
// exactly when Decode fails on data, with Decode's error, and then calls visit no more.
// compact reports that data has no white space outside its strings: it is what
// encoding/json's Compact makes of it (false does not say that it has some).
func WalkScalars(data string, visit func(path []byte, v Scalar)) (compact bool, err error) {
	w := walkerPool.Get().(*walker)
	defer w.release()
	w.src = data
	w.d = unsafe.Slice(unsafe.StringData(data), len(data))
	i := w.skip(0)
	j, ok := w.value(i, 0)
	if ok && w.skip(j) == len(w.d) {
		w.emit(visit)
		return !w.spaced, nil
	}
	// Let encoding/json word the error. Should it accept what the scanner refused (a bug:
	// the fuzz test looks for it), walk its value instead.
	v, err := Decode(w.d)
	if err != nil {
		return false, err
	}
	walkDecoded(v, nil, visit)
	return false, nil
}

// skip skips the white space at d[i], noting that there was some.
func (w *walker) skip(i int) int {
	j := skipWS(w.d, i)
	if j != i {
		w.spaced = true
	}
	return j
}

// walker is the state of one WalkScalars: the scalars found so far, each with its path in
// the arena, and the keys of the open objects, to find duplicates.
type walker struct {
	src    string
	d      []byte
	path   []byte // the path of the value being read
	arena  []byte // the paths of the scalars, one after the other
	found  []walked
	keys   []walkedKey
	unquot rawScan
	spaced bool // white space was skipped
}

// walked is a scalar found, its path arena[off:end]; dead when a later duplicate key replaced
// the value it was found in.
type walked struct {
	off, end int32
	dead     bool
	v        Scalar
}

// walkedKey is a key of an open object and the scalars its value holds: found[from:to].
type walkedKey struct {
	key      string
	from, to int
}

var walkerPool = sync.Pool{New: func() any { return new(walker) }}

func (w *walker) release() {
	clear(w.found)
	clear(w.keys)
	w.found, w.keys, w.path, w.arena = w.found[:0], w.keys[:0], w.path[:0], w.arena[:0]
	w.src, w.d, w.spaced = "", nil, false
	if w.unquot.buf != nil {
		bufPool.Put(w.unquot.buf)
		w.unquot.buf = nil
	}
	walkerPool.Put(w)
}

func (w *walker) emit(visit func(path []byte, v Scalar)) {
	for _, f := range w.found {
		if !f.dead {
			visit(w.arena[f.off:f.end], f.v)
		}
	}
}

func (w *walker) add(v Scalar) {
	if len(w.path) == 0 {
		return // a scalar at the top level: no path reaches it
	}
	off := len(w.arena)
	w.arena = append(w.arena, w.path...)
	w.found = append(w.found, walked{off: int32(off), end: int32(len(w.arena)), v: v})
}

// value reads the value at d[i] (not white space) and returns the offset after it.
func (w *walker) value(i, depth int) (int, bool) {
	d := w.d
	if i >= len(d) {
		return i, false
	}
	switch c := d[i]; c {
	case '{':
		return w.object(i, depth+1)
	case '[':
		return w.array(i, depth+1)
	case '"':
		end, esc, ok := scanString(d, i+1)
		if ok && len(w.path) > 0 {
			w.add(Scalar{Kind: ScalarString, Text: w.text(i+1, end-1, esc)})
		}
		return end, ok
	case 't', 'f', 'n':
		j, ok := scanLiteral(d, i)
		if ok && c != 'n' {
			w.add(Scalar{Kind: ScalarBool, Bool: c == 't'})
		}
		return j, ok
	}
	j, ok := scanNumber(d, i)
	if ok {
		w.add(Scalar{Kind: ScalarNumber, Text: w.src[i:j]})
	}
	return j, ok
}

// text is the decoded string whose body is d[from:to]: a part of the source when it needs no
// decoding, else a new string.
func (w *walker) text(from, to int, esc bool) string {
	if !esc && utf8.Valid(w.d[from:to]) {
		return w.src[from:to]
	}
	return strings.Clone(w.unquot.unquote(w.d[from:to])) // out of the scratch buffer
}

func (w *walker) object(i, depth int) (int, bool) {
	d := w.d
	if depth > maxDepth {
		return i, false
	}
	i = w.skip(i + 1)
	if i < len(d) && d[i] == '}' {
		return i + 1, true
	}
	ks := objectKeys{open: len(w.keys)}
	defer func() { clear(w.keys[ks.open:]); w.keys = w.keys[:ks.open] }()
	for {
		if i >= len(d) || d[i] != '"' {
			return i, false
		}
		end, esc, ok := scanString(d, i+1)
		if !ok {
			return end, false
		}
		key := w.text(i+1, end-1, esc)
		i = w.skip(end)
		if i >= len(d) || d[i] != ':' {
			return i, false
		}
		if i, ok = w.member(key, w.skip(i+1), depth, &ks); !ok {
			return i, false
		}
		i = w.skip(i)
		if i >= len(d) {
			return i, false
		}
		switch d[i] {
		case ',':
			i = w.skip(i + 1)
		case '}':
			return i + 1, true
		default:
			return i, false
		}
	}
}

// objectKeys finds the keys of the object being read: w.keys[open:], and for an object of
// many keys an index of them, so that a hostile event of a million keys is read in linear
// time.
type objectKeys struct {
	open  int
	index map[string]int // position in w.keys, once the object has more than smallKeys
}

// smallKeys is how many keys an object has before they are indexed.
const smallKeys = 32

// find returns the position in w.keys of key, or -1.
func (w *walker) find(ks *objectKeys, key string) int {
	if ks.index != nil {
		if k, ok := ks.index[key]; ok {
			return k
		}
		return -1
	}
	for k := ks.open; k < len(w.keys); k++ {
		if w.keys[k].key == key {
			return k
		}
	}
	return -1
}

// member reads the value at d[i] of key in the object of ks.
func (w *walker) member(key string, i, depth int, ks *objectKeys) (int, bool) {
	if !NameableKey(key) {
		w.spaced = true // not looked at: it may have some
		return skipValue(w.d, i, depth)
	}
	k := w.find(ks, key)
	if k >= 0 { // the last of duplicate keys wins
		for j := w.keys[k].from; j < w.keys[k].to; j++ {
			w.found[j].dead = true
		}
	}
	parent := len(w.path)
	if parent > 0 {
		w.path = append(w.path, '.')
	}
	w.path = append(w.path, key...)
	from := len(w.found)
	j, ok := w.value(i, depth)
	w.path = w.path[:parent]
	entry := walkedKey{key: key, from: from, to: len(w.found)}
	switch {
	case k >= 0:
		w.keys[k] = entry
	case ks.index != nil:
		ks.index[key] = len(w.keys)
		w.keys = append(w.keys, entry)
	default:
		w.keys = append(w.keys, entry)
		if len(w.keys)-ks.open > smallKeys {
			ks.index = make(map[string]int, 2*smallKeys)
			for k := ks.open; k < len(w.keys); k++ {
				ks.index[w.keys[k].key] = k
			}
		}
	}
	return j, ok
}

func (w *walker) array(i, depth int) (int, bool) {
	d := w.d
	if depth > maxDepth {
		return i, false
	}
	i = w.skip(i + 1)
	if i < len(d) && d[i] == ']' {
		return i + 1, true
	}
	for {
		j, ok := w.value(i, depth)
		if !ok {
			return j, false
		}
		i = w.skip(j)
		if i >= len(d) {
			return i, false
		}
		switch d[i] {
		case ',':
			i = w.skip(i + 1)
		case ']':
			return i + 1, true
		default:
			return i, false
		}
	}
}

// NameableKey reports whether a filter's path can name key: ASCII letters, digits and _, at
// least one.
func NameableKey(key string) bool {
	if key == "" {
		return false
	}
	for i := 0; i < len(key); i++ {
		c := key[i]
		if !(c == '_' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9') {
			return false
		}
	}
	return true
}

// walkDecoded is WalkScalars over a decoded value (as Decode returns it).
func walkDecoded(v any, path []byte, visit func(path []byte, v Scalar)) {
	switch x := v.(type) {
	case []any:
		for _, e := range x {
			walkDecoded(e, path, visit)
		}
	case map[string]any:
		for k, e := range x {
			if !NameableKey(k) {
				continue
			}
			p := path
			if len(p) > 0 {
				p = append(p, '.')
			}
			walkDecoded(e, append(p, k...), visit)
		}
	case string:
		if len(path) > 0 {
			visit(path, Scalar{Kind: ScalarString, Text: x})
		}
	case bool:
		if len(path) > 0 {
			visit(path, Scalar{Kind: ScalarBool, Bool: x})
		}
	case json.Number:
		if len(path) > 0 {
			visit(path, Scalar{Kind: ScalarNumber, Text: string(x)})
		}
	}
}
