package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/katafilter/katafilter/internal/evalbench"
	"github.com/katafilter/katafilter/internal/jsonl"
	"github.com/katafilter/katafilter/lang"
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

func runBench(env *cmdEnv, args []string) int {
	fs := newFlags(env, "bench", benchSynopsis)
	eventsFile := fs.String("events", "", "the events, JSON lines (gzip or plain) (required)")
	queriesFile := fs.String("queries", "", "the filters, a .kfl `file` (required)")
	asJSON := fs.Bool("json", false, "print the results as one JSON object")
	opt := evalbench.Options{}
	fs.IntVar(&opt.Runs, "runs", 7, "timed passes per filter and path; the median is reported")
	fs.IntVar(&opt.CompileIters, "compile-iters", 201, "compilations per filter; the median is reported")
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
	case opt.Runs < 1 || opt.CompileIters < 1:
		return usageError(env, "bench", "--runs and --compile-iters must be positive")
	}
	var err error
	if opt.Config, err = lf.config(); err != nil {
		fmt.Fprintf(env.stderr, "katafilter bench: %v\n", err)
		return 1
	}
	src, filters, ok := benchFilters(env, *queriesFile, opt.Config)
	if !ok {
		return 1
	}
	lines, err := readEventLines(env, *eventsFile)
	if err != nil {
		fmt.Fprintf(env.stderr, "katafilter bench: %v\n", err)
		return 1
	}
	if len(lines) == 0 {
		fmt.Fprintf(env.stderr, "katafilter bench: %s holds no event\n", *eventsFile)
		return 1
	}
	opt.Name = *eventsFile
	rep, err := evalbench.Measure(lines, filters, opt)
	var mismatch *evalbench.MismatchError
	switch {
	case errors.As(err, &mismatch):
		fmt.Fprintf(env.stderr, "katafilter bench: %s:%d: %v\n", src.name, mismatch.Line, err)
		return 1
	case err != nil:
		fmt.Fprintf(env.stderr, "katafilter bench: %s: %v\n", *eventsFile, err)
		return 1
	case *asJSON:
		enc := json.NewEncoder(env.stdout)
		enc.SetIndent("", "  ")
		if enc.Encode(rep) != nil {
			return 1
		}
		return 0
	}
	rep.Print(env.stdout)
	return 0
}

// benchFilters reads and compiles the filters of a .kfl file. One with an error stops the run
// before anything is timed: its diagnostics are printed and ok is false.
func benchFilters(env *cmdEnv, arg string, cfg lang.Config) (src *source, filters []evalbench.Filter, ok bool) {
	src, err := fileSource(env, arg)
	if err != nil {
		fmt.Fprintf(env.stderr, "katafilter bench: %v\n", err)
		return nil, nil, false
	}
	ok = true
	for _, e := range src.entries {
		f := lang.Analyze(e.Text, cfg)
		diags := f.Diagnostics
		for j := range diags {
			diags[j].Span = diags[j].Span.Shift(e.Offset)
		}
		p, err := f.Program()
		if err != nil {
			// Warnings alone do not concern a benchmark; with an error, show everything.
			printDiags(env, env.stderr, src.name, src.text, diags)
			ok = false
		}
		filters = append(filters, evalbench.Filter{Line: e.Line, Text: e.Text, Program: p})
	}
	if ok && len(filters) == 0 {
		fmt.Fprintf(env.stderr, "katafilter bench: %s holds no filter\n", src.name)
		ok = false
	}
	return src, filters, ok
}

// readEventLines reads every event of a JSON-lines file into memory. A malformed line is an
// error. Errors name the file.
func readEventLines(env *cmdEnv, arg string) ([][]byte, error) {
	r, err := jsonl.Open(arg, env.stdin, jsonl.Options{Strict: true})
	if err != nil {
		return nil, fmt.Errorf("%s: %v", arg, unwrapPath(err))
	}
	defer r.Close()
	var lines [][]byte
	for r.Next() {
		lines = append(lines, bytes.Clone(r.Event()))
	}
	return lines, r.Err()
}
