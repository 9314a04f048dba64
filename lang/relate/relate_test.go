package relate_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/katafilter/katafilter/lang"
	"github.com/katafilter/katafilter/lang/relate"
)

func side(t testing.TB, src string) relate.Filter {
	t.Helper()
	f := lang.Analyze(src, lang.Config{})
	if f.Diagnostics.HasErrors() {
		t.Fatalf("%s: %v", src, f.Diagnostics)
	}
	return relate.Filter{Expr: f.Expr, Info: f.Info}
}

func TestCompare(t *testing.T) {
	tests := []struct {
		old, new string
		want     relate.Relation
		witness  string // JSON of the witness, "" for none
	}{
		{"EventType == 'process'", "EventType == 'process'", relate.Equivalent, ""},
		{"EventType == 'process' AND FileName == 'a'", "FileName == 'a' AND EventType == 'process'", relate.Equivalent, ""},
		{"EventType == 'process' AND FileName != 'a'", "EventType == 'process' AND NOT FileName == 'a'", relate.Equivalent, ""},
		{"EventType == 'process' AND FileName in ('a', 'b')", "EventType == 'process' AND (FileName == 'b' OR FileName == 'a')", relate.Equivalent, ""},
		{"EventType == 'process' AND FileName == 'a'", "EventType == 'process' AND FileName in ('a', 'b')", relate.Broader,
			`{"EventType":"process","FileName":"b"}`},
		{"EventType == 'process' AND FileName in ('a', 'b')", "EventType == 'process' AND FileName == 'a'", relate.Narrower,
			`{"EventType":"process","FileName":"b"}`},
		{"EventType == 'process' AND FileSize > 10", "EventType == 'process' AND FileSize > 5", relate.Broader,
			`{"EventType":"process","FileSize":6}`},
		{"EventType == 'process' AND FileSize >= 10", "EventType == 'process' AND FileSize > 9", relate.Equivalent, ""},
		{"EventType == 'process' AND FileName == 'a'", "EventType == 'process' AND FileName == 'b'", relate.Incomparable,
			`{"EventType":"process","FileName":"b"}`},
		{"EventType == 'process'", "EventType == 'process' AND NOT FileName == 'cmd.exe'", relate.Narrower,
			`{"EventType":"process","FileName":"cmd.exe"}`},
		{"EventType == 'process' AND FileName == 'cmd.exe'", "EventType == 'process' AND FileName == '*.exe'", relate.Broader,
			`{"EventType":"process","FileName":".exe"}`},
		// Wildcard containment is beyond the reasoning: the witness search finds nothing and
		// nothing is proved, so the answer is unknown, not a guess.
		{"EventType == 'process' AND FileName == 'ab*'", "EventType == 'process' AND FileName == 'a*'", relate.Broader,
			`{"EventType":"process","FileName":"a"}`},
		{"EventType == 'process' AND FileName == 'C:\\\\Windows\\\\*'", "EventType == 'process' AND FileName == 'C:\\\\*'", relate.Broader,
			`{"EventType":"process","FileName":"C:\\"}`},
		// A value that must match two patterns at once is beyond the reasoning: these two
		// are equivalent, but that is not proved, and no witness exists: unknown.
		{"EventType == 'process' AND FileName == '*a*' AND FileName == '*b*'", "EventType == 'process' AND (FileName == '*a*b*' OR FileName == '*b*a*')", relate.Unknown, ""},
		{"EventType == 'process' AND FileName == 'a*'", "EventType == 'process' AND FileName == '*'", relate.Broader,
			`{"EventType":"process","FileName":""}`},
	}
	// Past the bound on conjunctions, the checker still proves at once what the whole
	// difference cannot be: OLD pins EventType to process, NOT NEW to anything else.
	var ors []string
	for i := range 14 {
		ors = append(ors, fmt.Sprintf("(FileSize == %d OR FileName == 'x%d')", i, i))
	}
	tests = append(tests, struct {
		old, new string
		want     relate.Relation
		witness  string
	}{"EventType == 'process' AND " + strings.Join(ors, " AND "), "EventType == 'process'", relate.Broader, `{"EventType":"process"}`})
	for _, tt := range tests {
		r, err := relate.Compare(side(t, tt.old), side(t, tt.new), relate.Options{})
		if err != nil {
			t.Fatal(err)
		}
		w := ""
		if r.Witness != nil {
			b, _ := json.Marshal(r.Witness)
			w = string(b)
		}
		if r.Relation != tt.want || w != tt.witness {
			t.Errorf("%s → %s: %s %s, want %s %s (only old %+v, only new %+v)", tt.old, tt.new, r.Relation, w, tt.want, tt.witness, r.OnlyOld, r.OnlyNew)
		}
	}
}
