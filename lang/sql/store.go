package sql

import "strings"

// Present returns the query of which of ids (events' [Row.ID]) the table holds among the
// events whose Timestamp is within [lo, hi]: rows of one column, id. The bounds keep the
// query to the part of the table a batch of events can be in (the table is sorted by time);
// a loader gives its batch's smallest and largest Timestamp. The ids are one array argument.
func (l Layout) Present(ids []string, lo, hi int64) Query {
	d := l.Dialect
	in := colID + " IN (SELECT arrayJoin(" + d.placeholder(3) + "))"
	if d == Postgres {
		in = colID + " = ANY(" + d.placeholder(3) + ")"
	}
	return Query{
		SQL: "SELECT " + colID + " FROM " + l.Name() + " WHERE " + colTS + " >= " + d.placeholder(1) +
			" AND " + colTS + " <= " + d.placeholder(2) + " AND " + in,
		Args:    []any{lo, hi, ids},
		Dialect: d,
	}
}

// AnyBetween returns the query of whether the table holds an event whose Timestamp is within
// [lo, hi]: one row when it does, none when it does not. A loader asks it before [Layout.Present],
// which it can then skip for a batch of events later than the table's (the common case of a
// load that extends an archive).
func (l Layout) AnyBetween(lo, hi int64) Query {
	d := l.Dialect
	return Query{
		SQL: "SELECT 1 FROM " + l.Name() + " WHERE " + colTS + " >= " + d.placeholder(1) +
			" AND " + colTS + " <= " + d.placeholder(2) + " LIMIT 1",
		Args:    []any{lo, hi},
		Dialect: d,
	}
}

// CountAll returns the query of the number of events in the table, each counted once, as
// [Layout.Count] counts them: one row, one column.
func (l Layout) CountAll() Query {
	return Query{SQL: "SELECT " + l.countAggregate() + " FROM " + l.Name(), Dialect: l.Dialect}
}

// countAggregate counts the events of a query's rows, each once: on ClickHouse a duplicate
// not merged away yet counts once.
func (l Layout) countAggregate() string {
	if l.Dialect == ClickHouse {
		return "uniqExact(" + colID + ")"
	}
	return "count(*)"
}

// StoredColumns returns the names of the columns as the database keeps them, in the order of
// [Row.Values]: on PostgreSQL in lower case, as it folds the unquoted names of the layout's
// SQL (the names to give an interface that quotes them, such as COPY's).
func (l Layout) StoredColumns() []string {
	names := l.Columns()
	if l.Dialect == Postgres {
		for i, c := range names {
			names[i] = strings.ToLower(c)
		}
	}
	return names
}

// InsertFrom returns the PostgreSQL statement that inserts every row of the table tmp, which
// has the table's columns (CREATE TEMPORARY TABLE tmp (LIKE table)), skipping the events
// already present: the second step of a bulk load, since COPY cannot skip a conflict. tmp
// is written as given.
func (l Layout) InsertFrom(tmp string) string {
	cols := strings.Join(l.StoredColumns(), ", ")
	return "INSERT INTO " + l.Name() + " (" + cols + ") SELECT " + cols + " FROM " + tmp + " ON CONFLICT (" + colID + ") DO NOTHING"
}

// ColumnsQuery returns the query of the names of the table's columns as the database keeps
// them (rows of one column), to compare with [Layout.StoredColumns]: a table made by another
// version of the layout has other columns.
func (l Layout) ColumnsQuery() Query {
	d := l.Dialect
	db, table := "", l.table()
	if i := strings.LastIndexByte(table, '.'); i >= 0 {
		db, table = table[:i], table[i+1:]
	}
	if d == ClickHouse {
		where := "database = currentDatabase()"
		if db != "" {
			where = "database = " + d.quoteString(db)
		}
		return Query{SQL: "SELECT name FROM system.columns WHERE " + where + " AND table = " + d.quoteString(table), Dialect: d}
	}
	where := "table_schema = current_schema()"
	if db != "" {
		where = "table_schema = " + d.quoteString(db)
	}
	return Query{SQL: "SELECT column_name FROM information_schema.columns WHERE " + where + " AND table_name = " + d.quoteString(table), Dialect: d}
}
