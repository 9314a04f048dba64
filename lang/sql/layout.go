package sql

import (
	"fmt"
	"strings"
	"sync"

	"github.com/katafilter/katafilter/lang/schema"
)

// Layout is the table an archive of events is kept in, for one dialect. Its columns are fixed
// by the package (see the package documentation): the zero values of the other fields of a
// Layout are the defaults, so Layout{Dialect: ClickHouse, Table: "events"} is a complete
// layout.
type Layout struct {
	Dialect Dialect
	// Table is the table's name, optionally qualified (db.table); "events" when empty.
	Table string
}

// DefaultTable is the table name of a Layout whose Table is empty.
const DefaultTable = "events"

// kind is the kind of a scalar JSON value, as the translator sees it.
type kind int

const (
	kindString kind = iota
	kindNumber
	kindBool
)

// typedField is a path that has columns of its own for the values of one kind: the strings of
// a string field of the schema, the numbers of an integer field.
type typedField struct {
	path string // keys joined by '.'
	kind kind
	col  string // the value column
	twin string // numbers only: the adjustment column
}

// fieldKey finds a typed field: its path and the kind of its values.
type fieldKey struct {
	path string
	kind kind
}

// The typed fields: every field of the built-in schema, by path. They are the same for every
// layout, so that a table written by one program is read by another.
var typedFields = sync.OnceValue(func() (t struct {
	list   []typedField
	byPath map[fieldKey]int
	// byKind[k] finds the typed field of values of kind k by path (kindBool has none).
	byKind [2]map[string]int
}) {
	t.byPath = map[fieldKey]int{}
	t.byKind = [2]map[string]int{{}, {}}
	used := map[string]bool{}
	for _, f := range schema.Default().Fields() {
		var k kind
		switch f.Type {
		case schema.String:
			k = kindString
		case schema.Integer:
			k = kindNumber
		default:
			continue
		}
		path := strings.Join(f.Path, ".")
		if _, dup := t.byPath[fieldKey{path, k}]; dup {
			continue
		}
		base := strings.Join(f.Path, "_")
		name := base
		for i := 2; used[name]; i++ {
			name = fmt.Sprintf("%s_%d", base, i)
		}
		used[name] = true
		tf := typedField{path: path, kind: k}
		if k == kindString {
			tf.col = "s_" + name
		} else {
			tf.col, tf.twin = "n_"+name, "a_"+name
		}
		t.byPath[fieldKey{path, k}] = len(t.list)
		t.byKind[k][path] = len(t.list)
		t.list = append(t.list, tf)
	}
	return t
})

// typed returns the typed field of path for values of kind k.
func typed(path string, k kind) (typedField, bool) {
	t := typedFields()
	i, ok := t.byPath[fieldKey{path, k}]
	if !ok {
		return typedField{}, false
	}
	return t.list[i], true
}

// The columns every layout has besides the typed ones.
const (
	colID  = "id"
	colTS  = "ts"
	colRaw = "raw"
	// The generic columns: every value that has no typed column, with its path.
	colStrPath  = "g_spath"
	colStr      = "g_s"
	colNumPath  = "g_npath"
	colNum      = "g_n"
	colNumAdj   = "g_na"
	colBoolPath = "g_bpath"
	colBool     = "g_b"
	// Every string of the event, typed or not, folded, with its path: for IgnoreCase.
	colFoldPath = "f_path"
	colFold     = "f_s"
)

// column is one column with its type in each dialect.
type column struct {
	name   string
	ch, pg string
}

func (l Layout) table() string {
	if l.Table == "" {
		return DefaultTable
	}
	return l.Table
}

// Name returns the table name, quoted for the dialect.
func (l Layout) Name() string { return l.Dialect.quoteTable(l.table()) }

// columns returns the layout's columns, in [Layout.Columns] order.
func columns() []column { return columnList() }

var columnList = sync.OnceValue(func() []column {
	// On PostgreSQL an array column is NULL rather than empty (see array); the translator
	// reads NULL as empty.
	strs := column{ch: "Array(String)", pg: "text[]"}
	nums := column{ch: "Array(Int64)", pg: "bigint[]"}
	adjs := column{ch: "Array(Int8)", pg: "smallint[]"}
	bools := column{ch: "Array(UInt8)", pg: "boolean[]"}
	with := func(c column, name string) column { c.name = name; return c }
	cols := []column{
		{colID, "String", "text NOT NULL PRIMARY KEY"},
		{colTS, "Int64", "bigint NOT NULL"},
		{colRaw, "String", "bytea NOT NULL"},
	}
	for _, f := range typedFields().list {
		if f.kind == kindString {
			cols = append(cols, with(strs, f.col))
		} else {
			cols = append(cols, with(nums, f.col), with(adjs, f.twin))
		}
	}
	return append(cols,
		with(strs, colStrPath), with(strs, colStr),
		with(strs, colNumPath), with(nums, colNum), with(adjs, colNumAdj),
		with(strs, colBoolPath), with(bools, colBool),
		with(strs, colFoldPath), with(strs, colFold))
})

// Columns returns the names of the columns, in the order of [Row.Values].
func (l Layout) Columns() []string {
	cols := columns()
	names := make([]string, len(cols))
	for i, c := range cols {
		names[i] = c.name
	}
	return names
}

// CreateStatements returns the statements that create the table if it does not exist; running
// them again changes nothing. On ClickHouse the table is a ReplacingMergeTree sorted by
// (ts, id); on PostgreSQL id is the primary key and ts has an index.
func (l Layout) CreateStatements() []string {
	return l.create(l.table(), "ReplacingMergeTree")
}

func (l Layout) create(table, engine string) []string {
	d := l.Dialect
	var b strings.Builder
	fmt.Fprintf(&b, "CREATE TABLE IF NOT EXISTS %s (\n", d.quoteTable(table))
	for i, c := range columns() {
		typ := c.ch
		if d == Postgres {
			typ = c.pg
		}
		sep := ","
		if i == len(columns())-1 {
			sep = ""
		}
		fmt.Fprintf(&b, "  %s %s%s\n", c.name, typ, sep)
	}
	b.WriteString(")")
	if d == ClickHouse {
		fmt.Fprintf(&b, " ENGINE = %s ORDER BY (%s, %s)", engine, colTS, colID)
		return []string{b.String()}
	}
	idx := d.quoteIdent(strings.ReplaceAll(table, ".", "_") + "_ts")
	return []string{b.String(), fmt.Sprintf("CREATE INDEX IF NOT EXISTS %s ON %s (%s, %s)", idx, d.quoteTable(table), colTS, colID)}
}

// DistributedStatements returns, for ClickHouse, the statements that make the layout's table a
// Distributed table over the shards of cluster (a cluster of the servers' remote_servers
// configuration): shard holds the statements to run on every shard, which create localTable
// (a ReplacingMergeTree in the database the statements run in), and top the one to run on
// the server that is queried, which creates the layout's table over them. Rows are sent to a
// shard by a hash of id, so that both copies of an event land on the same shard, where the
// ReplacingMergeTree removes one and the queries' deduplication is local. For PostgreSQL
// there is no such thing: both lists are nil.
func (l Layout) DistributedStatements(cluster, localTable string) (shard, top []string) {
	if l.Dialect != ClickHouse {
		return nil, nil
	}
	shard = l.create(localTable, "ReplacingMergeTree")
	db, local := "currentDatabase()", localTable
	if i := strings.LastIndexByte(localTable, '.'); i >= 0 {
		db, local = l.Dialect.quoteString(localTable[:i]), localTable[i+1:]
	}
	top = l.create(l.table(), fmt.Sprintf("Distributed(%s, %s, %s, cityHash64(%s))",
		l.Dialect.quoteString(cluster), db, l.Dialect.quoteString(local), colID))
	// A Distributed table has no sorting key of its own.
	top[0] = strings.TrimSuffix(top[0], fmt.Sprintf(" ORDER BY (%s, %s)", colTS, colID))
	return shard, top
}

// InsertStatement returns the statement that inserts rows, the columns in [Layout.Columns]
// order. On ClickHouse it is the form a batch insert takes (INSERT INTO t (columns...), which
// 18.16 needs spelled out; the driver sends the rows); duplicates are removed by the engine
// in the background and by every query at once (see the package documentation). On
// PostgreSQL it inserts one row from the arguments $1, $2, ... and skips an event already
// present: ON CONFLICT (id) DO NOTHING.
func (l Layout) InsertStatement() string {
	names := l.Columns()
	s := fmt.Sprintf("INSERT INTO %s (%s)", l.Name(), strings.Join(names, ", "))
	if l.Dialect == ClickHouse {
		return s
	}
	ph := make([]string, len(names))
	for i := range ph {
		ph[i] = l.Dialect.placeholder(i + 1)
	}
	return s + " VALUES (" + strings.Join(ph, ", ") + ") ON CONFLICT (" + colID + ") DO NOTHING"
}
