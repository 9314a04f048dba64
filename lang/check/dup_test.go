package check_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/katafilter/katafilter/lang/check"
	"github.com/katafilter/katafilter/lang/diag"
	"github.com/katafilter/katafilter/lang/parser"
)

// TestDuplicateValues: a value of an in list that means the same as an earlier one is
// reported, whatever the way it is written, in short lists and in long ones alike.
func TestDuplicateValues(t *testing.T) {
	var long []string
	for i := range 40 {
		long = append(long, fmt.Sprintf("'v%d'", i))
	}
	longList := strings.Join(long, ", ")
	tests := []struct {
		src        string
		ignoreCase bool
		want       string // the duplicates reported, as written
	}{
		{`UserName in ('a', 'b', 'a')`, false, `'a'`},
		{`UserName in ('a', 'A')`, false, ``},
		{`UserName in ('a', 'A')`, true, `'A'`},
		{`UserName in ('ä', 'Ä', 'ä')`, true, `'Ä' 'ä'`},
		{`UserName in ('a\*', 'a*', 'a\*', 'a*')`, false, `'a\*' 'a*'`},
		{`UserName in ('a\\b', 'a\\b', 'a\q', 'a\q', 'it\'s', 'it\'s')`, false, `'a\\b' 'a\q' 'it\'s'`},
		{`UserName in ('', '', '?', '*', '?')`, false, `'' '?'`},
		{`FileSize in (5, 05, 5, 99999999999999999999, 99999999999999999999, -0, 0)`, false, `05 5 99999999999999999999 0`},
		{`Custom.Flag in (true, TRUE, false)`, false, `TRUE`},
		{"UserName in ('a\xffb', 'a\uFFFDb', 'a\xff\xfeb', 'a\uFFFD\uFFFDb')", false, "'a\uFFFDb' 'a\uFFFD\uFFFDb'"},
		{`UserName in ('C:\Temp\*', 'c:\temp\*', 'C:\Temp\\*', 'C:\Temp\*')`, true, `'c:\temp\*' 'C:\Temp\*'`},
		{`UserName in (` + longList + `, 'v3', 'V39', 'v39')`, false, `'v3' 'v39'`},
		{`UserName in (` + longList + `, 'v3', 'V39', 'v39')`, true, `'v3' 'V39' 'v39'`},
	}
	for _, tt := range tests {
		x, pd := parser.Parse(tt.src)
		if !parser.SyntaxOK(pd) {
			t.Fatalf("%s: %v", tt.src, pd)
		}
		_, diags := check.Check(x, check.Options{IgnoreCase: tt.ignoreCase, AllowUnknownFields: true})
		var got []string
		for _, d := range diags {
			if d.Code == diag.DuplicateValue {
				got = append(got, tt.src[d.Span.Start:d.Span.End])
			}
		}
		if g := strings.Join(got, " "); g != tt.want {
			t.Errorf("%s (ignore case %v): got %s, want %s", tt.src, tt.ignoreCase, g, tt.want)
		}
	}
}
