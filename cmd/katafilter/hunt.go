package main

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/katafilter/katafilter/archive"
	"github.com/katafilter/katafilter/lang"
	"github.com/katafilter/katafilter/repl"
)

func init() {
	register(&command{name: "hunt", summary: "run a filter over a ClickHouse or PostgreSQL archive of events", run: runHunt})
}

const huntSynopsis = `hunt --db URL [--table NAME] (-e FILTER | FILE.kfl) [--since T] [--until T]
                 [--count] [--limit N] [--ignore-case] [--format jsonl|table]

Hunt runs a filter over the events that "katafilter archive" (or "fetch --archive") loaded
into the table NAME of the database at URL (see "katafilter archive --help" for the URLs), in
the database itself: the filter is translated to SQL, with the evaluator's semantics. It prints
the matching events exactly as they were loaded, in the order of their Timestamp, as JSON
lines (or as the REPL's table with --format table); with --count, only their number.

The filter is checked first, as "katafilter check" checks it: with an error, its diagnostics
are printed on stderr and nothing is sent. A FILE holds one filter (.kfl syntax).

T, for --since (inclusive) and --until (exclusive), bounds the events' Timestamp:
  2026-12-01T08:00:00Z   RFC 3339, with a zone
  2026-12-01             a day, from 00:00 UTC
  -24h, -90m, -7d, -2w   a time ago (d: 24 hours, w: 7 days)
  now

Exit status: 0 on success (whether or not anything matched), 1 when the filter has an error,
a file cannot be read or the database refuses, 2 on a usage error.`

func runHunt(env *cmdEnv, args []string) int {
	fs := newFlags(env, "hunt", huntSynopsis)
	af := addArchiveFlags(fs, "db", "the database `URL` (clickhouse://... or postgres://...; required)")
	filter := addFilterFlag(fs, "the `filter` to run (or give a FILE.kfl)")
	since := fs.String("since", "", "only events at or after this `time` (see above)")
	until := fs.String("until", "", "only events before this `time` (see above)")
	count := fs.Bool("count", false, "print only the number of matching events")
	limit := fs.Int("limit", 0, "print at most `N` events (0: all)")
	format := fs.String("format", "jsonl", "the output `format`: jsonl or table")
	lf := addLangFlags(fs, true)
	files, code, ok := parseArgs(env, fs, args)
	if !ok {
		return code
	}
	if code, ok := af.check(env, "hunt"); !ok {
		return code
	}
	if filter.set == (len(files) > 0) || len(files) > 1 {
		return usageError(env, "hunt", "give either -e FILTER or one FILE.kfl")
	}
	if *format != "jsonl" && *format != "table" {
		return usageError(env, "hunt", "--format must be jsonl or table, not %q", *format)
	}
	if *limit < 0 {
		return usageError(env, "hunt", "--limit must not be negative")
	}
	q := archive.Query{Limit: *limit}
	now := time.Now()
	for _, b := range []struct {
		flag, value string
		into        *time.Time
	}{{"--since", *since, &q.Since}, {"--until", *until, &q.Until}} {
		if b.value == "" {
			continue
		}
		t, err := archive.ParseTime(b.value, now)
		if err != nil {
			return usageError(env, "hunt", "%s: %v", b.flag, err)
		}
		*b.into = t
	}
	cfg, err := lf.config()
	if err != nil {
		fmt.Fprintf(env.stderr, "katafilter hunt: %v\n", err)
		return 1
	}
	f, ok := huntFilter(env, filter, files, cfg)
	if !ok {
		return 1
	}
	q.Filter, q.IgnoreCase = f, cfg.IgnoreCase

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	db, err := af.open(ctx, env)
	if err != nil {
		fmt.Fprintf(env.stderr, "katafilter hunt: %v\n", err)
		return 1
	}
	defer db.Close()
	if *count {
		n, err := db.Count(ctx, af.table, q)
		if err != nil {
			fmt.Fprintf(env.stderr, "katafilter hunt: %v\n", err)
			return 1
		}
		fmt.Fprintln(env.stdout, n)
		return 0
	}
	return huntEvents(ctx, env, db, af.table, q, *format == "table")
}

// huntFilter reads the one filter of -e or of the file, checks it and prints its diagnostics
// on stderr as check prints them; it reports false when the filter cannot run.
func huntFilter(env *cmdEnv, filter *onceString, files []string, cfg lang.Config) (*lang.Filter, bool) {
	sources, ok := readSources(env, "hunt", filter, files)
	if !ok {
		return nil, false
	}
	src := sources[0]
	if len(src.entries) != 1 {
		fmt.Fprintf(env.stderr, "katafilter hunt: %s holds %d filters; hunt runs one\n", src.name, len(src.entries))
		return nil, false
	}
	e := src.entries[0]
	f := lang.Analyze(e.Text, cfg)
	printDiags(env, env.stderr, src.name, src.text, f.Diagnostics.Shift(e.Offset))
	return f, !f.Diagnostics.HasErrors()
}

// huntEvents prints the matching events, as JSON lines or as a table.
func huntEvents(ctx context.Context, env *cmdEnv, db *archive.DB, table string, q archive.Query, asTable bool) int {
	out := bufio.NewWriterSize(env.stdout, 64<<10)
	var tw *repl.TableWriter
	if asTable {
		prog, err := q.Filter.Program()
		if err != nil {
			fmt.Fprintf(env.stderr, "katafilter hunt: %v\n", err)
			return 1
		}
		tw = repl.NewTableWriter(repl.Options{Out: out, Format: repl.Table, Color: useColor(env, env.stdout),
			Width: terminalWidth(env.stdout)}, prog)
	}
	_, err := db.Hunt(ctx, table, q, func(raw []byte) error {
		if tw != nil {
			e, err := repl.NewEvent(raw)
			if err != nil {
				return err
			}
			tw.Write(e)
			return nil
		}
		out.Write(raw)
		return out.WriteByte('\n')
	})
	if tw != nil {
		tw.Flush()
	}
	if ferr := out.Flush(); err == nil && ferr != nil {
		err = fmt.Errorf("writing the output: %v", ferr)
	}
	if err != nil {
		fmt.Fprintf(env.stderr, "katafilter hunt: %v\n", err)
		return 1
	}
	return 0
}
