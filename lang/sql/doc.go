// Package sql translates checked filters into SQL for an archive of events kept in ClickHouse
// or PostgreSQL, with exactly the evaluator's answers (lang/eval is the specification), and
// defines the table the archive is kept in. It imports no database driver: it writes SQL text
// with arguments, and the rows to insert as plain Go values; the archive package runs them.
//
// # Layout
//
// One row per event (see [Layout.Columns] and [Layout.CreateStatements]):
//
//   - id: the event's identity, a hash of its compacted JSON ([Row].ID);
//   - ts: its Timestamp in microseconds, 0 when it has none ([Row].Timestamp);
//   - raw: the event's bytes as loaded, printed unchanged by hunt;
//   - for every string field of the built-in schema, s_<path> (dots written _): the array of
//     every string the event holds at that path, arrays crossed (Ioa.Rules.Techniques holds
//     the techniques of all rules), in document order;
//   - for every integer field, n_<path> and a_<path>: every number at the path as a pair
//     (n, a) of an int64 and an adjustment of -1, 0 or 1 (see below);
//   - the generic columns, for every value that has no column of its own (a path the schema
//     lacks, or a value of another kind than the field's): g_spath and g_s (strings with
//     their paths), g_npath, g_n, g_na (numbers), g_bpath, g_b (booleans);
//   - f_path and f_s: every string of the event that is not all ASCII, folded by [Fold], with
//     its path, for case-insensitive filters (an ASCII string folds to its upper case, which
//     the query computes: ClickHouse's upper, a translate of the letters on PostgreSQL).
//
// The typed columns follow the built-in schema (lang/schema/fields.json), not a --schema
// extension, so that every program reads a table alike; a field a filter names through an
// extension is read from the generic columns. A release whose built-in schema gains a field
// changes the layout: a table made before must be reloaded.
//
// Every value of the event is in exactly one place (the folded copies aside), so a
// case-sensitive comparison reads one array. The
// values come from the evaluator's own reading ([eval.WalkScalars]: the last of duplicate keys
// wins, invalid UTF-8 is U+FFFD, numbers are exact), walked as the evaluator walks paths:
// arrays are transparent at every step, JSON null holds no value, and an object is not a
// value. Keys that no filter can name (anything but letters, digits and _) are left out.
//
// A JSON number is kept as (n, a): (n, 0) for the integer n; (n, 1) for a number strictly
// between n and n+1, and for one above every int64 (with n the largest int64); (MinInt64, -1)
// for one below every int64. Compared as pairs with (c, 0), that orders the number against an
// integer constant c exactly as the evaluator does (1.5 is above 1 and below 2, 1e3 equals
// 1000, 2^64 is above every constant), with int64 columns only: never a float.
//
// No column is nullable: an absent field is an empty array. So no comparison is ever NULL,
// and NOT, AND and OR are two-valued as in the evaluator.
//
// # Duplicates
//
// Loading the same events twice must leave each once. On PostgreSQL id is the primary key and
// [Layout.InsertStatement] skips a present event (ON CONFLICT DO NOTHING). On ClickHouse the
// table is a ReplacingMergeTree sorted by (ts, id), which removes duplicates when it merges,
// some time after the insert; until then the queries remove them: [Layout.Count] counts
// uniqExact(id) (or, through [Layout.CountByPart], only among the parts whose matches' times
// overlap) and [Layout.Select] keeps one row per id (LIMIT 1 BY id). Through a
// Distributed table ([Layout.DistributedStatements]) rows are sharded by a hash of id, so both
// copies of an event are on the same shard and the same holds. Queries are thus exact at every
// moment, without FINAL and without the loader having to look first.
//
// # Translation
//
// [Translate] walks the checked tree and writes, for each comparison, "some value at the path
// satisfies it", never NULL: != is NOT ==, so it is true for a missing field; a string
// constant compares with strings only, an integer with numbers only, a boolean with booleans
// only. Wildcards become startsWith, endsWith, position or an anchored RE2 expression on
// ClickHouse (match() works on UTF-8 characters, ? is one character) and LIKE ... ESCAPE '\'
// on PostgreSQL. With IgnoreCase the folded constant is compared with the ASCII strings of the
// field, upper-cased in the query, and with the folded copies of the others.
// docs/hunt.md has the table of every construct in both dialects. What a dialect cannot do
// exactly is refused with an [*Error] whose code is one of diag's KF09xx.
package sql
