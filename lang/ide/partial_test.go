package ide

import (
	"strings"
	"testing"

	"github.com/katafilter/katafilter/lang"
	"github.com/katafilter/katafilter/lang/ast"
)

// TestPartialFilter: a filter with syntax errors, as it is while being typed, still gets the
// checker's findings on its finished clauses, completion, hover and highlighting; formatting
// leaves it alone.
func TestPartialFilter(t *testing.T) {
	const src = "EventType == 'proces' AND FileNam = 'x' AND (FileSize > 'big' OR ) AND "
	d := NewDocument(src, lang.Config{}, nil)
	var codes []string
	for _, dg := range d.Diagnostics() {
		codes = append(codes, string(dg.Code))
	}
	if got, want := strings.Join(codes, " "), "KF0400 KF0200 KF0105 KF0300 KF0100 KF0100"; got != want {
		t.Errorf("diagnostics %s, want %s:\n%s", got, want, d.Diagnostics().String("f.kfl", src))
	}
	var labels []string
	for _, it := range d.Complete(len(src)) {
		labels = append(labels, it.Label)
	}
	if l := " " + strings.Join(labels, " ") + " "; !strings.Contains(l, " FileName ") || !strings.Contains(l, " NOT ") {
		t.Errorf("completion at the end: %v", labels)
	}
	if h, ok := d.Hover(strings.Index(src, "FileNam") + 2); !ok || !strings.Contains(h.Text, "did you mean FileName") {
		t.Errorf("hover over FileNam: %q %v", h.Text, ok)
	}
	if n := len(d.Tokens()); n < 12 {
		t.Errorf("%d highlighting tokens", n)
	}
	if edits := d.FormatEdits(ast.Span{Start: 0, End: len(src)}); len(edits) != 0 {
		t.Errorf("a filter with a syntax error was formatted: %v", edits)
	}
	for _, a := range d.Actions(d.Diagnostics()[2].Span) {
		if a.Kind == ActionFormat {
			t.Errorf("format offered for a filter with a syntax error: %v", a)
		}
	}
}
