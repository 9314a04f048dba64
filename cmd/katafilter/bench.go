package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"runtime"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/katafilter/katafilter/internal/jsonl"
	"github.com/katafilter/katafilter/lang"
	"github.com/katafilter/katafilter/lang/eval"
)

func init() {
	register(&command{name: "bench", summary: "measure the evaluator on a file of events and a file of filters", run: runBench})
}

const benchSynopsis = `bench --events FILE --queries FILE.kfl [--json] [--runs N] [--compile-iters N]

Bench reads the events (JSON lines, gzip-compressed or plain) into memory and, for each filter
of the .kfl file, measures:

  matches           the number of events the filter matches (the decoded and the raw path
                    must agree, else bench fails)
  decoded ns/event  Program.MatchEvent over the events decoded and flattened once
                    (eval.DecodeEvent, then eval.PackEvents; that is timed apart and
                    shown once)
  allocs/event      heap allocations per event on that path
  hot ns/event      the same over the first 256 events only, cycled to about as many
                    evaluations after one untimed cycle: they stay in the caches
  raw ns/event      Program.MatchJSON over the raw lines, and the throughput in MB/s of
  raw MB/s          input (newlines counted, as the lines are read from the file)
  compile µs        lang.Compile (parse, check and plan), each compilation timed on its own

Every figure is the median of --runs passes (--compile-iters compilations). Each pass runs
after a garbage collection; the runs go round all the filters in turn, and the decoded and
raw passes of one filter alternate which goes first. With --json,
bench prints one JSON object {"queries": [{"line", "filter", "matches",
"decoded_ns_per_event", "decoded_allocs_per_event", "raw_ns_per_event", "raw_mb_per_s",
"compile_us", ...}], ...}.

Exit status: 0 on success, 1 when a file cannot be read, a filter has an error, an event is
malformed or the two paths disagree, 2 on a usage error.`

// benchQuery is one row of the report.
type benchQuery struct {
	Line             int     `json:"line"`
	Filter           string  `json:"filter"`
	Matches          int     `json:"matches"`
	DecodedNs        float64 `json:"decoded_ns_per_event"`
	DecodedAllocs    float64 `json:"decoded_allocs_per_event"`
	HotNs            float64 `json:"hot_ns_per_event"`
	RawNs            float64 `json:"raw_ns_per_event"`
	RawMBps          float64 `json:"raw_mb_per_s"`
	RawAllocs        float64 `json:"raw_allocs_per_event"`
	CompileMicros    float64 `json:"compile_us"`
	DecodedNsSamples []int64 `json:"decoded_ns_samples"`
	RawNsSamples     []int64 `json:"raw_ns_samples"`
	HotNsSamples     []int64 `json:"hot_ns_samples"`
}

// benchReport is the whole --json output.
type benchReport struct {
	Events       string       `json:"events"`
	EventCount   int          `json:"event_count"`
	Bytes        int64        `json:"bytes"`
	DecodeNs     float64      `json:"decode_ns_per_event"`
	Runs         int          `json:"runs"`
	CompileIters int          `json:"compile_iters"`
	GoVersion    string       `json:"go_version"`
	GOMAXPROCS   int          `json:"gomaxprocs"`
	Queries      []benchQuery `json:"queries"`
}

func runBench(env *cmdEnv, args []string) int {
	fs := newFlags(env, "bench", benchSynopsis)
	eventsFile := fs.String("events", "", "the events, JSON lines (gzip or plain) (required)")
	queriesFile := fs.String("queries", "", "the filters, a .kfl `file` (required)")
	asJSON := fs.Bool("json", false, "print the results as one JSON object")
	runs := fs.Int("runs", 7, "timed passes per filter and path; the median is reported")
	compileIters := fs.Int("compile-iters", 201, "compilations per filter; the median is reported")
	anchorFile := fs.String("anchor", "", "also compare with the results `file` of anchorbench -json, as a Markdown table")
	lf := addLangFlags(fs, true)
	rest, code, ok := parseArgs(env, fs, args)
	if !ok {
		return code
	}
	switch {
	case len(rest) > 0:
		return usageError(env, "bench", "unexpected argument %q", rest[0])
	case *eventsFile == "":
		return usageError(env, "bench", "the events are missing: give them with --events FILE")
	case *queriesFile == "":
		return usageError(env, "bench", "the filters are missing: give them with --queries FILE.kfl")
	case *runs < 1 || *compileIters < 1:
		return usageError(env, "bench", "--runs and --compile-iters must be positive")
	}
	cfg, err := lf.config()
	if err != nil {
		fmt.Fprintf(env.stderr, "katafilter bench: %v\n", err)
		return 1
	}
	var anchor *anchorResults
	if *anchorFile != "" {
		if anchor, err = readAnchor(*anchorFile); err != nil {
			fmt.Fprintf(env.stderr, "katafilter bench: %s: %v\n", *anchorFile, err)
			return 1
		}
	}
	src, err := fileSource(env, *queriesFile)
	if err != nil {
		fmt.Fprintf(env.stderr, "katafilter bench: %v\n", err)
		return 1
	}
	// Compile every filter first: one with an error stops the run before anything is timed.
	progs := make([]*eval.Program, len(src.entries))
	failed := false
	for i, e := range src.entries {
		f := lang.Analyze(e.Text, cfg)
		diags := f.Diagnostics
		for j := range diags {
			diags[j].Span = diags[j].Span.Shift(e.Offset)
		}
		if progs[i], err = f.Program(); err != nil {
			// Warnings alone do not concern a benchmark; with an error, show everything.
			printDiags(env, env.stderr, src.name, src.text, diags)
			failed = true
		}
	}
	if failed {
		return 1
	}
	if len(progs) == 0 {
		fmt.Fprintf(env.stderr, "katafilter bench: %s holds no filter\n", src.name)
		return 1
	}

	lines, size, err := readEventLines(env, *eventsFile)
	if err != nil {
		fmt.Fprintf(env.stderr, "katafilter bench: %v\n", err)
		return 1
	}
	if len(lines) == 0 {
		fmt.Fprintf(env.stderr, "katafilter bench: %s holds no event\n", *eventsFile)
		return 1
	}
	start := time.Now()
	// Values, not pointers: the slice headers of the events lie side by side.
	events := make([]eval.Event, len(lines))
	for i, l := range lines {
		e, err := eval.DecodeEvent(l)
		if err != nil {
			fmt.Fprintf(env.stderr, "katafilter bench: %s: event %d: %v\n", *eventsFile, i+1, err)
			return 1
		}
		events[i] = *e
	}
	// The blocks side by side in the order they are read, which the processor prefetches;
	// part of building the representation, so timed with the decoding.
	eval.PackEvents(events)
	decodeNs := float64(time.Since(start).Nanoseconds()) / float64(len(lines))

	rep := benchReport{Events: *eventsFile, EventCount: len(lines), Bytes: size, DecodeNs: decodeNs,
		Runs: *runs, CompileIters: *compileIters, GoVersion: runtime.Version(), GOMAXPROCS: runtime.GOMAXPROCS(0)}
	n := float64(len(lines))
	hot := events[:min(hotEvents, len(events))]
	qs := make([]benchQuery, len(src.entries))
	for i, e := range src.entries {
		qs[i] = benchQuery{Line: e.Line, Filter: strings.Join(strings.Fields(e.Text), " ")}
	}
	// The runs go round all the filters in turn, so that a burst of load from the machine's
	// other users spoils one sample of several filters rather than every sample of one.
	for r := range *runs {
		for i, e := range src.entries {
			p, q := progs[i], &qs[i]
			decoded := func() (int, int64) {
				runtime.GC()
				t := time.Now()
				m := 0
				for k := range events {
					if p.MatchEvent(&events[k]) {
						m++
					}
				}
				return m, time.Since(t).Nanoseconds()
			}
			raw := func() (int, int64, error) {
				runtime.GC()
				t := time.Now()
				m := 0
				for _, l := range lines {
					ok, err := p.MatchJSON(l)
					if err != nil {
						return 0, 0, err
					}
					if ok {
						m++
					}
				}
				return m, time.Since(t).Nanoseconds(), nil
			}
			var dm, rm int
			var dns, rns int64
			if r%2 == 0 {
				dm, dns = decoded()
				rm, rns, err = raw()
			} else {
				rm, rns, err = raw()
				dm, dns = decoded()
			}
			if err != nil {
				fmt.Fprintf(env.stderr, "katafilter bench: %s: %v\n", *eventsFile, err)
				return 1
			}
			if dm != rm || (r > 0 && dm != q.Matches) {
				fmt.Fprintf(env.stderr, "katafilter bench: %s:%d: the decoded path matches %d events, the raw path %d\n", src.name, e.Line, dm, rm)
				return 1
			}
			q.Matches = dm
			q.DecodedNsSamples = append(q.DecodedNsSamples, dns)
			q.HotNsSamples = append(q.HotNsSamples, hotPass(p, hot, len(events)))
			q.RawNsSamples = append(q.RawNsSamples, rns)
		}
	}
	for i := range src.entries {
		p, q := progs[i], &qs[i]
		q.DecodedNs = float64(median(q.DecodedNsSamples)) / n
		q.HotNs = float64(median(q.HotNsSamples)) / float64(hotEvals(len(hot), len(events)))
		q.RawNs = float64(median(q.RawNsSamples)) / n
		q.RawMBps = float64(size) / 1e6 / (float64(median(q.RawNsSamples)) / 1e9)
		q.DecodedAllocs = allocsPerEvent(len(lines), func() {
			for k := range events {
				p.MatchEvent(&events[k])
			}
		})
		q.RawAllocs = allocsPerEvent(len(lines), func() {
			for _, l := range lines {
				_, _ = p.MatchJSON(l)
			}
		})
	}
	// Compilations too go round the filters.
	compiles := make([][]int64, len(src.entries))
	for range *compileIters {
		for i, e := range src.entries {
			t := time.Now()
			_, _ = lang.Compile(e.Text, cfg)
			compiles[i] = append(compiles[i], time.Since(t).Nanoseconds())
		}
	}
	for i := range qs {
		qs[i].CompileMicros = float64(median(compiles[i])) / 1e3
	}
	rep.Queries = qs
	if *asJSON {
		enc := json.NewEncoder(env.stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(rep); err != nil {
			return 1
		}
		return 0
	}
	printBench(env.stdout, &rep)
	if anchor != nil {
		fmt.Fprintln(env.stdout)
		if !printComparison(env.stdout, &rep, anchor) {
			fmt.Fprintf(env.stderr, "katafilter bench: the match counts differ from %s\n", *anchorFile)
			return 1
		}
	}
	return 0
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
func printComparison(w io.Writer, rep *benchReport, a *anchorResults) bool {
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

// hotEvents is the size of the cache-resident subset, as in anchorbench.
const hotEvents = 256

// hotEvals is the number of evaluations of a hot pass: whole cycles over the hot events, to
// about n.
func hotEvals(hot, n int) int { return max(1, n/hot) * hot }

// hotPass matches the hot events once untimed, to bring them into the caches, then cycles
// over them to about n evaluations, timed; it returns the nanoseconds.
func hotPass(p *eval.Program, hot []eval.Event, n int) int64 {
	for k := range hot {
		p.MatchEvent(&hot[k])
	}
	cycles := hotEvals(len(hot), n) / len(hot)
	t := time.Now()
	for range cycles {
		for k := range hot {
			p.MatchEvent(&hot[k])
		}
	}
	return time.Since(t).Nanoseconds()
}

func printBench(w io.Writer, rep *benchReport) {
	fmt.Fprintf(w, "%s: %d events, %.2f MB; decoded once with eval.DecodeEvent: %.0f ns/event\n",
		rep.Events, rep.EventCount, float64(rep.Bytes)/1e6, rep.DecodeNs)
	fmt.Fprintf(w, "medians of %d passes (compile: of %d compilations); %s, GOMAXPROCS %d\n\n",
		rep.Runs, rep.CompileIters, rep.GoVersion, rep.GOMAXPROCS)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "line\tmatches\tdecoded\tdecoded\thot\traw\traw\tcompile\t")
	fmt.Fprintln(tw, "\t\tns/event\tallocs/event\tns/event\tns/event\tMB/s\tµs\t  filter")
	for _, q := range rep.Queries {
		fmt.Fprintf(tw, "%d\t%d\t%.0f\t%.2f\t%.0f\t%.0f\t%.0f\t%.1f\t  %s\n", q.Line, q.Matches, q.DecodedNs, q.DecodedAllocs, q.HotNs, q.RawNs, q.RawMBps, q.CompileMicros, q.Filter)
	}
	tw.Flush()
}

// readEventLines reads every event of a JSON-lines file into memory, and returns the number
// of bytes of the events' lines, a newline each. A malformed line is an error. Errors name
// the file.
func readEventLines(env *cmdEnv, arg string) ([][]byte, int64, error) {
	r, err := jsonl.Open(arg, env.stdin, jsonl.Options{Strict: true})
	if err != nil {
		return nil, 0, fmt.Errorf("%s: %v", arg, unwrapPath(err))
	}
	defer r.Close()
	var lines [][]byte
	var size int64
	for r.Next() {
		lines = append(lines, bytes.Clone(r.Event()))
		size += int64(len(r.Event())) + 1
	}
	return lines, size, r.Err()
}

func median(xs []int64) int64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	return s[len(s)/2]
}

// allocsPerEvent measures the heap allocations of untimed passes over n events, repeated to
// cover at least 100,000 events so that the runtime's own occasional allocations vanish in
// the average.
func allocsPerEvent(n int, pass func()) float64 {
	k := (100000 + n - 1) / n
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	for range k {
		pass()
	}
	runtime.ReadMemStats(&after)
	return float64(after.Mallocs-before.Mallocs) / float64(k*n)
}
