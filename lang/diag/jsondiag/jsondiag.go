// Package jsondiag is the one JSON form of a diagnostic: check --format json, lint --format
// json and the events API's 400 answers (read back by its client) all write it, so that a
// tool reads the diagnostics of each alike. Positions are spelled out (1-based lines, columns
// in characters, byte offsets), with the code's documentation link and the suggested fixes.
package jsondiag

import (
	"fmt"

	"github.com/katafilter/katafilter/lang/ast"
	"github.com/katafilter/katafilter/lang/diag"
)

// Range is a span of a file: lines and columns are 1-based, columns count characters,
// offsets are bytes into the file, and the end is exclusive.
type Range struct {
	Line      int `json:"line"`
	Column    int `json:"column"`
	EndLine   int `json:"end_line"`
	EndColumn int `json:"end_column"`
	Offset    int `json:"offset"`
	EndOffset int `json:"end_offset"`
}

// NewRange locates s in the text lt indexes.
func NewRange(lt *ast.LineTable, s ast.Span) Range {
	a, b := lt.Position(s.Start), lt.Position(s.End)
	return Range{Line: a.Line, Column: a.Column, EndLine: b.Line, EndColumn: b.Column, Offset: a.Offset, EndOffset: b.Offset}
}

// Diagnostic is a diagnostic of a file.
type Diagnostic struct {
	// File names the file; empty for a filter that comes from no file (the events API's).
	File string `json:"file,omitempty"`
	// FilterLine is the line on which the filter starts (check), 0 when not known.
	FilterLine int `json:"filter_line,omitempty"`
	Range
	Severity diag.Severity `json:"severity"`
	Code     diag.Code     `json:"code"`
	// URL documents the code.
	URL     string `json:"url"`
	Message string `json:"message"`
	// Filter is the text of the filter the diagnostic is about (lint), when there is one.
	Filter string `json:"filter,omitempty"`
	// Explanation is the per-clause explanation of a failed rule test (lint).
	Explanation string `json:"explanation,omitempty"`
	Fixes       []Fix  `json:"fixes"`
}

// Fix is a suggested fix; NewText is filter text.
type Fix struct {
	Title string `json:"title"`
	Safe  bool   `json:"safe"`
	Edits []Edit `json:"edits"`
}

// Edit replaces a range with new text.
type Edit struct {
	Range
	NewText string `json:"new_text"`
}

// New converts d, whose spans are byte offsets into the text lt indexes, for the file called
// file; url documents d's code.
func New(file string, lt *ast.LineTable, d diag.Diagnostic, url string) Diagnostic {
	jd := Diagnostic{File: file, Range: NewRange(lt, d.Span), Severity: d.Severity, Code: d.Code, URL: url,
		Message: d.Message, Fixes: []Fix{}}
	for _, f := range d.Fixes {
		jf := Fix{Title: f.Title, Safe: f.Safe, Edits: []Edit{}}
		for _, e := range f.Edits {
			jf.Edits = append(jf.Edits, Edit{Range: NewRange(lt, e.Span), NewText: e.NewText})
		}
		jd.Fixes = append(jd.Fixes, jf)
	}
	return jd
}

// FromList converts the diagnostics of src (a file called file, or "" for a filter of no
// file), linking each code to its documentation.
func FromList(file, src string, l diag.List) []Diagnostic {
	lt := ast.NewLineTable(src)
	out := make([]Diagnostic, 0, len(l))
	for _, d := range l {
		out = append(out, New(file, lt, d, d.Code.URL()))
	}
	return out
}

// Diag converts jd back into a [diag.Diagnostic] over the same text (spans from the byte
// offsets), so that a reader can render it with [diag.Render].
func (jd Diagnostic) Diag() diag.Diagnostic {
	d := diag.Diagnostic{Span: jd.Range.span(), Severity: jd.Severity, Code: jd.Code, Message: jd.Message}
	for _, f := range jd.Fixes {
		df := diag.Fix{Title: f.Title, Safe: f.Safe}
		for _, e := range f.Edits {
			df.Edits = append(df.Edits, diag.Edit{Span: e.Range.span(), NewText: e.NewText})
		}
		d.Fixes = append(d.Fixes, df)
	}
	return d
}

// ToList converts diagnostics back into a [diag.List] with [Diagnostic.Diag].
func ToList(ds []Diagnostic) diag.List {
	l := make(diag.List, 0, len(ds))
	for _, d := range ds {
		l = append(l, d.Diag())
	}
	return l
}

// String renders the diagnostic as line:col: severity: message [code].
func (jd Diagnostic) String() string {
	return fmt.Sprintf("%d:%d: %s: %s [%s]", jd.Line, jd.Column, jd.Severity, jd.Message, jd.Code)
}

func (r Range) span() ast.Span { return ast.Span{Start: r.Offset, End: r.EndOffset} }
