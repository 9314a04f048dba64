package lang_test

import (
	"fmt"
	"os"

	"github.com/katafilter/katafilter/lang"
	"github.com/katafilter/katafilter/lang/ast"
	"github.com/katafilter/katafilter/lang/diag"
	"github.com/katafilter/katafilter/lang/schema"
)

// Analyze parses and checks a filter and reports every problem at once.
func ExampleAnalyze() {
	f := lang.Analyze(`EventType == 'proces' AND hostname == 'WS-1'`, lang.Config{})
	for _, d := range f.Diagnostics {
		fmt.Printf("%v %s %s: %s\n", d.Span, d.Severity, d.Code, d.Message)
		for _, fix := range d.Fixes[:1] {
			fmt.Println("  fix:", fix.Title)
		}
	}
	// Output:
	// [13,21) error KF0400: 'proces' is not a known value of EventType; did you mean 'process'?
	//   fix: write 'process'
	// [26,34) error KF0201: field names are case-sensitive: hostname is written HostName
	//   fix: write HostName
}

// Diagnostics render like a compiler's: file:line:col, severity, code and message, the source
// line with a caret under the problem, and the fixes on offer.
func ExampleAnalyze_render() {
	src := "EventType == 'process'\n  AND FilePath == 'C:\\Temp'"
	f := lang.Analyze(src, lang.Config{})
	diag.Render(os.Stdout, ast.NewLineTable(src), f.Diagnostics, diag.RenderOptions{Filename: "hunt.kfl"})
	// Output:
	// hunt.kfl:2:22: error[KF0102]: unknown escape \T: only \\ \' \* \? are escapes; write \\ for a backslash
	//     AND FilePath == 'C:\Temp'
	//                        ^^
	//   help: write the backslash as \\
}

// A fix is a list of edits: apply it with diag.ApplyEdits.
func ExampleAnalyze_fix() {
	src := `EventType = 'process'`
	f := lang.Analyze(src, lang.Config{})
	fixed, err := diag.ApplyEdits(src, f.Diagnostics[0].Fixes[0].Edits)
	fmt.Println(f.Diagnostics[0].Code, fixed, err)
	fmt.Println(len(lang.Analyze(fixed, lang.Config{}).Diagnostics), "diagnostics after the fix")
	// Output:
	// KF0105 EventType == 'process' <nil>
	// 0 diagnostics after the fix
}

// Strict makes a filter that selects several event types (or none in particular) an error,
// as the vendor wants one request per event type.
func ExampleConfig_strict() {
	src := `EventType == 'threatdetect' OR EventType == 'threatprocessingresult'`
	for _, strict := range []bool{false, true} {
		d := lang.Analyze(src, lang.Config{Strict: strict}).Diagnostics[0]
		fmt.Println(d.Severity, d.Code)
	}
	// Output:
	// warning KF0500
	// error KF0500
}

// Compile once, then match many events, as JSON bytes or already decoded.
func ExampleCompile() {
	prog, diags := lang.Compile(`EventType == 'process' AND UserName == 'CORP\\*' AND NOT FileName in ('explorer.exe', 'svchost.exe')`, lang.Config{})
	if prog == nil {
		fmt.Print(diags.String("", ""))
		return
	}
	for _, event := range []string{
		`{"EventType":"process","UserName":"CORP\\alice","FileName":"powershell.exe"}`,
		`{"EventType":"process","UserName":"CORP\\bob","FileName":"explorer.exe"}`,
		`{"EventType":"process","UserName":"root","FileName":"bash"}`,
		`{"EventType":"process","UserName":"CORP\\carol"}`,
	} {
		ok, err := prog.MatchJSON([]byte(event))
		fmt.Println(ok, err)
	}
	// Output:
	// true <nil>
	// false <nil>
	// false <nil>
	// true <nil>
}

// IgnoreCase compares strings without regard to case, in the checker and the evaluator alike.
func ExampleCompile_ignoreCase() {
	event := []byte(`{"EventType":"process","UserName":"Иванов"}`)
	for _, ic := range []bool{false, true} {
		prog, _ := lang.Compile(`EventType == 'PROCESS' AND UserName == 'иванов'`, lang.Config{IgnoreCase: ic})
		if prog == nil {
			fmt.Println("refused: 'PROCESS' is no event type when case matters")
			continue
		}
		ok, _ := prog.MatchJSON(event)
		fmt.Println(ok)
	}
	// Output:
	// refused: 'PROCESS' is no event type when case matters
	// true
}

// A schema extension adds fields and values from a JSON file (package schemafile reads YAML
// too).
func ExampleConfig_schema() {
	s, err := schema.Default().Extend([]byte(`{"fields": [{"name": "Custom.Score", "type": "integer"}]}`), "extra.json")
	if err != nil {
		fmt.Println(err)
		return
	}
	f := lang.Analyze(`EventType == 'process' AND Custom.Score > 5`, lang.Config{Schema: s})
	fmt.Println(len(f.Diagnostics), "diagnostics")
	// Output:
	// 0 diagnostics
}

// Format prints the canonical form: upper-case AND OR NOT, lower-case in, the infix in, single
// spaces, and the fewest parentheses that keep the meaning.
func ExampleFormat() {
	out, diags := lang.Format(`eventtype=='process' and ((FileName=='a' or in(FileName,'b','c')) and not (UserName=='x'))`)
	fmt.Println(out, len(diags))
	// Output:
	// eventtype == 'process' AND (FileName == 'a' OR FileName in ('b', 'c')) AND NOT UserName == 'x' 0
}

// Only a syntax error stops the formatter.
func ExampleFormat_syntaxError() {
	_, diags := lang.Format(`EventType == 'process' AND`)
	fmt.Print(diags.String("", `EventType == 'process' AND`))
	// Output:
	// 1:27: error[KF0100]: expected a field name, NOT or "(", found end of filter
	//   EventType == 'process' AND
	//                             ^
}
