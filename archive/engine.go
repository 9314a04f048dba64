package archive

import (
	"context"
	"errors"
	"runtime"
	"sync"

	"github.com/ClickHouse/clickhouse-go/v2"
	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"
	"github.com/jackc/pgx/v5"

	"github.com/katafilter/katafilter/lang/sql"
)

// txn is a batch of a load under way: rows sent in blocks and stored together when it
// commits, or not at all.
type txn interface {
	// send sends rows of the layout, in [sql.Layout.Columns] order, and returns how many the
	// batch will store, or -1 when the database does not say (ClickHouse).
	send(ctx context.Context, rows [][]any) (int64, error)
	commit(ctx context.Context) error
	abort()
}

// begin starts a batch into the layout's table: on ClickHouse one INSERT whose blocks the
// server gathers into one part (fewer parts, less merging), committed when the INSERT ends; on
// PostgreSQL a transaction.
func (db *DB) begin(ctx context.Context, layout sql.Layout) (txn, error) {
	if db.ch != nil {
		// Through a Distributed table, the INSERT returns once every shard has the rows (by
		// default it would queue them and send them later), so that a committed batch is
		// committed everywhere. The setting changes nothing for another engine.
		ctx = clickhouse.Context(ctx, clickhouse.WithSettings(clickhouse.Settings{"insert_distributed_sync": 1}))
		b, err := db.ch.PrepareBatch(ctx, layout.InsertStatement())
		if err != nil {
			return nil, db.wrap(err)
		}
		return &chTxn{db: db, b: b}, nil
	}
	tx, err := db.pg.Begin(ctx)
	if err != nil {
		return nil, db.wrap(err)
	}
	t := &pgTxn{db: db, tx: tx, layout: layout}
	if _, err := tx.Exec(ctx, "CREATE TEMPORARY TABLE "+pgLoadTable+" (LIKE "+layout.Name()+" INCLUDING DEFAULTS) ON COMMIT DROP"); err != nil {
		t.abort()
		return nil, db.wrap(err)
	}
	return t, nil
}

// chTxn is a batch of ClickHouse: a native INSERT whose blocks are sent as they come.
type chTxn struct {
	db *DB
	b  driver.Batch
}

func (t *chTxn) send(ctx context.Context, rows [][]any) (int64, error) {
	if err := appendColumns(t.b, rows); err != nil {
		return 0, t.db.wrap(err)
	}
	return -1, t.db.wrap(t.b.Flush())
}

func (t *chTxn) commit(context.Context) error { return t.db.wrap(t.b.Send()) }

func (t *chTxn) abort() { t.b.Abort() }

// pgTxn is a batch of PostgreSQL: each block is copied into a temporary table (COPY cannot
// skip a conflict) and inserted from there, skipping the events already present.
type pgTxn struct {
	db     *DB
	tx     pgx.Tx
	layout sql.Layout
}

const pgLoadTable = "kf_load"

func (t *pgTxn) send(ctx context.Context, rows [][]any) (int64, error) {
	// COPY quotes the names it is given: the names as PostgreSQL keeps them.
	if _, err := t.tx.CopyFrom(ctx, pgx.Identifier{pgLoadTable}, t.layout.StoredColumns(), pgx.CopyFromRows(rows)); err != nil {
		return 0, t.db.wrap(err)
	}
	tag, err := t.tx.Exec(ctx, t.layout.InsertFrom(pgLoadTable))
	if err != nil {
		return 0, t.db.wrap(err)
	}
	if _, err := t.tx.Exec(ctx, "TRUNCATE "+pgLoadTable); err != nil {
		return 0, t.db.wrap(err)
	}
	return tag.RowsAffected(), nil
}

func (t *pgTxn) commit(ctx context.Context) error { return t.db.wrap(t.tx.Commit(ctx)) }

func (t *pgTxn) abort() { t.tx.Rollback(context.Background()) }

// query runs a query and calls visit with each row's values, scanned into dest.
func (db *DB) query(ctx context.Context, sql string, args []any, dest []any, visit func() error) error {
	var rows interface {
		Next() bool
		Scan(dest ...any) error
		Err() error
	}
	if db.ch != nil {
		r, err := db.ch.Query(ctx, sql, args...)
		if err != nil {
			return db.wrap(err)
		}
		defer r.Close()
		rows = r
	} else {
		r, err := db.pg.Query(ctx, sql, args...)
		if err != nil {
			return db.wrap(err)
		}
		defer r.Close()
		rows = r
	}
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return db.wrap(err)
		}
		if err := visit(); err != nil {
			return err
		}
	}
	return db.wrap(rows.Err())
}

// appendColumns appends the rows to the batch, the columns shared out among the cores (the
// columns are independent of each other). Each value is appended as a row of its column with
// its own type, which the driver stores without reflection (a whole column at once would go
// through reflection for every array), and the rows are read in order, each worker taking
// its columns of one row before the next.
func appendColumns(b driver.Batch, rows [][]any) error {
	cols := make([]driver.BatchColumn, len(rows[0]))
	for i := range cols {
		cols[i] = b.Column(i)
	}
	workers := runtime.GOMAXPROCS(0)
	errs := make([]error, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for _, r := range rows {
				for i := w; i < len(cols); i += workers {
					if err := cols[i].AppendRow(r[i]); err != nil {
						errs[w] = err
						return
					}
				}
			}
		})
	}
	wg.Wait()
	return errors.Join(errs...)
}
