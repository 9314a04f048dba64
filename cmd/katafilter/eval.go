package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"strings"

	"github.com/katafilter/katafilter/internal/jsonl"
	"github.com/katafilter/katafilter/lang"
	"github.com/katafilter/katafilter/lang/eval"
	"github.com/katafilter/katafilter/lang/stream"
)

func init() {
	register(&command{name: "eval", summary: "print the JSON-lines events a filter matches", run: runEval})
}

const evalSynopsis = `eval -e FILTER [--count] [--ignore-case] [--schema FILE] [FILE...]

Eval reads events as JSON lines (one JSON object per line) from each FILE, or from standard
input when there is no FILE or a FILE is "-", and prints the events that match FILTER exactly
as they were read, one per line; with --count, only their number. Gzip-compressed input is
recognised by its first bytes, whatever the file is called. Empty lines are skipped.

A filter with an error is refused with its diagnostics before any event is read (warnings are
printed on stderr and do not stop it). A malformed line, or one longer than --max-line, is
reported on stderr as file:line: message and skipped; the others are still evaluated.

Exit status: 0 on success (whether or not anything matched), 1 when the filter has an error,
a file cannot be read or a line is malformed, 2 on a usage error.`

// defaultMaxLine is the default limit on the length of one event line.
const defaultMaxLine = 64 << 20

func runEval(env *cmdEnv, args []string) int {
	fs := newFlags(env, "eval", evalSynopsis)
	filter := addFilterFlag(fs, "the `filter` events must match (required)")
	count := fs.Bool("count", false, "print only the number of matching events")
	maxLine := fs.Int("max-line", defaultMaxLine, "the longest event line accepted, in `bytes`")
	lf := addLangFlags(fs, true)
	files, code, ok := parseArgs(env, fs, args)
	if !ok {
		return code
	}
	if !filter.set {
		return usageError(env, "eval", "the filter is missing: give it with -e FILTER")
	}
	if *maxLine < 1 {
		return usageError(env, "eval", "--max-line must be positive")
	}
	cfg, err := lf.config()
	if err != nil {
		fmt.Fprintf(env.stderr, "katafilter eval: %v\n", err)
		return 1
	}
	prog, diags := lang.Compile(filter.value, cfg)
	printDiags(env, env.stderr, filterName, filter.value, diags)
	if prog == nil {
		return 1
	}
	if len(files) == 0 {
		files = []string{"-"}
	}

	out := bufio.NewWriterSize(env.stdout, 64<<10)
	ev := &evaluator{env: env, prog: prog, out: out, count: *count, maxLine: *maxLine}
	for _, arg := range files {
		if ev.stopped {
			break
		}
		ev.file(arg)
	}
	if *count {
		fmt.Fprintln(out, ev.matches)
	}
	if err := out.Flush(); err != nil && !ev.stopped {
		fmt.Fprintf(env.stderr, "katafilter eval: writing the output: %v\n", err)
		return 1
	}
	if ev.failed {
		return 1
	}
	return 0
}

// evaluator runs one program over files of JSON lines.
type evaluator struct {
	env     *cmdEnv
	prog    *eval.Program
	out     *bufio.Writer
	count   bool
	maxLine int
	matches int64
	failed  bool
	stopped bool // the output failed: no more files are read
}

// file evaluates the events of one file argument, reporting its problems on stderr. The lines
// are matched on all cores by lang/stream, which hands them back in input order, so the output
// is the same as a sequential run and memory stays flat whatever the input size.
func (ev *evaluator) file(arg string) {
	name := displayName(arg)
	r, err := jsonl.OpenText(arg, ev.env.stdin)
	if err != nil {
		fmt.Fprintf(ev.env.stderr, "katafilter eval: %s: %v\n", name, unwrapPath(err))
		ev.failed = true
		return
	}
	defer r.Close()
	var last int64 // the number of the last line handed back, to place a read error
	err = stream.Run(r, ev.prog, stream.Options{MaxLine: ev.maxLine}, func(l *stream.Line) error {
		last = l.Num
		switch {
		case l.Blank:
			return nil
		case errors.Is(l.Err, stream.ErrLineTooLong):
			fmt.Fprintf(ev.env.stderr, "%s:%d: line longer than %d bytes (see --max-line); skipped\n", name, l.Num, ev.maxLine)
			ev.failed = true
			return nil
		case !isObject(l.Data):
			fmt.Fprintf(ev.env.stderr, "%s:%d: not a JSON object\n", name, l.Num)
			ev.failed = true
			return nil
		case l.Err != nil:
			fmt.Fprintf(ev.env.stderr, "%s:%d: malformed JSON: %s\n", name, l.Num, jsonMessage(l.Err))
			ev.failed = true
			return nil
		}
		if l.Match {
			ev.matches++
			if !ev.count {
				ev.out.Write(l.Data)
				if err := ev.out.WriteByte('\n'); err != nil {
					return &writeError{err} // the output is gone: reading on is pointless
				}
			}
		}
		return nil
	})
	var we *writeError
	if errors.As(err, &we) {
		fmt.Fprintf(ev.env.stderr, "katafilter eval: writing the output: %v\n", we.err)
		ev.failed, ev.stopped = true, true
		return
	}
	if err != nil {
		fmt.Fprintf(ev.env.stderr, "katafilter eval: %s: after line %d: %v\n", name, last, err)
		ev.failed = true
	}
}

// writeError is a failure to write the output, which stops the run.
type writeError struct{ err error }

func (e *writeError) Error() string { return e.err.Error() }

// isObject reports whether a line holds a JSON object (its first non-blank byte is "{").
func isObject(line []byte) bool {
	body := bytes.TrimSpace(line)
	return len(body) > 0 && body[0] == '{'
}

// jsonMessage strips the package prefixes from a JSON decoding error.
func jsonMessage(err error) string {
	s := err.Error()
	for _, p := range []string{"eval: ", "json: "} {
		s = strings.TrimPrefix(s, p)
	}
	return s
}
