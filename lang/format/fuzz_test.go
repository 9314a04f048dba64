package format_test

import (
	"testing"

	"github.com/katafilter/katafilter/lang"
	"github.com/katafilter/katafilter/lang/eval"
	"github.com/katafilter/katafilter/lang/format"
	"github.com/katafilter/katafilter/lang/parser"
)

// fmtEvents are the sample events on which a filter and its canonical form must agree.
var fmtEvents = []string{
	`{}`,
	`{"A":1,"B":"x","C":true,"EventType":"process","FileName":"cmd.exe","FileSize":10}`,
	`{"A":2,"B":"y","C":false,"EventType":"module","FileName":"a*b","FileSize":-1}`,
	`{"A":[1,2],"B":["x","z"],"C":null,"EventType":["process","module"],"UserName":"CORP\\Иван"}`,
	`{"A":"1","B":3,"C":"true","FileName":"it's","HostName":"WS-?"}`,
	`{"a":{"b":[{"c":"x"},{"c":1}]},"Ioa":{"Rules":[{"Name":"R1"},{"Name":"r2"}]}}`,
}

// FuzzFormat: formatting is idempotent, fmt(fmt(x)) == fmt(x), and fmt(x) matches exactly the
// events x matches, on fmtEvents and with and without IgnoreCase. Seeds: testdata/fuzz/FuzzFormat.
func FuzzFormat(f *testing.F) {
	for _, s := range []string{
		`NOT (A == 1 OR B == 'x') AND (C == true OR NOT NOT A in (1, 2))`,
		`in(FileName, 'a\*b', '*.exe') or EventType != 'proc*'`,
		`(((A > -0))) AND (B == "x" OR a.b.c == 1)`,
		`UserName == 'corp\\и*' AND NOT (Ioa.Rules.Name == 'R?' AND HostName == 'WS-\?')`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		x, xd := parser.Parse(src)
		if !parser.SyntaxOK(xd) {
			format.Node(x) // a partial tree prints without a crash, though fmt refuses it
			return
		}
		once := format.Node(x)
		y, diags := parser.Parse(once)
		if !parser.SyntaxOK(diags) {
			t.Fatalf("fmt(%q) = %q does not parse:\n%s", src, once, diags.String("", once))
		}
		if twice := format.Node(y); twice != once {
			t.Fatalf("fmt(%q) = %q but fmt of that is %q", src, once, twice)
		}
		for _, ic := range []bool{false, true} {
			cfg := lang.Config{AllowUnknownFields: true, IgnoreCase: ic}
			p, _ := lang.Compile(src, cfg)
			q, qd := lang.Compile(once, cfg)
			if p == nil {
				continue // a filter with errors (double quotes, say) may format into a good one
			}
			if q == nil {
				t.Fatalf("%q compiles but its canonical form %q does not:\n%s", src, once, qd.String("", once))
			}
			for _, ev := range fmtEvents {
				v, err := eval.Decode([]byte(ev))
				if err != nil {
					t.Fatal(err)
				}
				if p.Match(v) != q.Match(v) {
					t.Fatalf("%q and its canonical form %q disagree on %s (ignore case %v)", src, once, ev, ic)
				}
			}
		}
	})
}
