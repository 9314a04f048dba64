package lsp

import (
	"sort"
	"unicode/utf8"

	"go.lsp.dev/protocol"

	"github.com/katafilter/katafilter/lang/ast"
)

// mapper converts between byte offsets into a text and LSP positions (0-based line, column
// in UTF-16 code units). It is the only place that knows about UTF-16. Lines end at "\n"; a
// "\r" before it belongs to no line's columns. Invalid UTF-8 bytes count as one code unit
// each, as the U+FFFD an editor shows in their place.
type mapper struct {
	text   string
	starts []int // byte offset of each line's start
}

func newMapper(text string) *mapper {
	m := &mapper{text: text, starts: []int{0}}
	for i := 0; i < len(text); i++ {
		if text[i] == '\n' {
			m.starts = append(m.starts, i+1)
		}
	}
	return m
}

// lineEnd returns the offset of the end of line l (before "\r\n" or "\n").
func (m *mapper) lineEnd(l int) int {
	end := len(m.text)
	if l+1 < len(m.starts) {
		end = m.starts[l+1] - 1
		if end > m.starts[l] && m.text[end-1] == '\r' {
			end--
		}
	}
	return end
}

// position returns the position of byte offset off, clamped to the text. An offset inside a
// character or a line break is moved back to its start.
func (m *mapper) position(off int) protocol.Position {
	off = max(0, min(off, len(m.text)))
	l := sort.Search(len(m.starts), func(i int) bool { return m.starts[i] > off }) - 1
	start := m.starts[l]
	off = min(off, m.lineEnd(l))
	col := 0
	for i := start; i < off; {
		r, n := utf8.DecodeRuneInString(m.text[i:])
		if i+n > off {
			break
		}
		col += utf16Len(r)
		i += n
	}
	return protocol.Position{Line: uint32(l), Character: uint32(col)}
}

// offset returns the byte offset of position p. A line past the end gives the end of the
// text; a column past the end of its line gives the line's end; a column inside a character
// (between the halves of a surrogate pair) gives the character's start.
func (m *mapper) offset(p protocol.Position) int {
	l := int(p.Line)
	if l >= len(m.starts) {
		return len(m.text)
	}
	end := m.lineEnd(l)
	col := int(p.Character)
	i := m.starts[l]
	for c := 0; i < end; {
		r, n := utf8.DecodeRuneInString(m.text[i:])
		w := utf16Len(r)
		if c+w > col {
			break
		}
		c += w
		i += n
	}
	return i
}

// rng converts a span.
func (m *mapper) rng(s ast.Span) protocol.Range {
	return protocol.Range{Start: m.position(s.Start), End: m.position(s.End)}
}

// span converts a range; a reversed range is put in order.
func (m *mapper) span(r protocol.Range) ast.Span {
	a, b := m.offset(r.Start), m.offset(r.End)
	return ast.Span{Start: min(a, b), End: max(a, b)}
}

func utf16Len(r rune) int {
	if r >= 0x10000 && r <= utf8.MaxRune {
		return 2
	}
	return 1
}
