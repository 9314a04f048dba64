package lsp

import (
	"fmt"
	"testing"

	"go.lsp.dev/protocol"

	"github.com/katafilter/katafilter/lang/ast"
)

func TestMapper(t *testing.T) {
	text := "a == 'Жук'\r\nb == '😀x'\n\xff\xfe == 1\n"
	m := newMapper(text)
	tests := []struct {
		off  int
		want string
	}{
		{0, "0:0"},
		{6, "0:6"},   // Ж starts
		{7, "0:6"},   // inside Ж: back to its start
		{8, "0:7"},   // after Ж
		{13, "0:10"}, // after the closing quote, before \r
		{14, "0:10"}, // on \n: the line's end
		{15, "1:0"},
		{21, "1:6"}, // 😀 starts
		{25, "1:8"}, // after 😀: two UTF-16 units
		{26, "1:9"},
		{28, "2:0"},
		{29, "2:1"}, // each invalid byte is one unit
		{30, "2:2"},
		{len(text), "3:0"},
		{len(text) + 5, "3:0"}, // clamped
		{-3, "0:0"},
	}
	for _, tc := range tests {
		p := m.position(tc.off)
		if got := fmt.Sprintf("%d:%d", p.Line, p.Character); got != tc.want {
			t.Errorf("position(%d) = %s, want %s", tc.off, got, tc.want)
		}
	}
	back := []struct {
		line, char uint32
		want       int
	}{
		{0, 6, 6}, {0, 7, 8}, {0, 10, 13}, {0, 99, 13}, // past the end of the line: its end
		{1, 6, 21}, {1, 7, 21}, // between the halves of 😀: its start
		{1, 8, 25}, {2, 2, 30}, {3, 0, len(text)}, {9, 9, len(text)},
	}
	for _, tc := range back {
		if got := m.offset(protocol.Position{Line: tc.line, Character: tc.char}); got != tc.want {
			t.Errorf("offset(%d:%d) = %d, want %d", tc.line, tc.char, got, tc.want)
		}
	}
	// Round trip at every character boundary.
	for off := 0; off <= len(text); off++ {
		if got := m.offset(m.position(off)); got > off {
			t.Errorf("offset(position(%d)) = %d", off, got)
		}
	}
	if r := m.rng(ast.Span{Start: 21, End: 25}); r.Start.Character != 6 || r.End.Character != 8 {
		t.Errorf("range of 😀 = %v", r)
	}
}
