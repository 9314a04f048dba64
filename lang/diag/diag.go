// Package diag is the one diagnostic type of katafilter: a problem found in a filter, with its
// span, severity, stable code, message and optional suggested fixes. The parser and the checker
// produce diagnostics; the command line, the language server, the REPL and the lint render them.
package diag

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/katafilter/katafilter/lang/ast"
)

// Severity says how bad a diagnostic is.
type Severity int

// The severities, most severe first.
const (
	Error Severity = iota + 1
	Warning
	Info
)

func (s Severity) String() string {
	switch s {
	case Error:
		return "error"
	case Warning:
		return "warning"
	case Info:
		return "info"
	}
	return "unknown"
}

// ParseSeverity reads "error", "warning" or "info".
func ParseSeverity(s string) (Severity, bool) {
	switch strings.ToLower(s) {
	case "error":
		return Error, true
	case "warning", "warn":
		return Warning, true
	case "info":
		return Info, true
	}
	return 0, false
}

// MarshalText implements encoding.TextMarshaler.
func (s Severity) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler. A severity it does not know (from a newer
// peer, say) reads as Error rather than failing the whole message.
func (s *Severity) UnmarshalText(b []byte) error {
	sev, ok := ParseSeverity(string(b))
	if !ok {
		sev = Error
	}
	*s = sev
	return nil
}

// Edit replaces the source text in Span with NewText.
type Edit struct {
	Span    ast.Span
	NewText string
}

// Fix is a suggested change that resolves a diagnostic. Safe fixes keep the filter's intended
// meaning and may be applied without asking (lint --fix does); others are offered only.
type Fix struct {
	Title string
	Edits []Edit
	Safe  bool
}

// Diagnostic is one problem in a filter. Its JSON form, with lines and columns, is
// [github.com/katafilter/katafilter/lang/diag/jsondiag.Diagnostic].
type Diagnostic struct {
	Span     ast.Span
	Severity Severity
	Code     Code
	Message  string
	Fixes    []Fix
}

func (d Diagnostic) String() string {
	return fmt.Sprintf("%v %s[%s]: %s", d.Span, d.Severity, d.Code, d.Message)
}

// List is a list of diagnostics. The nil List is empty and ready to use.
type List []Diagnostic

// HasErrors reports whether any diagnostic is an error.
func (l List) HasErrors() bool {
	return slices.ContainsFunc(l, func(d Diagnostic) bool { return d.Severity == Error })
}

// Count returns the number of diagnostics of severity s.
func (l List) Count(s Severity) int {
	n := 0
	for _, d := range l {
		if d.Severity == s {
			n++
		}
	}
	return n
}

// Sort orders the list by position, then severity, then code.
func (l List) Sort() {
	slices.SortStableFunc(l, func(a, b Diagnostic) int {
		return cmp.Or(cmp.Compare(a.Span.Start, b.Span.Start), cmp.Compare(a.Span.End, b.Span.End),
			cmp.Compare(a.Severity, b.Severity), cmp.Compare(a.Code, b.Code))
	})
}

// Shift returns a copy of the list with every span and edit moved by delta bytes, for a filter
// that sits at an offset inside a larger file.
func (l List) Shift(delta int) List {
	if delta == 0 || len(l) == 0 {
		return l
	}
	out := make(List, len(l))
	for i, d := range l {
		d.Span = d.Span.Shift(delta)
		if d.Fixes != nil {
			fixes := make([]Fix, len(d.Fixes))
			for j, f := range d.Fixes {
				edits := make([]Edit, len(f.Edits))
				for k, e := range f.Edits {
					edits[k] = Edit{Span: e.Span.Shift(delta), NewText: e.NewText}
				}
				fixes[j] = Fix{Title: f.Title, Edits: edits, Safe: f.Safe}
			}
			d.Fixes = fixes
		}
		out[i] = d
	}
	return out
}

// Err returns the list as an error when it holds an error, else nil.
func (l List) Err() error {
	if !l.HasErrors() {
		return nil
	}
	return ListError(l)
}

// ListError is a list of diagnostics used as an error value.
type ListError List

func (e ListError) Error() string {
	var first Diagnostic
	n := 0
	for _, d := range e {
		if d.Severity == Error {
			if n == 0 {
				first = d
			}
			n++
		}
	}
	switch n {
	case 0:
		return "no errors"
	case 1:
		return fmt.Sprintf("error[%s]: %s", first.Code, first.Message)
	}
	return fmt.Sprintf("error[%s]: %s (and %d more errors)", first.Code, first.Message, n-1)
}

// ApplyEdits returns src with the edits applied. Edits must not overlap; they may come in any
// order. An edit out of range or overlapping another is an error, and src is returned unchanged.
func ApplyEdits(src string, edits []Edit) (string, error) {
	es := slices.Clone(edits)
	slices.SortStableFunc(es, func(a, b Edit) int { return cmp.Compare(a.Span.Start, b.Span.Start) })
	var b strings.Builder
	last := 0
	for _, e := range es {
		if e.Span.Start < last || e.Span.End < e.Span.Start || e.Span.End > len(src) {
			return src, fmt.Errorf("edit %v overlaps another or lies outside the text", e.Span)
		}
		b.WriteString(src[last:e.Span.Start])
		b.WriteString(e.NewText)
		last = e.Span.End
	}
	b.WriteString(src[last:])
	return b.String(), nil
}
