package explain_test

import (
	"fmt"
	"math/rand/v2"
	"os"
	"strings"
	"testing"

	sharedbench "github.com/katafilter/katafilter/internal/workload"
	"github.com/katafilter/katafilter/lang"
	"github.com/katafilter/katafilter/lang/eval"
	"github.com/katafilter/katafilter/lang/explain"
	"github.com/katafilter/katafilter/lang/kfl"
)

func decode(t testing.TB, s string) any {
	t.Helper()
	v, err := eval.Decode([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestExplain(t *testing.T) {
	tests := []struct {
		filter, event, want string
		ignoreCase          bool
	}{
		{
			filter: `EventType == 'process' AND FileName == '*powershell*'`,
			event:  `{"EventType":"process","FileName":"cmd.exe"}`,
			want: `false  AND
  true   EventType == 'process'  (EventType: "process")
  false  FileName == '*powershell*'  (FileName: "cmd.exe")
`,
		},
		{
			filter: `FileName != 'a.exe'`,
			event:  `{"EventType":"process"}`,
			want:   "true   FileName != 'a.exe'  (FileName: field missing)\n",
		},
		{
			filter: `NOT (FileSize > 10 OR FileSize < 2)`,
			event:  `{"FileSize":5}`,
			want: `true   NOT
  false  OR
    false  FileSize > 10  (FileSize: 5)
    false  FileSize < 2  (FileSize: 5)
`,
		},
		{
			filter: `a == 1 AND (b == 2 AND c == 3) OR d in (1, 2)`,
			event:  `{"a":1,"b":2,"c":[4,3],"d":"x"}`,
			want: `true   OR
  true   AND
    true   a == 1  (a: 1)
    true   b == 2  (b: 2)
    true   c == 3  (c: 4, 3)
  false  d in (1, 2)  (d: "x")
`,
		},
		{
			filter:     `Ioa.Rules.Name == 'lsass*'`,
			event:      `{"Ioa":{"Rules":[{"Name":"LSASS_Access"},{"Id":"x"}]}}`,
			want:       "true   Ioa.Rules.Name == 'lsass*'  (Ioa.Rules.Name: \"LSASS_Access\")\n",
			ignoreCase: true,
		},
		{
			filter: `hostName == 'WS*'`, // an alias reads the canonical path
			event:  `{"HostName":"WS-1"}`,
			want:   "true   hostName == 'WS*'  (HostName: \"WS-1\")\n",
		},
		{
			filter: `x == 1`,
			event:  `{"x":{"deep":"` + strings.Repeat("y", 80) + `"}}`,
			want:   "false  x == 1  (x: {\"deep\":\"" + strings.Repeat("y", 50) + "…)\n",
		},
		{
			filter: `x == 1`,
			event:  `{"x":[1,2,3,4,5,6,7]}`,
			want:   "true   x == 1  (x: 1, 2, 3, 4, 5, … 2 more)\n",
		},
	}
	for _, tt := range tests {
		f := lang.Analyze(tt.filter, lang.Config{AllowUnknownFields: true, IgnoreCase: tt.ignoreCase})
		n, err := explain.Filter(f, decode(t, tt.event))
		if err != nil {
			t.Errorf("%s: %v", tt.filter, err)
			continue
		}
		if got := n.String(); got != tt.want {
			t.Errorf("%s on %s:\ngot:\n%s\nwant:\n%s", tt.filter, tt.event, got, tt.want)
		}
	}
}

func TestExplainRefusesErrors(t *testing.T) {
	for _, src := range []string{`EventType ==`, `NoSuchField == 1`} {
		f := lang.Analyze(src, lang.Config{})
		if _, err := explain.Filter(f, map[string]any{}); err == nil {
			t.Errorf("%s: explained a filter with errors", src)
		}
	}
	if _, err := explain.New(nil, nil, explain.Options{}); err == nil {
		t.Error("explained a nil tree")
	}
}

// workload returns the benchmark's filters and up to n events of its committed slice.
func workload(t *testing.T, n int) ([]string, []any) {
	t.Helper()
	q, err := sharedbench.Queries()
	if err != nil {
		t.Fatal(err)
	}
	lines, err := sharedbench.EventLines()
	if err != nil {
		t.Fatal(err)
	}
	var filters []string
	for _, e := range kfl.Split(string(q)) {
		filters = append(filters, e.Text)
	}
	var events []any
	for _, l := range lines[:min(n, len(lines))] {
		events = append(events, decode(t, string(l)))
	}
	return filters, events
}

// agree checks that the explanation's verdict equals the program's on every event, and that
// every node's verdict follows from its children's.
func agree(t *testing.T, src string, cfg lang.Config, events []any) {
	t.Helper()
	f := lang.Analyze(src, cfg)
	prog, err := f.Program()
	if err != nil {
		t.Fatalf("%s: %v", src, err)
	}
	for i, ev := range events {
		n, err := explain.Filter(f, ev)
		if err != nil {
			t.Fatalf("%s: %v", src, err)
		}
		if n.Result != prog.Match(ev) {
			t.Fatalf("%s on event %d: explanation says %v, program says %v\n%s", src, i, n.Result, !n.Result, n)
		}
		consistent(t, n)
	}
}

func consistent(t *testing.T, n *explain.Node) {
	t.Helper()
	switch n.Kind {
	case explain.And, explain.Or:
		want := n.Kind == explain.And
		for _, c := range n.Children {
			consistent(t, c)
			if n.Kind == explain.And {
				want = want && c.Result
			} else {
				want = want || c.Result
			}
		}
		if want != n.Result || len(n.Children) < 2 {
			t.Fatalf("inconsistent node:\n%s", n)
		}
	case explain.Not:
		consistent(t, n.Children[0])
		if n.Result == n.Children[0].Result {
			t.Fatalf("inconsistent NOT:\n%s", n)
		}
	}
}

func TestAgreesWithProgramOnWorkload(t *testing.T) {
	filters, events := workload(t, 3000)
	for _, src := range filters {
		agree(t, src, lang.Config{}, events)
		agree(t, src, lang.Config{IgnoreCase: true}, events)
	}
}

// TestAgreesWithProgramOnRandomEvents runs random filters over random events built to hit the
// corners: missing fields, nulls, arrays (nested too), values of the wrong JSON type.
func TestAgreesWithProgramOnRandomEvents(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 11))
	fields := []string{"EventType", "FileName", "FileSize", "a", "a.b", "a.b.c", "n"}
	strs := []string{"'process'", "'*.exe'", "'a?c'", "'ABC'", "'abc'", "'*'", "''", "'1'"}
	ints := []string{"0", "1", "-3", "10", "9007199254740993"}
	var randValue func(depth int) any
	randValue = func(depth int) any {
		switch r.IntN(9) {
		case 0:
			return nil
		case 1:
			return r.IntN(2) == 0
		case 2, 3:
			return strings.Trim(strs[r.IntN(len(strs))], "'")
		case 4, 5:
			return decodeNumber(ints[r.IntN(len(ints))], r.IntN(2) == 0)
		case 6:
			if depth < 3 {
				return []any{randValue(depth + 1), randValue(depth + 1)}
			}
		case 7:
			if depth < 3 {
				return map[string]any{"b": randValue(depth + 1), "c": randValue(depth + 1)}
			}
		}
		return "process"
	}
	randEvent := func() any {
		ev := map[string]any{}
		for _, f := range []string{"EventType", "FileName", "FileSize", "a", "n"} {
			if r.IntN(4) == 0 {
				continue
			}
			ev[f] = randValue(0)
		}
		return ev
	}
	var randExpr func(depth int) string
	randExpr = func(depth int) string {
		if depth < 3 {
			switch r.IntN(5) {
			case 0:
				return randExpr(depth+1) + " AND " + randExpr(depth+1)
			case 1:
				return "(" + randExpr(depth+1) + " OR " + randExpr(depth+1) + ")"
			case 2:
				return "NOT " + randExpr(depth+1)
			}
		}
		f := fields[r.IntN(len(fields))]
		if r.IntN(2) == 0 {
			op := []string{"==", "!=", ">", ">=", "<", "<="}[r.IntN(6)]
			return f + " " + op + " " + ints[r.IntN(len(ints))]
		}
		if r.IntN(3) == 0 {
			return f + " in (" + strs[r.IntN(len(strs))] + ", " + strs[r.IntN(len(strs))] + ")"
		}
		return f + " " + []string{"==", "!="}[r.IntN(2)] + " " + strs[r.IntN(len(strs))]
	}
	var events []any
	for range 300 {
		events = append(events, randEvent())
	}
	tested := 0
	for range 400 {
		src := randExpr(0)
		// The random filters are not type-correct against the schema; check them schema-free
		// so that the evaluator's handling of every JSON type is exercised.
		f := lang.Analyze(src, lang.Config{AllowUnknownFields: true})
		if f.Diagnostics.HasErrors() {
			continue
		}
		tested++
		agree(t, src, lang.Config{AllowUnknownFields: true, IgnoreCase: r.IntN(2) == 0}, events)
	}
	if tested < 50 {
		t.Fatalf("only %d random filters were free of errors", tested)
	}
}

// decodeNumber returns the number text as json.Number or float64, the two forms decoding gives.
func decodeNumber(s string, exact bool) any {
	var v any
	var err error
	if exact {
		v, err = eval.Decode([]byte(s))
	} else {
		var f float64
		_, err = fmt.Sscan(s, &f)
		v = f
	}
	if err != nil {
		panic(err)
	}
	return v
}

func ExampleFilter() {
	f := lang.Analyze(`EventType == 'process' AND (FileName == '*powershell*' OR FileSize > 100)`, lang.Config{})
	event, _ := eval.Decode([]byte(`{"EventType":"process","FileName":"cmd.exe"}`))
	n, err := explain.Filter(f, event)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Print(n)
	// Output:
	// false  AND
	//   true   EventType == 'process'  (EventType: "process")
	//   false  OR
	//     false  FileName == '*powershell*'  (FileName: "cmd.exe")
	//     false  FileSize > 100  (FileSize: field missing)
}

func ExampleExplainer() {
	f := lang.Analyze(`EventType == 'process' AND NOT FileName in ('cmd.exe', 'powershell.exe')`, lang.Config{})
	ex, err := explain.NewFilter(f) // prepared once, for any number of events
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, line := range []string{`{"EventType":"process","FileName":"cmd.exe"}`, `{"EventType":"process"}`} {
		event, _ := eval.Decode([]byte(line))
		n := ex.Explain(event)
		fmt.Println(n.Result, "because:")
		_ = n.Write(os.Stdout, "  ")
	}
	// Output:
	// false because:
	//   false  AND
	//     true   EventType == 'process'  (EventType: "process")
	//     false  NOT
	//       true   FileName in ('cmd.exe', 'powershell.exe')  (FileName: "cmd.exe")
	// true because:
	//   true   AND
	//     true   EventType == 'process'  (EventType: "process")
	//     true   NOT
	//       false  FileName in ('cmd.exe', 'powershell.exe')  (FileName: field missing)
}
