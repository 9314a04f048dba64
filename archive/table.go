package archive

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/katafilter/katafilter/lang/sql"
)

// EnsureTable creates the table if it does not exist, and checks that an existing one has
// the layout's columns: a table made by another version of katafilter is an error that says
// what to do, not a failed insert.
func (db *DB) EnsureTable(ctx context.Context, table string) error {
	if err := CheckTableName(table); err != nil {
		return err
	}
	layout := db.Layout(table)
	for _, stmt := range layout.CreateStatements() {
		if err := db.exec(ctx, stmt); err != nil {
			return err
		}
	}
	return db.checkColumns(ctx, layout)
}

// checkColumns compares the columns of the layout's table with the layout's.
func (db *DB) checkColumns(ctx context.Context, layout sql.Layout) error {
	q := layout.ColumnsQuery()
	have := map[string]bool{}
	var name string
	if err := db.query(ctx, q.SQL, q.Args, []any{&name}, func() error { have[name] = true; return nil }); err != nil {
		return err
	}
	var missing []string
	for _, c := range layout.StoredColumns() {
		if !have[c] {
			missing = append(missing, c)
		}
		delete(have, c)
	}
	if len(missing) == 0 && len(have) == 0 {
		return nil
	}
	extra := slices.Sorted(maps.Keys(have))
	return fmt.Errorf("%s: the table %s was made by another version of katafilter (%s): load into a new table (--table NAME), or drop it and load its events again",
		db, layout.Table, columnDiff(missing, extra))
}

// columnDiff says which columns a table lacks and which it should not have.
func columnDiff(missing, extra []string) string {
	const show = 4
	list := func(cols []string) string {
		if len(cols) > show {
			return strings.Join(cols[:show], ", ") + fmt.Sprintf(" and %d more", len(cols)-show)
		}
		return strings.Join(cols, ", ")
	}
	var parts []string
	if len(missing) > 0 {
		parts = append(parts, "it lacks "+list(missing))
	}
	if len(extra) > 0 {
		parts = append(parts, "it has "+list(extra)+", which the layout has not")
	}
	return strings.Join(parts, "; ")
}
