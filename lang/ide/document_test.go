package ide

import (
	"fmt"
	"strings"
	"testing"

	"github.com/katafilter/katafilter/lang"
	"github.com/katafilter/katafilter/lang/ast"
	"github.com/katafilter/katafilter/lang/diag"
)

const docText = "# process starts\n" +
	"EventType == 'process' AND\n" +
	"  FileName == '*powershell*'\n" +
	"\n" +
	"EventType == 'proces'\n" +
	"eventtype=='module'\n"

func TestDocumentDiagnostics(t *testing.T) {
	d := NewDocument(docText, lang.Config{}, nil)
	if n := len(d.Entries()); n != 3 {
		t.Fatalf("%d entries, want 3", n)
	}
	got := d.Diagnostics().String("f.kfl", docText)
	want := `f.kfl:5:14: error[KF0400]: 'proces' is not a known value of EventType; did you mean 'process'?
  EventType == 'proces'
               ^^^^^^^^
  help: write 'process'
f.kfl:6:1: error[KF0201]: field names are case-sensitive: eventtype is written EventType
  eventtype=='module'
  ^^^^^^^^^
  help: write EventType
`
	if got != want {
		t.Errorf("diagnostics:\n%s\nwant:\n%s", got, want)
	}
}

func TestDocumentReusesAnalyses(t *testing.T) {
	d1 := NewDocument(docText, lang.Config{}, nil)
	d1.Diagnostics()
	d2 := NewDocument(docText+"x == 1\n", lang.Config{}, d1)
	if d2.analysed(0) != d1.Filter(0) || d2.analysed(3) != nil {
		t.Error("unchanged filters should be shared, new ones analysed on demand")
	}
	d3 := NewDocument(docText, lang.Config{Strict: true}, d1)
	if d3.analysed(0) != nil {
		t.Error("a new configuration must not reuse analyses")
	}
}

func TestDocumentComplete(t *testing.T) {
	tests := []struct{ text, want string }{
		{"EventType == 'process' AND\n  |", "FileCreationTime[29,29)"},     // an indented line continues the filter
		{"EventType == 'process' AND\n  File|", "FileCreationTime[29,33)"}, // inside the continuation
		{"EventType == 'process'\n|", "HostName[23,23)"},                   // a new filter
		{"EventType == 'process'\nEventType == '|", "'process'[36,37)"},
		{"# Event|", ""}, // comments have no completion
		{"x == 1\n\n   |\n", "HostName[11,11)"},
	}
	for _, tc := range tests {
		text, off := cursor(tc.text)
		d := NewDocument(text, lang.Config{}, nil)
		if got := render(d.Complete(off), 1); !strings.HasPrefix(got, tc.want) || (tc.want == "" && got != "") {
			t.Errorf("Complete(%q) = %s, want %s...", tc.text, got, tc.want)
		}
	}
}

func TestDocumentHoverSignature(t *testing.T) {
	d := NewDocument(docText, lang.Config{}, nil)
	off := strings.Index(docText, "FileName") + 2
	h, ok := d.Hover(off)
	if !ok || h.Span != (ast.Span{Start: off - 2, End: off + 6}) || !strings.HasPrefix(h.Text, "`FileName`") {
		t.Errorf("hover = %v %+v", ok, h)
	}
	if _, ok := d.Hover(3); ok {
		t.Error("hover on a comment")
	}
	d = NewDocument("x == 1\nEventType in ('a', ", lang.Config{}, nil)
	if s, ok := d.Signature(len(d.Text())); !ok || s.Active != 1 {
		t.Errorf("signature = %v %+v", ok, s)
	}
}

func TestDocumentTokens(t *testing.T) {
	text := "# c\r\nx == '*'\n  AND y > 1\n#d"
	d := NewDocument(text, lang.Config{}, nil)
	want := "comment:# c field:x operator:== string:' wildcard:* string:' keyword:AND field:y operator:> number:1 comment:#d"
	if got := renderTokens(text, d.Tokens()); got != want {
		t.Errorf("tokens:\n got %s\nwant %s", got, want)
	}
}

func TestDocumentSymbolsFolds(t *testing.T) {
	d := NewDocument(docText, lang.Config{}, nil)
	var got []string
	for _, s := range d.Symbols() {
		got = append(got, fmt.Sprintf("%s|%s|%v|%v", s.Name, s.Detail, s.Span, s.Selection))
	}
	want := []string{
		"EventType == 'process' AND FileName == '*powershell*'|process|[17,72)|[17,43)",
		"EventType == 'proces'||[74,95)|[74,95)",
		"eventtype=='module'||[96,115)|[96,115)",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("symbols:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if f := d.Folds(); len(f) != 1 || f[0] != (ast.Span{Start: 17, End: 72}) {
		t.Errorf("folds = %v", f)
	}
	long := NewDocument(strings.Repeat("x == 1 OR ", 20)+"x == 2", lang.Config{}, nil).Symbols()[0].Name
	if n := len([]rune(long)); n != 80 || !strings.HasSuffix(long, "…") {
		t.Errorf("long name %q (%d)", long, n)
	}
}

func TestDocumentFormatAndActions(t *testing.T) {
	d := NewDocument(docText, lang.Config{}, nil)
	edits := d.FormatEdits(ast.Span{Start: 0, End: len(docText)})
	out, err := diag.ApplyEdits(docText, edits)
	if err != nil {
		t.Fatal(err)
	}
	want := "# process starts\nEventType == 'process' AND FileName == '*powershell*'\n\nEventType == 'proces'\neventtype == 'module'\n"
	if out != want {
		t.Errorf("formatted:\n%s\nwant:\n%s", out, want)
	}
	// Range formatting touches only the filters in the range.
	if e := d.FormatEdits(ast.Span{Start: 97, End: 98}); len(e) != 1 || e[0].NewText != "eventtype == 'module'" {
		t.Errorf("range edits = %v", e)
	}
	var got []string
	for _, a := range d.Actions(ast.Span{Start: 97, End: 97}) {
		got = append(got, fmt.Sprintf("%d %s %v %v", a.Kind, a.Title, a.Edits, a.Preferred))
	}
	wantActions := "1 write EventType [{[96,105) EventType}] true\n2 format filter [{[96,115) eventtype == 'module'}] false"
	if strings.Join(got, "\n") != wantActions {
		t.Errorf("actions:\n%s\nwant:\n%s", strings.Join(got, "\n"), wantActions)
	}
	// A filter with a syntax error is not formatted.
	if e := NewDocument("x ==", lang.Config{}, nil).FormatEdits(ast.Span{End: 4}); len(e) != 0 {
		t.Errorf("edits for a syntax error: %v", e)
	}
}
