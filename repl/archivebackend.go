package repl

import (
	"context"
	"fmt"
	"sync"

	"github.com/katafilter/katafilter/archive"
	"github.com/katafilter/katafilter/lang"
)

// archiveBackend runs filters in the database of an archive (ClickHouse or PostgreSQL), as
// katafilter hunt does. Its token is the position after the last event returned, so that a
// repeated query pages through the matches in time order.
type archiveBackend struct {
	db     *archive.DB
	table  string
	cfg    lang.Config
	stream bool // opened by Stream: Close leaves the database open

	mu     sync.Mutex
	cursor archive.Cursor
}

// NewArchiveBackend returns a backend over the table of an open archive, that filters with
// the language configuration cfg; Close closes db.
func NewArchiveBackend(db *archive.DB, table string, cfg lang.Config) Backend {
	return &archiveBackend{db: db, table: table, cfg: cfg}
}

func (b *archiveBackend) Fetch(ctx context.Context, req Request) (*Answer, error) {
	f := lang.Analyze(req.Filter, b.cfg)
	if err := f.Diagnostics.Err(); err != nil {
		return nil, err
	}
	b.mu.Lock()
	q := archive.Query{Filter: f, IgnoreCase: b.cfg.IgnoreCase, Limit: req.MaxEvents, After: b.cursor}
	b.mu.Unlock()
	ans := &Answer{}
	next, err := b.db.Hunt(ctx, b.table, q, func(raw []byte) error {
		e, err := NewEvent(raw)
		if err != nil {
			return fmt.Errorf("the archive holds an event that is not valid JSON: %v", err)
		}
		ans.Events = append(ans.Events, e)
		return nil
	})
	if err != nil {
		return nil, err
	}
	b.mu.Lock()
	b.cursor = next
	b.mu.Unlock()
	return ans, nil
}

func (b *archiveBackend) Tokens() []NodeToken {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.cursor.IsZero() {
		return nil
	}
	return []NodeToken{{Token: b.cursor.String()}}
}

func (b *archiveBackend) ResetToken() {
	b.mu.Lock()
	b.cursor = archive.Cursor{}
	b.mu.Unlock()
}

func (b *archiveBackend) Describe() string {
	return fmt.Sprintf("the archive %s in %s (filters run in the database)", b.table, b.db)
}

func (b *archiveBackend) Status(ctx context.Context) []string {
	lines := []string{"source: " + b.Describe()}
	n, err := b.db.Total(ctx, b.table)
	if err != nil {
		return append(lines, "error: "+err.Error())
	}
	lines = append(lines, fmt.Sprintf("events: %d", n))
	b.mu.Lock()
	defer b.mu.Unlock()
	if !b.cursor.IsZero() {
		lines = append(lines, "position: after "+b.cursor.String()+" (.token reset starts over)")
	}
	return lines
}

// Live is false: a query reads what the archive holds; a tail ends at the last event.
func (b *archiveBackend) Live() bool { return false }

// Close closes the database, unless b is a stream of another backend.
func (b *archiveBackend) Close() error {
	if b.stream {
		return nil
	}
	return b.db.Close()
}

// Stream returns a backend over the same archive with a cursor of its own; closing it leaves
// the database open.
func (b *archiveBackend) Stream() Backend {
	return &archiveBackend{db: b.db, table: b.table, cfg: b.cfg, stream: true}
}
