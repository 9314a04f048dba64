package eval_test

import (
	"fmt"
	"testing"

	"github.com/katafilter/katafilter/lang/ast"
	"github.com/katafilter/katafilter/lang/check"
	"github.com/katafilter/katafilter/lang/eval"
	"github.com/katafilter/katafilter/lang/parser"
)

func TestClause(t *testing.T) {
	tests := []struct {
		src, event, want string
	}{
		{`a == 1`, `{"a":[2,[1]]}`, "true [2 1]"},
		{`a != 1`, `{}`, "true []"},
		{`a != 1`, `{"a":1}`, "false [1]"},
		{`a.b in ('x', 'y*')`, `{"a":[{"b":"yes"},{"c":1},{"b":null}]}`, "true [yes <nil>]"},
		{`a.b > 3`, `{"a":"flat"}`, "false []"},
	}
	for _, tt := range tests {
		x, diags := parser.Parse(tt.src)
		if diags.HasErrors() {
			t.Fatal(diags)
		}
		info, _ := check.Check(x, check.Options{AllowUnknownFields: true})
		c, err := eval.CompileClause(x, info, eval.Options{})
		if err != nil {
			t.Fatal(err)
		}
		ev, _ := eval.Decode([]byte(tt.event))
		prog, _ := eval.Compile(x, info, eval.Options{})
		if c.Match(ev) != prog.Match(ev) {
			t.Errorf("%s on %s: clause and program disagree", tt.src, tt.event)
		}
		if got := fmt.Sprint(c.Match(ev), " ", c.Values(ev)); got != tt.want {
			t.Errorf("%s on %s: got %s, want %s", tt.src, tt.event, got, tt.want)
		}
	}
	x, _ := parser.Parse(`a == 1 AND b == 2`)
	info, _ := check.Check(x, check.Options{AllowUnknownFields: true})
	if _, err := eval.CompileClause(x, info, eval.Options{}); err == nil {
		t.Error("compiled an AND as a clause")
	}
	if _, err := eval.CompileClause(&ast.Compare{}, nil, eval.Options{}); err == nil {
		t.Error("compiled without info")
	}
}
