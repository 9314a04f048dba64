package main

import (
	"errors"
	"fmt"

	"github.com/katafilter/katafilter/lang"
	"github.com/katafilter/katafilter/lang/sql"
)

func init() {
	register(&command{name: "sql", summary: "print a filter as SQL for ClickHouse or PostgreSQL", run: runSQL})
}

const sqlSynopsis = `sql --dialect clickhouse|postgres [--table NAME] [--query where|select|count]
                [--ignore-case] [--schema FILE] [--strict] [--allow-unknown-fields]
                (-e FILTER | FILE...)

Sql prints the filter given with -e, or every filter of each FILE (read as a filter file,
.kfl), as SQL for the archive table that "katafilter archive" fills (docs/hunt.md describes
the layout and how each construct is translated): by default the condition (a WHERE clause's
expression), with --query select the query of the matching events, with --query count the
query of their number. Constants are written in place as literals, so that the text can be
pasted into clickhouse-client or psql; programs get them as arguments from package lang/sql.
For files, each filter's SQL follows a comment line "-- FILE:LINE".

The filters are checked first, with the same diagnostics as "katafilter check" (on stderr);
a filter with an error is not translated. A filter the dialect cannot evaluate exactly as
the evaluator does is refused with a diagnostic of its own (KF09xx, docs/diagnostics.md).

Exit status: 0 when every filter was translated, 1 when a filter has an error or is refused
or a file cannot be read, 2 on a usage error.`

func runSQL(env *cmdEnv, args []string) int {
	fs := newFlags(env, "sql", sqlSynopsis)
	filter := addFilterFlag(fs, "translate this `filter` instead of files")
	dialect := fs.String("dialect", "", "the SQL `dialect`: clickhouse or postgres (required)")
	table := fs.String("table", sql.DefaultTable, "the archive's table `name` (db.table or schema.table allowed)")
	query := fs.String("query", "where", "what to print: the condition (`where`), a select or a count query")
	lf := addLangFlags(fs, true)
	files, code, ok := parseArgs(env, fs, args)
	if !ok {
		return code
	}
	if filter.set == (len(files) > 0) {
		return usageError(env, "sql", "give either -e FILTER or one or more FILEs")
	}
	if *dialect == "" {
		return usageError(env, "sql", "the dialect is missing: give --dialect clickhouse or --dialect postgres")
	}
	d, err := sql.ParseDialect(*dialect)
	if err != nil {
		return usageError(env, "sql", "--dialect must be clickhouse or postgres, not %q", *dialect)
	}
	build, ok := sqlBuilders[*query]
	if !ok {
		return usageError(env, "sql", "--query must be where, select or count, not %q", *query)
	}
	if *table == "" {
		return usageError(env, "sql", "--table must not be empty")
	}
	cfg, err := lf.config()
	if err != nil {
		fmt.Fprintf(env.stderr, "katafilter sql: %v\n", err)
		return 1
	}
	layout := sql.Layout{Dialect: d, Table: *table}
	opts := sql.QueryOptions{IgnoreCase: cfg.IgnoreCase}
	sources, ok := readSources(env, "sql", filter, files)
	failed := !ok
	for _, src := range sources {
		for _, e := range src.entries {
			f := lang.Analyze(e.Text, cfg)
			diags := f.Diagnostics
			var text string
			if !diags.HasErrors() {
				q, err := build(layout, f, opts)
				if err == nil {
					text, err = q.Inline()
				}
				var refusal *sql.Error
				switch {
				case errors.As(err, &refusal):
					diags = append(diags, refusal.Diagnostic())
					diags.Sort()
				case err != nil:
					fmt.Fprintf(env.stderr, "katafilter sql: %s:%d: %v\n", src.name, e.Line, err)
					failed = true
				}
			}
			printDiags(env, env.stderr, src.name, src.text, diags.Shift(e.Offset))
			if diags.HasErrors() || text == "" {
				failed = true
				continue
			}
			if !filter.set {
				fmt.Fprintf(env.stdout, "-- %s:%d\n", src.name, e.Line)
			}
			fmt.Fprintln(env.stdout, text)
		}
	}
	if failed {
		return 1
	}
	return 0
}

// sqlBuilders are the texts --query prints.
var sqlBuilders = map[string]func(sql.Layout, *lang.Filter, sql.QueryOptions) (sql.Query, error){
	"where": func(l sql.Layout, f *lang.Filter, o sql.QueryOptions) (sql.Query, error) {
		return sql.Translate(f, l, o)
	},
	"select": sql.Layout.Select,
	"count":  sql.Layout.Count,
}
