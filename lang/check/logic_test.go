package check

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/katafilter/katafilter/lang/ast"
	"github.com/katafilter/katafilter/lang/kfl"
	"github.com/katafilter/katafilter/lang/parser"
	"github.com/katafilter/katafilter/lang/schema"
)

// refTruth is the definition that the event-type analysis (checker.possible, which evaluates
// up to 64 event types at once) must agree with: x evaluated for one event type et ("" for a
// type the schema does not list) in Kleene's logic, every other comparison unknown. It returns
// 0 for false, 1 for unknown, 2 for true.
func refTruth(c *checker, x ast.Expr, et string) int {
	switch x := x.(type) {
	case *ast.Paren:
		return refTruth(c, x.X, et)
	case *ast.Not:
		return 2 - refTruth(c, x.X, et)
	case *ast.Binary:
		a, b := refTruth(c, x.X, et), refTruth(c, x.Y, et)
		if x.Op == ast.And {
			return min(a, b)
		}
		return max(a, b)
	case *ast.Compare:
		if !c.isEventType(x.Field) || x.Value.Kind != ast.String || x.Op.Ordering() {
			return 1
		}
		t := refMatch(c, x.Value, et)
		if x.Op == ast.Ne {
			return 2 - t
		}
		return t
	case *ast.In:
		if !c.isEventType(x.Field) {
			return 1
		}
		t := 0
		for _, v := range x.Values {
			if v.Kind == ast.String {
				t = max(t, refMatch(c, v, et))
			}
		}
		return t
	}
	return 1
}

func refMatch(c *checker, v *ast.Literal, et string) int {
	p := c.info.Patterns[v]
	m := ast.NewMatcher(p, c.opt.IgnoreCase)
	if et == "" {
		if p.IsLiteral() && slices.ContainsFunc(c.opt.Schema.EventTypes(), func(k schema.Value) bool { return m.Match(k.Text) }) {
			return 0
		}
		return 1
	}
	if m.Match(et) {
		return 2
	}
	return 0
}

// TestEventTypeAnalysis holds the event-type analysis to refTruth on every filter of the
// checker corpus and on filters made for it, with the default schema and with one of 70 event
// types (more than one 64-bit word), case-sensitive and not.
func TestEventTypeAnalysis(t *testing.T) {
	filters := []string{
		`EventType == 'process'`,
		`EventType != 'process'`,
		`NOT (EventType == 'process' OR EventType == 'module') AND FileName == 'x'`,
		`EventType in ('process', 'mod*', 'nosuch', 5)`,
		`EventType in ()`,
		`EventType == 'nosuch' OR EventType == 'p*'`,
		`EventType == '*' AND NOT EventType == 'PROCESS'`,
		`(EventType == 'process' OR FileName == 'a') AND (EventType == 'module' OR FileName == 'b')`,
		`EventType > 'a' OR EventType == 1`,
		`eventType == 'registry' OR EventType == 't69' OR EventType == 't6?'`,
		`FileName == 'x'`,
	}
	files, _ := filepath.Glob(filepath.Join("..", "..", "testdata", "lang", "check", "*.txtar"))
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		// The filters section of each archive: one filter per line after "-- filters --".
		_, rest, ok := strings.Cut(string(data), "-- filters --\n")
		if !ok {
			continue
		}
		rest, _, _ = strings.Cut(rest, "\n-- ")
		for _, e := range kfl.Split(rest) {
			filters = append(filters, e.Text)
		}
	}
	if len(filters) < 100 {
		t.Fatalf("only %d filters: the corpus was not found", len(filters))
	}
	var ext strings.Builder
	ext.WriteString(`{"fields":[{"name":"EventType","values":[`)
	for i := range 70 {
		if i > 0 {
			ext.WriteString(",")
		}
		fmt.Fprintf(&ext, `{"value":"t%d"}`, i)
	}
	ext.WriteString(`]}]}`)
	wide, err := schema.Default().Extend([]byte(ext.String()), "wide.json")
	if err != nil {
		t.Fatal(err)
	}
	if n := len(wide.EventTypes()); n <= 64 {
		t.Fatalf("the wide schema has %d event types", n)
	}
	checked := 0
	for _, s := range []*schema.Schema{schema.Default(), wide} {
		for _, ignoreCase := range []bool{false, true} {
			opt := Options{Schema: s, IgnoreCase: ignoreCase, AllowUnknownFields: true}
			for _, src := range filters {
				x, pd := parser.Parse(src)
				if !parser.SyntaxOK(pd) {
					continue
				}
				checked++
				info, _ := Check(x, opt)
				c := &checker{opt: opt, info: info}
				ast.Inspect(x, func(n ast.Node) bool {
					if f, ok := n.(*ast.Field); ok && c.firstEventType == nil && c.isEventType(f) {
						c.firstEventType = f
					}
					return true
				})
				var want []string
				for _, et := range s.EventTypes() {
					if refTruth(c, x, et.Text) != 0 {
						want = append(want, et.Text)
					}
				}
				if got := c.possibleEventTypes(x, s.EventTypes()); !slices.Equal(got, want) {
					t.Errorf("%s (ignore case %v, %d types):\n got %v\nwant %v", src, ignoreCase, len(s.EventTypes()), got, want)
				}
				if c.firstEventType == nil {
					continue
				}
				if got, want := c.possible(x, otherEventType) != 0, refTruth(c, x, "") != 0; got != want {
					t.Errorf("%s (ignore case %v): an unlisted event type possible: got %v, want %v", src, ignoreCase, got, want)
				}
			}
		}
	}
	t.Logf("%d filters checked", checked)
}
