package kfl_test

import (
	"testing"

	"github.com/katafilter/katafilter/lang/ast"
	"github.com/katafilter/katafilter/lang/kfl"
)

// TestSplitBOM: a file saved with a byte order mark (Notepad, PowerShell's Out-File) has the
// same filters as without it; the mark is not part of the first filter.
func TestSplitBOM(t *testing.T) {
	tests := []struct {
		src  string
		want []kfl.Entry
	}{
		{ast.BOM + "A == 1\r\nB == 2", []kfl.Entry{{Text: "A == 1", Offset: 3, Line: 1}, {Text: "B == 2", Offset: 11, Line: 2}}},
		{ast.BOM + "# comment\nA == 1", []kfl.Entry{{Text: "A == 1", Offset: 13, Line: 2}}},
		{ast.BOM, nil},
	}
	for _, tt := range tests {
		got := kfl.Split(tt.src)
		if len(got) != len(tt.want) {
			t.Errorf("Split(%q) = %+v, want %+v", tt.src, got, tt.want)
			continue
		}
		for i := range got {
			if got[i] != tt.want[i] {
				t.Errorf("Split(%q)[%d] = %+v, want %+v", tt.src, i, got[i], tt.want[i])
			}
		}
	}
}
