package archive

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"

	"github.com/ClickHouse/clickhouse-go/v2"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/katafilter/katafilter/lang/sql"
)

// PasswordEnv is the environment variable that gives the database password when the URL has
// none, for either database.
const PasswordEnv = "KATAFILTER_DB_PASSWORD"

// Target is a parsed database URL.
type Target struct {
	// Dialect is the database's: sql.ClickHouse or sql.Postgres.
	Dialect sql.Dialect
	// Redacted is the URL without its password, for messages.
	Redacted string

	ch *clickhouse.Options
	pg *pgxpool.Config
}

// ParseURL reads a database URL with each driver's own parser:
//
//	clickhouse://[user[:password]@]host[:9000]/database[?secure=true&skip_verify=true&...]
//	postgres://user[:password]@host[:5432]/database[?sslmode=verify-full&sslrootcert=FILE&...]
//
// (postgresql:// too). A ClickHouse URL without a port uses 9000, or 9440 with secure=true;
// its other parameters are the driver's (dial_timeout, compress, tls_server_name...) or
// server settings. A PostgreSQL URL takes libpq's parameters and environment (PGPASSWORD,
// ~/.pgpass, PGSSLMODE...). When the URL has no password, getenv(PasswordEnv) gives it, and
// for ClickHouse then CLICKHOUSE_PASSWORD (as clickhouse-client reads it). getenv may be nil.
func ParseURL(raw string, getenv func(string) string) (*Target, error) {
	if getenv == nil {
		getenv = func(string) string { return "" }
	}
	u, err := url.Parse(raw)
	if err != nil {
		// url.Error repeats the URL, password included: say only what is wrong.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return nil, fmt.Errorf("the database URL is not a URL: %v", err)
	}
	t := &Target{Redacted: redact(u)}
	_, hasPassword := u.User.Password()
	password := getenv(PasswordEnv)
	switch u.Scheme {
	case "clickhouse":
		t.Dialect = sql.ClickHouse
		if u.Port() == "" && u.Host != "" {
			port := "9000"
			if v := u.Query().Get("secure"); v != "" && v != "false" && v != "0" {
				port = "9440"
			}
			u.Host = net.JoinHostPort(u.Hostname(), port)
		}
		t.ch, err = clickhouse.ParseDSN(u.String())
		if err != nil {
			return nil, fmt.Errorf("%s: %v", t.Redacted, err)
		}
		if !hasPassword && t.ch.Auth.Password == "" {
			if password == "" {
				password = getenv("CLICKHOUSE_PASSWORD")
			}
			t.ch.Auth.Password = password
		}
		if t.ch.Auth.Database == "" {
			t.ch.Auth.Database = "default"
		}
	case "postgres", "postgresql":
		t.Dialect = sql.Postgres
		t.pg, err = pgxpool.ParseConfig(raw)
		if err != nil {
			return nil, fmt.Errorf("%s: %v", t.Redacted, pgMessage(err))
		}
		if !hasPassword && password != "" && u.Query().Get("password") == "" {
			t.pg.ConnConfig.Password = password
		}
		noJIT(t.pg.ConnConfig.RuntimeParams)
	default:
		return nil, fmt.Errorf("%s: the scheme must be clickhouse:// or postgres://", t.Redacted)
	}
	return t, nil
}

// noJIT turns PostgreSQL's JIT compilation off for the archive's connections unless the URL
// sets it (jit=on, or in options=-c jit=on): compiling a filter's expressions takes longer
// than running them over millions of rows.
func noJIT(params map[string]string) {
	if _, set := params["jit"]; set || strings.Contains(params["options"], "jit") {
		return
	}
	params["jit"] = "off"
}

// Database is the name of the database the URL names.
func (t *Target) Database() string {
	if t.ch != nil {
		return t.ch.Auth.Database
	}
	return t.pg.ConnConfig.Database
}

// redact returns the URL without the password in its user part or its query.
func redact(u *url.URL) string {
	r := *u
	if r.User != nil {
		r.User = url.User(r.User.Username())
	}
	q := r.Query()
	for k := range q {
		if strings.Contains(strings.ToLower(k), "password") {
			q.Set(k, "xxxxx")
		}
	}
	if len(q) > 0 {
		r.RawQuery = q.Encode()
	}
	return r.String()
}

// pgMessage drops the parts of pgx's configuration errors that repeat the connection string
// (and with it the password).
func pgMessage(err error) string {
	s := err.Error()
	if i := strings.Index(s, "cannot parse `"); i >= 0 {
		if j := strings.Index(s[i+len("cannot parse `"):], "`: "); j >= 0 {
			return "cannot parse the URL: " + s[i+len("cannot parse `")+j+3:]
		}
	}
	return s
}
