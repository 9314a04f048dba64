// Anchortable is a developer's instrument, not part of katafilter: it sets the figures of
// `katafilter bench --json` beside those of anchorbench -json (expr and cel-go, measured on the
// same events and filters) as the Markdown table of docs/performance.md, with the ratios the
// performance targets are stated in. It exits 1 when a match count differs, 2 on a usage
// error.
//
//	go run ./internal/cmd/anchortable OURS.json ANCHOR.json
package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"

	"github.com/katafilter/katafilter/internal/evalbench"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("anchortable", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: go run ./internal/cmd/anchortable OURS.json ANCHOR.json\n\n"+
			"OURS.json is the output of katafilter bench --json, ANCHOR.json anchorbench's -json file\n"+
			"(with both engines, expr and cel), measured on the same events and filters.")
	}
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return 0
		}
		return 2
	}
	if fs.NArg() != 2 {
		fs.Usage()
		return 2
	}
	ours, err := readOurs(fs.Arg(0))
	if err != nil {
		fmt.Fprintf(stderr, "anchortable: %s: %v\n", fs.Arg(0), err)
		return 1
	}
	anchor, err := readAnchor(fs.Arg(1))
	if err != nil {
		fmt.Fprintf(stderr, "anchortable: %s: %v\n", fs.Arg(1), err)
		return 1
	}
	if !printComparison(stdout, ours, anchor) {
		fmt.Fprintf(stderr, "anchortable: the match counts differ from %s\n", fs.Arg(1))
		return 1
	}
	return 0
}

// readOurs reads the output of katafilter bench --json.
func readOurs(path string) (*evalbench.Report, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var rep evalbench.Report
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&rep); err != nil {
		return nil, fmt.Errorf("not the output of katafilter bench --json: %w", err)
	}
	if len(rep.Queries) == 0 {
		return nil, errors.New("no filters: not the output of katafilter bench --json")
	}
	return &rep, nil
}

// anchorResults is the part of anchorbench's -json output that bench compares with.
type anchorResults struct {
	Config struct {
		Events     int `json:"events"`
		InputBytes int `json:"input_bytes"`
	} `json:"config"`
	Queries []anchorQuery `json:"queries"`
}

type anchorQuery struct {
	Line   int           `json:"line"`
	Filter string        `json:"filter"`
	Expr   *anchorEngine `json:"expr"`
	CEL    *anchorEngine `json:"cel"`
}

type anchorEngine struct {
	Count              int     `json:"count"`
	DecodedNsPerEvent  float64 `json:"decoded_ns_per_event"`
	HotNsPerEvent      float64 `json:"hot_ns_per_event"`
	FromJSONNsPerEvent float64 `json:"from_json_ns_per_event"`
	FromJSONMBPerS     float64 `json:"from_json_mb_per_s"`
	CompileUs          float64 `json:"compile_us"`
}

// readAnchor reads anchorbench's -json file; both engines must be there.
func readAnchor(path string) (*anchorResults, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var a anchorResults
	if err := json.Unmarshal(data, &a); err != nil {
		return nil, err
	}
	for _, q := range a.Queries {
		if q.Expr == nil || q.CEL == nil {
			return nil, fmt.Errorf("line %d: the results lack expr or cel (run anchorbench with both engines)", q.Line)
		}
	}
	return &a, nil
}

// printComparison prints our figures beside the anchors' as a Markdown table, with the
// ratios the performance targets are stated in; false when a match count differs.
func printComparison(w io.Writer, rep *evalbench.Report, a *anchorResults) bool {
	same := true
	fmt.Fprintln(w, "| line | matches | expr ns/event | cel-go ns/event | **ours ns/event** | ours ÷ expr (≤ 0.5) | expr, cache-hot | **ours, cache-hot** | ours ÷ expr, hot | json.Unmarshal + expr ns/event | **ours raw ns/event** | **ours raw MB/s** | speed-up (≥ 10) | expr compile µs | cel compile µs | **ours compile µs** | ours ÷ expr (≤ 0.5) |")
	fmt.Fprintln(w, "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
	for _, q := range rep.Queries {
		i := slices.IndexFunc(a.Queries, func(x anchorQuery) bool { return x.Line == q.Line })
		if i < 0 {
			fmt.Fprintf(w, "| %d | %d | (not in the anchor results) |\n", q.Line, q.Matches)
			same = false
			continue
		}
		x := a.Queries[i]
		mark := ""
		if x.Expr.Count != q.Matches || x.CEL.Count != q.Matches {
			mark = fmt.Sprintf(" (expr %d, cel %d)", x.Expr.Count, x.CEL.Count)
			same = false
		}
		fmt.Fprintf(w, "| %d | %d%s | %.0f | %.0f | **%.0f** | %.2f | %.0f | **%.0f** | %.2f | %.0f | **%.0f** | **%.0f** | %.1f× | %.1f | %.1f | **%.1f** | %.2f |\n",
			q.Line, q.Matches, mark, x.Expr.DecodedNsPerEvent, x.CEL.DecodedNsPerEvent,
			q.DecodedNs, q.DecodedNs/x.Expr.DecodedNsPerEvent, x.Expr.HotNsPerEvent, q.HotNs, q.HotNs/x.Expr.HotNsPerEvent,
			x.Expr.FromJSONNsPerEvent, q.RawNs, q.RawMBps, x.Expr.FromJSONNsPerEvent/q.RawNs,
			x.Expr.CompileUs, x.CEL.CompileUs, q.CompileMicros, q.CompileMicros/x.Expr.CompileUs)
	}
	return same
}
