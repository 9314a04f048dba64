package relate_test

import (
	"testing"

	"github.com/katafilter/katafilter/lang"
	"github.com/katafilter/katafilter/lang/relate"
)

// FuzzCompare: any two filters without errors are compared without a panic, and every witness
// matches the side it should and not the other.
func FuzzCompare(f *testing.F) {
	for _, s := range [][2]string{
		{"EventType == 'process'", "EventType == 'process' AND FileSize > 10"},
		{"FileName in ('a', 'b*')", "NOT (FileName != 'a' AND FileName != 'b*')"},
		{"FileSize >= 10 OR FileSize < 3", "NOT (FileSize < 10 AND FileSize >= 3)"},
		{"Ioa.Rules.Name == 'x' AND HostName == 'WS-?'", "Ioa.Rules.Name != 'x'"},
		{"EventType == 'process' AND FileFullName == 'C:\\\\Windows\\\\*'", "EventType == 'process' AND FileFullName == 'C:\\\\Windows\\*'"},
	} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, old, new string) {
		fo, fn := lang.Analyze(old, lang.Config{}), lang.Analyze(new, lang.Config{})
		if fo.Diagnostics.HasErrors() || fn.Diagnostics.HasErrors() {
			return
		}
		r, err := relate.Compare(relate.Filter{Expr: fo.Expr, Info: fo.Info}, relate.Filter{Expr: fn.Expr, Info: fn.Info}, relate.Options{MaxTerms: 256})
		if err != nil {
			t.Fatal(err)
		}
		po, _ := lang.Compile(old, lang.Config{})
		pn, _ := lang.Compile(new, lang.Config{})
		if w := r.OnlyOld.Witness; w != nil && (!po.Match(w) || pn.Match(w)) {
			t.Fatalf("only-old witness %v", w)
		}
		if w := r.OnlyNew.Witness; w != nil && (po.Match(w) || !pn.Match(w)) {
			t.Fatalf("only-new witness %v", w)
		}
		if r.OnlyOld.Empty && r.OnlyOld.Witness != nil || r.OnlyNew.Empty && r.OnlyNew.Witness != nil {
			t.Fatalf("a difference both empty and witnessed: %+v", r)
		}
	})
}
