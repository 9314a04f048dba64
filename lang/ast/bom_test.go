package ast_test

import (
	"fmt"
	"testing"

	"github.com/katafilter/katafilter/lang/ast"
)

// TestLineTableBOM: a byte order mark is not a character of the first line, so columns and
// the line's text are those an editor shows.
func TestLineTableBOM(t *testing.T) {
	src := ast.BOM + "A == 'Я'\r\nB == 1"
	lt := ast.NewLineTable(src)
	tests := []struct {
		off  int
		want string
	}{
		{0, "1:1"}, // inside the mark
		{2, "1:1"},
		{3, "1:1"}, // A
		{8, "1:6"}, // the quote after ==
		{len(src) - 1, "2:6"},
	}
	for _, tt := range tests {
		p := lt.Position(tt.off)
		if got := fmt.Sprintf("%d:%d", p.Line, p.Column); got != tt.want {
			t.Errorf("Position(%d) = %s, want %s", tt.off, got, tt.want)
		}
	}
	if got := lt.Line(1); got != "A == 'Я'" {
		t.Errorf("Line(1) = %q, want it without the mark", got)
	}
	if got := lt.Offset(1, 1); got != 3 {
		t.Errorf("Offset(1, 1) = %d, want 3, after the mark", got)
	}
	if got := ast.NewLineTable(ast.BOM).Position(3); got.Line != 1 || got.Column != 1 {
		t.Errorf("a text of only a mark: Position(3) = %+v, want 1:1", got)
	}
}
