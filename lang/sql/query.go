package sql

import (
	"strconv"
	"strings"
	"time"

	"github.com/katafilter/katafilter/lang"
)

// QueryOptions are the options of [Layout.Select] and [Layout.Count].
type QueryOptions struct {
	// IgnoreCase compares strings without regard to case, as the evaluator's option does.
	IgnoreCase bool
	// Since and Until bound the events' Timestamp: Since <= Timestamp < Until. The zero time
	// leaves that side open. (An event without a Timestamp counts as 1970-01-01.)
	Since, Until time.Time
	// Limit is the largest number of rows Select returns; 0 means no limit.
	Limit int
	// After, when set, makes Select return only events after the cursor in its order
	// (Timestamp, then ID): pass the last row of one page to get the next.
	After *Cursor
}

// Cursor is a position in the order of [Layout.Select]: the Timestamp and ID of an event.
type Cursor struct {
	Timestamp int64
	ID        string
}

// Select returns the query of the events that match f: rows of three columns, id (string),
// ts (int64) and raw (the event's bytes as loaded: a string on ClickHouse, bytea on
// PostgreSQL), ordered by ts then id, each event once.
func (l Layout) Select(f *lang.Filter, opts QueryOptions) (Query, error) {
	where, err := l.where(f, opts)
	if err != nil {
		return Query{}, err
	}
	order := " ORDER BY " + colTS + ", " + colID
	limit := ""
	if opts.Limit > 0 {
		limit = " LIMIT " + strconv.Itoa(opts.Limit)
	}
	cols := colID + ", " + colTS + ", " + colRaw
	if l.Dialect == Postgres {
		where.SQL = "SELECT " + cols + " FROM " + l.Name() + " WHERE " + where.SQL + order + limit
		return where, nil
	}
	// ClickHouse: one row per id (a duplicate not merged away yet). With a limit, the events
	// are chosen first by (ts, id) alone and their raw bytes read after, for those only: read
	// with the condition, the bytes of every matching event would be read and sorted. On a
	// Distributed table the subquery runs on each shard over its local table
	// (distributed_product_mode 'local'): each shard's first events, which the server then
	// merges, as the copies of an event are on one shard. (GLOBAL IN is several times slower.)
	dedup := " LIMIT 1 BY " + colID
	if limit == "" {
		where.SQL = "SELECT " + cols + " FROM " + l.Name() + " WHERE " + where.SQL + order + dedup
		return where, nil
	}
	where.SQL = "SELECT " + cols + " FROM " + l.Name() + " WHERE (" + colTS + ", " + colID + ") IN (SELECT " +
		colTS + ", " + colID + " FROM " + l.Name() + " WHERE " + where.SQL + order + dedup + limit + ")" + order + dedup + limit +
		" SETTINGS distributed_product_mode = 'local'"
	return where, nil
}

// Count returns the query of the number of events that match f: one row, one column, a
// UInt64 on ClickHouse and a bigint on PostgreSQL. opts.Limit and opts.After do not apply.
func (l Layout) Count(f *lang.Filter, opts QueryOptions) (Query, error) {
	opts.After = nil
	where, err := l.where(f, opts)
	if err != nil {
		return Query{}, err
	}
	where.SQL = "SELECT " + l.countAggregate() + " FROM " + l.Name() + " WHERE " + where.SQL
	return where, nil
}

// where is the filter's condition and the options' bounds.
func (l Layout) where(f *lang.Filter, opts QueryOptions) (Query, error) {
	q, err := Translate(f, l, opts)
	if err != nil {
		return Query{}, err
	}
	t := &translator{d: l.Dialect}
	var conds []string
	if !opts.Since.IsZero() {
		conds = append(conds, colTS+" >= "+t.arg(opts.Since.UnixMicro()))
	}
	if !opts.Until.IsZero() {
		conds = append(conds, colTS+" < "+t.arg(opts.Until.UnixMicro()))
	}
	if c := opts.After; c != nil {
		conds = append(conds, "("+colTS+" > "+t.arg(c.Timestamp)+" OR "+colTS+" = "+t.arg(c.Timestamp)+" AND "+colID+" > "+t.arg(c.ID)+")")
	}
	if len(conds) == 0 {
		return q, nil
	}
	bounds, args := t.finish(strings.Join(conds, " AND "), len(q.Args))
	q.SQL, q.Args = q.SQL+" AND "+bounds, append(q.Args, args...)
	return q, nil
}
