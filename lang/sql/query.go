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
	// ClickHouse: one row per id (a duplicate not merged away yet).
	dedup := " LIMIT 1 BY " + colID
	if limit == "" {
		where.SQL = "SELECT " + cols + " FROM " + l.Name() + " WHERE " + where.SQL + order + dedup
		return where, nil
	}
	bound, err := l.pageBound(f, opts)
	if err != nil {
		return Query{}, err
	}
	where.SQL = "SELECT " + cols + " FROM " + l.Name() + " WHERE " + colTS + " <= " + bound.SQL + " AND " + where.SQL + order + dedup + limit
	where.Args = append(bound.Args, where.Args...)
	return where, nil
}

// pageBound is, for a page of ClickHouse (opts.Limit > 0), a bound on the times of its events,
// so that the id and raw bytes of the matches up to that time only are read and sorted, not
// those of every match: the largest of the Limit smallest distinct times of the matches after
// the cursor. Each of those times has an event, so at least Limit events come at or before
// the bound, and the page's events are among them (two copies of an event have one time, and
// an event at the cursor's time comes first); with fewer times, the bound is the last match's.
// No match after the cursor's time: the bound is the cursor's, for the events at that time.
func (l Layout) pageBound(f *lang.Filter, opts QueryOptions) (Query, error) {
	after := opts.After
	opts.After = nil
	q, err := l.where(f, opts)
	if err != nil {
		return Query{}, err
	}
	if after != nil {
		t := &translator{d: l.Dialect}
		cond, args := t.finish(colTS+" > "+t.arg(after.Timestamp), len(q.Args))
		q.SQL, q.Args = q.SQL+" AND "+cond, append(q.Args, args...)
	}
	q.SQL = "(SELECT max(" + colTS + ") FROM (SELECT " + colTS + " FROM " + l.Name() + " WHERE " + q.SQL +
		" ORDER BY " + colTS + " LIMIT 1 BY " + colTS + " LIMIT " + strconv.Itoa(opts.Limit) + "))"
	if after != nil {
		q.SQL = "greatest(" + q.SQL + ", toInt64(" + l.Dialect.placeholder(len(q.Args)+1) + "))"
		q.Args = append(q.Args, after.Timestamp)
	}
	return q, nil
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
