package jsonl_test

import (
	"fmt"
	"strings"

	"github.com/katafilter/katafilter/internal/jsonl"
)

func Example() {
	input := `{"EventType":"process"}

{"EventType":
["not", "an", "object"]
{"EventType":"file"}
`
	r := jsonl.NewReader(strings.NewReader(input), "events.jsonl", jsonl.Options{
		Malformed: func(e *jsonl.LineError) { fmt.Println("skipped:", e) },
	})
	defer r.Close()
	for r.Next() {
		fmt.Printf("line %d: %s\n", r.Line(), r.Event())
	}
	if err := r.Err(); err != nil {
		fmt.Println(err)
	}
	fmt.Printf("%d events, %d skipped\n", r.Count(), r.Skipped())
	// Output:
	// line 1: {"EventType":"process"}
	// skipped: events.jsonl:3: malformed JSON: unexpected end of JSON input
	// skipped: events.jsonl:4: not a JSON object
	// line 5: {"EventType":"file"}
	// 2 events, 2 skipped
}
