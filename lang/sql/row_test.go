package sql

import (
	"bytes"
	"encoding/json"
	"math"
	"slices"
	"testing"

	"github.com/katafilter/katafilter/lang/eval"
)

// TestNumber: a JSON number becomes the pair that orders it against integers as the evaluator
// does.
func TestNumber(t *testing.T) {
	for _, tt := range []struct {
		s   string
		n   int64
		adj int8
	}{
		{"0", 0, 0}, {"-0", 0, 0}, {"-0.0", 0, 0}, {"42", 42, 0}, {"-42", -42, 0},
		{"1e3", 1000, 0}, {"1000.000", 1000, 0}, {"1.0e1", 10, 0}, {"1.5", 1, 1}, {"-1.5", -2, 1},
		{"999.999", 999, 1}, {"1e-400", 0, 1}, {"-1e-400", -1, 1},
		{"9007199254740993", 9007199254740993, 0},
		{"9223372036854775807", math.MaxInt64, 0}, {"9223372036854775808", math.MaxInt64, 1},
		{"18446744073709551616", math.MaxInt64, 1}, {"1e400", math.MaxInt64, 1},
		{"-9223372036854775808", math.MinInt64, 0}, {"-9223372036854775809", math.MinInt64, -1},
		{"-1e400", math.MinInt64, -1}, {"-9223372036854775807.5", math.MinInt64, 1},
		{"123456789012345678901234567890e-20", 1234567890, 1},
	} {
		n, adj := number(tt.s)
		if n != tt.n || adj != tt.adj {
			t.Errorf("number(%s) = (%d, %d), want (%d, %d)", tt.s, n, adj, tt.n, tt.adj)
		}
	}
}

// TestFold: characters that fold together under simple folding have one folded form.
func TestFold(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"", ""}, {"abc", "ABC"}, {"ABC-1_%", "ABC-1_%"}, {"ſtephan", "STEPHAN"}, {"\u212aelvin", "KELVIN"},
		{"straße", "STRAßE"}, {"STRASSE", "STRASSE"}, {"иванов", "ИВАНОВ"}, {"σςΣ", "ΣΣΣ"},
		{"İı", "İı"}, {"a\xffb", "A\uFFFDB"}, {"a\x00b", "A\x00B"},
	} {
		if got := Fold(tt.in); got != tt.want {
			t.Errorf("Fold(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestRow: the identity ignores white space, the time is the one integer Timestamp, and values
// land in their typed or generic columns.
func TestRow(t *testing.T) {
	l := Layout{Dialect: ClickHouse}
	a, err := l.Row([]byte(`{"EventType":"process","Timestamp":5,"FileName":["a","b","ſé"],"X":{"Y":true,"Z":"ſ"}}`))
	if err != nil {
		t.Fatal(err)
	}
	b, err := l.Row([]byte(" {\"EventType\" : \"process\",\n\"Timestamp\":5, \"FileName\":[\"a\", \"b\", \"ſé\"], \"X\":{\"Y\":true, \"Z\":\"ſ\"}} "))
	if err != nil {
		t.Fatal(err)
	}
	if a.ID != b.ID || len(a.ID) != 32 || a.Timestamp != 5 {
		t.Errorf("rows %s/%d and %s/%d", a.ID, a.Timestamp, b.ID, b.Timestamp)
	}
	col := func(r Row, name string) any { return r.Values[slices.Index(l.Columns(), name)] }
	if got := col(a, "s_FileName"); !slices.Equal(got.([]string), []string{"a", "b", "ſé"}) {
		t.Errorf("s_FileName = %v", got)
	}
	folded := func(r Row, path string) []string {
		var out []string
		paths, _ := col(r, colFoldPath).([]string)
		for i, p := range paths {
			if p == path {
				out = append(out, col(r, colFold).([]string)[i])
			}
		}
		return out
	}
	// Only the strings that are not all ASCII are stored folded: SQL folds the others.
	if got := folded(a, "FileName"); !slices.Equal(got, []string{"SÉ"}) {
		t.Errorf("FileName folded = %q", got)
	}
	if got := folded(a, "X.Z"); !slices.Equal(got, []string{"S"}) {
		t.Errorf("X.Z folded = %q", got)
	}
	if got := folded(a, "EventType"); len(got) != 0 {
		t.Errorf("EventType folded = %q", got)
	}
	if got, ok := col(a, colNumPath).([]string); !ok || got == nil || len(got) != 0 {
		t.Errorf("empty %s on ClickHouse = %#v, want []string{}", colNumPath, col(a, colNumPath))
	}
	p, err := (Layout{Dialect: Postgres}).Row([]byte(`{"FileName":["A","b","\u212a"],"X":1.5}`))
	if err != nil {
		t.Fatal(err)
	}
	if got := col(p, colStrPath); got != nil {
		t.Errorf("empty %s on PostgreSQL = %#v, want nil", colStrPath, got)
	}
	if got := folded(p, "FileName"); !slices.Equal(got, []string{"K"}) {
		t.Errorf("FileName folded = %v", got)
	}
	if got := col(p, colNumAdj); !slices.Equal(got.([]int16), []int16{1}) {
		t.Errorf("%s = %#v", colNumAdj, got)
	}
	if got := col(a, colBoolPath); !slices.Equal(got.([]string), []string{"X.Y"}) {
		t.Errorf("%s = %v", colBoolPath, got)
	}
	for raw, ts := range map[string]int64{`{"Timestamp":1.5}`: 0, `{"Timestamp":[1,2]}`: 0, `{"Timestamp":"7"}`: 0, `{}`: 0, `[{"Timestamp":9}]`: 9} {
		r, err := l.Row([]byte(raw))
		if err != nil || r.Timestamp != ts {
			t.Errorf("Row(%s): Timestamp %d, %v; want %d", raw, r.Timestamp, err, ts)
		}
	}
	if _, err := l.Row([]byte(`{"a":1} x`)); err == nil {
		t.Error("Row accepted bytes that are not one JSON value")
	}
	if _, err := (Layout{Dialect: Postgres}).Row([]byte(`{"FileName":"a\u0000b"}`)); err != ErrNUL {
		t.Errorf("PostgreSQL row with U+0000: %v, want ErrNUL", err)
	}
	if len(l.Columns()) != len(a.Values) {
		t.Errorf("%d columns, %d values", len(l.Columns()), len(a.Values))
	}
}

// FuzzCompactValid: on the JSON the evaluator reads, compactValid is encoding/json's Compact.
func FuzzCompactValid(f *testing.F) {
	f.Add(`{"a" : [1, 2 ,"x y\" \\ z"], "b":{ }}`)
	f.Add("\t{\"a\":\"\\u0020\"}\r\n")
	f.Add(`{"a":"b"}`)
	f.Fuzz(func(t *testing.T, data string) {
		if _, err := eval.Decode([]byte(data)); err != nil {
			return
		}
		var want bytes.Buffer
		if err := json.Compact(&want, []byte(data)); err != nil {
			t.Fatalf("%q: Decode accepts it, Compact says %v", data, err)
		}
		if got := compactValid(nil, []byte(data)); !bytes.Equal(got, want.Bytes()) {
			t.Fatalf("%q: compactValid %q, Compact %q", data, got, want.Bytes())
		}
	})
}

// FuzzFold: the ASCII fast path of Fold folds as the general one does.
func FuzzFold(f *testing.F) {
	for _, s := range []string{"", "abc", "ABC-1_%", "ſtephan", "a\xffb", "x{|}~`@[\\]^_"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := Fold(s), foldUnicode(s); got != want {
			t.Fatalf("Fold(%q) = %q, want %q", s, got, want)
		}
	})
}

// TestOverlapping: parts whose times meet are deduplicated together; the others are counted.
func TestOverlapping(t *testing.T) {
	p := func(name string, n uint64, lo, hi int64) PartCount { return PartCount{name, n, lo, hi} }
	for _, tt := range []struct {
		name    string
		parts   []PartCount
		overlap []string
		alone   uint64
	}{
		{"none", nil, nil, 0},
		{"one", []PartCount{p("a", 5, 1, 9)}, nil, 5},
		{"apart", []PartCount{p("b", 3, 10, 19), p("a", 5, 1, 9)}, nil, 8},
		{"sharing an end", []PartCount{p("a", 5, 1, 9), p("b", 3, 9, 19)}, []string{"a", "b"}, 0},
		{"one inside another", []PartCount{p("a", 5, 1, 100), p("b", 3, 40, 50), p("c", 2, 101, 200)}, []string{"a", "b"}, 2},
		{"a chain", []PartCount{p("c", 1, 18, 30), p("a", 5, 1, 10), p("b", 3, 9, 20), p("d", 7, 31, 31)}, []string{"a", "b", "c"}, 7},
	} {
		overlap, alone := Overlapping(tt.parts)
		slices.Sort(overlap)
		if !slices.Equal(overlap, tt.overlap) || alone != tt.alone {
			t.Errorf("%s: %v, %d; want %v, %d", tt.name, overlap, alone, tt.overlap, tt.alone)
		}
	}
}
