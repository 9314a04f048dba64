package archive

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2"
	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/katafilter/katafilter/lang/sql"
)

// DB is an open connection to the database of an archive: a pool of connections to one
// ClickHouse or PostgreSQL database, safe for concurrent use.
type DB struct {
	target *Target
	ch     driver.Conn
	pg     *pgxpool.Pool
}

// Open parses the URL (see [ParseURL]), connects and checks that the server answers and the
// database exists. Its errors name the URL without its password.
func Open(ctx context.Context, rawURL string, getenv func(string) string) (*DB, error) {
	t, err := ParseURL(rawURL, getenv)
	if err != nil {
		return nil, err
	}
	db := &DB{target: t}
	pctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	switch t.Dialect {
	case sql.ClickHouse:
		if t.ch.DialTimeout == 0 {
			t.ch.DialTimeout = 10 * time.Second
		}
		db.ch, err = clickhouse.Open(t.ch)
		if err == nil {
			err = db.ch.Ping(pctx)
		}
	case sql.Postgres:
		db.pg, err = pgxpool.NewWithConfig(pctx, t.pg)
		if err == nil {
			err = db.pg.Ping(pctx)
		}
	}
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("%s: cannot connect: %s", t.Redacted, message(err))
	}
	return db, nil
}

// Dialect is the database's: sql.ClickHouse or sql.Postgres.
func (db *DB) Dialect() sql.Dialect { return db.target.Dialect }

// Layout returns the layout of the table name in this database.
func (db *DB) Layout(table string) sql.Layout {
	return sql.Layout{Dialect: db.target.Dialect, Table: table}
}

// String is the URL without its password.
func (db *DB) String() string { return db.target.Redacted }

// Close closes the connections.
func (db *DB) Close() error {
	if db.ch != nil {
		return db.ch.Close()
	}
	if db.pg != nil {
		db.pg.Close()
	}
	return nil
}

// Exec runs a statement that returns no rows, such as the statements of
// [sql.Layout.DistributedStatements].
func (db *DB) Exec(ctx context.Context, query string, args ...any) error {
	return db.exec(ctx, query, args...)
}

// exec runs a statement that returns no rows.
func (db *DB) exec(ctx context.Context, query string, args ...any) error {
	var err error
	if db.ch != nil {
		err = db.ch.Exec(ctx, query, args...)
	} else {
		_, err = db.pg.Exec(ctx, query, args...)
	}
	return db.wrap(err)
}

// wrap names the database in an error of the driver.
func (db *DB) wrap(err error) error {
	if err == nil || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	return fmt.Errorf("%s: %s", db.target.Redacted, message(err))
}

// message shortens a driver's error to what the user needs: the server's own message with
// its code, or the network error.
func message(err error) string {
	var ex *clickhouse.Exception
	if errors.As(err, &ex) {
		msg, _, _ := strings.Cut(ex.Message, ". Stack trace")
		return fmt.Sprintf("%s (ClickHouse code %d)", strings.TrimSpace(msg), ex.Code)
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return fmt.Sprintf("%s: %s (SQLSTATE %s)", strings.ToLower(pe.Severity), pe.Message, pe.Code)
	}
	var ne *net.OpError
	if errors.As(err, &ne) {
		return ne.Error()
	}
	return err.Error()
}

// DropTable drops the table name if it exists.
func (db *DB) DropTable(ctx context.Context, name string) error {
	if err := CheckTableName(name); err != nil {
		return err
	}
	return db.exec(ctx, "DROP TABLE IF EXISTS "+db.Layout(name).Name())
}

// CheckTableName accepts the names a table may have: a name of ASCII letters, digits and _,
// not starting with a digit, at most 63 characters (PostgreSQL's limit), optionally after
// the name of a database (ClickHouse) or schema (PostgreSQL) and a dot: db.events.
func CheckTableName(name string) error {
	parts := strings.Split(name, ".")
	ok := len(parts) <= 2
	for _, p := range parts {
		ok = ok && p != "" && len(p) <= 63 && !(p[0] >= '0' && p[0] <= '9')
		for i := 0; ok && i < len(p); i++ {
			c := p[i]
			ok = c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
		}
	}
	if !ok {
		return fmt.Errorf("table name %q: use ASCII letters, digits and _, not starting with a digit, at most 63 characters, optionally after a database name and a dot", name)
	}
	return nil
}
