package eval

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/katafilter/katafilter/lang/check"
	"github.com/katafilter/katafilter/lang/parser"
)

// diffFilters exercise every kind of comparison, paths through objects and arrays, and
// escapes in keys and constants; the differential tests run each on every event.
var diffFilters = []string{
	`a == 'x'`,
	`a != 'x'`,
	`a == 'x*' OR a == '*y' OR a == '*z*'`,
	`a == '?' AND NOT b == 1`,
	`a == '*'`,
	`a == ''`,
	`a == 'é'`,
	`a == '"\\'`,
	`a == 'a\\b*'`,
	`a > 'm'`,
	`a <= 'x'`,
	`b == 1`,
	`b > 10 AND b <= 20`,
	`b < 0`,
	`b in (1, 2, -3, 9223372036854775807)`,
	`b >= -9223372036854775808`,
	`c == true`,
	`c != false`,
	`a.b == 'x'`,
	`a.b.c == 1 OR a.b == 1`,
	`a in ('x', 'y', 'x*', 1, true)`,
	`a == 'x' AND a.b == 'y'`,
	`x.y.z == '*1*'`,
	`a == 'x' AND b == 1 AND c == true AND NOT d == 'q'`,
	`EventType == 'process' AND FileName == '*.exe'`,
}

func compileTest(tb testing.TB, src string, opt Options) *Program {
	tb.Helper()
	p, err := compileSrc(src, opt)
	if err != nil {
		tb.Fatalf("%s: %v", src, err)
	}
	return p
}

func compileSrc(src string, opt Options) (*Program, error) {
	x, diags := parser.Parse(src)
	if diags.HasErrors() {
		return nil, fmt.Errorf("%v", diags)
	}
	// The checker's errors (a string ordering, say) are not the evaluator's concern: it
	// must still agree with itself on whatever it compiles.
	info, _ := check.Check(x, check.Options{AllowUnknownFields: true, IgnoreCase: opt.IgnoreCase})
	return Compile(x, info, opt)
}

// agree checks that the raw path, the decoded path and the flattened event give one answer
// on data, and that the raw path fails exactly when Decode does. It returns that answer
// ("error" for malformed input).
func agree(tb testing.TB, p *Program, src string, data []byte) string {
	tb.Helper()
	v, derr := Decode(data)
	var m, ok bool
	if p.trie != nil {
		m, ok = p.rawMatch(data)
	} else { // more comparisons than the raw path tracks: MatchJSON decodes
		m, ok = false, derr == nil
		if ok {
			m = p.Match(v)
		}
	}
	if ok != (derr == nil) {
		tb.Fatalf("%s on %q: raw path ok=%v, Decode error %v", src, data, ok, derr)
	}
	jm, jerr := p.MatchJSON(data)
	if (jerr == nil) != ok || jm != m {
		tb.Fatalf("%s on %q: MatchJSON = %v, %v; raw path %v, %v", src, data, jm, jerr, m, ok)
	}
	if derr != nil {
		return "error"
	}
	if want := p.Match(v); m != want {
		tb.Fatalf("%s on %q: raw path %v, Match %v", src, data, m, want)
	}
	if e := NewEvent(v); p.MatchEvent(e) != m {
		tb.Fatalf("%s on %q: MatchEvent %v, Match %v", src, data, !m, m)
	}
	return fmt.Sprint(m)
}

func TestRawPathTricky(t *testing.T) {
	deep := func(n int, open, close string) string {
		return `{"a":` + strings.Repeat(open, n-1) + `"x"` + strings.Repeat(close, n-1) + `}`
	}
	tests := []struct {
		filter, event, want string
	}{
		{`a == 'x'`, `{"a":"x"}`, "true"},
		{`a == 'x'`, ` {"a" : "x" } ` + "\r\n", "true"},
		{`a == 'x'`, `{"a":"y","a":"x"}`, "true"},  // duplicate keys: the last wins
		{`a == 'x'`, `{"a":"x","a":"y"}`, "false"}, // duplicate keys: the last wins
		{`a.b == 'x'`, `{"a":{"b":"x"},"a":{"c":1}}`, "false"},
		{`a.b == 'x'`, `{"a":[{"b":"x"},{"b":"y","b":"z"}]}`, "true"},
		{`a.b == 'x'`, `{"a":[{"b":"y"},{"b":"x","b":"z"}]}`, "false"},
		{`a == '"\\'`, `{"a":"\"\\"}`, "true"},          // \" and \\ inside a string
		{`a == 'é'`, `{"a":"\u00e9"}`, "true"},          // \u escape
		{`a == 'é'`, `{"a":"\u00E9"}`, "true"},          // upper-case hex
		{`a == 'x'`, `{"\u0061":"x"}`, "true"},          // escaped key
		{`a == 'x'`, `{"\u0061":"x","a":"y"}`, "false"}, // escaped key is the same key
		{`a == '😀'`, `{"a":"\ud83d\ude00"}`, "true"},    // surrogate pair
		{`a == '?'`, `{"a":"\ud83d"}`, "true"},          // lone surrogate: U+FFFD
		{`a == '�x'`, `{"a":"\ud83dx"}`, "true"},        // lone surrogate then text
		{`a == '��'`, `{"a":"\ude00\ud83d"}`, "true"},   // reversed pair: two U+FFFD
		{`a == '�'`, "{\"a\":\"\xff\"}", "true"},        // invalid UTF-8 becomes U+FFFD
		{`a == '?'`, "{\"a\":\"\xe2\x82\"}", "false"},   // a truncated sequence: U+FFFD per byte
		{`a == '??'`, "{\"a\":\"\xe2\x82\"}", "true"},   // ... so two characters
		{`a == 'x'`, `{"a":"x\u0000"}`, "false"},
		{`a == 'x/y'`, `{"a":"x\/y"}`, "true"},
		{`b == 1`, `{"b":1.0}`, "true"},
		{`b == 1`, `{"b":1e0}`, "true"},
		{`b == 1`, `{"b":10e-1}`, "true"},
		{`b > 1`, `{"b":1.000000000000000000001}`, "true"},
		{`b < 0`, `{"b":-0.0000001}`, "true"},
		{`b == 0`, `{"b":-0}`, "true"},
		{`b > 9223372036854775807`, `{"b":9223372036854775808}`, "true"},
		{`b < -9223372036854775808`, `{"b":-9223372036854775809}`, "true"},
		{`b > 0`, `{"b":1e400}`, "true"},
		{`b < 1`, `{"b":1e-400}`, "true"},
		{`b > 0`, `{"b":123456789012345678901234567890}`, "true"},
		{`b == 1`, `{"b":"1"}`, "false"},
		{`a == 'x'`, `{"a":["y",["x"]]}`, "true"},
		{`a == 'x'`, `{"a":{"x":1}}`, "false"},
		{`a == 'x'`, `{"a":null}`, "false"},
		{`a != 'x'`, `{"a":null}`, "true"},
		{`a == 'x'`, `[{"a":"x"}]`, "true"}, // an array at the top fans out, as Match does
		{`a == 'x'`, `"x"`, "false"},
		{`a == 'x'`, `null`, "false"},
		{`a == 'x'`, deep(10000, "[", "]"), "true"},
		{`a == 'x'`, deep(10001, "[", "]"), "error"},
		{`b == 1`, deep(10001, "[", "]"), "error"},
		{`a == 'x'`, `{"z":` + strings.Repeat("[", 9999) + strings.Repeat("]", 9999) + `,"a":"x"}`, "true"},
		{`a == 'x'`, `{"z":` + strings.Repeat("[", 10000) + strings.Repeat("]", 10000) + `,"a":"x"}`, "error"},
		{`a == 'x'`, `{"z":` + strings.Repeat(`{"k":`, 9999) + `1` + strings.Repeat("}", 9999) + `,"a":"x"}`, "true"},
		{`a == 'x'`, `{"z":` + strings.Repeat(`{"k":`, 10000) + `1` + strings.Repeat("}", 10000) + `,"a":"x"}`, "error"},
		// Malformed input is an error, also after the decisive field and in skipped parts.
		{`a == 'x'`, ``, "error"},
		{`a == 'x'`, `   `, "error"},
		{`a == 'x'`, `{"a":"x"`, "error"},
		{`a == 'x'`, `{"a":"x"}}`, "error"},
		{`a == 'x'`, `{"a":"x"} {}`, "error"},
		{`a == 'x'`, `{"a":"x",}`, "error"},
		{`a == 'x'`, `{"a":"x","b":[1,]}`, "error"},
		{`a == 'x'`, `{"a":"x","b":01}`, "error"},
		{`a == 'x'`, `{"a":"x","b":1.}`, "error"},
		{`a == 'x'`, `{"a":"x","b":-}`, "error"},
		{`a == 'x'`, `{"a":"x","b":tru}`, "error"},
		{`a == 'x'`, `{"a":"x","b":"\x"}`, "error"},
		{`a == 'x'`, `{"a":"x","b":"\u12"}`, "error"},
		{`a == 'x'`, "{\"a\":\"x\",\"b\":\"\t\"}", "error"},
		{`a == 'x'`, `{"a":"x","b":{"c" 1}}`, "error"},
		{`a == 'x'`, `{"a":"x","b":[}`, "error"},
		{`a == 'x'`, `{"a":"x","b":{]}`, "error"},
		{`a == 'x'`, `{"a":"x",b:1}`, "error"},
		{`a == 'x'`, `{'a':'x'}`, "error"},
		{`a == 'x'`, "\ufeff{\"a\":\"x\"}", "error"},
		{`a == 'x'`, `{"a":"x"}` + "\x00", "error"},
		{`a == 'x'`, `{"a":NaN}`, "error"},
	}
	for _, tt := range tests {
		p := compileTest(t, tt.filter, Options{})
		if got := agree(t, p, tt.filter, []byte(tt.event)); got != tt.want {
			ev := tt.event
			if len(ev) > 60 {
				ev = ev[:60] + "..."
			}
			t.Errorf("%s on %s: got %s, want %s", tt.filter, ev, got, tt.want)
		}
	}
}

// TestRawPathAllFilters runs every differential filter, both case modes, on the tricky
// events and on events with many shapes.
func TestRawPathAllFilters(t *testing.T) {
	for _, data := range diffEvents() {
		for _, src := range diffFilters {
			for _, ic := range []bool{false, true} {
				p := compileTest(t, src, Options{IgnoreCase: ic})
				agree(t, p, src, data)
			}
		}
	}
}

func diffEvents() [][]byte {
	evs := []string{
		`{}`, `[]`, `1`, `"s"`, `{"a":"x","b":1,"c":true}`, `{"a":"X","b":"1","c":"true"}`,
		`{"a":{"b":"x"}}`, `{"a":{"b":{"c":1}}}`, `{"a":[{"b":"x"},{"b":{"c":1}}]}`,
		`{"a":"é","b":-3}`, `{"a":"É"}`, `{"a":"\"\\"}`, `{"a":"a\\bcd"}`, `{"a":"A\\BCD"}`,
		`{"x":{"y":[{"z":"112"},{"z":[1,"01"]}]}}`, `{"a":"","b":0}`, `{"a":"xyz"}`, `{"a":"zzz"}`,
		`{"b":9223372036854775807}`, `{"b":-9223372036854775808}`, `{"b":15.5}`, `{"b":20.0000}`,
		`{"c":false,"d":"q"}`, `{"EventType":"process","FileName":"a.exe"}`,
		`{"EventType":"process","FileName":"a.EXE"}`, `{"é":"x"}`, `{"\u00e9":"x"}`,
		`{"a":"x","a":{"b":"y"}}`, `{"a":{"b":"y"},"a":"x"}`, `{"a":"ſ"}`, `{"a":"K"}`,
		`{"a":"y","b":1,"c":true,"d":"r"}`, `{"a":"x","b":1,"c":true,"d":"q"}`,
		`{"a":"x"` + "\n", `{"a":[[[["x"]]]],"b":[[2],[1]]}`,
	}
	var out [][]byte
	for _, e := range evs {
		out = append(out, []byte(e))
	}
	return out
}

func FuzzDifferential(f *testing.F) {
	for _, e := range diffEvents() {
		f.Add(`a == 'x'`, e)
	}
	f.Add(`a.b in ('x*', 'y')`, []byte(`{"a":[{"b":"y"}],"a":{"b":"xx"}}`))
	f.Add(`b > 1`, []byte(`{"b":1.5e0}`))
	var progs []*Program
	for _, src := range diffFilters {
		progs = append(progs, compileTest(f, src, Options{}), compileTest(f, src, Options{IgnoreCase: true}))
	}
	f.Fuzz(func(t *testing.T, filter string, event []byte) {
		if len(event) > 1<<16 {
			return
		}
		if p, err := compileSrc(filter, Options{}); err == nil && p != nil {
			agree(t, p, filter, event)
		}
		for i, p := range progs {
			agree(t, p, diffFilters[i/2], event)
		}
		var v any
		if json.Unmarshal(event, &v) == nil {
			// Decode must accept what encoding/json accepts.
			if _, err := Decode(event); err != nil {
				t.Fatalf("Decode rejects %q: %v", event, err)
			}
		}
	})
}
