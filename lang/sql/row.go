package sql

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"math"
	"strconv"
	"strings"

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
	var compact bytes.Buffer
	if err := json.Compact(&compact, raw); err != nil {
		return Row{}, err
	}
	sum := sha256.Sum256(compact.Bytes())
	r := Row{ID: hex.EncodeToString(sum[:16])}

	var leaves []leaf
	flatten(v, nil, &leaves)
	nts := 0
	for _, lf := range leaves {
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
	r.Values = l.values(r, raw, leaves)
	return r, nil
}

// values lays the leaves out in columns.
func (l Layout) values(r Row, raw []byte, leaves []leaf) []any {
	pg := l.Dialect == Postgres
	t := typedFields()
	strs := make([][]string, len(t.list))
	nums := make([][]int64, len(t.list))
	adjs := make([][]int8, len(t.list))
	var gsp, gs, gnp, gbp []string
	var gn []int64
	var gna []int8
	var gb []bool
	for _, lf := range leaves {
		if f, ok := t.byPath[lf.path][lf.kind]; ok {
			if lf.kind == kindString {
				strs[f] = append(strs[f], lf.s)
			} else {
				nums[f] = append(nums[f], lf.n)
				adjs[f] = append(adjs[f], lf.adj)
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
	vals := make([]any, 0, 3+2*len(t.list)+8)
	vals = append(vals, r.ID, r.Timestamp)
	if pg {
		vals = append(vals, raw)
	} else {
		vals = append(vals, string(raw))
	}
	adj := func(a []int8) any {
		if !pg {
			return array(pg, a)
		}
		w := make([]int16, len(a))
		for i, x := range a {
			w[i] = int16(x)
		}
		return array(pg, w)
	}
	for i, f := range t.list {
		if f.kind == kindString {
			vals = append(vals, array(pg, strs[i]), array(pg, foldAll(strs[i])))
		} else {
			vals = append(vals, array(pg, nums[i]), adj(adjs[i]))
		}
	}
	vals = append(vals, array(pg, gsp), array(pg, gs), array(pg, foldAll(gs)), array(pg, gnp), array(pg, gn), adj(gna), array(pg, gbp))
	if pg {
		return append(vals, array(pg, gb))
	}
	u := make([]uint8, len(gb))
	for i, b := range gb {
		if b {
			u[i] = 1
		}
	}
	return append(vals, u)
}

// array is the value of an array column: on ClickHouse the slice, never nil (which would be
// NULL to the driver); on PostgreSQL nil (NULL) for an empty one, which costs a bit of the
// row's null bitmap where an empty array costs 16 bytes, in each of some 200 columns.
func array[T any](pg bool, s []T) any {
	if pg && len(s) == 0 {
		return nil
	}
	if s == nil {
		return []T{}
	}
	return s
}

func foldAll(s []string) []string {
	f := make([]string, len(s))
	for i, x := range s {
		f[i] = Fold(x)
	}
	return f
}

// flatten appends the scalar values of v with their paths, walking objects by key and arrays
// element by element, as the evaluator walks a path (docs/language.md: arrays are
// transparent at any step). JSON null holds no value. A value whose path has a key no filter
// can name (filters name keys of letters, digits and _) is left out, as is a value at the
// top level, which no path reaches.
func flatten(v any, path []string, out *[]leaf) {
	switch x := v.(type) {
	case []any:
		for _, e := range x {
			flatten(e, path, out)
		}
	case map[string]any:
		for k, e := range x {
			if !nameable(k) {
				continue
			}
			flatten(e, append(path, k), out)
		}
	case string:
		if len(path) > 0 {
			*out = append(*out, leaf{path: strings.Join(path, "."), kind: kindString, s: x})
		}
	case bool:
		if len(path) > 0 {
			*out = append(*out, leaf{path: strings.Join(path, "."), kind: kindBool, b: x})
		}
	case json.Number:
		if len(path) > 0 {
			n, adj := number(string(x))
			*out = append(*out, leaf{path: strings.Join(path, "."), kind: kindNumber, n: n, adj: adj})
		}
	}
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
