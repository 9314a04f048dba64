package jsondiag_test

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/katafilter/katafilter/lang"
	"github.com/katafilter/katafilter/lang/ast"
	"github.com/katafilter/katafilter/lang/diag"
	"github.com/katafilter/katafilter/lang/diag/jsondiag"
)

func TestNew(t *testing.T) {
	src := "# c\nUserName == 'Я' AND hostname == 'x'"
	d := diag.Diagnostic{Span: ast.Span{Start: 26, End: 34}, Severity: diag.Error, Code: "KF0201", Message: "m",
		Fixes: []diag.Fix{{Title: "write HostName", Safe: true, Edits: []diag.Edit{{Span: ast.Span{Start: 26, End: 34}, NewText: "HostName"}}}}}
	jd := jsondiag.New("f.kfl", ast.NewLineTable(src), d, "u")
	jd.FilterLine = 2
	got, err := json.Marshal(jd)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"file":"f.kfl","filter_line":2,"line":2,"column":22,"end_line":2,"end_column":30,"offset":26,"end_offset":34,` +
		`"severity":"error","code":"KF0201","url":"u","message":"m","fixes":[{"title":"write HostName","safe":true,` +
		`"edits":[{"line":2,"column":22,"end_line":2,"end_column":30,"offset":26,"end_offset":34,"new_text":"HostName"}]}]}`
	if string(got) != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	// No fixes is an empty list, so that a reader need not tell null from [].
	if got, _ := json.Marshal(jsondiag.New("f", ast.NewLineTable(src), diag.Diagnostic{}, "")); !json.Valid(got) || !strings.Contains(string(got), `"fixes":[]`) {
		t.Errorf("no fixes: %s", got)
	}
}

// TestRoundTrip: the diagnostics of a filter go through JSON (as in the events API's 400
// answers) and come back the same, fixes included; columns count characters.
func TestRoundTrip(t *testing.T) {
	src := "EventType == 'process' AND\n  UserName == 'Пётр' AND FileNam == 'x' AND hostname == 'h'"
	f := lang.Analyze(src, lang.Config{})
	if len(f.Diagnostics) < 2 {
		t.Fatalf("want two diagnostics, got %v", f.Diagnostics)
	}
	b, err := json.Marshal(jsondiag.FromList("", src, f.Diagnostics))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(b), `"file"`) {
		t.Errorf("a filter of no file has a file: %s", b)
	}
	var ds []jsondiag.Diagnostic
	if err := json.Unmarshal(b, &ds); err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(ds[0].Line, ":", ds[0].Column, "-", ds[0].EndLine, ":", ds[0].EndColumn); got != "2:26-2:33" {
		t.Errorf("position %s, want 2:26-2:33 (columns count characters)", got)
	}
	if got, want := ds[0].String(), "2:26: error: unknown field FileNam"; !strings.HasPrefix(got, want) {
		t.Errorf("String() = %q, want it to begin with %q", got, want)
	}
	back := jsondiag.ToList(ds)
	if !reflect.DeepEqual(back, f.Diagnostics) {
		t.Errorf("round trip:\n%+v\nwant\n%+v", back, f.Diagnostics)
	}
	var sev diag.Severity
	if err := json.Unmarshal([]byte(`"fatal"`), &sev); err != nil || sev != diag.Error {
		t.Errorf("an unknown severity reads as %v, %v; want error", sev, err)
	}
}
