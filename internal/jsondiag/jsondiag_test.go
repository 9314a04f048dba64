package jsondiag_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/katafilter/katafilter/internal/jsondiag"
	"github.com/katafilter/katafilter/lang/ast"
	"github.com/katafilter/katafilter/lang/diag"
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
