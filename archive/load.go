package archive

import (
	"context"
	"fmt"
	"runtime"
	"slices"
	"sync"

	"github.com/ClickHouse/clickhouse-go/v2"

	"github.com/katafilter/katafilter/lang/sql"
)

// Loader stores events into the table of an archive in batches. Each batch is committed at
// once (one INSERT); an event already in the table is not stored again, so loading the same
// events twice, or again after an interrupted load, leaves each once. A Loader is not safe
// for concurrent use.
type Loader struct {
	db     *DB
	layout sql.Layout
	batch  int
	skip   func(where string, err error)

	pending []pendingEvent
	stats   LoadStats
}

// pendingEvent is an event waiting for its batch: its bytes and where it was read.
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
	return &Loader{db: db, layout: db.Layout(table), batch: opt.Batch, skip: skip}, nil
}

// EnsureTable creates the table if it does not exist.
func (db *DB) EnsureTable(ctx context.Context, table string) error {
	if err := CheckTableName(table); err != nil {
		return err
	}
	for _, stmt := range db.Layout(table).CreateStatements() {
		if err := db.exec(ctx, stmt); err != nil {
			return err
		}
	}
	return nil
}

// Add queues one event (a JSON object, one line of JSON lines; the loader keeps a copy) and
// commits the batch when it is full. where says where the event was read (file:line), for
// the report of an event the layout refuses. The error is the database's.
func (l *Loader) Add(ctx context.Context, raw []byte, where string) error {
	l.pending = append(l.pending, pendingEvent{raw: slices.Clone(raw), where: where})
	if len(l.pending) >= l.batch {
		return l.Flush(ctx)
	}
	return nil
}

// Flush commits the queued events. When it returns nil, they are in the table.
func (l *Loader) Flush(ctx context.Context) error {
	if len(l.pending) == 0 {
		return nil
	}
	rows := l.rows()
	fresh, err := l.absent(ctx, rows)
	if err != nil {
		return err
	}
	vals := make([][]any, len(fresh))
	for i, r := range fresh {
		vals[i] = r.Values
	}
	stored, err := l.db.insert(ctx, l.layout, vals)
	if err != nil {
		return err
	}
	if stored < 0 { // ClickHouse does not say: every row absent a moment ago was stored
		stored = int64(len(fresh))
	}
	l.stats.Loaded += stored
	l.stats.Present += int64(len(rows)) - stored
	l.pending = l.pending[:0]
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
		if errs[i] != nil {
			l.skip(l.pending[i].where, errs[i])
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
	lo, hi := rows[0].Timestamp, rows[0].Timestamp
	ids := make([]string, len(rows))
	for i, r := range rows {
		lo, hi = min(lo, r.Timestamp), max(hi, r.Timestamp)
		ids[i] = r.ID
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
