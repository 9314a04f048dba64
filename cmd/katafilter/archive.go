package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/katafilter/katafilter/archive"
	"github.com/katafilter/katafilter/internal/jsonl"
	"github.com/katafilter/katafilter/internal/words"
)

func init() {
	register(&command{name: "archive", summary: "load JSON-lines events into a ClickHouse or PostgreSQL archive", run: runArchive})
}

const archiveSynopsis = `archive --db URL [--table NAME] [--batch N] [FILE...]

Archive loads events (JSON lines, one object a line, plain or gzip-compressed, from each FILE
or from standard input when there is none or a FILE is "-") into the table NAME of the
database at URL, creating the table when it does not exist (docs/hunt.md describes its
layout; a table made by another version of katafilter is refused, and docs/hunt.md says how
to move its events). "katafilter hunt" then runs filters there.

  --db clickhouse://[user[:password]@]host[:9000]/database[?secure=true&skip_verify=true]
  --db postgres://user[:password]@host[:5432]/database[?sslmode=verify-full&sslrootcert=FILE]

The database must exist. A password missing from the URL is taken from $KATAFILTER_DB_PASSWORD,
else from the driver's usual place ($PGPASSWORD or ~/.pgpass; $CLICKHOUSE_PASSWORD).

Loading is idempotent: an event already in the table (the same event loaded before, or by a
load that was interrupted) is not stored twice. Events are committed in batches (sent in
blocks of 20,000 as they are read); an interrupted load keeps the batches committed and may
simply be run again. A malformed line
is reported as file:line: message and skipped. On a terminal, stderr shows the progress;
at the end, a summary: events loaded, already present, lines skipped.

Exit status: 0 on success, 1 when a file cannot be read, a line is malformed or the
database refuses, 2 on a usage error.`

// archiveFlags are the flags that name an archive: the database and the table.
type archiveFlags struct {
	flag      string // the database flag's name
	db, table string
}

// addArchiveFlags declares the flags: dbFlag (db, or archive for fetch) and --table.
func addArchiveFlags(fs interface {
	StringVar(*string, string, string, string)
}, dbFlag, dbUsage string) *archiveFlags {
	af := &archiveFlags{flag: dbFlag}
	fs.StringVar(&af.db, dbFlag, "", dbUsage)
	fs.StringVar(&af.table, "table", archive.DefaultTable, "the `table` of the events")
	return af
}

// check reports a usage error in the flags: the URL is required, the table name restricted.
func (af *archiveFlags) check(env *cmdEnv, cmd string) (int, bool) {
	if af.db == "" {
		return usageError(env, cmd, "the database is missing: give it with --%s URL", af.flag), false
	}
	if err := archive.CheckTableName(af.table); err != nil {
		return usageError(env, cmd, "--table: %v", err), false
	}
	return 0, true
}

// open connects to the archive's database.
func (af *archiveFlags) open(ctx context.Context, env *cmdEnv) (*archive.DB, error) {
	return archive.Open(ctx, af.db, env.getenv)
}

func runArchive(env *cmdEnv, args []string) int {
	fs := newFlags(env, "archive", archiveSynopsis)
	af := addArchiveFlags(fs, "db", "the database `URL` (clickhouse://... or postgres://...; required)")
	batch := fs.Int("batch", archive.DefaultBatch, "commit the events in batches of `N`")
	files, code, ok := parseArgs(env, fs, args)
	if !ok {
		return code
	}
	if code, ok := af.check(env, "archive"); !ok {
		return code
	}
	if *batch < 1 {
		return usageError(env, "archive", "--batch must be positive")
	}
	if len(files) == 0 {
		files = []string{"-"}
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	db, err := af.open(ctx, env)
	if err != nil {
		fmt.Fprintf(env.stderr, "katafilter archive: %v\n", err)
		return 1
	}
	defer db.Close()
	clear := ""
	if isTerminal(env) {
		clear = "\r\033[K" // over the progress line
	}
	ld, err := db.NewLoader(ctx, af.table, archive.LoadOptions{Batch: *batch, Skipped: func(where string, err error) {
		fmt.Fprintf(env.stderr, "%s%s: %v\n", clear, where, err)
	}})
	if err != nil {
		fmt.Fprintf(env.stderr, "katafilter archive: %v\n", err)
		return 1
	}
	defer ld.Close() // after Flush, nothing to give up

	var read atomic.Int64
	if isTerminal(env) {
		done := make(chan struct{})
		defer close(done)
		go archiveProgress(env, &read, done)
	}
	skipped, failed := 0, false
	for _, arg := range files {
		n, fatal, err := loadFile(ctx, env, ld, arg, &read, clear)
		skipped += n
		if err != nil {
			fmt.Fprintf(env.stderr, "katafilter archive: %v\n", err)
			failed = true
		}
		if fatal {
			break
		}
	}
	if err := ld.Flush(ctx); err != nil {
		fmt.Fprintf(env.stderr, "katafilter archive: %v\n", err)
		failed = true
	}
	st := ld.Stats()
	if isTerminal(env) {
		fmt.Fprint(env.stderr, "\r\033[K")
	}
	skipped += int(st.Skipped)
	fmt.Fprintf(env.stderr, "loaded %s into %s of %s, %d already present, %s skipped\n",
		words.Plural(int(st.Loaded), "event"), af.table, db, st.Present, words.Plural(skipped, "malformed line"))
	if ctx.Err() != nil {
		fmt.Fprintln(env.stderr, "katafilter archive: interrupted; run it again to load the rest")
	}
	if failed || skipped > 0 {
		return 1
	}
	return 0
}

// loadFile hands the events of one file argument to the loader, reporting malformed lines on
// stderr as file:line: message. It returns how many lines it skipped and the error that
// stopped it; fatal is set when that error is the database's (or an interruption), which
// stops the whole load.
func loadFile(ctx context.Context, env *cmdEnv, ld *archive.Loader, arg string, read *atomic.Int64, clear string) (skipped int, fatal bool, err error) {
	// The loader reads every event with the evaluator's reader and reports those it cannot
	// read (through Skipped): the lines need not be parsed twice.
	r, err := jsonl.Open(arg, env.stdin, jsonl.Options{Check: func([]byte) error { return nil }, Malformed: func(e *jsonl.LineError) {
		fmt.Fprintf(env.stderr, "%s%v\n", clear, e)
	}})
	if err != nil {
		return 0, false, fmt.Errorf("%s: %v", displayName(arg), unwrapPath(err))
	}
	defer r.Close()
	for r.Next() {
		if err := ld.Add(ctx, r.Event(), fmt.Sprintf("%s:%d", displayName(arg), r.Line())); err != nil {
			return r.Skipped(), true, err
		}
		read.Add(1)
	}
	return r.Skipped(), false, r.Err()
}

// archiveProgress redraws one status line on stderr every second: the events read and the rate
// over the last ten seconds, until done is closed.
func archiveProgress(env *cmdEnv, read *atomic.Int64, done <-chan struct{}) {
	t := time.NewTicker(time.Second)
	defer t.Stop()
	w := rateWindow{span: 10 * time.Second}
	w.add(time.Now(), 0)
	for {
		select {
		case <-done:
			return
		case now := <-t.C:
			n := read.Load()
			fmt.Fprintf(env.stderr, "\r\033[K%s read, %.0f events/s", words.Plural(int(n), "event"), w.add(now, n))
		}
	}
}
