package eval

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"math/bits"
	"strings"
	"sync"
	"unicode/utf16"
	"unicode/utf8"
	"unsafe"
)

// maxRawAtoms is the number of comparisons the raw path tracks in one 64-bit mask; a filter
// with more is evaluated on the decoded event instead.
const maxRawAtoms = 64

// maxDepth is encoding/json's limit on nesting.
const maxDepth = 10000

// Decode decodes one JSON value keeping numbers exact (as json.Number), which is the decoded
// form [Program.Match] handles best. Only white space may surround the value. It fails
// exactly when encoding/json fails on data.
func Decode(data []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	rest := data[dec.InputOffset():]
	if i := skipWS(rest, 0); i < len(rest) {
		return nil, errors.New("eval: invalid character " + quoteChar(rest[i]) + " after the JSON value")
	}
	return v, nil
}

func quoteChar(c byte) string {
	if c == '\'' {
		return `'\''`
	}
	if c == '"' {
		return `'"'`
	}
	s := string(rune(c))
	if c >= utf8.RuneSelf || c < ' ' {
		s = "\\x" + string("0123456789abcdef"[c>>4]) + string("0123456789abcdef"[c&15])
	}
	return "'" + s + "'"
}

// MatchJSON reports whether the JSON value in data (one line of JSON lines, say) matches.
// It evaluates on the bytes: only the fields the filter reads are looked at, everything else
// is skipped without building values, but checked, so that malformed input is an error
// exactly when [Decode] would fail on it, and never a match. The result always equals
// Match(Decode(data)).
func (p *Program) MatchJSON(data []byte) (bool, error) {
	if p.trie == nil {
		return p.matchDecoded(data)
	}
	m, ok := p.rawMatch(data)
	if !ok {
		// Let encoding/json word the error. Should it accept what the scanner refused (a
		// bug: the fuzz test looks for it), its answer is still the right one.
		return p.matchDecoded(data)
	}
	return m, nil
}

func (p *Program) matchDecoded(data []byte) (bool, error) {
	v, err := Decode(data)
	if err != nil {
		return false, err
	}
	return p.Match(v), nil
}

// rawMatch is the raw path; ok is false for malformed input.
func (p *Program) rawMatch(data []byte) (match, ok bool) {
	if p.trie == nil {
		return false, false
	}
	s := rawScan{d: data}
	i := skipWS(data, 0)
	mask, i, ok := s.value(p.trie, i, 0)
	if ok {
		ok = skipWS(data, i) == len(data)
	}
	if s.buf != nil {
		*s.buf = (*s.buf)[:0]
		bufPool.Put(s.buf)
	}
	if !ok {
		return false, false
	}
	return p.root.evalMask(mask), true
}

// trieNode is one key of the paths the program reads.
type trieNode struct {
	key      string
	keyValid bool // key is valid UTF-8
	kids     []*trieNode
	fffd     bool // some kid's key holds U+FFFD, which a key with invalid UTF-8 decodes to
	atoms    []*cmpNode
	sub      uint64 // the atoms of the node and of all below it
	// Room for the usual one kid and one comparison, which kids and atoms start in.
	oneKid  [1]*trieNode
	oneAtom [1]*cmpNode
}

// buildTrie builds the trie of the paths of atoms. Its nodes come from one slice, which they
// do not move out of, so that the lists of kids and of atoms can start in the nodes themselves.
func buildTrie(atoms []cmpNode) *trieNode {
	size := 1
	for i := range atoms {
		size += len(atoms[i].path)
	}
	nodes := make([]trieNode, 1, size) // appended to within this capacity: the nodes do not move
	root := &nodes[0]
	if len(atoms) > 1 {
		root.kids = make([]*trieNode, 0, len(atoms)) // a path each at most
	}
	for i := range atoms {
		a := &atoms[i]
		t := root
		for _, k := range a.path {
			var next *trieNode
			for _, c := range t.kids {
				if c.key == k {
					next = c
				}
			}
			if next == nil {
				valid := utf8.ValidString(k)
				nodes = append(nodes, trieNode{key: k, keyValid: valid})
				next = &nodes[len(nodes)-1]
				if t.kids == nil {
					t.kids = t.oneKid[:0:1]
				}
				t.kids = append(t.kids, next)
				if !valid || strings.Contains(k, string(utf8.RuneError)) { // strings.ContainsRune(k, utf8.RuneError), without decoding k
					t.fffd = true
				}
			}
			t.sub |= 1 << a.idx
			t = next
		}
		t.sub |= 1 << a.idx
		if t.atoms == nil {
			t.atoms = t.oneAtom[:0:1]
		}
		t.atoms = append(t.atoms, a)
	}
	return root
}

// bufPool holds the scratch buffers that strings with escapes are decoded into. A Program is
// shared between goroutines, so its scratch cannot live in it.
var bufPool = sync.Pool{New: func() any { b := make([]byte, 0, 256); return &b }}

type rawScan struct {
	d   []byte
	buf *[]byte // from bufPool, taken on first need
}

// value walks the value at d[i] (not white space) below trie node t, and returns the mask of
// the atoms it makes true and the offset after it.
func (s *rawScan) value(t *trieNode, i, depth int) (uint64, int, bool) {
	d := s.d
	if i >= len(d) {
		return 0, i, false
	}
	switch c := d[i]; c {
	case '{':
		if len(t.kids) == 0 {
			j, ok := skipValue(d, i, depth)
			return 0, j, ok
		}
		return s.object(t, i, depth)
	case '[':
		return s.array(t, i, depth)
	case '"':
		end, esc, ok := scanString(d, i+1)
		if !ok || len(t.atoms) == 0 {
			return 0, end, ok
		}
		str := s.text(d[i+1:end-1], esc)
		var m uint64
		for _, a := range t.atoms {
			if a.testString(str) {
				m |= 1 << a.idx
			}
		}
		return m, end, true
	case 't', 'f', 'n':
		j, ok := scanLiteral(d, i)
		if !ok || c == 'n' {
			return 0, j, ok
		}
		var m uint64
		for _, a := range t.atoms {
			if a.testBool(c == 't') {
				m |= 1 << a.idx
			}
		}
		return m, j, true
	}
	j, ok := scanNumber(d, i)
	if !ok || len(t.atoms) == 0 {
		return 0, j, ok
	}
	n := numFromText(unsafe.String(&d[i], j-i))
	var m uint64
	for _, a := range t.atoms {
		if a.testNum(n) {
			m |= 1 << a.idx
		}
	}
	return m, j, true
}

func (s *rawScan) object(t *trieNode, i, depth int) (uint64, int, bool) {
	d := s.d
	depth++
	if depth > maxDepth {
		return 0, i, false
	}
	i = skipWS(d, i+1)
	if i < len(d) && d[i] == '}' {
		return 0, i + 1, true
	}
	var total uint64
	for {
		if i >= len(d) || d[i] != '"' {
			return 0, i, false
		}
		// Most keys are plain and under 16 bytes: look at two words here before calling the
		// general scanner.
		var end int
		var esc, ok bool
		if j := i + 1; j+16 <= len(d) {
			if m := special(binary.LittleEndian.Uint64(d[j:])); m != 0 {
				if k := j + bits.TrailingZeros64(m)>>3; d[k] == '"' {
					end, ok = k+1, true
				}
			} else if m := special(binary.LittleEndian.Uint64(d[j+8:])); m != 0 {
				if k := j + 8 + bits.TrailingZeros64(m)>>3; d[k] == '"' {
					end, ok = k+1, true
				}
			}
		}
		if !ok {
			if end, esc, ok = scanString(d, i+1); !ok {
				return 0, end, false
			}
		}
		kid := s.find(t, d[i+1:end-1], esc)
		i = skipWS(d, end)
		if i >= len(d) || d[i] != ':' {
			return 0, i, false
		}
		i = skipWS(d, i+1)
		if kid == nil {
			// Most skipped values are strings or numbers: no need for the general skipper.
			if i < len(d) && d[i] == '"' {
				// Short plain values too are scanned here (see the key above).
				j, done := i+1, false
				if j+16 <= len(d) {
					if m := special(binary.LittleEndian.Uint64(d[j:])); m != 0 {
						if k := j + bits.TrailingZeros64(m)>>3; d[k] == '"' {
							i, ok, done = k+1, true, true
						}
					} else if m := special(binary.LittleEndian.Uint64(d[j+8:])); m != 0 {
						if k := j + 8 + bits.TrailingZeros64(m)>>3; d[k] == '"' {
							i, ok, done = k+1, true, true
						}
					}
				}
				if !done {
					i, _, ok = scanString(d, j)
				}
			} else if i < len(d) && (d[i]-'0' <= 9 || d[i] == '-') {
				i, ok = scanNumber(d, i)
			} else {
				i, ok = skipValue(d, i, depth)
			}
		} else {
			var m uint64
			m, i, ok = s.value(kid, i, depth)
			// The last of duplicate keys wins: what an earlier one contributed goes.
			total = total&^kid.sub | m
		}
		if !ok {
			return 0, i, false
		}
		i = skipWS(d, i)
		if i >= len(d) {
			return 0, i, false
		}
		switch d[i] {
		case ',':
			i = skipWS(d, i+1)
		case '}':
			return total, i + 1, true
		default:
			return 0, i, false
		}
	}
}

func (s *rawScan) array(t *trieNode, i, depth int) (uint64, int, bool) {
	d := s.d
	depth++
	if depth > maxDepth {
		return 0, i, false
	}
	i = skipWS(d, i+1)
	if i < len(d) && d[i] == ']' {
		return 0, i + 1, true
	}
	var total uint64
	for {
		m, j, ok := s.value(t, i, depth)
		if !ok {
			return 0, j, false
		}
		total |= m
		i = skipWS(d, j)
		if i >= len(d) {
			return 0, i, false
		}
		switch d[i] {
		case ',':
			i = skipWS(d, i+1)
		case ']':
			return total, i + 1, true
		default:
			return 0, i, false
		}
	}
}

// find returns the kid of t whose key is the decoded key raw, or nil.
func (s *rawScan) find(t *trieNode, raw []byte, esc bool) *trieNode {
	if !esc {
		for _, c := range t.kids {
			if len(c.key) == len(raw) && c.key == string(raw) {
				if c.keyValid {
					return c
				}
				return nil // raw is invalid UTF-8 too, and decodes to something else
			}
		}
		if !t.fffd || utf8.Valid(raw) {
			return nil
		}
	}
	key := s.unquote(raw)
	for _, c := range t.kids {
		if c.key == key {
			return c
		}
	}
	return nil
}

// text returns the decoded text of the string body raw: raw itself when it holds no escape
// and is valid UTF-8, else its decoding in the scratch buffer, valid until the next call.
func (s *rawScan) text(raw []byte, esc bool) string {
	if !esc && utf8.Valid(raw) {
		if len(raw) == 0 {
			return ""
		}
		return unsafe.String(&raw[0], len(raw))
	}
	return s.unquote(raw)
}

// unquote decodes a string body as encoding/json does: escapes resolved, invalid UTF-8 and
// unpaired surrogates turned into U+FFFD. raw has been checked by scanString.
func (s *rawScan) unquote(raw []byte) string {
	if s.buf == nil {
		s.buf = bufPool.Get().(*[]byte)
	}
	b := (*s.buf)[:0]
	for r := 0; r < len(raw); {
		c := raw[r]
		switch {
		case c == '\\':
			switch e := raw[r+1]; e {
			case 'b':
				b = append(b, '\b')
			case 'f':
				b = append(b, '\f')
			case 'n':
				b = append(b, '\n')
			case 'r':
				b = append(b, '\r')
			case 't':
				b = append(b, '\t')
			case 'u':
				rr := getu4(raw[r:])
				r += 6
				if utf16.IsSurrogate(rr) {
					if rr1 := getu4(raw[r:]); rr1 >= 0 {
						if dec := utf16.DecodeRune(rr, rr1); dec != utf8.RuneError {
							r += 6
							b = utf8.AppendRune(b, dec)
							continue
						}
					}
					rr = utf8.RuneError
				}
				b = utf8.AppendRune(b, rr)
				continue
			default: // " \ /
				b = append(b, e)
			}
			r += 2
		case c < utf8.RuneSelf:
			b = append(b, c)
			r++
		default:
			rr, size := utf8.DecodeRune(raw[r:])
			r += size
			b = utf8.AppendRune(b, rr)
		}
	}
	*s.buf = b
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(&b[0], len(b))
}

// getu4 decodes \uXXXX at the start of s, or returns -1.
func getu4(s []byte) rune {
	if len(s) < 6 || s[0] != '\\' || s[1] != 'u' {
		return -1
	}
	var r rune
	for _, c := range s[2:6] {
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c = c - 'a' + 10
		case 'A' <= c && c <= 'F':
			c = c - 'A' + 10
		default:
			return -1
		}
		r = r*16 + rune(c)
	}
	return r
}

func skipWS(d []byte, i int) int {
	for ; i < len(d); i++ {
		if c := d[i]; c > ' ' || (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
			return i
		}
	}
	return i
}

const (
	lsb = 0x0101010101010101
	msb = 0x8080808080808080
)

// special marks (in its bytes' high bits) the bytes of w that end a run of plain string
// text: '"', '\\' and control characters. The lowest mark is always exact.
//
// It is the union of three tests "has a byte below c", (v - c*lsb) &^ v & msb, on w^'"',
// w^'\\' and w itself; the xors leave the high bits alone, so the three share the &^ w.
func special(w uint64) uint64 {
	return (((w ^ (lsb * '"')) - lsb) | ((w ^ (lsb * '\\')) - lsb) | (w - lsb*0x20)) &^ w & msb
}

// scanString checks the string whose body starts at d[i] and returns the offset after its
// closing quote, and whether it holds a backslash escape.
func scanString(d []byte, i int) (end int, esc, ok bool) {
	for {
		for i+8 <= len(d) {
			if m := special(binary.LittleEndian.Uint64(d[i:])); m != 0 {
				i += bits.TrailingZeros64(m) >> 3
				goto found
			}
			i += 8
		}
		for ; i < len(d); i++ {
			if c := d[i]; c == '"' || c == '\\' || c < 0x20 {
				goto found
			}
		}
		return i, esc, false
	found:
		switch d[i] {
		case '"':
			return i + 1, esc, true
		case '\\':
			esc = true
			if i+1 >= len(d) {
				return i, esc, false
			}
			switch d[i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i += 2
			case 'u':
				if getu4(d[i:]) < 0 {
					return i, esc, false
				}
				i += 6
			default:
				return i, esc, false
			}
		default: // a control character
			return i, esc, false
		}
	}
}

func scanLiteral(d []byte, i int) (int, bool) {
	var lit string
	switch d[i] {
	case 't':
		lit = "true"
	case 'f':
		lit = "false"
	default:
		lit = "null"
	}
	if len(d)-i < len(lit) || string(d[i:i+len(lit)]) != lit {
		return i, false
	}
	return i + len(lit), true
}

// scanNumber checks the JSON number at d[i].
func scanNumber(d []byte, i int) (int, bool) {
	if i < len(d) && d[i] == '-' {
		i++
	}
	if i >= len(d) {
		return i, false
	}
	switch c := d[i]; {
	case c == '0':
		i++
	case '1' <= c && c <= '9':
		i++
		for i < len(d) && d[i]-'0' <= 9 {
			i++
		}
	default:
		return i, false
	}
	if i < len(d) && d[i] == '.' {
		i++
		j := i
		for i < len(d) && d[i]-'0' <= 9 {
			i++
		}
		if i == j {
			return i, false
		}
	}
	if i < len(d) && (d[i] == 'e' || d[i] == 'E') {
		i++
		if i < len(d) && (d[i] == '+' || d[i] == '-') {
			i++
		}
		j := i
		for i < len(d) && d[i]-'0' <= 9 {
			i++
		}
		if i == j {
			return i, false
		}
	}
	return i, true
}

// skipValue checks the value at d[i] (not white space), nested depth deep, without building
// anything, and returns the offset after it. It keeps the kinds of the open containers in a
// bit stack, so it needs no recursion.
func skipValue(d []byte, i, depth int) (int, bool) {
	var stack uint64  // bit n: the container at level n is an object
	var deep []uint64 // levels from 64 on
	n := 0
	push := func(obj bool) {
		if n < 64 {
			if obj {
				stack |= 1 << n
			} else {
				stack &^= 1 << n
			}
		} else {
			w, b := (n-64)/64, uint(n%64)
			for len(deep) <= w {
				deep = append(deep, 0)
			}
			if obj {
				deep[w] |= 1 << b
			} else {
				deep[w] &^= 1 << b
			}
		}
		n++
	}
	top := func() bool {
		if n-1 < 64 {
			return stack&(1<<(n-1)) != 0
		}
		return deep[(n-1-64)/64]&(1<<uint((n-1)%64)) != 0
	}
	var ok bool
	for {
		// A value starts at d[i].
		if i >= len(d) {
			return i, false
		}
		switch c := d[i]; c {
		case '"':
			if i, _, ok = scanString(d, i+1); !ok {
				return i, false
			}
		case '{', '[':
			depth++
			if depth > maxDepth {
				return i, false
			}
			i = skipWS(d, i+1)
			if i < len(d) && d[i] == c+2 { // '}' or ']'
				depth--
				i++
				break
			}
			push(c == '{')
			if c == '{' {
				if i, ok = skipKey(d, i); !ok {
					return i, false
				}
			}
			continue
		case 't', 'f', 'n':
			if i, ok = scanLiteral(d, i); !ok {
				return i, false
			}
		default:
			if i, ok = scanNumber(d, i); !ok {
				return i, false
			}
		}
		// After a value: close containers until one continues.
		for {
			if n == 0 {
				return i, true
			}
			i = skipWS(d, i)
			if i >= len(d) {
				return i, false
			}
			obj := top()
			c := d[i]
			if c == ',' {
				i = skipWS(d, i+1)
				if obj {
					if i, ok = skipKey(d, i); !ok {
						return i, false
					}
				}
				break
			}
			if obj && c == '}' || !obj && c == ']' {
				n--
				depth--
				i++
				continue
			}
			return i, false
		}
	}
}

// skipKey checks `"key" :` at d[i] and returns the offset of the value after it.
func skipKey(d []byte, i int) (int, bool) {
	if i >= len(d) || d[i] != '"' {
		return i, false
	}
	i, _, ok := scanString(d, i+1)
	if !ok {
		return i, false
	}
	i = skipWS(d, i)
	if i >= len(d) || d[i] != ':' {
		return i, false
	}
	return skipWS(d, i+1), true
}
