// Package sqldiff holds the differential test of the SQL translator (lang/sql): random filters
// run by the evaluator, by ClickHouse and by PostgreSQL over the same events must match the
// same events. It has test files only, so that the drivers it imports stay out of lang/.
//
// It connects to KATAFILTER_TEST_CLICKHOUSE (default clickhouse://127.0.0.1:9000/default)
// and KATAFILTER_TEST_POSTGRES (default postgres://postgres@127.0.0.1:5432/postgres), and
// works in a database (ClickHouse) and a schema (PostgreSQL) of its own, dropped at the end.
// A server that cannot be reached skips the test, and fails it where CI is set. On a fresh
// Debian machine the servers are set up so:
//
//	apt-get install -y postgresql clickhouse-server
//	service clickhouse-server start
//	sed -i '1i host all all 127.0.0.1/32 trust' /etc/postgresql/*/main/pg_hba.conf
//	pg_ctlcluster $(ls /etc/postgresql) main start  # or reload, when it runs already
package sqldiff

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"testing"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2"
	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"
	"github.com/jackc/pgx/v5"

	"github.com/katafilter/katafilter/internal/testenv"
	"github.com/katafilter/katafilter/lang/sql"
)

func env(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

func scratchName(prefix string) string {
	b := make([]byte, 4)
	rand.Read(b)
	return prefix + hex.EncodeToString(b)
}

// clickHouse opens the test server and a scratch database, dropped when the test ends, and
// returns the layout of a table in it.
func clickHouse(t *testing.T) (driver.Conn, sql.Layout) {
	t.Helper()
	url := env("KATAFILTER_TEST_CLICKHOUSE", "clickhouse://127.0.0.1:9000/default")
	opts, err := clickhouse.ParseDSN(url)
	if err != nil {
		t.Fatalf("KATAFILTER_TEST_CLICKHOUSE: %v", err)
	}
	opts.DialTimeout = 5 * time.Second
	conn, err := clickhouse.Open(opts)
	if err == nil {
		err = conn.Ping(context.Background())
	}
	if err != nil {
		testenv.Missing(t, "ClickHouse at %s: %v", url, err)
	}
	db := scratchName("kf_sqldiff_")
	ctx := context.Background()
	if err := conn.Exec(ctx, "CREATE DATABASE "+db); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		conn.Exec(context.Background(), "DROP DATABASE IF EXISTS "+db)
		conn.Close()
	})
	return conn, sql.Layout{Dialect: sql.ClickHouse, Table: db + ".events"}
}

// postgres opens the test server and a scratch schema, dropped when the test ends, and returns
// the layout of a table in it.
func postgres(t *testing.T) (*pgx.Conn, sql.Layout) {
	t.Helper()
	url := env("KATAFILTER_TEST_POSTGRES", "postgres://postgres@127.0.0.1:5432/postgres")
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		testenv.Missing(t, "PostgreSQL at %s: %v", url, err)
	}
	// JIT compiling a hundred conditions costs seconds, more than running them.
	if _, err := conn.Exec(ctx, "SET jit = off"); err != nil {
		t.Fatal(err)
	}
	schema := scratchName("kf_sqldiff_")
	if _, err := conn.Exec(ctx, "CREATE SCHEMA "+schema); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		conn.Exec(context.Background(), "DROP SCHEMA IF EXISTS "+schema+" CASCADE")
		conn.Close(context.Background())
	})
	return conn, sql.Layout{Dialect: sql.Postgres, Table: schema + ".events"}
}

// loadClickHouse creates the table and loads the events in one batch.
func loadClickHouse(t *testing.T, conn driver.Conn, l sql.Layout, evs []event) {
	t.Helper()
	ctx := context.Background()
	for _, s := range l.CreateStatements() {
		if err := conn.Exec(ctx, s); err != nil {
			t.Fatalf("%v\n%s", err, s)
		}
	}
	batch, err := conn.PrepareBatch(ctx, l.InsertStatement())
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range evs {
		r, err := l.Row(e.raw)
		if err != nil {
			t.Fatal(err)
		}
		if err := batch.Append(r.Values...); err != nil {
			t.Fatalf("%s: %v", e.raw, err)
		}
	}
	if err := batch.Send(); err != nil {
		t.Fatal(err)
	}
}

// loadPostgres creates the table and inserts the events PostgreSQL can hold; it returns the
// others' IDs.
func loadPostgres(t *testing.T, conn *pgx.Conn, l sql.Layout, evs []event) map[string]bool {
	t.Helper()
	ctx := context.Background()
	for _, s := range l.CreateStatements() {
		if _, err := conn.Exec(ctx, s); err != nil {
			t.Fatalf("%v\n%s", err, s)
		}
	}
	refused := map[string]bool{}
	var b pgx.Batch
	ins := l.InsertStatement()
	for _, e := range evs {
		r, err := l.Row(e.raw)
		if err == sql.ErrNUL {
			refused[e.id] = true
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		b.Queue(ins, r.Values...)
	}
	if err := conn.SendBatch(ctx, &b).Close(); err != nil {
		t.Fatal(err)
	}
	return refused
}
