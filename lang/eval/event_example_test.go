package eval_test

import (
	"fmt"

	"github.com/katafilter/katafilter/lang"
	"github.com/katafilter/katafilter/lang/eval"
)

// Events matched by many filters, or many times, are worth flattening once.
func ExampleProgram_MatchEvent() {
	lines := []string{
		`{"EventType":"process","FileName":"powershell.exe","Ioa":{"Rules":[{"Techniques":["T1059.001"]}]}}`,
		`{"EventType":"file","FileName":"report.docx"}`,
	}
	var events []eval.Event
	for _, l := range lines {
		e, err := eval.DecodeEvent([]byte(l))
		if err != nil {
			panic(err)
		}
		events = append(events, *e)
	}
	for _, src := range []string{`EventType == 'process'`, `Ioa.Rules.Techniques == 'T1059*'`, `FileName != '*.exe'`} {
		p, _ := lang.Compile(src, lang.Config{})
		for i := range events {
			fmt.Print(p.MatchEvent(&events[i]), " ")
		}
		fmt.Println(src)
	}
	// Output:
	// true false EventType == 'process'
	// true false Ioa.Rules.Techniques == 'T1059*'
	// false true FileName != '*.exe'
}

// MatchJSON evaluates on the bytes of a line; malformed JSON is an error, never a match.
func ExampleProgram_MatchJSON() {
	p, _ := lang.Compile(`EventType == 'process' AND FileName == 'powershell.exe'`, lang.Config{})
	for _, line := range []string{
		`{"EventType":"process","FileName":"powershell.exe"}`,
		`{"EventType":"process","FileName":"power\u0073hell.exe"}`,
		`{"EventType":"process","FileName":"powershell.exe","EventType":"file"}`,
		`{"EventType":"process","FileName":"powershell.exe",}`,
	} {
		m, err := p.MatchJSON([]byte(line))
		fmt.Println(m, err != nil)
	}
	// Output:
	// true false
	// true false
	// false false
	// false true
}

// Events kept in memory and matched in order are best packed side by side once decoded.
func ExamplePackEvents() {
	var events []eval.Event
	for _, l := range []string{`{"FileSize":2500000}`, `{"FileSize":10}`, `{"OsFamily":"Linux"}`} {
		e, err := eval.DecodeEvent([]byte(l))
		if err != nil {
			panic(err)
		}
		events = append(events, *e)
	}
	eval.PackEvents(events)
	p, _ := lang.Compile(`FileSize > 1000000 OR OsFamily == 'Linux'`, lang.Config{})
	for i := range events {
		fmt.Print(p.MatchEvent(&events[i]), " ")
	}
	fmt.Println()
	// Output:
	// true false true
}
