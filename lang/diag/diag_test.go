package diag_test

import (
	"flag"
	"strings"
	"testing"

	"github.com/katafilter/katafilter/lang/ast"
	"github.com/katafilter/katafilter/lang/diag"
)

func init() {
	if flag.Lookup("update") == nil {
		flag.Bool("update", false, "accepted for go test ./lang/... -update; no golden files here")
	}
}

func TestRender(t *testing.T) {
	src := "EventType == 'process'\nAND\tUserName == 'Иванов' AND Foo == 1"
	l := diag.List{
		{Span: ast.Span{Start: 13, End: 22}, Severity: diag.Warning, Code: diag.UnknownValue, Message: "w",
			Fixes: []diag.Fix{{Title: "write 'x'"}}},
		{Span: ast.Span{Start: 58, End: 61}, Severity: diag.Error, Code: diag.UnknownField, Message: "unknown field Foo"},
		{Span: ast.Span{Start: 27, End: 27}, Severity: diag.Info, Code: diag.SyntaxError, Message: "empty span"},
		{Span: ast.Span{Start: 0, End: len(src)}, Severity: diag.Error, Code: diag.NeverTrue, Message: "two lines"},
	}
	want := `f.kfl:1:14: warning[KF0400]: w
  EventType == 'process'
               ^^^^^^^^^
  help: write 'x'
f.kfl:2:30: error[KF0200]: unknown field Foo
  AND    UserName == 'Иванов' AND Foo == 1
                                  ^^^
f.kfl:2:5: info[KF0100]: empty span
  AND    UserName == 'Иванов' AND Foo == 1
         ^
f.kfl:1:1: error[KF0501]: two lines
  EventType == 'process'
  ^^^^^^^^^^^^^^^^^^^^^^
`
	if got := l.String("f.kfl", src); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	var b strings.Builder
	if err := diag.Render(&b, ast.NewLineTable(src), l[:1], diag.RenderOptions{Color: true, Filename: "-"}); err != nil {
		t.Fatal(err)
	}
	if got := b.String(); !strings.HasPrefix(got, "1:14: \x1b[1;33mwarning[KF0400]:") || !strings.Contains(got, "\x1b[1;31m^^^^^^^^^\x1b[0m") {
		t.Errorf("colour rendering: %q", got)
	}
	b.Reset()
	_ = diag.Render(&b, ast.NewLineTable(src), l[:1], diag.RenderOptions{NoSnippet: true})
	if got := b.String(); got != "1:14: warning[KF0400]: w\n  help: write 'x'\n" {
		t.Errorf("without snippet: %q", got)
	}
}

func TestListMethods(t *testing.T) {
	l := diag.List{
		{Span: ast.Span{Start: 5, End: 6}, Severity: diag.Warning, Code: diag.DuplicateValue, Message: "b"},
		{Span: ast.Span{Start: 1, End: 2}, Severity: diag.Error, Code: diag.UnknownField, Message: "a",
			Fixes: []diag.Fix{{Title: "t", Edits: []diag.Edit{{Span: ast.Span{Start: 1, End: 2}, NewText: "x"}}}}},
		{Span: ast.Span{Start: 5, End: 6}, Severity: diag.Error, Code: diag.TypeMismatch, Message: "c"},
	}
	l.Sort()
	var order []string
	for _, d := range l {
		order = append(order, d.Message)
	}
	if got := strings.Join(order, ""); got != "acb" {
		t.Errorf("Sort: %s, want acb", got)
	}
	if !l.HasErrors() || l.Count(diag.Error) != 2 || l.Count(diag.Warning) != 1 {
		t.Errorf("HasErrors %v, counts %d %d", l.HasErrors(), l.Count(diag.Error), l.Count(diag.Warning))
	}
	if got := l.Err().Error(); got != "error[KF0200]: a (and 1 more errors)" {
		t.Errorf("Err: %s", got)
	}
	if (diag.List{l[2]}).Err() != nil || (diag.List(nil)).Err() != nil {
		t.Error("a list of warnings is no error")
	}
	s := l.Shift(10)
	if s[0].Span.Start != 11 || s[0].Fixes[0].Edits[0].Span.Start != 11 || l[0].Span.Start != 1 || l[0].Fixes[0].Edits[0].Span.Start != 1 {
		t.Errorf("Shift moved %v and kept %v", s[0], l[0])
	}
	for _, s := range []string{"error", "WARNING", "warn", "info"} {
		if _, ok := diag.ParseSeverity(s); !ok {
			t.Errorf("ParseSeverity(%q) failed", s)
		}
	}
}

func TestApplyEdits(t *testing.T) {
	src := "abcdef"
	e := func(a, b int, s string) diag.Edit { return diag.Edit{Span: ast.Span{Start: a, End: b}, NewText: s} }
	tests := []struct {
		edits []diag.Edit
		want  string
	}{
		{nil, "abcdef"},
		{[]diag.Edit{e(0, 1, "X")}, "Xbcdef"},
		{[]diag.Edit{e(4, 6, ""), e(0, 0, ">")}, ">abcd"},
		{[]diag.Edit{e(6, 6, "!")}, "abcdef!"},
		{[]diag.Edit{e(1, 3, "x"), e(2, 4, "y")}, "error"},
		{[]diag.Edit{e(5, 7, "x")}, "error"},
		{[]diag.Edit{e(3, 2, "x")}, "error"},
	}
	for _, tt := range tests {
		got, err := diag.ApplyEdits(src, tt.edits)
		if err != nil {
			if got != src {
				t.Errorf("ApplyEdits(%v) changed the text despite %v", tt.edits, err)
			}
			got = "error"
		}
		if got != tt.want {
			t.Errorf("ApplyEdits(%v) = %q, want %q", tt.edits, got, tt.want)
		}
	}
}

func TestCodes(t *testing.T) {
	seen := map[diag.Code]bool{}
	for _, ci := range diag.Codes {
		if seen[ci.Code] || ci.Name == "" || ci.Summary == "" || len(ci.Code) != 6 || !strings.HasPrefix(string(ci.Code), "KF") {
			t.Errorf("bad or duplicate code %+v", ci)
		}
		seen[ci.Code] = true
		if got, ok := diag.Lookup(ci.Code); !ok || got != ci {
			t.Errorf("Lookup(%s) = %+v", ci.Code, got)
		}
	}
	if got := diag.UnknownField.URL(); got != diag.DocsURL+"#kf0200" {
		t.Errorf("URL: %s", got)
	}
}

// TestRenderAnySpan: rendering never panics, whatever the span, CRLF line ends and tabs
// included.
func TestRenderAnySpan(t *testing.T) {
	src := "A ==\r\n\t'Имя'\r\n\nB"
	lt := ast.NewLineTable(src)
	for start := -1; start <= len(src)+1; start++ {
		for end := start - 1; end <= len(src)+2; end++ {
			l := diag.List{{Span: ast.Span{Start: start, End: end}, Severity: diag.Error, Code: diag.SyntaxError, Message: "m"}}
			func() {
				defer func() {
					if r := recover(); r != nil {
						t.Errorf("Render of span [%d,%d) panicked: %v", start, end, r)
					}
				}()
				var b strings.Builder
				_ = diag.Render(&b, lt, l, diag.RenderOptions{})
			}()
		}
	}
}

// TestRenderLongLine: of a long line, the snippet shows a window around the span, cut at
// character boundaries and marked with "…", with the caret under the span.
func TestRenderLongLine(t *testing.T) {
	src := strings.Repeat("Ж", 3000) + " AND FileName = 'x' " + strings.Repeat("é", 3000)
	at := strings.Index(src, "= ")
	l := diag.List{{Span: ast.Span{Start: at, End: at + 1}, Severity: diag.Error, Code: diag.SingleEquals, Message: "m"}}
	lines := strings.Split(l.String("f", src), "\n")
	snippet, caret := []rune(lines[1]), []rune(lines[2])
	if len(snippet) > 200 || !strings.HasPrefix(lines[1], "  …Ж") || !strings.HasSuffix(lines[1], "é…") {
		t.Fatalf("snippet of %d characters: %s", len(snippet), lines[1])
	}
	if col := len(caret) - 1; caret[col] != '^' || snippet[col] != '=' {
		t.Fatalf("caret at %d under %q:\n%s\n%s", col, snippet[col], lines[1], lines[2])
	}
	// Any span of a long line renders without panicking, its caret within the snippet.
	for start := 0; start < len(src); start += 97 {
		for _, end := range []int{start, start + 1, start + 500, len(src) + 5} {
			l := diag.List{{Span: ast.Span{Start: start, End: end}, Severity: diag.Error, Code: diag.SyntaxError, Message: "m"}}
			lines := strings.Split(l.String("", src), "\n")
			if n, m := len([]rune(lines[1])), len([]rune(lines[2])); m > n+1 || n > 400 {
				t.Fatalf("span [%d,%d): snippet of %d characters, caret line of %d", start, end, n, m)
			}
		}
	}
}
