package archive

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"sync"

	"github.com/ClickHouse/clickhouse-go/v2"

	"github.com/katafilter/katafilter/internal/jsonl"
	"github.com/katafilter/katafilter/lang/sql"
)

// Loader stores events into the table of an archive in batches. Each batch is committed at
// once (one INSERT on ClickHouse, one transaction on PostgreSQL), its events sent to the
// database in blocks of at most [BlockSize] as they come; an event already in the table is
// not stored again, so loading the same events twice, or again after an interrupted load,
// leaves each once. A Loader is not safe for concurrent use.
type Loader struct {
	db     *DB
	layout sql.Layout
	batch  int
	skip   func(where string, err error)

	pending []pendingEvent // the next block
	stats   LoadStats

	// The batch under way (nil when none) and the events it holds. Its blocks are sent on a
	// goroutine (sending) while the loader reads and makes the next block, and a full batch
	// is committed on another (committing) while the next one fills: only waitSend touches
	// open and openNew while a send may run.
	open       txn
	openIDs    map[string]bool
	openNew    int64           // how many events the batch stores when it commits
	sealed     map[string]bool // the events of the batch being committed, until it is
	sending    *flight
	committing *flight
}

// flight is the sending of a block, or the commit of a batch, on a goroutine of its own.
type flight struct {
	done   chan struct{}
	sent   int64 // the rows sent
	stored int64 // how many the batch stores of them; of a commit, of the whole batch
	err    error
}

// BlockSize is the most events a [Loader] sends to the database at once: a batch is sent in
// blocks, so that its size does not bound the memory of the loader.
const BlockSize = 20000

// pendingEvent is an event waiting for its block: its bytes and where it was read.
type pendingEvent struct {
	raw   []byte
	where string
}

// NewLoader creates the table if it does not exist ([sql.Layout.CreateStatements]) and
// returns a loader into it.
func (db *DB) NewLoader(ctx context.Context, table string, opt LoadOptions) (*Loader, error) {
	if err := db.EnsureTable(ctx, table); err != nil {
		return nil, err
	}
	if opt.Batch <= 0 {
		opt.Batch = DefaultBatch
	}
	skip := opt.Skipped
	if skip == nil {
		skip = func(string, error) {}
	}
	return &Loader{db: db, layout: db.Layout(table), batch: opt.Batch, skip: skip, openIDs: map[string]bool{}, sealed: map[string]bool{}}, nil
}

// Add queues one event (a JSON object, one line of JSON lines; the loader keeps a copy), sends
// the block when it is full and commits the batch when it is. where says where the event was
// read (file:line), for the report of an event the layout refuses. The error is the
// database's; after an error, the batch under way is not stored.
func (l *Loader) Add(ctx context.Context, raw []byte, where string) error {
	l.pending = append(l.pending, pendingEvent{raw: slices.Clone(raw), where: where})
	if len(l.pending) >= min(l.batch, BlockSize) {
		if err := l.send(ctx); err != nil {
			return err
		}
	}
	if len(l.openIDs) >= l.batch {
		return l.commit(ctx)
	}
	return nil
}

// Flush commits the queued events. When it returns nil, they are in the table.
func (l *Loader) Flush(ctx context.Context) error {
	if err := l.send(ctx); err != nil {
		return err
	}
	if err := l.commit(ctx); err != nil {
		return err
	}
	return l.waitCommit()
}

// Close gives up the batch under way, if any: its events are not stored. Call it when a
// load ends early; after Flush it does nothing.
func (l *Loader) Close() {
	l.waitSend()
	l.waitCommit()
	l.drop()
}

// drop gives up the batch under way.
func (l *Loader) drop() {
	if l.open != nil {
		l.open.abort()
		l.open = nil
	}
	clear(l.openIDs)
	l.openNew = 0
}

// send makes the rows of the queued events and sends those not in the table yet into the
// batch under way, on a goroutine: the error of a block may come from the next call.
func (l *Loader) send(ctx context.Context) error {
	if len(l.pending) == 0 {
		return nil
	}
	rows := l.rows()
	l.pending = l.pending[:0]
	fresh, err := l.absent(ctx, rows)
	if err != nil {
		l.Close()
		return err
	}
	l.stats.Present += int64(len(rows) - len(fresh))
	if len(fresh) == 0 {
		return nil
	}
	vals := make([][]any, len(fresh))
	for i, r := range fresh {
		vals[i] = r.Values
		l.openIDs[r.ID] = true
	}
	if err := l.waitSend(); err != nil {
		return err
	}
	l.sending = start(int64(len(vals)), func() (int64, error) {
		if l.open == nil {
			t, err := l.db.begin(ctx, l.layout)
			if err != nil {
				return 0, err
			}
			l.open = t
		}
		stored, err := l.open.send(ctx, vals)
		if stored < 0 { // ClickHouse does not say: every row absent a moment ago is stored
			stored = int64(len(vals))
		}
		return stored, err
	})
	return nil
}

// commit commits the batch under way on a goroutine, once the one before is committed.
func (l *Loader) commit(ctx context.Context) error {
	if err := l.waitSend(); err != nil {
		return err
	}
	if err := l.waitCommit(); err != nil {
		l.drop()
		return err
	}
	if l.open == nil {
		return nil
	}
	t, stored := l.open, l.openNew
	l.open, l.openNew = nil, 0
	l.openIDs, l.sealed = l.sealed, l.openIDs // sealed is empty: its commit is over
	l.committing = start(0, func() (int64, error) { return stored, t.commit(ctx) })
	return nil
}

// start runs f, the sending of rows or a commit, on a goroutine.
func start(sent int64, f func() (int64, error)) *flight {
	fl := &flight{done: make(chan struct{}), sent: sent}
	go func() {
		defer close(fl.done)
		fl.stored, fl.err = f()
	}()
	return fl
}

// waitSend waits for the block being sent and counts it. After an error, the batch under way
// is given up.
func (l *Loader) waitSend() error {
	fl := l.sending
	if fl == nil {
		return nil
	}
	<-fl.done
	l.sending = nil
	if fl.err != nil {
		l.drop()
		return fl.err
	}
	l.openNew += fl.stored
	l.stats.Present += fl.sent - fl.stored
	return nil
}

// waitCommit waits for the batch being committed and counts it.
func (l *Loader) waitCommit() error {
	fl := l.committing
	if fl == nil {
		return nil
	}
	<-fl.done
	l.committing = nil
	clear(l.sealed)
	if fl.err != nil {
		return fl.err
	}
	l.stats.Loaded += fl.stored
	return nil
}

// Stats returns what the loader stored so far.
func (l *Loader) Stats() LoadStats { return l.stats }

// rows makes the rows of the pending events on all cores, reporting and dropping those the
// layout refuses, and keeps one row of each event that the batch holds twice.
func (l *Loader) rows() []sql.Row {
	rows := make([]sql.Row, len(l.pending))
	errs := make([]error, len(l.pending))
	workers := min(runtime.GOMAXPROCS(0), max(1, len(l.pending)/256))
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < len(l.pending); i += workers {
				rows[i], errs[i] = l.layout.Row(l.pending[i].raw)
			}
		}()
	}
	wg.Wait()
	out := rows[:0]
	seen := make(map[string]bool, len(rows))
	for i, r := range rows {
		if err := errs[i]; err != nil {
			if !errors.Is(err, sql.ErrNUL) {
				if e := jsonl.CheckObject(l.pending[i].raw); e != nil {
					err = e // worded as a malformed line of JSON lines is
				}
			}
			l.skip(l.pending[i].where, err)
			l.stats.Skipped++
			continue
		}
		if seen[r.ID] {
			l.stats.Present++
			continue
		}
		seen[r.ID] = true
		out = append(out, r)
	}
	return out
}

// absent returns the rows whose event is not in the table yet. On PostgreSQL that is left to
// the INSERT (ON CONFLICT DO NOTHING), which says how many it stored; on ClickHouse, which
// would store a duplicate and remove it only when it merges, the loader looks first, within
// the time range of the batch (the table is sorted by time).
func (l *Loader) absent(ctx context.Context, rows []sql.Row) ([]sql.Row, error) {
	if l.db.ch == nil || len(rows) == 0 {
		return rows, nil
	}
	if len(l.openIDs)+len(l.sealed) > 0 { // in the batches under way, which no query sees yet
		rows = slices.DeleteFunc(rows, func(r sql.Row) bool { return l.openIDs[r.ID] || l.sealed[r.ID] })
		if len(rows) == 0 {
			return rows, nil
		}
	}
	lo, hi := rows[0].Timestamp, rows[0].Timestamp
	ids := make([]string, len(rows))
	for i, r := range rows {
		lo, hi = min(lo, r.Timestamp), max(hi, r.Timestamp)
		ids[i] = r.ID
	}
	inRange := l.layout.AnyBetween(lo, hi)
	var one uint8
	found := false
	if err := l.db.query(ctx, inRange.SQL, inRange.Args, []any{&one}, func() error { found = true; return nil }); err != nil {
		return nil, err
	}
	if !found {
		return rows, nil
	}
	present := map[string]bool{}
	var id string
	q := l.layout.Present(ids, lo, hi)
	// The ids are written into the query: let it be longer than the default 256 KiB.
	qctx := clickhouse.Context(ctx, clickhouse.WithSettings(clickhouse.Settings{"max_query_size": 64 << 20}))
	err := l.db.query(qctx, q.SQL, q.Args, []any{&id}, func() error {
		present[id] = true
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(present) == 0 {
		return rows, nil
	}
	fresh := rows[:0:0]
	for _, r := range rows {
		if !present[r.ID] {
			fresh = append(fresh, r)
		}
	}
	return fresh, nil
}

// String describes the loader's table, for messages.
func (l *Loader) String() string { return fmt.Sprintf("%s in %s", l.layout.Table, l.db) }
