package lsp

import (
	"sort"
	"strings"
	"unicode/utf8"

	"go.lsp.dev/protocol"

	"github.com/katafilter/katafilter/lang/ast"
)

// lines is a text seen line by line: an [ide.Document], whose lines an edit updates without
// reading the whole text again, or a [textLines] made from a string.
type lines interface {
	Len() int
	LineCount() int
	LineStart(l int) int // the offset of 0-based line l's start (Len for a line past the end)
	LineOf(off int) int  // the 0-based line that holds off
	Line(l int) string   // line l without its "\n"
	Slice(a, b int) string
}

// mapper converts between byte offsets into a text and LSP positions (0-based line, column
// in UTF-16 code units). It is the only place that knows about UTF-16. Lines end at "\n"; a
// "\r" before it belongs to no line's columns. Invalid UTF-8 bytes count as one code unit
// each, as the U+FFFD an editor shows in their place. It only reads the lines it converts.
type mapper struct {
	src lines
}

// newMapper returns a mapper of a string.
func newMapper(text string) *mapper { return &mapper{src: newTextLines(text)} }

// line returns line l without its line break, "\r" included.
func (m *mapper) line(l int) string { return strings.TrimSuffix(m.src.Line(l), "\r") }

// position returns the position of byte offset off, clamped to the text. An offset inside a
// character or a line break is moved back to its start.
func (m *mapper) position(off int) protocol.Position {
	off = max(0, min(off, m.src.Len()))
	l := m.src.LineOf(off)
	text := m.line(l)
	rel := min(off-m.src.LineStart(l), len(text))
	col := 0
	for i := 0; i < rel; {
		r, n := utf8.DecodeRuneInString(text[i:])
		if i+n > rel {
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
	if l >= m.src.LineCount() {
		return m.src.Len()
	}
	text := m.line(l)
	col := int(p.Character)
	i := 0
	for c := 0; i < len(text); {
		r, n := utf8.DecodeRuneInString(text[i:])
		w := utf16Len(r)
		if c+w > col {
			break
		}
		c += w
		i += n
	}
	return m.src.LineStart(l) + i
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

// textLines is a string with the offsets of its lines.
type textLines struct {
	text   string
	starts []int // byte offset of each line's start
}

func newTextLines(text string) *textLines {
	return &textLines{text: text, starts: ast.LineStarts(text)}
}

func (t *textLines) Len() int       { return len(t.text) }
func (t *textLines) LineCount() int { return len(t.starts) }

func (t *textLines) LineStart(l int) int {
	if l >= len(t.starts) {
		return len(t.text)
	}
	return t.starts[l]
}

func (t *textLines) LineOf(off int) int {
	return sort.Search(len(t.starts), func(i int) bool { return t.starts[i] > off }) - 1
}

func (t *textLines) Line(l int) string {
	end := len(t.text)
	if l+1 < len(t.starts) {
		end = t.starts[l+1] - 1
	}
	return t.text[t.starts[l]:end]
}

func (t *textLines) Slice(a, b int) string { return t.text[a:b] }
