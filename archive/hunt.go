package archive

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/katafilter/katafilter/lang/sql"
)

// Cursor is a position in the order of a hunt's events (Timestamp, then identity): where the
// next page starts. The zero Cursor is before the first event.
type Cursor struct{ c *sql.Cursor }

// IsZero reports whether the cursor is at the start.
func (c Cursor) IsZero() bool { return c.c == nil }

// String shows the cursor as "TIMESTAMP/ID", the form [ParseCursor] reads.
func (c Cursor) String() string {
	if c.c == nil {
		return ""
	}
	return strconv.FormatInt(c.c.Timestamp, 10) + "/" + c.c.ID
}

// ParseCursor reads the form of [Cursor.String]; "" is the zero Cursor.
func ParseCursor(s string) (Cursor, error) {
	if s == "" {
		return Cursor{}, nil
	}
	ts, id, ok := strings.Cut(s, "/")
	n, err := strconv.ParseInt(ts, 10, 64)
	if !ok || err != nil || id == "" {
		return Cursor{}, fmt.Errorf("cursor %q: want TIMESTAMP/ID", s)
	}
	return Cursor{&sql.Cursor{Timestamp: n, ID: id}}, nil
}

func (q Query) options() sql.QueryOptions {
	return sql.QueryOptions{IgnoreCase: q.IgnoreCase, Since: q.Since, Until: q.Until, Limit: q.Limit, After: q.After.c}
}

// Hunt runs the query in the table and calls visit with each matching event's bytes as they
// were loaded (valid until visit returns), in order of Timestamp then identity, each event
// once. It returns the cursor after the last event visited (q.After when there was none), to
// continue with the next page. An error of visit stops the hunt and is returned as is.
func (db *DB) Hunt(ctx context.Context, table string, q Query, visit func(raw []byte) error) (Cursor, error) {
	next := q.After
	if err := CheckTableName(table); err != nil {
		return next, err
	}
	sq, err := db.Layout(table).Select(q.Filter, q.options())
	if err != nil {
		return next, err
	}
	var id string
	var ts int64
	var raw []byte
	var rawText string
	dest := []any{&id, &ts, &raw}
	if db.ch != nil {
		dest[2] = &rawText // a String column
	}
	err = db.query(ctx, sq.SQL, sq.Args, dest, func() error {
		next = Cursor{&sql.Cursor{Timestamp: ts, ID: id}}
		if db.ch != nil {
			raw = []byte(rawText)
		}
		return visit(raw)
	})
	return next, err
}

// Count returns the number of events of the table that match the query (its Limit and After
// do not apply).
func (db *DB) Count(ctx context.Context, table string, q Query) (int64, error) {
	if err := CheckTableName(table); err != nil {
		return 0, err
	}
	l := db.Layout(table)
	if db.ch != nil {
		if n, ok, err := db.countByPart(ctx, l, q); err != nil || ok {
			return n, err
		}
	}
	sq, err := l.Count(q.Filter, q.options())
	if err != nil {
		return 0, err
	}
	return db.count(ctx, sq.SQL, sq.Args)
}

// countByPart counts on ClickHouse part by part, deduplicating only among the parts whose
// events' times overlap (see lang/sql's [sql.Overlapping]). ok is false when the parts
// changed between its two queries: then the caller counts in one.
func (db *DB) countByPart(ctx context.Context, l sql.Layout, q Query) (n int64, ok bool, err error) {
	bq, err := l.CountByPart(q.Filter, q.options())
	if err != nil {
		return 0, false, err
	}
	var parts []sql.PartCount
	var p sql.PartCount
	if err := db.query(ctx, bq.SQL, bq.Args, []any{&p.Part, &p.Count, &p.MinTS, &p.MaxTS}, func() error {
		parts = append(parts, p)
		return nil
	}); err != nil {
		return 0, false, err
	}
	overlap, alone := sql.Overlapping(parts)
	if len(overlap) == 0 {
		return int64(alone), true, nil
	}
	var want uint64
	for _, p := range parts {
		if slices.Contains(overlap, p.Part) {
			want += p.Count
		}
	}
	iq, err := l.CountInParts(q.Filter, q.options(), overlap)
	if err != nil {
		return 0, false, err
	}
	var distinct, rows, seen uint64
	if err := db.query(ctx, iq.SQL, iq.Args, []any{&distinct, &rows, &seen}, func() error { return nil }); err != nil {
		return 0, false, err
	}
	if rows != want || seen != uint64(len(overlap)) {
		return 0, false, nil // a merge replaced a part in between
	}
	return int64(alone + distinct), true, nil
}

// count runs a query of one number.
func (db *DB) count(ctx context.Context, query string, args []any) (int64, error) {
	if db.ch != nil {
		var n uint64
		err := db.query(ctx, query, args, []any{&n}, func() error { return nil })
		return int64(n), err
	}
	var n int64
	err := db.query(ctx, query, args, []any{&n}, func() error { return nil })
	return n, err
}

// Total returns the number of events in the table, each counted once.
func (db *DB) Total(ctx context.Context, table string) (int64, error) {
	if err := CheckTableName(table); err != nil {
		return 0, err
	}
	q := db.Layout(table).CountAll()
	return db.count(ctx, q.SQL, q.Args)
}

// Optimize prepares the table for queries after a large load: ClickHouse merges its parts
// (OPTIMIZE ... FINAL, which also removes duplicates), PostgreSQL updates its statistics and
// visibility map (VACUUM ANALYZE).
func (db *DB) Optimize(ctx context.Context, table string) error {
	if err := CheckTableName(table); err != nil {
		return err
	}
	if db.ch != nil {
		return db.exec(ctx, "OPTIMIZE TABLE "+db.Layout(table).Name()+" FINAL")
	}
	return db.exec(ctx, "VACUUM ANALYZE "+db.Layout(table).Name())
}
