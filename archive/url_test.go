package archive

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/katafilter/katafilter/internal/testenv"
	"github.com/katafilter/katafilter/lang/sql"
)

func TestParseURL(t *testing.T) {
	env := map[string]string{}
	getenv := func(k string) string { return env[k] }
	for _, tc := range []struct {
		url, envPassword string
		redacted         string
		dialect          sql.Dialect
		addr, db, pass   string
		tls              bool
		err              string
	}{
		{url: "clickhouse://h/db", dialect: sql.ClickHouse, redacted: "clickhouse://h/db", addr: "h:9000", db: "db"},
		{url: "clickhouse://u:pw@h:19000", dialect: sql.ClickHouse, redacted: "clickhouse://u@h:19000", addr: "h:19000", db: "default", pass: "pw"},
		{url: "clickhouse://h/db?secure=true&skip_verify=true", dialect: sql.ClickHouse, redacted: "clickhouse://h/db?secure=true&skip_verify=true", addr: "h:9440", db: "db", tls: true},
		{url: "clickhouse://h/db?password=pw", dialect: sql.ClickHouse, redacted: "clickhouse://h/db?password=xxxxx", addr: "h:9000", db: "db", pass: "pw"},
		{url: "clickhouse://u@h/db", envPassword: "fromenv", dialect: sql.ClickHouse, redacted: "clickhouse://u@h/db", addr: "h:9000", db: "db", pass: "fromenv"},
		{url: "postgres://u:pw@h/db?sslmode=disable", dialect: sql.Postgres, redacted: "postgres://u@h/db?sslmode=disable", addr: "h:5432", db: "db", pass: "pw"},
		{url: "postgresql://u@h:6432/db?sslmode=require", envPassword: "fromenv", dialect: sql.Postgres, redacted: "postgresql://u@h:6432/db?sslmode=require", addr: "h:6432", db: "db", pass: "fromenv", tls: true},
		{url: "mysql://h/db", err: "mysql://h/db: the scheme must be clickhouse:// or postgres://"},
		{url: "postgres://u:pw@h/db?sslmode=bogus", err: "postgres://u@h/db?sslmode=bogus: "},
		{url: "clickhouse://u:pw@h/db?secure=maybe", err: "clickhouse://u@h/db?secure=maybe: "},
		{url: "clickhouse://u:pw@h:x/db", err: "not a URL"},
	} {
		env[PasswordEnv] = tc.envPassword
		got, err := ParseURL(tc.url, getenv)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) || strings.Contains(err.Error(), "pw") {
				t.Errorf("ParseURL(%s) = %v, want an error with %q and no password", tc.url, err, tc.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("ParseURL(%s): %v", tc.url, err)
			continue
		}
		var addr, pass string
		var tls bool
		if got.ch != nil {
			addr, pass, tls = got.ch.Addr[0], got.ch.Auth.Password, got.ch.TLS != nil
		} else {
			c := got.pg.ConnConfig
			addr, pass, tls = fmt.Sprintf("%s:%d", c.Host, c.Port), c.Password, c.TLSConfig != nil
		}
		if got.Dialect != tc.dialect || got.Redacted != tc.redacted || addr != tc.addr || got.Database() != tc.db || pass != tc.pass || tls != tc.tls {
			t.Errorf("ParseURL(%s) = %s %s %s db=%s pass=%q tls=%v, want %s %s %s db=%s pass=%q tls=%v", tc.url,
				got.Dialect, got.Redacted, addr, got.Database(), pass, tls, tc.dialect, tc.redacted, tc.addr, tc.db, tc.pass, tc.tls)
		}
	}
}

func TestCheckTableName(t *testing.T) {
	for name, ok := range map[string]bool{"events": true, "ev_2": true, "_x": true, "Events": true, "db.events": true, "": false, "2ev": false, "a.b.c": false, ".b": false, "a.": false, "a-b": false, "a b": false, strings.Repeat("a", 64): false} {
		if err := CheckTableName(name); (err == nil) != ok {
			t.Errorf("CheckTableName(%q) = %v", name, err)
		}
	}
}

// TestJITOff: PostgreSQL connections run without JIT compilation unless the URL asks for it.
func TestJITOff(t *testing.T) {
	for url, want := range map[string]string{
		"postgres://u@h/db":                        "off",
		"postgres://u@h/db?jit=on":                 "on",
		"postgres://u@h/db?options=-c%20jit%3Don":  "",
		"postgres://u@h/db?application_name=hunts": "off",
	} {
		got, err := ParseURL(url, func(string) string { return "" })
		if err != nil {
			t.Fatal(err)
		}
		if jit := got.pg.ConnConfig.RuntimeParams["jit"]; jit != want {
			t.Errorf("%s: jit %q, want %q", url, jit, want)
		}
	}
}

// TestPostgresJIT: the server sees jit off on the archive's connections.
func TestPostgresJIT(t *testing.T) {
	url := os.Getenv("KATAFILTER_TEST_POSTGRES")
	if url == "" {
		url = "postgres://katafilter:katafilter@127.0.0.1:5432/katafilter"
	}
	db, err := Open(context.Background(), url, nil)
	if err != nil {
		testenv.Missing(t, "PostgreSQL server: %v (set KATAFILTER_TEST_POSTGRES, or run .ci/run)", err)
		return
	}
	defer db.Close()
	var jit string
	if err := db.query(context.Background(), "SHOW jit", nil, []any{&jit}, func() error { return nil }); err != nil {
		t.Fatal(err)
	}
	if jit != "off" {
		t.Errorf("SHOW jit: %q, want off", jit)
	}
}
