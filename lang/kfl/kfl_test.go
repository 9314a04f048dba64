package kfl_test

import (
	"flag"
	"fmt"
	"strings"
	"testing"

	"github.com/katafilter/katafilter/lang/kfl"
)

func init() {
	if flag.Lookup("update") == nil {
		flag.Bool("update", false, "accepted for go test ./lang/... -update; no golden files here")
	}
}

func TestSplit(t *testing.T) {
	tests := []struct{ src, want string }{
		{"", ""},
		{"A == 1", `1@0:"A == 1"`},
		{"A == 1\nB == 2\n", `1@0:"A == 1" 2@7:"B == 2"`},
		{"# comment\n\nA == 1\n   \n#x\nB == 2", `3@11:"A == 1" 6@25:"B == 2"`},
		{"A == 1\n  AND B == 2\n\tOR C == 3\nD == 4", `1@0:"A == 1\n  AND B == 2\n\tOR C == 3" 4@31:"D == 4"`},
		{"A == 1\r\n  AND B == 2\r\nC == 3\r\n", `1@0:"A == 1\r\n  AND B == 2" 3@22:"C == 3"`},
		{"A == 1\n# ends it\n  B == 2", `1@0:"A == 1" 3@17:"  B == 2"`},
		{"A == 1\n\n  B == 2", `1@0:"A == 1" 3@8:"  B == 2"`},
		{"  lone indented", `1@0:"  lone indented"`},
		{" # not a comment: indented", `1@0:" # not a comment: indented"`},
	}
	for _, tt := range tests {
		var got []string
		for _, e := range kfl.Split(tt.src) {
			got = append(got, fmt.Sprintf("%d@%d:%q", e.Line, e.Offset, e.Text))
			if tt.src[e.Span().Start:e.Span().End] != e.Text {
				t.Errorf("%q: span %v does not hold %q", tt.src, e.Span(), e.Text)
			}
		}
		if g := strings.Join(got, " "); g != tt.want {
			t.Errorf("Split(%q)\n got %s\nwant %s", tt.src, g, tt.want)
		}
	}
}
