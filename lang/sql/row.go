package sql

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

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

// leaf is one scalar value of an event: its typed field, or its path when it has none.
type leaf struct {
	field int32  // the index of its typed field in typedFields().list, or -1
	path  string // keys joined by '.', when field is -1
	kind  kind
	s     string
	n     int64
	adj   int8 // the number is n (0), a little above n (1) or a little below (-1)
	b     bool
}

// Row reads one JSON event (one line of JSON lines) as the evaluator reads it
// ([eval.WalkScalars]: the last of duplicate keys wins, invalid UTF-8 becomes U+FFFD, numbers
// stay exact) and returns the row that stores it. An event that the evaluator cannot read is
// an error.
func (l Layout) Row(raw []byte) (Row, error) {
	sc := scratchPool.Get().(*scratch)
	defer sc.release()
	// One copy of the event: the raw column on ClickHouse, and the text of its strings.
	src := string(raw)
	compact, err := sc.walk(src)
	if err != nil {
		return Row{}, err
	}
	r := Row{ID: sc.id(raw, compact)}
	nts := 0
	tsField := typedFields().byKind[kindNumber]["Timestamp"]
	for _, lf := range sc.leaves {
		if lf.field == int32(tsField) && lf.kind == kindNumber {
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
	r.Values = l.values(r, raw, src, sc)
	return r, nil
}

// walk gathers the scalar values of the event src into sc.leaves.
func (sc *scratch) walk(src string) (compact bool, err error) {
	t := typedFields()
	sc.leaves = sc.leaves[:0]
	return eval.WalkScalars(src, func(path []byte, v eval.Scalar) {
		lf := leaf{field: -1}
		switch v.Kind {
		case eval.ScalarString:
			lf.kind, lf.s = kindString, v.Text
		case eval.ScalarNumber:
			lf.kind = kindNumber
			lf.n, lf.adj = number(v.Text)
		default:
			lf.kind, lf.b = kindBool, v.Bool
		}
		if lf.kind != kindBool {
			if f, ok := t.byKind[lf.kind][string(path)]; ok {
				lf.field = int32(f)
			}
		}
		if lf.field < 0 {
			lf.path = string(path)
		}
		sc.leaves = append(sc.leaves, lf)
	})
}

// scratch is the memory Row works in and leaves behind: nothing of it is in the row.
type scratch struct {
	compact []byte
	leaves  []leaf
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

// id is the identity of the event raw (see [Row.ID]), which is valid JSON, and compact when
// it has no white space outside its strings.
func (sc *scratch) id(raw []byte, compact bool) string {
	c := raw
	if !compact {
		c = compactValid(sc.compact[:0], raw)
	}
	if len(c) > 0 && len(raw) > 0 && &c[0] != &raw[0] {
		sc.compact = c
	}
	sum := sha256.Sum256(c)
	return hex.EncodeToString(sum[:16])
}

// compactValid returns the valid JSON src without its insignificant white space, what
// encoding/json's Compact makes of it, without checking src again: src itself when it has no
// white space, else dst with the compacted text appended.
func compactValid(dst, src []byte) []byte {
	if bytes.IndexAny(src, " \t\n\r") < 0 {
		return src
	}
	inString := false
	for i := 0; i < len(src); i++ {
		switch c := src[i]; {
		case inString:
			dst = append(dst, c)
			if c == '\\' {
				i++
				dst = append(dst, src[i])
			} else if c == '"' {
				inString = false
			}
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
		default:
			dst = append(dst, c)
			inString = c == '"'
		}
	}
	return dst
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
func (l Layout) values(r Row, raw []byte, src string, sc *scratch) []any {
	pg := l.Dialect == Postgres
	t := typedFields()
	n := len(t.list)
	sc.count = slices.Grow(sc.count[:0], n)[:n]
	sc.end = slices.Grow(sc.end[:0], n)[:n]
	clear(sc.count)
	var nstr, nnum, gstr, gnum, gbool int
	for _, lf := range sc.leaves {
		switch {
		case lf.field >= 0:
			sc.count[lf.field]++
			if lf.kind == kindString {
				nstr++
			} else {
				nnum++
			}
		case lf.kind == kindString:
			gstr++
		case lf.kind == kindNumber:
			gnum++
		default:
			gbool++
		}
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
	var fp, fs []string // the strings that are not all ASCII, folded ([Fold]): SQL folds the others
	for _, lf := range sc.leaves {
		if f := lf.field; f >= 0 {
			at := sc.end[f]
			sc.end[f]++
			if lf.kind == kindString {
				strs[at] = lf.s
				if !isASCII(lf.s) {
					fp, fs = append(fp, t.list[f].path), append(fs, foldUnicode(lf.s))
				}
			} else {
				nums[at], adjs[at] = lf.n, lf.adj
			}
			continue
		}
		switch lf.kind {
		case kindString:
			gsp, gs = append(gsp, lf.path), append(gs, lf.s)
			if !isASCII(lf.s) {
				fp, fs = append(fp, lf.path), append(fs, foldUnicode(lf.s))
			}
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
	vals := make([]any, 0, len(columns()))
	vals = append(vals, r.ID, r.Timestamp)
	if pg {
		vals = append(vals, raw)
	} else {
		vals = append(vals, src)
	}
	for i, f := range t.list {
		hi := sc.end[i]
		lo := hi - sc.count[i]
		if f.kind == kindString {
			vals = append(vals, array(pg, strs[lo:hi:hi], noStrings))
		} else {
			vals = append(vals, array(pg, nums[lo:hi:hi], noInt64s), adj(adjs[lo:hi:hi]))
		}
	}
	vals = append(vals, array(pg, gsp, noStrings), array(pg, gs, noStrings),
		array(pg, gnp, noStrings), array(pg, gn, noInt64s), adj(gna), array(pg, gbp, noStrings))
	if pg {
		vals = append(vals, array(pg, gb, nil))
	} else {
		vals = append(vals, bytesOf(gb))
	}
	return append(vals, array(pg, fp, noStrings), array(pg, fs, noStrings))
}

// isASCII reports whether s holds only ASCII characters.
func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// bytesOf is the ClickHouse value of booleans: 1 for true, 0 for false.
func bytesOf(bs []bool) any {
	if len(bs) == 0 {
		return noUint8s
	}
	u := make([]uint8, len(bs))
	for i, b := range bs {
		if b {
			u[i] = 1
		}
	}
	return u
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
