package archive_test

import (
	"context"
	"net"
	"net/url"
	"strings"
	"testing"

	"github.com/katafilter/katafilter/archive"
	"github.com/katafilter/katafilter/archive/archivetest"
	"github.com/katafilter/katafilter/internal/testenv"
	"github.com/katafilter/katafilter/lang/sql"
)

// closedPort returns an address of 127.0.0.1 where nothing listens.
func closedPort(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}

// withUser returns u with its user and password replaced.
func withUser(t *testing.T, raw, user, password string) string {
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	u.User = url.UserPassword(user, password)
	return u.String()
}

// withPath returns u naming another database.
func withPath(t *testing.T, raw, db string) string {
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/" + db
	return u.String()
}

// TestOpenRefused opens databases that cannot be used: each error names the URL without its
// password, and says what is wrong.
func TestOpenRefused(t *testing.T) {
	ctx := context.Background()
	for _, dialect := range archivetest.Dialects {
		t.Run(dialect.String(), func(t *testing.T) {
			good := archivetest.URL(t, dialect)
			user := "katafilter"
			if dialect == sql.ClickHouse {
				user = "default"
			}
			for _, tc := range []struct {
				name, url, want string
			}{
				{"closed port", withUser(t, strings.Replace(good, hostPort(t, good), closedPort(t), 1), user, "s3cret"), "connection refused"},
				{"wrong password", withUser(t, good, user, "s3cret-wrong"), "password"},
				{"missing database", withPath(t, good, "kf_no_such_database"), "kf_no_such_database"},
			} {
				t.Run(tc.name, func(t *testing.T) {
					db, err := archive.Open(ctx, tc.url, nil)
					if err == nil && tc.name == "wrong password" {
						db.Close()
						testenv.Missing(t, "the server accepts a wrong password (trust authentication for 127.0.0.1?): a server that checks passwords is needed, as .ci/run sets it up")
					}
					if err == nil {
						db.Close()
						t.Fatalf("Open(%s) succeeded", tc.url)
					}
					msg := err.Error()
					t.Log(msg)
					if strings.Contains(msg, "s3cret") {
						t.Errorf("the error shows the password: %s", msg)
					}
					u, _ := url.Parse(tc.url)
					if !strings.Contains(msg, u.Host) || !strings.Contains(msg, dialect.String()) {
						t.Errorf("the error does not name the URL: %s", msg)
					}
					if !strings.Contains(strings.ToLower(msg), tc.want) {
						t.Errorf("the error does not say %q: %s", tc.want, msg)
					}
				})
			}
		})
	}
}

func hostPort(t *testing.T, raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	return u.Host
}

// TestOtherLayout: a table whose columns are not the layout's (made by another version of
// katafilter) is refused with a message that says what differs and what to do, before any
// event is sent.
func TestOtherLayout(t *testing.T) {
	ctx := context.Background()
	for _, dialect := range archivetest.Dialects {
		t.Run(dialect.String(), func(t *testing.T) {
			db := archivetest.Open(t, dialect)
			table := archivetest.Table(t, db)
			create := "CREATE TABLE " + table + " (id String, ts Int64, raw String, f_FileName Array(String)) ENGINE = MergeTree ORDER BY ts"
			if dialect == sql.Postgres {
				create = "CREATE TABLE " + table + " (id text PRIMARY KEY, ts bigint, raw bytea, f_filename text[])"
			}
			if err := db.Exec(ctx, create); err != nil {
				t.Fatal(err)
			}
			_, err := db.NewLoader(ctx, table, archive.LoadOptions{})
			if err == nil {
				t.Fatal("a loader into a table of another layout")
			}
			for _, want := range []string{table, "another version", "it lacks s_", " more", "f_filename", "--table"} {
				if !strings.Contains(strings.ToLower(err.Error()), strings.ToLower(want)) {
					t.Errorf("the error does not say %q: %v", want, err)
				}
			}
			// The table made by the layout itself passes.
			good := archivetest.Table(t, db)
			if err := db.EnsureTable(ctx, good); err != nil {
				t.Fatal(err)
			}
			if err := db.EnsureTable(ctx, good); err != nil {
				t.Errorf("the layout's own table, again: %v", err)
			}
		})
	}
}
