package gen_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"testing"
	"time"

	"github.com/katafilter/katafilter/eventsapi/gen"
	"github.com/katafilter/katafilter/lang"
	"github.com/katafilter/katafilter/lang/schema"
)

// flatten lists the dotted paths of an event's scalar values (arrays are crossed, as the
// filter language crosses them).
func flatten(prefix string, v any, out map[string]any) {
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			p := k
			if prefix != "" {
				p = prefix + "." + k
			}
			flatten(p, x, out)
		}
	case []any:
		for _, x := range v {
			flatten(prefix, x, out)
		}
	default:
		out[prefix] = v
	}
}

// TestFieldsAreInTheSchema checks that every generated field is a field of the vendor's table
// (Timestamp aside, which real events carry but the table omits), with the table's type.
func TestFieldsAreInTheSchema(t *testing.T) {
	g := gen.New(1, 10, nil)
	s := schema.Default()
	for _, et := range gen.EventTypes {
		for range 30 {
			var ev map[string]any
			if err := json.Unmarshal(g.Of(et), &ev); err != nil {
				t.Fatal(err)
			}
			fields := map[string]any{}
			flatten("", ev, fields)
			for name, v := range fields {
				if name == "Timestamp" {
					continue
				}
				f, ok := s.Lookup(name)
				if !ok {
					t.Errorf("%s: field %s is not in the schema", et, name)
					continue
				}
				_, isNum := v.(float64)
				if (f.Type == schema.Integer) != isNum {
					t.Errorf("%s: field %s holds %T, the schema says %v", et, name, v, f.Type)
				}
			}
		}
	}
}

func TestAllTypesAndFilters(t *testing.T) {
	g := gen.New(2, 0, nil)
	counts := map[string]int{}
	var events [][]byte
	for range 2000 {
		e := g.Next()
		var ev struct{ EventType string }
		json.Unmarshal(e, &ev)
		counts[ev.EventType]++
		events = append(events, e)
	}
	var types []string
	for k := range counts {
		types = append(types, k)
	}
	sort.Strings(types)
	want := slices.Clone(gen.EventTypes)
	sort.Strings(want)
	if !slices.Equal(types, want) {
		t.Fatalf("types %v, want all 16", types)
	}
	for _, et := range gen.EventTypes {
		p, diags := lang.Compile(fmt.Sprintf("EventType == '%s'", et), lang.Config{})
		if p == nil {
			t.Fatal(diags)
		}
		n := 0
		for _, e := range events {
			if ok, err := p.MatchJSON(e); err != nil {
				t.Fatal(err)
			} else if ok {
				n++
			}
		}
		if n != counts[et] {
			t.Errorf("%s: the filter matches %d events, %d were made", et, n, counts[et])
		}
	}
}

func TestDeterministic(t *testing.T) {
	now := func() time.Time { return time.Unix(1764000000, 0) }
	a, b := gen.New(5, 3, now), gen.New(5, 3, now)
	for range 50 {
		if x, y := a.Next(), b.Next(); string(x) != string(y) {
			t.Fatalf("same seed, different events:\n%s\n%s", x, y)
		}
	}
}

func ExampleGenerator_Of() {
	g := gen.New(1, 1, func() time.Time { return time.Unix(1764000000, 0) })
	var ev struct {
		EventType, HostName, OsFamily string
		Timestamp                     int64
	}
	json.Unmarshal(g.Of("portlisten"), &ev)
	fmt.Println(ev.EventType, ev.HostName, ev.OsFamily, ev.Timestamp)
	// Output: portlisten LAPTOP-001 Windows 1764000000000000
}
