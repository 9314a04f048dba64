// Archivebench is a developer's instrument, not part of katafilter: it measures the archive
// (katafilter archive and hunt) on ClickHouse and PostgreSQL beside katafilter eval, over the
// same events and the ten shared filters, in one run. It prints the Markdown tables of
// docs/hunt.md and docs/performance.md.
//
//	go run ./internal/cmd/archivebench [--events N] [--runs R] [--clickhouse URL] [--postgres URL]
//
// The events are the shared workload (../shared/bench/events-20k.jsonl.gz) when it is beside
// the repository, else testdata/workload/events-4k.jsonl.gz, repeated in memory up to N
// (1,000,000 by default), each repetition with its Timestamp moved later so that every event
// is distinct. For each database: the load rate (events/s, through the same loader as
// katafilter archive, into a fresh table), then for each filter the time of a count and of the
// first page of 100 events, medians of R runs, and for PostgreSQL the same again without the
// layout's index on (ts, id). The anchor is katafilter eval --count's engine
// (lang/stream over the same events as JSON lines in memory, on all cores), median of R runs.
// The URLs default to $KATAFILTER_TEST_CLICKHOUSE and $KATAFILTER_TEST_POSTGRES, then to the
// local servers as .ci/run sets them up; "none" leaves a database out. Every count must equal
// eval's, else archivebench exits 1.
package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/pprof"
	"slices"
	"strings"
	"time"

	"github.com/katafilter/katafilter/archive"
	"github.com/katafilter/katafilter/lang"
	"github.com/katafilter/katafilter/lang/kfl"
	"github.com/katafilter/katafilter/lang/sql"
	"github.com/katafilter/katafilter/lang/stream"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// query is one filter of the workload and its measures.
type query struct {
	line   int
	text   string
	filter *lang.Filter
	evalMs float64
	count  int64
	dbs    map[string]*dbFigures // by dialect, and dialect+noIndex
}

// dbFigures are the measures of one filter on one database.
type dbFigures struct {
	countMs, pageMs float64
	count           int64
}

// loadFigure is the load of the events into one database.
type loadFigure struct {
	dialect sql.Dialect
	noIndex bool // measured again without the layout's indexes
	rate    float64
	seconds float64
	stats   archive.LoadStats
}

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("archivebench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	n := fs.Int("events", 1_000_000, "the number of events")
	runs := fs.Int("runs", 5, "measure each query this many times (the median is shown)")
	chURL := fs.String("clickhouse", envOr("KATAFILTER_TEST_CLICKHOUSE", "clickhouse://default@127.0.0.1:9000/default"), "the ClickHouse `URL` (none: skip)")
	pgURL := fs.String("postgres", envOr("KATAFILTER_TEST_POSTGRES", "postgres://katafilter:katafilter@127.0.0.1:5432/katafilter"), "the PostgreSQL `URL` (none: skip)")
	table := fs.String("table", "kf_bench", "the `table` to load (dropped first)")
	batch := fs.Int("batch", 0, "load in batches of `n` events (0: the loader's default)")
	profile := fs.String("cpuprofile", "", "write a CPU profile of the loads (this process's side) to `file`")
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return 0
		}
		return 2
	}
	if *n < 1 || *runs < 1 {
		fmt.Fprintln(stderr, "archivebench: --events and --runs must be positive")
		return 2
	}
	base, qtext, source, err := workloadFiles()
	if err != nil {
		fmt.Fprintf(stderr, "archivebench: %v\n", err)
		return 1
	}
	events, err := repeat(base, *n)
	if err != nil {
		fmt.Fprintf(stderr, "archivebench: %v\n", err)
		return 1
	}
	queries, err := parseQueries(qtext)
	if err != nil {
		fmt.Fprintf(stderr, "archivebench: %v\n", err)
		return 1
	}
	start := time.Now()
	fmt.Fprintf(stderr, "archivebench: %d events from %s, %d filters, %d runs each\n", len(events), source, len(queries), *runs)
	if err := measureEval(events, queries, *runs); err != nil {
		fmt.Fprintf(stderr, "archivebench: eval: %v\n", err)
		return 1
	}
	if *profile != "" {
		stop, err := startProfile(*profile)
		if err != nil {
			fmt.Fprintf(stderr, "archivebench: %v\n", err)
			return 1
		}
		defer stop()
	}
	var loads []loadFigure
	failed := false
	for _, d := range []struct {
		dialect sql.Dialect
		url     string
	}{{sql.ClickHouse, *chURL}, {sql.Postgres, *pgURL}} {
		if d.url == "none" {
			continue
		}
		lf, err := measureDB(d.url, *table, *batch, events, queries, *runs, stderr)
		if err != nil {
			fmt.Fprintf(stderr, "archivebench: %s: %v\n", d.dialect, err)
			failed = true
			continue
		}
		loads = append(loads, lf)
	}
	printTables(stdout, len(events), source, *runs, time.Since(start), loads, queries)
	for _, q := range queries {
		for d, f := range q.dbs {
			if f.count != q.count {
				fmt.Fprintf(stderr, "archivebench: line %d: %s counts %d, eval %d\n", q.line, d, f.count, q.count)
				failed = true
			}
		}
	}
	if failed {
		return 1
	}
	return 0
}

// startProfile starts a CPU profile into the file name; stop ends it.
func startProfile(name string) (stop func(), err error) {
	f, err := os.Create(name)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() { pprof.StopCPUProfile(); f.Close() }, nil
}

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

// parseQueries reads the filters of a .kfl text, each checked.
func parseQueries(text []byte) ([]*query, error) {
	var out []*query
	for _, e := range kfl.Split(string(text)) {
		f := lang.Analyze(e.Text, lang.Config{})
		if err := f.Diagnostics.Err(); err != nil {
			return nil, fmt.Errorf("queries.kfl:%d: %v", e.Line, err)
		}
		out = append(out, &query{line: e.Line, text: e.Text, filter: f, dbs: map[string]*dbFigures{}})
	}
	return out, nil
}

// measureEval runs katafilter eval --count's engine over the events as JSON lines.
func measureEval(events [][]byte, queries []*query, runs int) error {
	data := bytes.Join(events, []byte{'\n'})
	for _, q := range queries {
		prog, err := q.filter.Program()
		if err != nil {
			return err
		}
		var times []float64
		for range runs {
			runtime.GC()
			var count int64
			t0 := time.Now()
			err := stream.Run(bytes.NewReader(data), prog, stream.Options{}, func(l *stream.Line) error {
				if l.Err != nil {
					return l.Err
				}
				if l.Match {
					count++
				}
				return nil
			})
			times = append(times, ms(time.Since(t0)))
			if err != nil {
				return err
			}
			q.count = count
		}
		q.evalMs = median(times)
	}
	return nil
}

// measureDB loads the events into a fresh table and times the queries there.
func measureDB(url, table string, batch int, events [][]byte, queries []*query, runs int, stderr io.Writer) (loadFigure, error) {
	ctx := context.Background()
	db, err := archive.Open(ctx, url, os.Getenv)
	if err != nil {
		return loadFigure{}, err
	}
	defer db.Close()
	if err := db.DropTable(ctx, table); err != nil {
		return loadFigure{}, err
	}
	lf := loadFigure{dialect: db.Dialect()}
	t0 := time.Now()
	ld, err := db.NewLoader(ctx, table, archive.LoadOptions{Batch: batch})
	if err != nil {
		return lf, err
	}
	defer ld.Close()
	for _, e := range events {
		if err := ld.Add(ctx, e, ""); err != nil {
			return lf, err
		}
	}
	if err := ld.Flush(ctx); err != nil {
		return lf, err
	}
	lf.seconds = time.Since(t0).Seconds()
	lf.stats = ld.Stats()
	lf.rate = float64(len(events)) / lf.seconds
	fmt.Fprintf(stderr, "archivebench: %s: loaded %d events in %.1f s\n", lf.dialect, lf.stats.Loaded, lf.seconds)
	if err := db.Optimize(ctx, table); err != nil {
		return lf, err
	}
	if err := measureQueries(ctx, db, table, queries, runs, lf.dialect.String()); err != nil {
		return lf, err
	}
	// The layout's indexes (PostgreSQL's on (ts, id)): the queries again without them.
	indexes := indexNames(db.Layout(table).CreateStatements())
	if len(indexes) == 0 {
		return lf, nil
	}
	for _, ix := range indexes {
		if err := db.Exec(ctx, "DROP INDEX "+ix); err != nil {
			return lf, err
		}
	}
	if err := measureQueries(ctx, db, table, queries, runs, lf.dialect.String()+noIndex); err != nil {
		return lf, err
	}
	lf.noIndex = true
	return lf, db.EnsureTable(ctx, table) // the indexes back
}

// noIndex marks the figures of a database measured without the layout's indexes.
const noIndex = " without index"

// indexNames returns the names of the indexes that the statements create.
func indexNames(stmts []string) []string {
	var out []string
	for _, st := range stmts {
		if rest, ok := strings.CutPrefix(st, "CREATE INDEX IF NOT EXISTS "); ok {
			out = append(out, strings.Fields(rest)[0])
		}
	}
	return out
}

// measureQueries times the count and the first page of each query, figures kept as key.
func measureQueries(ctx context.Context, db *archive.DB, table string, queries []*query, runs int, key string) error {
	for _, q := range queries {
		f := &dbFigures{}
		var counts, pages []float64
		for range runs {
			t0 := time.Now()
			c, err := db.Count(ctx, table, archive.Query{Filter: q.filter})
			counts = append(counts, ms(time.Since(t0)))
			if err != nil {
				return fmt.Errorf("line %d: %v", q.line, err)
			}
			f.count = c
			t0 = time.Now()
			_, err = db.Hunt(ctx, table, archive.Query{Filter: q.filter, Limit: 100}, func([]byte) error { return nil })
			pages = append(pages, ms(time.Since(t0)))
			if err != nil {
				return fmt.Errorf("line %d: %v", q.line, err)
			}
		}
		f.countMs, f.pageMs = median(counts), median(pages)
		q.dbs[key] = f
	}
	return nil
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func median(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}
