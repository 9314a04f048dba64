package ast

import (
	"sort"
	"strings"
	"unicode/utf8"
)

// Position is a human-readable location: Line and Column are 1-based, and Column counts
// characters (Unicode code points), not bytes, so that a caret under a Cyrillic user name lands
// where a person expects it. The byte Offset is kept beside them.
type Position struct {
	Offset int
	Line   int
	Column int
}

// LineTable maps byte offsets of one source text to line and column.
type LineTable struct {
	src    string
	starts []int // byte offset of the start of each line
}

// NewLineTable indexes the lines of src. A UTF-8 byte order mark at the start of src is not
// part of the first line: editors do not show it, so columns are counted after it.
func NewLineTable(src string) *LineTable {
	t := &LineTable{src: src, starts: LineStarts(src)}
	t.starts[0] = len(bomPrefix(src))
	return t
}

// LineStarts returns the byte offsets at which the lines of src start: 0, and the offset after
// each "\n".
func LineStarts(src string) []int {
	starts := make([]int, 1, strings.Count(src, "\n")+1)
	for i := strings.IndexByte(src, '\n'); i >= 0; {
		starts = append(starts, i+1)
		j := strings.IndexByte(src[i+1:], '\n')
		if j < 0 {
			break
		}
		i += 1 + j
	}
	return starts
}

// Source returns the indexed text.
func (t *LineTable) Source() string { return t.src }

// Position returns the line and column of the byte offset off, clamped to the text.
func (t *LineTable) Position(off int) Position {
	off = max(0, min(off, len(t.src)))
	line := max(0, sort.Search(len(t.starts), func(i int) bool { return t.starts[i] > off })-1)
	start := min(t.starts[line], off) // an offset inside a byte order mark is column 1
	return Position{Offset: off, Line: line + 1, Column: utf8.RuneCountInString(t.src[start:off]) + 1}
}

// LineCount returns the number of lines.
func (t *LineTable) LineCount() int { return len(t.starts) }

// Line returns the text of the 1-based line n without its line break.
func (t *LineTable) Line(n int) string {
	if n < 1 || n > len(t.starts) {
		return ""
	}
	end := len(t.src)
	if n < len(t.starts) {
		end = t.starts[n] - 1
	}
	s := t.src[t.starts[n-1]:end]
	if len(s) > 0 && s[len(s)-1] == '\r' {
		s = s[:len(s)-1]
	}
	return s
}

// LineStart returns the byte offset at which the 1-based line n starts.
func (t *LineTable) LineStart(n int) int {
	n = max(1, min(n, len(t.starts)))
	return t.starts[n-1]
}

// Offset returns the byte offset of a 1-based line and character column, clamped to that line.
func (t *LineTable) Offset(line, col int) int {
	if line < 1 {
		return 0
	}
	if line > len(t.starts) {
		return len(t.src)
	}
	off := t.starts[line-1]
	text := t.Line(line)
	i := 0
	for c := 1; c < col && i < len(text); c++ {
		_, n := utf8.DecodeRuneInString(text[i:])
		i += n
	}
	return off + i
}
