package sqldiff

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"
	"github.com/jackc/pgx/v5"

	"github.com/katafilter/katafilter/lang/sql"
)

// engine runs the queries of the layout on one server.
type engine struct {
	l     sql.Layout
	count func(sql.Query) (int64, error)
	rows  func(sql.Query) ([]sql.Cursor, error) // the id and ts of each row, in order
}

func chEngine(conn driver.Conn, l sql.Layout) engine {
	return engine{l: l,
		count: func(q sql.Query) (int64, error) {
			var n uint64
			err := conn.QueryRow(context.Background(), q.SQL, q.Args...).Scan(&n)
			return int64(n), err
		},
		rows: func(q sql.Query) ([]sql.Cursor, error) {
			rows, err := conn.Query(context.Background(), q.SQL, q.Args...)
			if err != nil {
				return nil, err
			}
			defer rows.Close()
			return cursors[string](rows)
		}}
}

func pgEngine(conn *pgx.Conn, l sql.Layout) engine {
	return engine{l: l,
		count: func(q sql.Query) (n int64, err error) {
			err = conn.QueryRow(context.Background(), q.SQL, q.Args...).Scan(&n)
			return n, err
		},
		rows: func(q sql.Query) ([]sql.Cursor, error) {
			rows, err := conn.Query(context.Background(), q.SQL, q.Args...)
			if err != nil {
				return nil, err
			}
			defer rows.Close()
			return cursors[[]byte](rows)
		}}
}

// checkQueries runs Count and Select (in pages, and between two times) for the cases on e,
// over events loaded twice, and compares with the evaluator: each event once, in order.
func checkQueries(e engine, cs []filterCase, ts map[string]int64, skip map[string]bool) error {
	for i, c := range cs {
		want := minus(c.want, skip)
		opts := sql.QueryOptions{IgnoreCase: c.ignoreCase}
		if i%3 == 1 { // a window of time: the middle of the workload
			opts.Since, opts.Until = time.UnixMicro(1764000002000000), time.UnixMicro(1764000006000000)
			for id := range want {
				if ts[id] < opts.Since.UnixMicro() || ts[id] >= opts.Until.UnixMicro() {
					delete(want, id)
				}
			}
		}
		q, err := e.l.Count(c.f, opts)
		if err != nil {
			return err
		}
		n, err := e.count(q)
		if err != nil {
			return fmt.Errorf("%s: %v", q.SQL, err)
		}
		if n != int64(len(want)) {
			return fmt.Errorf("%s: count %d, the evaluator %d", printable(c.src), n, len(want))
		}
		// Page through the matches, in three pages or four.
		var got []sql.Cursor
		opts.Limit = len(want)/3 + 1
		for {
			q, err := e.l.Select(c.f, opts)
			if err != nil {
				return err
			}
			page, err := e.rows(q)
			if err != nil {
				return fmt.Errorf("%s: %v", q.SQL, err)
			}
			got = append(got, page...)
			if len(page) < opts.Limit {
				break
			}
			opts.After = &page[len(page)-1]
		}
		var wantRows []sql.Cursor
		for id := range want {
			wantRows = append(wantRows, sql.Cursor{Timestamp: ts[id], ID: id})
		}
		sort.Slice(wantRows, func(i, j int) bool {
			a, b := wantRows[i], wantRows[j]
			return a.Timestamp < b.Timestamp || a.Timestamp == b.Timestamp && a.ID < b.ID
		})
		if fmt.Sprint(got) != fmt.Sprint(wantRows) {
			return fmt.Errorf("%s: select returned %d rows, want %d in order (ts, id)\ngot  %.5v\nwant %.5v", printable(c.src), len(got), len(wantRows), got, wantRows)
		}
	}
	return nil
}

// cursors reads the (id, ts, raw) rows of a select: each event's place. R is how the driver
// gives raw (ClickHouse: String, PostgreSQL: bytea).
func cursors[R string | []byte](rows rowSet) ([]sql.Cursor, error) {
	var out []sql.Cursor
	for rows.Next() {
		var c sql.Cursor
		var raw R
		if err := rows.Scan(&c.ID, &c.Timestamp, &raw); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}
