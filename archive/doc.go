// Package archive keeps events in a database, ClickHouse or PostgreSQL, and runs filters
// there: the view of katafilter that talks to databases. The table layout and the translation
// of filters to SQL belong to lang/sql; this package connects ([Open]), creates the table,
// loads JSON-lines events in idempotent batches and runs hunts and counts, returning the
// events exactly as they were loaded.
package archive
