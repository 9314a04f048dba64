package rulefile

import (
	"testing"

	"github.com/katafilter/katafilter/lang/ast"
)

// FuzzSites checks that reading filters out of any YAML or JSON text and mapping their spans
// never panics, and that every map points inside the file.
func FuzzSites(f *testing.F) {
	for _, s := range []string{
		"filter: a == 1\n", "filter: |\n  a == 1\n", "filter: >-\n  a\n\n  b\n", "filter: 'a ''b'''\n",
		"filter: \"a\\tb\\\n  c\"\n", "- {filter: x == 1}\n", "filter: |2\n   x\n", "filter:\n  - a\n  - 'b'\n",
		`{"filter": "a \u0041 \ud83d\ude00"}`, `[{"filter": ["x", 1]}]`, "filter: eventType=='x'\ntests: {match: [{a: 1}]}\n",
	} {
		f.Add(s)
	}
	keys := map[string]bool{"filter": true}
	f.Fuzz(func(t *testing.T, src string) {
		lines := ast.NewLineTable(src)
		for _, k := range []Kind{YAML, JSON, KFL} {
			sites, _ := Extract(src, lines, k, keys)
			for _, s := range sites {
				for i := 0; i <= len(s.Map.Text); i++ {
					sp := s.Map.Span(ast.Span{Start: i, End: min(i+3, len(s.Map.Text))})
					if sp.Start < 0 || sp.End > len(src) || sp.End < sp.Start {
						t.Fatalf("span %v outside the file of %d bytes", sp, len(src))
					}
				}
			}
		}
	})
}
