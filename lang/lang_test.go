package lang_test

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/katafilter/katafilter/lang"
	"github.com/katafilter/katafilter/lang/diag"
)

// TestFacade: Analyze never fails, Program and Compile refuse errors but not warnings, and the
// formatter stops only at a syntax error.
func TestFacade(t *testing.T) {
	tests := []struct {
		src                 string
		codes, prog, format string
	}{
		{`EventType == 'process'`, ``, `program`, `EventType == 'process'`},
		{`EventType=='a*' OR EventType=='m*'`, `KF0500`, `program`, `EventType == 'a*' OR EventType == 'm*'`},
		{`EventType == 'process' AND Nope == 1`, `KF0200`, `error[KF0200]: unknown field Nope`, `EventType == 'process' AND Nope == 1`},
		{`EventType == 'process' AND FileName == 'x`, `KF0101`, `error[KF0101]: string constant has no closing quote`, `EventType == 'process' AND FileName == 'x`},
		{`EventType == "process"`, `KF0106`, `error[KF0106]: string constants are written in single quotes`, `EventType == 'process'`},
		{`EventType ==`, `KF0100`, `error[KF0100]: expected a value (a 'string', an integer, true or false), found end of filter`, `<none>`},
		{``, `KF0100`, `error[KF0100]: empty filter: expected a comparison such as EventType == 'process'`, `<none>`},
		{`Nope == 1 AND Nix == 2`, `KF0200 KF0200`, `error[KF0200]: unknown field Nope (and 1 more errors)`, `Nope == 1 AND Nix == 2`},
		// a syntax error leaves a partial tree, checked clause by clause, never compiled nor formatted
		{`EventType == 'proces' AND FileNam == 'x' AND`, `KF0400 KF0200 KF0100`, `error[KF0400]: 'proces' is not a known value of EventType; did you mean 'process'? (and 2 more errors)`, `<none>`},
		{`EventType = 'process'`, `KF0105`, `error[KF0105]: = is not an operator: compare with ==`, `<none>`},
		{`Custom == FALſE`, `KF0100`, `error[KF0100]: expected a value (a 'string', an integer, true or false), found "FAL"`, `<none>`},
	}
	for _, tt := range tests {
		f := lang.Analyze(tt.src, lang.Config{})
		if f.Expr == nil || f.SyntaxOK != (tt.format != "<none>") {
			t.Errorf("%q: tree %v, SyntaxOK %v", tt.src, f.Expr, f.SyntaxOK)
		}
		codes := ""
		for i, d := range f.Diagnostics {
			if i > 0 {
				codes += " "
			}
			codes += string(d.Code)
		}
		if codes != tt.codes {
			t.Errorf("%q: codes %q, want %q", tt.src, codes, tt.codes)
		}
		prog := "program"
		p, err := f.Program()
		if err != nil {
			prog = err.Error()
			var le diag.ListError
			if p != nil || !errors.As(err, &le) {
				t.Errorf("%q: Program() = %v, %T", tt.src, p, err)
			}
		}
		if prog != tt.prog {
			t.Errorf("%q: Program() %s, want %s", tt.src, prog, tt.prog)
		}
		cp, cd := lang.Compile(tt.src, lang.Config{})
		if (cp != nil) != (p != nil) || len(cd) != len(f.Diagnostics) {
			t.Errorf("%q: Compile disagrees with Analyze().Program()", tt.src)
		}
		text, ok := f.Format()
		if !ok {
			text = "<none>"
		}
		ftext, fd := lang.Format(tt.src)
		if !ok && (ftext != "" || !fd.HasErrors()) {
			t.Errorf("%q: lang.Format = %q, %v", tt.src, ftext, fd)
		}
		if ok && ftext != text {
			t.Errorf("%q: lang.Format %q and Filter.Format %q differ", tt.src, ftext, text)
		}
		if text != tt.format {
			t.Errorf("%q: Format %q, want %q", tt.src, text, tt.format)
		}
	}
}

// TestAllowUnknownFields: unknown fields become warnings, and the program reads them by the
// name as written.
func TestAllowUnknownFields(t *testing.T) {
	p, diags := lang.Compile(`Custom.Score > 5 AND hostName == 'a*'`, lang.Config{AllowUnknownFields: true})
	if p == nil || diags.HasErrors() || len(diags) != 1 {
		t.Fatalf("%v", diags)
	}
	ok, err := p.MatchJSON([]byte(`{"Custom":{"Score":6},"HostName":"ab"}`))
	var paths []string
	for _, path := range p.Paths() {
		paths = append(paths, strings.Join(path, "/"))
	}
	slices.Sort(paths)
	if got := fmt.Sprint(ok, err, paths); got != "true <nil> [Custom/Score HostName]" {
		t.Errorf("got %s", got)
	}
}
