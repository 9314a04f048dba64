package diag

import (
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/katafilter/katafilter/lang/ast"
)

// RenderOptions controls [Render].
type RenderOptions struct {
	// Filename is printed before the position; "-" or "" prints no file part.
	Filename string
	// Color wraps severities and carets in ANSI colours.
	Color bool
	// NoSnippet leaves out the source line and caret.
	NoSnippet bool
}

const (
	ansiRed    = "\x1b[1;31m"
	ansiYellow = "\x1b[1;33m"
	ansiCyan   = "\x1b[1;36m"
	ansiBold   = "\x1b[1m"
	ansiReset  = "\x1b[0m"
)

// Render writes the diagnostics the way a compiler does:
//
//	file:line:col: error[KF0101]: message
//	  EventType == 'proces'
//	               ^^^^^^^^
//	  help: did you mean 'process'?
//
// Columns count characters. A span across several lines is underlined on its first line; of a
// line longer than a terminal's, the snippet shows a part around the span, marked with "…".
func Render(w io.Writer, lines *ast.LineTable, l List, opt RenderOptions) error {
	for _, d := range l {
		if err := renderOne(w, lines, d, opt); err != nil {
			return err
		}
	}
	return nil
}

// String renders the diagnostics of src to a string, without colour.
func (l List) String(filename, src string) string {
	var b strings.Builder
	_ = Render(&b, ast.NewLineTable(src), l, RenderOptions{Filename: filename})
	return b.String()
}

func renderOne(w io.Writer, lines *ast.LineTable, d Diagnostic, opt RenderOptions) error {
	pos := lines.Position(d.Span.Start)
	var b strings.Builder
	if opt.Filename != "" && opt.Filename != "-" {
		b.WriteString(opt.Filename)
		b.WriteByte(':')
	}
	fmt.Fprintf(&b, "%d:%d: ", pos.Line, pos.Column)
	sev := d.Severity.String()
	if opt.Color {
		c := ansiRed
		if d.Severity == Warning {
			c = ansiYellow
		} else if d.Severity == Info {
			c = ansiCyan
		}
		sev = c + sev
		fmt.Fprintf(&b, "%s[%s]:%s %s%s%s\n", sev, d.Code, ansiReset, ansiBold, d.Message, ansiReset)
	} else {
		fmt.Fprintf(&b, "%s[%s]: %s\n", sev, d.Code, d.Message)
	}
	if !opt.NoSnippet {
		text := lines.Line(pos.Line)
		lineStart := lines.LineStart(pos.Line)
		// Clamp to the line: a span may start on a line break or lie outside the text.
		startByte := max(0, min(d.Span.Start-lineStart, len(text)))
		endByte := max(startByte, min(d.Span.End-lineStart, len(text)))
		lo, hi := snippetWindow(text, startByte, endByte)
		endByte = min(endByte, hi)
		shown := expandTabs(text[lo:hi])
		pad := width(expandTabs(text[lo:startByte]))
		if lo > 0 {
			shown, pad = "…"+shown, pad+1
		}
		if hi < len(text) {
			shown += "…"
		}
		n := max(1, width(text[startByte:endByte]))
		caret := strings.Repeat(" ", pad) + strings.Repeat("^", n)
		if opt.Color {
			caret = strings.Repeat(" ", pad) + ansiRed + strings.Repeat("^", n) + ansiReset
		}
		fmt.Fprintf(&b, "  %s\n  %s\n", shown, caret)
	}
	for _, f := range d.Fixes {
		fmt.Fprintf(&b, "  help: %s\n", f.Title)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// snippetBytes is about how much of a long line a snippet shows, and snippetContext how much
// of it before the span.
const (
	snippetBytes   = 160
	snippetContext = 60
)

// snippetWindow returns the part [lo, hi) of a source line to show for the span [start, end)
// of it: the whole line when it is short, else a window from a little before the span, cut at
// character boundaries, so that a filter of a megabyte on one line shows a line, not the
// megabyte.
func snippetWindow(text string, start, end int) (lo, hi int) {
	if len(text) <= snippetBytes {
		return 0, len(text)
	}
	lo = max(0, start-snippetContext)
	hi = min(len(text), max(end, start+1, lo+snippetBytes))
	hi = min(hi, lo+snippetBytes+snippetBytes) // a long span is cut too
	for lo > 0 && !utf8.RuneStart(text[lo]) {
		lo--
	}
	for hi < len(text) && !utf8.RuneStart(text[hi]) {
		hi++
	}
	return lo, hi
}

func expandTabs(s string) string { return strings.ReplaceAll(s, "\t", "    ") }

// width is the number of terminal cells of s, taken as one per character (wide East Asian
// characters are rare in filters and counted as one).
func width(s string) int { return utf8.RuneCountInString(s) }
