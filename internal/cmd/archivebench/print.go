package main

import (
	"fmt"
	"io"
	"runtime"
	"strings"
	"time"

	"github.com/katafilter/katafilter/lang/sql"
)

var dialectNames = map[sql.Dialect]string{sql.ClickHouse: "ClickHouse", sql.Postgres: "PostgreSQL"}

// printTables writes the figures as Markdown.
func printTables(w io.Writer, n int, source string, runs int, took time.Duration, loads []loadFigure, queries []*query) {
	fmt.Fprintf(w, "%d events (%s, repeated), medians of %d runs, GOMAXPROCS %d, %s, the whole run %.0f s.\n\n",
		n, source, runs, runtime.GOMAXPROCS(0), time.Now().UTC().Format("2006-01-02 15:04 UTC"), took.Seconds())
	fmt.Fprintln(w, "| engine | load seconds | **events/s** | loaded | already present |")
	fmt.Fprintln(w, "|---|---|---|---|---|")
	for _, l := range loads {
		fmt.Fprintf(w, "| %s | %.1f | **%.0f** | %d | %d |\n", dialectNames[l.dialect], l.seconds, l.rate, l.stats.Loaded, l.stats.Present)
	}
	fmt.Fprintln(w)
	head := []string{"line", "filter", "matches", "eval --count ms"}
	var keys []string
	for _, l := range loads {
		name := dialectNames[l.dialect]
		head = append(head, "**"+name+" count ms**", name+" first 100 ms", "eval ÷ "+name)
		keys = append(keys, l.dialect.String())
		if l.noIndex {
			head = append(head, name+noIndex+" count ms", name+noIndex+" first 100 ms", "eval ÷ "+name+noIndex)
			keys = append(keys, l.dialect.String()+noIndex)
		}
	}
	fmt.Fprintln(w, "| "+strings.Join(head, " | ")+" |")
	fmt.Fprintln(w, strings.Repeat("|---", len(head))+"|")
	for _, q := range queries {
		row := []string{fmt.Sprint(q.line), "`" + strings.ReplaceAll(q.text, "|", `\|`) + "`", fmt.Sprint(q.count), fmt.Sprintf("%.0f", q.evalMs)}
		for _, k := range keys {
			f := q.dbs[k]
			if f == nil {
				row = append(row, "", "", "")
				continue
			}
			row = append(row, fmt.Sprintf("**%.1f**", f.countMs), fmt.Sprintf("%.1f", f.pageMs), fmt.Sprintf("%.1f×", q.evalMs/f.countMs))
		}
		fmt.Fprintln(w, "| "+strings.Join(row, " | ")+" |")
	}
}
