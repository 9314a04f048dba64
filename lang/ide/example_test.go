package ide_test

import (
	"fmt"

	"github.com/katafilter/katafilter/lang"
	"github.com/katafilter/katafilter/lang/ide"
)

func ExampleComplete() {
	src := "EventType == 'process' AND Ioa."
	for _, it := range ide.Complete(src, len(src), lang.Config{}) {
		fmt.Printf("%-10s %-8s replaces %v\n", it.Label, it.Kind, it.Replace)
	}
	// Output:
	// Rules.     segment  replaces [31,31)
	// Severity   field    replaces [31,31)
	// Confidence field    replaces [31,31)
}

func ExampleHoverAt() {
	h, _ := ide.HoverAt(`FileName == 'a\*b*'`, 14, lang.Config{})
	fmt.Println(h.Span)
	fmt.Println(h.Text)
	// Output:
	// [12,19)
	// `'a\*b*'` matches "a*b" then anything (starts with "a*b").
	//
	// The escape `\*` is the character itself, not a wildcard.
}

func ExampleDocument() {
	text := "# process starts\nEventType == 'proces' AND\n  FileName == '*x*'\n"
	d := ide.NewDocument(text, lang.Config{}, nil)
	for _, dg := range d.Diagnostics() {
		fmt.Printf("%v %s %s\n", dg.Span, dg.Code, text[dg.Span.Start:dg.Span.End])
	}
	for _, s := range d.Symbols() {
		fmt.Printf("symbol %q %v\n", s.Name, s.Span)
	}
	fmt.Println("folds", d.Folds())
	// Output:
	// [30,38) KF0400 'proces'
	// symbol "EventType == 'proces' AND FileName == '*x*'" [17,62)
	// folds [[17,62)]
}
