package check_test

import (
	"testing"

	"github.com/katafilter/katafilter/lang/ast"
	"github.com/katafilter/katafilter/lang/check"
	"github.com/katafilter/katafilter/lang/diag"
	"github.com/katafilter/katafilter/lang/parser"
)

// FuzzCheck: the checker never panics, under every combination of options; every diagnostic's
// span lies within the input; every fix applies (its edits lie within the input and do not
// overlap), and the fixed text parses and checks without panicking either; a safe fix keeps
// a filter that parsed parsing, and leaves fewer diagnostics of its code.
// Seeds: testdata/fuzz/FuzzCheck.
func FuzzCheck(f *testing.F) {
	for _, s := range []string{
		`EventType == 'proces' AND FileNam == 5 AND hostname in ('a', 'a')`,
		`EventType == 'proces' AND FileNam = 'x' AND (FileSize > 'x' OR ) hostname in ('a', 'a'`,
		`EventType == 'process' AND EventType == 'module' AND FileSize > 10 AND FileSize < 5`,
		`FilePath == 'C:\Windows\System32' OR Ioa..Severity == 'high' OR SystemPid. == '1*'`,
		`in(EventType) OR NOT EventType != '*' OR FileSize > 9223372036854775807`,
	} {
		f.Add(s, uint8(0))
	}
	f.Fuzz(func(t *testing.T, src string, flags uint8) {
		opt := check.Options{Strict: flags&1 != 0, IgnoreCase: flags&2 != 0, AllowUnknownFields: flags&4 != 0}
		x, pd := parser.Parse(src)
		_, cd := check.Check(x, opt)
		all := append(pd, cd...)
		whole := ast.Span{Start: 0, End: len(src)}
		for _, d := range all {
			if !(whole.Start <= d.Span.Start && d.Span.Start <= d.Span.End && d.Span.End <= whole.End) {
				t.Fatalf("%q: %s span %v outside the input", src, d.Code, d.Span)
			}
			if _, ok := diag.Lookup(d.Code); !ok {
				t.Fatalf("%q: undocumented code %s", src, d.Code)
			}
			for _, fx := range d.Fixes {
				fixed, err := diag.ApplyEdits(src, fx.Edits)
				if err != nil {
					t.Fatalf("%q: fix %q of %s: %v", src, fx.Title, d.Code, err)
				}
				y, ypd := parser.Parse(fixed)
				_, ycd := check.Check(y, opt)
				if !fx.Safe {
					continue
				}
				// a safe fix keeps a parsed filter parsed and removes a diagnostic of its code
				if parser.SyntaxOK(pd) && !parser.SyntaxOK(ypd) {
					t.Fatalf("%q: safe fix %q of %s gives %q, which does not parse: %s", src, fx.Title, d.Code, fixed, ypd[0].Message)
				}
				if count(append(ypd, ycd...), d.Code) >= count(all, d.Code) {
					t.Fatalf("%q: safe fix %q of %s gives %q, which still has as many %s", src, fx.Title, d.Code, fixed, d.Code)
				}
			}
		}
	})
}

func count(l diag.List, c diag.Code) int {
	n := 0
	for _, d := range l {
		if d.Code == c {
			n++
		}
	}
	return n
}
