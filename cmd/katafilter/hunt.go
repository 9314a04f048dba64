package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/katafilter/katafilter/archive"
	"github.com/katafilter/katafilter/lang"
	"github.com/katafilter/katafilter/lang/diag"
	"github.com/katafilter/katafilter/lang/sql"
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

A FILE.kfl (a detection-rule file: one filter per line, indented lines continue the filter
above, blank lines and lines starting with # are skipped; "-" reads standard input) may hold
several filters: hunt prints the events that match any of them, each once, and --count prints
one line per filter, "FILE:LINE: COUNT" (LINE is the filter's first line), in the file's order:
how many hits each rule would have raised. With one filter, --count prints the number alone.
A file that holds no filter is an error.

Every filter is checked first, as "katafilter check" checks it, and as the translator to the
database's SQL does: with an error, the diagnostics are printed on stderr (FILE:LINE:COL) and
nothing is sent.

T, for --since (inclusive) and --until (exclusive), bounds the events' Timestamp:
  2026-12-01T08:00:00Z   RFC 3339, with a zone
  2026-12-01             a day, from 00:00 UTC
  -24h, -90m, -7d, -2w   a time ago (d: 24 hours, w: 7 days)
  now

Exit status: 0 on success (whether or not anything matched), 1 when a filter has an error,
the file cannot be read or holds no filter, or the database refuses, 2 on a usage error.`

func runHunt(env *cmdEnv, args []string) int {
	fs := newFlags(env, "hunt", huntSynopsis)
	af := addArchiveFlags(fs, "db", "the database `URL` (clickhouse://... or postgres://...; required)")
	filter := addFilterFlag(fs, "the `filter` to run (or give a FILE.kfl of one or more filters)")
	since := fs.String("since", "", "only events at or after this `time` (see above)")
	until := fs.String("until", "", "only events before this `time` (see above)")
	count := fs.Bool("count", false, "print only the number of matching events (of each filter of a FILE)")
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
	if code, ok := huntBounds(env, &q, *since, *until); !ok {
		return code
	}
	cfg, err := lf.config()
	if err != nil {
		fmt.Fprintf(env.stderr, "katafilter hunt: %v\n", err)
		return 1
	}
	return hunt(env, af, filter, files, cfg, q, *count, *format == "table")
}

// huntBounds reads --since and --until into q; a time that cannot be read is a usage error,
// whose exit status it returns with false.
func huntBounds(env *cmdEnv, q *archive.Query, since, until string) (int, bool) {
	now := time.Now()
	for _, b := range []struct {
		flag, value string
		into        *time.Time
	}{{"--since", since, &q.Since}, {"--until", until, &q.Until}} {
		if b.value == "" {
			continue
		}
		t, err := archive.ParseTime(b.value, now)
		if err != nil {
			return usageError(env, "hunt", "%s: %v", b.flag, err), false
		}
		*b.into = t
	}
	return 0, true
}

// hunt checks the filters, and only then connects and runs them: the count of each, or the
// events that match any.
func hunt(env *cmdEnv, af *archiveFlags, filter *onceString, files []string, cfg lang.Config, q archive.Query, count, asTable bool) int {
	target, err := archive.ParseURL(af.db, env.getenv)
	if err != nil {
		fmt.Fprintf(env.stderr, "katafilter hunt: %v\n", err)
		return 1
	}
	src, rules, ok := huntRules(env, filter, files, cfg, target.Dialect)
	if !ok {
		return 1
	}
	q.IgnoreCase = cfg.IgnoreCase
	if !count {
		if q.Filter, err = huntUnion(rules, cfg); err != nil {
			fmt.Fprintf(env.stderr, "katafilter hunt: %s: %v\n", src.name, err)
			return 1
		}
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	db, err := af.open(ctx, env)
	if err != nil {
		fmt.Fprintf(env.stderr, "katafilter hunt: %v\n", err)
		return 1
	}
	defer db.Close()
	if count {
		return huntCounts(ctx, env, db, af.table, q, src, rules)
	}
	return huntEvents(ctx, env, db, af.table, q, asTable)
}

// huntRule is one filter of a hunt: where it starts in its source, and the analysed filter.
type huntRule struct {
	line   int
	filter *lang.Filter
}

// huntRules reads the filter of -e or every filter of the file and checks each as check
// does, and as the translator of dialect does (a construct the dialect refuses is an error
// here, before anything is sent); it prints their diagnostics on stderr with their positions
// in the source, and reports false when a filter cannot run or the file holds none.
func huntRules(env *cmdEnv, filter *onceString, files []string, cfg lang.Config, dialect sql.Dialect) (*source, []huntRule, bool) {
	sources, ok := readSources(env, "hunt", filter, files)
	if !ok {
		return nil, nil, false
	}
	src := sources[0]
	if len(src.entries) == 0 {
		fmt.Fprintf(env.stderr, "katafilter hunt: %s holds no filter\n", src.name)
		return nil, nil, false
	}
	var rules []huntRule
	var diags diag.List
	for _, e := range src.entries {
		f := lang.Analyze(e.Text, cfg)
		d := f.Diagnostics
		if !d.HasErrors() {
			var refusal *sql.Error
			if _, err := sql.Translate(f, sql.Layout{Dialect: dialect}, sql.QueryOptions{IgnoreCase: cfg.IgnoreCase}); errors.As(err, &refusal) {
				d = append(slices.Clone(d), refusal.Diagnostic())
				d.Sort()
			}
		}
		diags = append(diags, d.Shift(e.Offset)...)
		rules = append(rules, huntRule{line: e.Line, filter: f})
	}
	printDiags(env, env.stderr, src.name, src.text, diags)
	return src, rules, !diags.HasErrors()
}

// huntUnion returns the one filter that matches the events any of the rules matches: their
// texts in parentheses joined by OR, analysed again (each rule has been checked on its own,
// with its own positions). --strict concerns each rule, not their union, which may well
// select several event types.
func huntUnion(rules []huntRule, cfg lang.Config) (*lang.Filter, error) {
	if len(rules) == 1 {
		return rules[0].filter, nil
	}
	var b strings.Builder
	for i, r := range rules {
		if i > 0 {
			b.WriteString("\nOR ")
		}
		b.WriteString("(" + r.filter.Source + ")")
	}
	cfg.Strict = false
	u := lang.Analyze(b.String(), cfg)
	for _, d := range u.Diagnostics {
		if d.Severity == diag.Error {
			return nil, fmt.Errorf("the filters cannot be joined into one query: %s", d.Message)
		}
	}
	return u, nil
}

// huntCounts prints the number of matches of each rule: the number alone for one rule, as
// eval --count prints it, else one line "FILE:LINE: COUNT" per rule, in the file's order.
func huntCounts(ctx context.Context, env *cmdEnv, db *archive.DB, table string, q archive.Query, src *source, rules []huntRule) int {
	for _, r := range rules {
		q.Filter = r.filter
		n, err := db.Count(ctx, table, q)
		if err != nil {
			fmt.Fprintf(env.stderr, "katafilter hunt: %v\n", err)
			return 1
		}
		if len(rules) == 1 {
			fmt.Fprintln(env.stdout, n)
		} else {
			fmt.Fprintf(env.stdout, "%s:%d: %d\n", src.name, r.line, n)
		}
	}
	return 0
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
