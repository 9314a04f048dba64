// Package archivetest gives tests the databases they run against: the URLs of a ClickHouse
// and a PostgreSQL server (from KATAFILTER_TEST_CLICKHOUSE and KATAFILTER_TEST_POSTGRES, which
// .ci/run exports, else the local servers as .ci/run configures them), and tables of their own
// that are dropped when the test ends.
package archivetest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"testing"
	"time"

	"github.com/katafilter/katafilter/archive"
	"github.com/katafilter/katafilter/internal/testenv"
	"github.com/katafilter/katafilter/internal/workload"
	"github.com/katafilter/katafilter/lang/sql"
)

// Dialects lists the dialects tests run against, in a fixed order.
var Dialects = []sql.Dialect{sql.ClickHouse, sql.Postgres}

// The URLs used when the environment gives none: the servers as .ci/run sets them up.
var defaultURLs = map[sql.Dialect]string{
	sql.ClickHouse: "clickhouse://default@127.0.0.1:9000/default",
	sql.Postgres:   "postgres://katafilter:katafilter@127.0.0.1:5432/katafilter",
}

var envNames = map[sql.Dialect]string{
	sql.ClickHouse: "KATAFILTER_TEST_CLICKHOUSE",
	sql.Postgres:   "KATAFILTER_TEST_POSTGRES",
}

// URL returns the URL of the test server of dialect, after checking that it answers; when it
// does not, the test stops with [testenv.Missing] (a failure in CI).
func URL(t testing.TB, dialect sql.Dialect) string {
	t.Helper()
	u := os.Getenv(envNames[dialect])
	if u == "" {
		u = defaultURLs[dialect]
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	db, err := archive.Open(ctx, u, nil)
	if err != nil {
		testenv.Missing(t, "%s server: %v (set %s, or run .ci/run)", dialect, err, envNames[dialect])
		return ""
	}
	db.Close()
	return u
}

// Open opens the test server of dialect, closed when the test ends.
func Open(t testing.TB, dialect sql.Dialect) *archive.DB {
	t.Helper()
	u := URL(t, dialect)
	db, err := archive.Open(context.Background(), u, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// Table returns a new table name, unique to this run, and drops the table of that name in db
// when the test ends.
func Table(t testing.TB, db *archive.DB) string {
	t.Helper()
	b := make([]byte, 6)
	rand.Read(b)
	name := "kf_test_" + hex.EncodeToString(b)
	t.Cleanup(func() {
		// A load killed by the test may still hold the table for a while on the server.
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
		defer cancel()
		if err := db.DropTable(ctx, name); err != nil {
			t.Errorf("dropping test table %s: %v", name, err)
		}
	})
	return name
}

// Load loads events into table through a loader of batches of batch events, and returns what
// it did; any error stops the test.
func Load(t testing.TB, db *archive.DB, table string, events [][]byte, batch int) archive.LoadStats {
	t.Helper()
	ctx := context.Background()
	ld, err := db.NewLoader(ctx, table, archive.LoadOptions{Batch: batch})
	if err != nil {
		t.Fatal(err)
	}
	defer ld.Close()
	for _, e := range events {
		if err := ld.Add(ctx, e, ""); err != nil {
			t.Fatal(err)
		}
	}
	if err := ld.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	return ld.Stats()
}

// Slice returns the committed 4,000-event slice of the workload and its events, one JSON
// line each; an error stops the test.
func Slice(t testing.TB) (*workload.Set, [][]byte) {
	t.Helper()
	set, err := workload.Slice()
	if err != nil {
		t.Fatal(err)
	}
	events, err := set.EventLines()
	if err != nil {
		t.Fatal(err)
	}
	return set, events
}
