package ui

import (
	"context"
	"fmt"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/katafilter/katafilter/archive/archivetest"
	"github.com/katafilter/katafilter/lang"
	"github.com/katafilter/katafilter/repl"
)

// TestArchive runs the console over an archive (katafilter ui --db) in each database: every
// query has a cursor of its own, so that a newer query does not move an older one's pages.
func TestArchive(t *testing.T) {
	for _, dialect := range archivetest.Dialects {
		t.Run(dialect.String(), func(t *testing.T) {
			db := archivetest.Open(t, dialect)
			table := archivetest.Table(t, db)
			var events [][]byte
			for i := range 20 {
				events = append(events, fmt.Appendf(nil, `{"EventType":%q,"HostName":"WS-%02d","Timestamp":%d}`, []string{"process", "module"}[i%2], i, 1764000000000000+int64(i)*1000))
			}
			archivetest.Load(t, db, table, events, 0)
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

// TestArchiveTail: a live tail over an archive shows the matches loaded after the query, as
// they are loaded, and only those.
func TestArchiveTail(t *testing.T) {
	for _, dialect := range archivetest.Dialects {
		t.Run(dialect.String(), func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
			defer cancel()
			db := archivetest.Open(t, dialect)
			table := archivetest.Table(t, db)
			at := func(i int, typ string) []byte {
				return fmt.Appendf(nil, `{"EventType":%q,"HostName":"WS-%02d","Timestamp":%d}`, typ, i, 1764000000000000+int64(i))
			}
			archivetest.Load(t, db, table, [][]byte{at(1, "process"), at(2, "module")}, 0)
			ts := httptest.NewServer(New(Options{Backend: repl.NewArchiveBackend(db, table, lang.Config{}, 20*time.Millisecond)}))
			defer ts.Close()
			_, next, stop := queryAndTail(t, ctx, ts.URL, "EventType == 'process'")
			defer stop()
			if name, data := next(); name != "ready" || data != `{"count":1}` {
				t.Fatalf("first event %s %s", name, data)
			}
			archivetest.Load(t, db, table, [][]byte{at(3, "module"), at(4, "process"), at(5, "process")}, 0)
			var got []string
			for _, rw := range tailedRows(t, next, 2) {
				got = append(got, rw.Cells[1]+" "+rw.Cells[2])
			}
			slices.Sort(got) // one answer or two, as the polls fall
			if s := strings.Join(got, ", "); s != "process WS-04, process WS-05" {
				t.Errorf("tailed rows %s, want the processes of WS-04 and WS-05", s)
			}
		})
	}
}
