package repl

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/katafilter/katafilter/archive/archivetest"
	"github.com/katafilter/katafilter/lang"
)

// TestArchiveFollow follows an archive in each database: the matches there, then those loaded
// while it follows; a table that goes away mid-tail is an error handed over and retried, and
// the tail goes on where it was once the table is back. A first request that fails ends it.
func TestArchiveFollow(t *testing.T) {
	for _, dialect := range archivetest.Dialects {
		t.Run(dialect.String(), func(t *testing.T) {
			db := archivetest.Open(t, dialect)
			table := archivetest.Table(t, db)
			load := func(hosts ...string) {
				t.Helper()
				var events [][]byte
				for _, h := range hosts {
					var i int
					fmt.Sscanf(h[len(h)-2:], "%d", &i)
					events = append(events, fmt.Appendf(nil, `{"EventType":"process","HostName":%q,"Timestamp":%d}`, h, 1764000000000000+int64(i)))
				}
				archivetest.Load(t, db, table, events, 0)
			}
			load("WS-00", "SRV-01", "WS-02", "WS-03")
			b := NewArchiveBackend(db, table, lang.Config{}, 20*time.Millisecond)
			req := Request{Filter: "HostName == 'WS-*'", MaxEvents: 2}

			var mu sync.Mutex
			var got, errs []string
			seen := func() (string, int) {
				mu.Lock()
				defer mu.Unlock()
				return strings.Join(got, " "), len(errs)
			}
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan error, 1)
			go func() {
				done <- b.(Follower).Follow(ctx, req, func(a *Answer) error {
					mu.Lock()
					defer mu.Unlock()
					if a.Err != nil {
						errs = append(errs, a.Err.Error())
					}
					for _, e := range a.Events {
						got = append(got, e.Value.(map[string]any)["HostName"].(string))
					}
					return nil
				})
			}()
			waitUntil := func(what string, ok func(string, int) bool) {
				t.Helper()
				for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(10 * time.Millisecond) {
					if s, n := seen(); ok(s, n) {
						return
					} else if time.Now().After(deadline) {
						cancel()
						t.Fatalf("no %s in 30 s: events %q, %d errors", what, s, n)
					}
				}
			}
			waitUntil("first matches", func(s string, _ int) bool { return s == "WS-00 WS-02 WS-03" })
			load("WS-04", "SRV-05", "WS-06")
			waitUntil("new matches", func(s string, _ int) bool { return s == "WS-00 WS-02 WS-03 WS-04 WS-06" })
			if err := db.DropTable(context.Background(), table); err != nil {
				t.Fatal(err)
			}
			waitUntil("error", func(_ string, n int) bool { return n > 0 })
			load("WS-01", "WS-07") // WS-01 is dated before the last match shown: not followed
			waitUntil("matches after the error", func(s string, _ int) bool { return strings.HasSuffix(s, "WS-06 WS-07") })
			cancel()
			if err := <-done; err != context.Canceled {
				t.Errorf("Follow returned %v, want context.Canceled", err)
			}
			if s, _ := seen(); s != "WS-00 WS-02 WS-03 WS-04 WS-06 WS-07" {
				t.Errorf("followed %q", s)
			}

			missing := NewArchiveBackend(db, table+"_missing", lang.Config{}, 0)
			if err := missing.(Follower).Follow(context.Background(), req, func(*Answer) error { return nil }); err == nil {
				t.Error("following a missing table: no error")
			}
		})
	}
}
