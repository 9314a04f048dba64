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

// insert stores rows of the layout in one statement: a native batch for ClickHouse
// ([sql.Layout.InsertStatement]); for PostgreSQL, COPY into a temporary table and one INSERT
// from it that skips the events already present, in one transaction. It returns how many rows
// were stored, or -1 when the database does not say (ClickHouse).
func (db *DB) insert(ctx context.Context, layout sql.Layout, rows [][]any) (int64, error) {
	if len(rows) == 0 {
		return 0, nil
	}
	if db.ch != nil {
		// Through a Distributed table, the INSERT returns once every shard has the rows (by
		// default it would queue them and send them later), so that a committed batch is
		// committed everywhere. The setting changes nothing for another engine.
		ctx = clickhouse.Context(ctx, clickhouse.WithSettings(clickhouse.Settings{"insert_distributed_sync": 1}))
		b, err := db.ch.PrepareBatch(ctx, layout.InsertStatement())
		if err != nil {
			return 0, db.wrap(err)
		}
		defer b.Close()
		if err := appendColumns(b, rows); err != nil {
			return 0, db.wrap(err)
		}
		return -1, db.wrap(b.Send())
	}
	// COPY quotes the names it is given: the names as PostgreSQL keeps them.
	columns := layout.StoredColumns()
	var stored int64
	err := pgx.BeginFunc(ctx, db.pg, func(tx pgx.Tx) error {
		const tmp = "kf_load"
		if _, err := tx.Exec(ctx, "CREATE TEMPORARY TABLE "+tmp+" (LIKE "+layout.Name()+" INCLUDING DEFAULTS) ON COMMIT DROP"); err != nil {
			return err
		}
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{tmp}, columns, pgx.CopyFromRows(rows)); err != nil {
			return err
		}
		tag, err := tx.Exec(ctx, layout.InsertFrom(tmp))
		stored = tag.RowsAffected()
		return err
	})
	return stored, db.wrap(err)
}

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

// appendColumns appends the rows to the batch column by column, the columns shared out among
// the cores (the driver converts each value of an array column through reflection, and the
// columns are independent of each other).
func appendColumns(b driver.Batch, rows [][]any) error {
	cols := make([]driver.BatchColumn, len(rows[0]))
	for i := range cols {
		cols[i] = b.Column(i)
	}
	errs := make([]error, len(cols))
	workers := runtime.GOMAXPROCS(0)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := w; i < len(cols); i += workers {
				errs[i] = cols[i].Append(column(rows, i))
			}
		})
	}
	wg.Wait()
	return errors.Join(errs...)
}

// column gathers column i of rows into one slice of its type, for a columnar append (much
// cheaper than a row at a time, which the driver converts value by value).
func column(rows [][]any, i int) any {
	switch rows[0][i].(type) {
	case string:
		return gather[string](rows, i)
	case int64:
		return gather[int64](rows, i)
	case []string:
		return gather[[]string](rows, i)
	case []int64:
		return gather[[]int64](rows, i)
	case []int8:
		return gather[[]int8](rows, i)
	case []uint8:
		return gather[[]uint8](rows, i)
	}
	return gather[any](rows, i)
}

func gather[T any](rows [][]any, i int) []T {
	out := make([]T, len(rows))
	for j, r := range rows {
		out[j] = r[i].(T)
	}
	return out
}
