package ui

import (
	"context"
	"fmt"
	"net/url"
	"testing"

	"github.com/katafilter/katafilter/archive"
	"github.com/katafilter/katafilter/archive/archivetest"
	"github.com/katafilter/katafilter/lang"
	"github.com/katafilter/katafilter/repl"
)

// TestArchive runs the console over an archive (katafilter ui --db) in each database: every
// query has a cursor of its own, so that a newer query does not move an older one's pages.
func TestArchive(t *testing.T) {
	for _, dialect := range archivetest.Dialects {
		t.Run(dialect.String(), func(t *testing.T) {
			ctx := context.Background()
			db := archivetest.Open(t, dialect)
			table := archivetest.Table(t, db)
			l, err := db.NewLoader(ctx, table, archive.LoadOptions{})
			if err != nil {
				t.Fatal(err)
			}
			for i := range 20 {
				raw := fmt.Sprintf(`{"EventType":%q,"HostName":"WS-%02d","Timestamp":%d}`, []string{"process", "module"}[i%2], i, 1764000000000000+int64(i)*1000)
				if err := l.Add(ctx, []byte(raw), fmt.Sprint(i+1)); err != nil {
					t.Fatal(err)
				}
			}
			if err := l.Flush(ctx); err != nil {
				t.Fatal(err)
			}
			s := New(Options{Backend: repl.NewArchiveBackend(db, table, lang.Config{}, 0), MaxEvents: 4})
			var a, b struct {
				ID       string
				Count    int
				Complete bool
			}
			decode(t, get(t, s, "/api/query?q="+url.QueryEscape("EventType == 'process'"), nil), &a)
			decode(t, get(t, s, "/api/query?q="+url.QueryEscape("HostName == 'WS-19'"), nil), &b) // the last event
			decode(t, get(t, s, "/api/more?id="+a.ID, nil), &a)
			decode(t, get(t, s, "/api/more?id="+a.ID, nil), &a)
			if a.Count != 10 || !a.Complete || b.Count != 1 {
				t.Fatalf("process: %+v, WS-19: %+v", a, b)
			}
			var rows struct{ Rows []row }
			decode(t, get(t, s, "/api/rows?id="+a.ID, nil), &rows)
			for i, r := range rows.Rows {
				if want := fmt.Sprintf("WS-%02d", 18-2*i); r.Cells[1] != "process" || r.Cells[2] != want {
					t.Errorf("row %d: %v, want a process of %s", i, r.Cells, want)
				}
			}
		})
	}
}
