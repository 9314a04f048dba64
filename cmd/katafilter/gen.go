package main

import (
	"bufio"
	"fmt"
	"time"

	"github.com/katafilter/katafilter/eventsapi/gen"
)

func init() {
	register(&command{name: "gen", summary: "write realistic synthetic events as JSON lines", run: runGen})
}

// genDefaultStart is the Timestamp of the first event when --start is not given: a fixed time,
// so that the same flags always write the same events.
const genDefaultStart = "2026-01-12T08:00:00Z"

func runGen(env *cmdEnv, args []string) int {
	fs := newFlags(env, "gen", "gen [-n N] [--seed S] [--start TIME] [--rate R] [--hosts H]\n\n"+
		"Writes N synthetic KATA events as JSON lines to stdout: a network of Windows and Linux hosts\n"+
		"whose processes, files, connections, Windows log entries and detections hang together, with\n"+
		"a few attack stories among them. The same flags write the same events.")
	n := fs.Int("n", 1000, "write this many events")
	seed := fs.Uint64("seed", 1, "seed of the generator: the same seed writes the same events")
	start := fs.String("start", genDefaultStart, "Timestamp of the first event: RFC 3339 (2026-01-12T08:00:00Z) or \"now\"")
	rate := fs.Float64("rate", 10, "events per second of Timestamp")
	hosts := fs.Int("hosts", 25, "number of hosts")
	if code, ok := parseFlags(env, fs, args); !ok {
		return code
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(env.stderr, "katafilter gen: unexpected argument %q: gen takes flags only\n", fs.Arg(0))
		return 2
	}
	t, err := parseStart(*start)
	switch {
	case err != nil:
		fmt.Fprintf(env.stderr, "katafilter gen: --start %q: %v\n", *start, err)
		return 2
	case *n < 0:
		fmt.Fprintf(env.stderr, "katafilter gen: -n must not be negative, not %d\n", *n)
		return 2
	case !(*rate > 0):
		fmt.Fprintf(env.stderr, "katafilter gen: --rate must be more than 0, not %g\n", *rate)
		return 2
	case *hosts < 1:
		fmt.Fprintf(env.stderr, "katafilter gen: --hosts must be at least 1, not %d\n", *hosts)
		return 2
	}
	g := gen.NewWith(gen.Options{Seed: *seed, Hosts: *hosts, Start: t, Rate: *rate})
	w := bufio.NewWriterSize(env.stdout, 64<<10)
	for range *n {
		w.Write(g.Next())
		w.WriteByte('\n')
	}
	if err := w.Flush(); err != nil {
		fmt.Fprintf(env.stderr, "katafilter gen: %v\n", err)
		return 1
	}
	return 0
}

// parseStart reads --start: RFC 3339, or "now".
func parseStart(s string) (time.Time, error) {
	if s == "now" {
		return time.Now(), nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return t, fmt.Errorf("not a time in RFC 3339 form (2026-01-12T08:00:00Z) or \"now\"")
	}
	return t, nil
}
