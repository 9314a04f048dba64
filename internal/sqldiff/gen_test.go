package sqldiff

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/katafilter/katafilter/lang/ast"
	"github.com/katafilter/katafilter/lang/eval"
	"github.com/katafilter/katafilter/lang/sql"
)

// event is one line of the test events.
type event struct {
	raw []byte
	id  string
}

// readEvents reads the shared workload's 4,000 events and the hand-written edge events.
func readEvents(t *testing.T) []event {
	t.Helper()
	var evs []event
	for _, name := range []string{"workload/events-4k.jsonl.gz", "sql/edge-events.jsonl"} {
		f, err := os.Open(filepath.Join("..", "..", "testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		var r io.Reader = f
		if strings.HasSuffix(name, ".gz") {
			if r, err = gzip.NewReader(f); err != nil {
				t.Fatal(err)
			}
		}
		sc := bufio.NewScanner(r)
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			raw := bytes.Clone(sc.Bytes())
			row, err := sql.Layout{Dialect: sql.ClickHouse}.Row(raw)
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			evs = append(evs, event{raw: raw, id: row.ID})
		}
		f.Close()
		if err := sc.Err(); err != nil {
			t.Fatal(err)
		}
	}
	return evs
}

// value is one scalar of an event at a path a filter can name.
type value struct {
	path string
	v    any // string, bool or json.Number
}

// vocabulary collects the distinct scalars of the events by path, for the generator to build
// constants that match some events.
func vocabulary(evs []event) []value {
	seen := map[string]bool{}
	var out []value
	var walk func(v any, path []string)
	walk = func(v any, path []string) {
		switch x := v.(type) {
		case []any:
			for _, e := range x {
				walk(e, path)
			}
		case map[string]any:
			for k, e := range x {
				walk(e, append(path[:len(path):len(path)], k))
			}
		case nil:
		default:
			p := strings.Join(path, ".")
			if !fieldName(p) {
				return
			}
			key := p + "\x00" + strconv.Quote(strings.TrimSpace(jsonText(x)))
			if !seen[key] {
				seen[key] = true
				out = append(out, value{p, x})
			}
		}
	}
	for _, e := range evs {
		v, _ := eval.Decode(e.raw)
		walk(v, nil)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].path+jsonText(out[i].v) < out[j].path+jsonText(out[j].v) })
	return out
}

func jsonText(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// fieldName reports whether a filter can write the path.
func fieldName(p string) bool {
	for i, k := range strings.Split(p, ".") {
		if k == "" {
			return false
		}
		for j := 0; j < len(k); j++ {
			c := k[j]
			letter := c == '_' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
			if !letter && !('0' <= c && c <= '9' && (i > 0 || j > 0)) {
				return false
			}
		}
	}
	return true
}

// gen writes random filters.
type gen struct {
	r     *rand.Rand
	vocab []value
}

// absent are paths most or all events lack, and paths of the schema that hold arrays.
var absent = []string{"NoSuchField", "Ioa.Rules.Missing", "Deep.Missing.Value", "EventData.Data.PackageName.value", "Ioa.Rules.Techniques", "Ioa.Rules.Name", "Flag", "Flags", "Deep.Flag", "A", "a.b", "Extra.a.b.c.d"}

// traps are texts that SQL treats specially, or that fold in surprising ways.
var traps = []string{"%", "_", `\`, "*", "?", "'", "ſ", "\u212a", "K", "k", "s", "S", "ß", "SS", "İ", "ı", "σ", "ς", "Σ", "é", "\n", "\x00", ".", "[", "(", "^", "$", "|"}

func (g *gen) filter(depth int) string {
	if depth >= 3 || g.r.IntN(10) < 4 {
		return g.atom()
	}
	switch g.r.IntN(5) {
	case 0:
		return "NOT " + g.operand(depth)
	case 1, 2:
		return g.operand(depth) + " AND " + g.operand(depth)
	}
	return g.operand(depth) + " OR " + g.operand(depth)
}

func (g *gen) operand(depth int) string {
	f := g.filter(depth + 1)
	if strings.Contains(f, " AND ") || strings.Contains(f, " OR ") {
		return "(" + f + ")"
	}
	return f
}

func (g *gen) atom() string {
	var v value
	if g.r.IntN(8) == 0 {
		v = value{path: absent[g.r.IntN(len(absent))]}
		switch g.r.IntN(3) {
		case 0:
			v.v = "x"
		case 1:
			v.v = json.Number("1")
		default:
			v.v = true
		}
	} else {
		v = g.vocab[g.r.IntN(len(g.vocab))]
	}
	field := v.path
	if g.r.IntN(10) == 0 { // another field with a value of this one's kind
		field = g.vocab[g.r.IntN(len(g.vocab))].path
	}
	switch x := v.v.(type) {
	case string:
		return g.compare(field, []string{"==", "!="}, func() string { return g.str(x) })
	case bool:
		return g.compare(field, []string{"==", "!="}, func() string { return strconv.FormatBool(g.r.IntN(2) == 0) })
	case json.Number:
		return g.compare(field, []string{"==", "!=", ">", ">=", "<", "<="}, func() string { return g.int(string(x)) })
	}
	return "EventType == 'process'"
}

// compare writes a comparison or an in list of field with constants from c.
func (g *gen) compare(field string, ops []string, c func() string) string {
	if g.r.IntN(4) == 0 {
		n := 1 + g.r.IntN(4)
		vals := make([]string, n)
		for i := range vals {
			vals[i] = c()
		}
		if g.r.IntN(5) == 0 {
			return "in(" + field + ", " + strings.Join(vals, ", ") + ")"
		}
		return field + " in (" + strings.Join(vals, ", ") + ")"
	}
	return field + " " + ops[g.r.IntN(len(ops))] + " " + c()
}

// piece is part of a string constant: literal text, or a wildcard.
type piece struct {
	text string
	wild byte // '*' or '?', or 0 for text
}

// str writes a string constant derived from s: the value itself, a prefix, suffix or middle
// with stars, characters replaced by ?, letters in another case, trap characters added.
func (g *gen) str(s string) string {
	rs := []rune(s)
	cut := func() int { return g.r.IntN(len(rs) + 1) }
	var ps []piece
	switch g.r.IntN(9) {
	case 0, 1:
		ps = []piece{{text: s}}
	case 2:
		ps = []piece{{text: string(rs[:cut()])}, {wild: '*'}}
	case 3:
		ps = []piece{{wild: '*'}, {text: string(rs[cut():])}}
	case 4:
		i := cut()
		j := i + g.r.IntN(len(rs)-i+1)
		ps = []piece{{wild: '*'}, {text: string(rs[i:j])}, {wild: '*'}}
	case 5: // some characters become ?
		for _, r := range rs {
			if g.r.IntN(4) == 0 {
				ps = append(ps, piece{wild: '?'})
			} else {
				ps = append(ps, piece{text: string(r)})
			}
		}
	case 6: // a star in the middle and ? at the ends
		i := cut()
		ps = []piece{{text: string(rs[:i])}, {wild: '*'}, {wild: '*'}, {text: string(rs[i:])}}
		if g.r.IntN(2) == 0 {
			ps = append(ps, piece{wild: '?'})
		}
	case 7:
		if g.r.IntN(2) == 0 { // a prefix and as many ? as the characters left
			i := cut()
			ps = []piece{{text: string(rs[:i])}}
			for range len(rs) - i + g.r.IntN(2) {
				ps = append(ps, piece{wild: '?'})
			}
			break
		}
		ps = []piece{{wild: '*'}}
		if g.r.IntN(2) == 0 {
			ps = nil // the empty string
		}
	default: // a trap somewhere
		i := cut()
		ps = []piece{{text: string(rs[:i])}, {text: traps[g.r.IntN(len(traps))]}, {text: string(rs[i:])}}
		if g.r.IntN(2) == 0 {
			ps = append([]piece{{wild: '*'}}, ps...)
		}
	}
	if g.r.IntN(4) == 0 { // change the case of the letters
		for i := range ps {
			ps[i].text = flipCase(ps[i].text, g.r)
		}
	}
	var b strings.Builder
	b.WriteByte('\'')
	for _, p := range ps {
		if p.wild != 0 {
			b.WriteByte(p.wild)
			continue
		}
		q := ast.QuoteString(p.text)
		b.WriteString(q[1 : len(q)-1])
	}
	b.WriteByte('\'')
	return b.String()
}

func flipCase(s string, r *rand.Rand) string {
	var b strings.Builder
	for _, c := range s {
		if r.IntN(2) == 0 {
			c = unicode.SimpleFold(c)
		}
		b.WriteRune(c)
	}
	return b.String()
}

// int writes an integer constant near the number s, or a boundary.
func (g *gen) int(s string) string {
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		if f, err := strconv.ParseFloat(s, 64); err == nil && math.Abs(f) < 9e18 {
			n = int64(f)
		}
	}
	bounds := []int64{0, -1, 1, 1 << 53, 1<<53 + 1, 1<<53 - 1, math.MaxInt64, math.MaxInt64 - 1, math.MinInt64, math.MinInt64 + 1, 1000, 1000000}
	switch g.r.IntN(6) {
	case 0:
		n = bounds[g.r.IntN(len(bounds))]
	case 1:
		if n < math.MaxInt64 {
			n++
		}
	case 2:
		if n > math.MinInt64 {
			n--
		}
	}
	return strconv.FormatInt(n, 10)
}

// printable shows a filter with invisible bytes escaped, for messages.
func printable(s string) string {
	if utf8.ValidString(s) && !strings.ContainsAny(s, "\x00\n\r") {
		return s
	}
	return strconv.Quote(s)
}
