package sql

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/katafilter/katafilter/lang/eval"
)

// Row is one event made ready for the table of a [Layout].
type Row struct {
	// ID is the event's identity: the first 16 bytes of the SHA-256 of the event's JSON with
	// insignificant white space removed (encoding/json's Compact), in hexadecimal. The same
	// event loaded twice, however it was indented, has the same ID.
	ID string
	// Timestamp is the event's Timestamp field (microseconds since the epoch) when the event
	// holds exactly one number there and it is an integer, else 0: an event without a time is
	// dated 1970-01-01 and only a query without a lower time bound sees it.
	Timestamp int64
	// Values are the values of the columns, in [Layout.Columns] order: string, int64, []byte
	// (the raw event on PostgreSQL), []string, []int64, []int8 (ClickHouse) or []int16
	// (PostgreSQL), []uint8 (ClickHouse) or []bool (PostgreSQL).
	Values []any
}

// ErrNUL is returned by [Layout.Row] on PostgreSQL for an event with a string that holds the
// character U+0000, which PostgreSQL's text cannot store.
var ErrNUL = errors.New("the event holds the character U+0000 in a string, which PostgreSQL cannot store")

// leaf is one scalar value of an event and the path of object keys that leads to it.
type leaf struct {
	path string
	kind kind
	s    string
	n    int64
	adj  int8 // the number is n (0), a little above n (1) or a little below (-1)
	b    bool
}

// Row reads one JSON event (one line of JSON lines) as the evaluator reads it ([eval.Decode]:
// the last of duplicate keys wins, invalid UTF-8 becomes U+FFFD, numbers stay exact) and
// returns the row that stores it. An event that the evaluator cannot read is an error.
func (l Layout) Row(raw []byte) (Row, error) {
	v, err := eval.Decode(raw)
	if err != nil {
		return Row{}, err
	}
	sc := scratchPool.Get().(*scratch)
	defer sc.release()
	id, err := sc.id(raw)
	if err != nil {
		return Row{}, err
	}
	r := Row{ID: id}
	sc.leaves = flatten(v, "", sc.leaves[:0])
	nts := 0
	for _, lf := range sc.leaves {
		if lf.path == "Timestamp" && lf.kind == kindNumber {
			nts++
			if lf.adj == 0 {
				r.Timestamp = lf.n
			}
		}
		if l.Dialect == Postgres && lf.kind == kindString && strings.IndexByte(lf.s, 0) >= 0 {
			return Row{}, ErrNUL
		}
	}
	if nts != 1 {
		r.Timestamp = 0 // none, or several: no time
	}
	r.Values = l.values(r, raw, sc)
	return r, nil
}

// scratch is the memory Row works in and leaves behind: nothing of it is in the row.
type scratch struct {
	compact bytes.Buffer
	leaves  []leaf
	field   []int32 // the typed field of each leaf, or -1
	count   []int32 // the number of leaves of each typed field
	end     []int32 // where the values of each typed field end in their backing array
}

var scratchPool = sync.Pool{New: func() any { return new(scratch) }}

// release empties sc (dropping its references to the event's strings) and returns it to the pool.
func (sc *scratch) release() {
	clear(sc.leaves)
	sc.leaves = sc.leaves[:0]
	scratchPool.Put(sc)
}

// id is the identity of the event raw (see [Row.ID]).
func (sc *scratch) id(raw []byte) (string, error) {
	sc.compact.Reset()
	if err := json.Compact(&sc.compact, raw); err != nil {
		return "", err
	}
	sum := sha256.Sum256(sc.compact.Bytes())
	return hex.EncodeToString(sum[:16]), nil
}

// The values of the empty array columns on ClickHouse, made once: most of the columns are
// empty in any event, and making an `any` of a slice allocates.
var (
	noStrings any = []string{}
	noInt64s  any = []int64{}
	noInt8s   any = []int8{}
	noUint8s  any = []uint8{}
)

// values lays the leaves out in columns. The values of all typed fields of one kind share one
// backing array, each column a full slice of it.
func (l Layout) values(r Row, raw []byte, sc *scratch) []any {
	pg := l.Dialect == Postgres
	t := typedFields()
	n := len(t.list)
	sc.field = slices.Grow(sc.field[:0], len(sc.leaves))[:len(sc.leaves)]
	sc.count = slices.Grow(sc.count[:0], n)[:n]
	sc.end = slices.Grow(sc.end[:0], n)[:n]
	clear(sc.count)
	var nstr, nnum, gstr, gnum, gbool int
	for i, lf := range sc.leaves {
		f, ok := t.byPath[fieldKey{lf.path, lf.kind}]
		switch {
		case ok:
			sc.count[f]++
			if lf.kind == kindString {
				nstr++
			} else {
				nnum++
			}
		case lf.kind == kindString:
			f = -1
			gstr++
		case lf.kind == kindNumber:
			f = -1
			gnum++
		default:
			f = -1
			gbool++
		}
		sc.field[i] = int32(f)
	}
	// Where each typed field's values begin, then, after placing them, end.
	var soff, noff int32
	for i, f := range t.list {
		if f.kind == kindString {
			sc.end[i], soff = soff, soff+sc.count[i]
		} else {
			sc.end[i], noff = noff, noff+sc.count[i]
		}
	}
	strs := make([]string, nstr)
	nums := make([]int64, nnum)
	adjs := make([]int8, nnum)
	gsp, gs := make([]string, 0, gstr), make([]string, 0, gstr)
	gnp, gn, gna := make([]string, 0, gnum), make([]int64, 0, gnum), make([]int8, 0, gnum)
	gbp, gb := make([]string, 0, gbool), make([]bool, 0, gbool)
	for i, lf := range sc.leaves {
		if f := sc.field[i]; f >= 0 {
			at := sc.end[f]
			sc.end[f]++
			if lf.kind == kindString {
				strs[at] = lf.s
			} else {
				nums[at], adjs[at] = lf.n, lf.adj
			}
			continue
		}
		switch lf.kind {
		case kindString:
			gsp, gs = append(gsp, lf.path), append(gs, lf.s)
		case kindNumber:
			gnp, gn, gna = append(gnp, lf.path), append(gn, lf.n), append(gna, lf.adj)
		default:
			gbp, gb = append(gbp, lf.path), append(gb, lf.b)
		}
	}
	var wide []int16 // PostgreSQL has no one-byte integer: the adjustments as smallint
	if pg {
		wide = make([]int16, nnum+gnum)
	}
	adj := func(a []int8) any {
		if !pg {
			return array(pg, a, noInt8s)
		}
		w := wide[:len(a):len(a)]
		wide = wide[len(a):]
		for i, x := range a {
			w[i] = int16(x)
		}
		return array(pg, w, nil)
	}
	vals := make([]any, 0, 3+2*n+8)
	vals = append(vals, r.ID, r.Timestamp)
	if pg {
		vals = append(vals, raw)
	} else {
		vals = append(vals, string(raw))
	}
	for i, f := range t.list {
		hi := sc.end[i]
		lo := hi - sc.count[i]
		if f.kind == kindString {
			s := strs[lo:hi:hi]
			vals = append(vals, array(pg, s, noStrings), array(pg, foldAll(s), noStrings))
		} else {
			vals = append(vals, array(pg, nums[lo:hi:hi], noInt64s), adj(adjs[lo:hi:hi]))
		}
	}
	vals = append(vals, array(pg, gsp, noStrings), array(pg, gs, noStrings), array(pg, foldAll(gs), noStrings),
		array(pg, gnp, noStrings), array(pg, gn, noInt64s), adj(gna), array(pg, gbp, noStrings))
	if pg {
		return append(vals, array(pg, gb, nil))
	}
	if len(gb) == 0 {
		return append(vals, noUint8s)
	}
	u := make([]uint8, len(gb))
	for i, b := range gb {
		if b {
			u[i] = 1
		}
	}
	return append(vals, u)
}

// array is the value of an array column: on PostgreSQL nil (NULL) for an empty one, which
// costs a bit of the row's null bitmap where an empty array costs 16 bytes, in each of some
// 200 columns; on ClickHouse the slice, or empty, the shared empty slice of its type (never
// nil, which would be NULL to the driver).
func array[T any](pg bool, s []T, empty any) any {
	if len(s) > 0 {
		return s
	}
	if pg {
		return nil
	}
	return empty
}

// foldAll returns the folded strings of s ([Fold]): s itself when folding changes none.
func foldAll(s []string) []string {
	for i, x := range s {
		if f := Fold(x); f != x {
			out := make([]string, len(s))
			copy(out, s[:i])
			out[i] = f
			for j := i + 1; j < len(s); j++ {
				out[j] = Fold(s[j])
			}
			return out
		}
	}
	return s
}

// flatten appends the scalar values of v with their paths (keys joined by '.', path being
// v's) to out, walking objects by key and arrays element by element, as the evaluator walks
// a path (docs/language.md: arrays are transparent at any step). JSON null holds no value.
// A value whose path has a key no filter can name (filters name keys of letters, digits and
// _) is left out, as is a value at the top level, which no path reaches.
func flatten(v any, path string, out []leaf) []leaf {
	switch x := v.(type) {
	case []any:
		for _, e := range x {
			out = flatten(e, path, out)
		}
	case map[string]any:
		for k, e := range x {
			if !nameable(k) {
				continue
			}
			p := k
			if path != "" {
				p = path + "." + k
			}
			out = flatten(e, p, out)
		}
	case string:
		if path != "" {
			out = append(out, leaf{path: path, kind: kindString, s: x})
		}
	case bool:
		if path != "" {
			out = append(out, leaf{path: path, kind: kindBool, b: x})
		}
	case json.Number:
		if path != "" {
			n, adj := number(string(x))
			out = append(out, leaf{path: path, kind: kindNumber, n: n, adj: adj})
		}
	}
	return out
}

// nameable reports whether a filter can name key: letters, digits and _, at least one.
func nameable(k string) bool {
	if k == "" {
		return false
	}
	for i := 0; i < len(k); i++ {
		c := k[i]
		if !(c == '_' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9') {
			return false
		}
	}
	return true
}

// number places the JSON number text s among the integers, for comparisons with integer
// constants, as the evaluator orders them ([eval.CompareNumberText]): (n, 0) when s is the
// integer n, (n, 1) when s lies strictly between n and n+1 (a fraction, or a number above
// every int64 with n the largest int64), and (math.MinInt64, -1) below every int64. Ordered
// as pairs, (n, adj) compares with (c, 0) as s compares with the constant c.
func number(s string) (int64, int8) {
	if i, err := strconv.ParseInt(s, 10, 64); err == nil {
		return i, 0
	}
	cmp := func(n int64) int {
		c, _ := eval.CompareNumberText(s, n) // s is JSON number text: always ok
		return c
	}
	if cmp(math.MinInt64) < 0 {
		return math.MinInt64, -1
	}
	// The largest n with s >= n.
	lo, hi := int64(math.MinInt64), int64(math.MaxInt64)
	if cmp(hi) >= 0 {
		lo = hi
	}
	for lo < hi {
		mid := lo + int64(uint64(hi-lo)/2+1) // in (lo, hi], without overflow
		if cmp(mid) >= 0 {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	if cmp(lo) == 0 {
		return lo, 0
	}
	return lo, 1
}
