// Package kfl reads filter files (.kfl): one filter per line; a line that starts with white
// space continues the filter above it; blank lines and lines whose first character is # are
// not filters (a # line also ends the filter above it).
package kfl

import (
	"strings"

	"github.com/katafilter/katafilter/lang/ast"
)

// Entry is one filter of a file.
type Entry struct {
	// Text is the filter's source exactly as in the file, continuation lines and their line
	// breaks included (line breaks are white space to the parser), without the final line break.
	Text string
	// Offset is the byte offset of Text in the file: add it to spans within Text.
	Offset int
	// Line is the 1-based line on which the filter starts.
	Line int
}

// Span returns the entry's span in the file.
func (e Entry) Span() ast.Span { return ast.Span{Start: e.Offset, End: e.Offset + len(e.Text)} }

// Split cuts the text of a filter file into its filters. A UTF-8 byte order mark at the start
// of src is not part of the first filter.
func Split(src string) []Entry {
	var out []Entry
	var cur *Entry
	off := 0
	if strings.HasPrefix(src, ast.BOM) {
		off = len(ast.BOM)
	}
	line := 0
	for off < len(src) {
		line++
		end := strings.IndexByte(src[off:], '\n')
		next := len(src)
		if end < 0 {
			end = len(src)
		} else {
			end += off
			next = end + 1
		}
		text := strings.TrimSuffix(src[off:end], "\r")
		switch {
		case strings.TrimSpace(text) == "":
			cur = nil
		case text[0] == '#':
			cur = nil
		case (text[0] == ' ' || text[0] == '\t') && cur != nil:
			cur.Text = src[cur.Offset : off+len(text)]
		default:
			out = append(out, Entry{Text: text, Offset: off, Line: line})
			cur = &out[len(out)-1]
		}
		off = next
	}
	return out
}
