package repl

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/katafilter/katafilter/archive"
	"github.com/katafilter/katafilter/lang"
)

// DefaultArchivePoll is how often a tail over an archive asks it for new events once it has
// shown every match there.
const DefaultArchivePoll = time.Second

// maxArchiveRetry is the longest a tail waits before it asks a failing archive again.
const maxArchiveRetry = 30 * time.Second

// archiveBackend runs filters in the database of an archive (ClickHouse or PostgreSQL), as
// katafilter hunt does. Its token is the position after the last event returned, so that a
// repeated query pages through the matches in time order.
type archiveBackend struct {
	db     *archive.DB
	table  string
	cfg    lang.Config
	poll   time.Duration
	stream bool // opened by Stream: Close leaves the database open

	mu     sync.Mutex
	cursor archive.Cursor
}

// NewArchiveBackend returns a backend over the table of an open archive, that filters with
// the language configuration cfg; Close closes db. A tail follows the archive: once it has
// shown every match, it asks for matches after the last one every poll interval
// (DefaultArchivePoll when poll is 0 or less).
func NewArchiveBackend(db *archive.DB, table string, cfg lang.Config, poll time.Duration) Backend {
	if poll <= 0 {
		poll = DefaultArchivePoll
	}
	return &archiveBackend{db: db, table: table, cfg: cfg, poll: poll}
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

// Live is true: archive and fetch --archive may keep loading events, which a tail follows.
func (b *archiveBackend) Live() bool { return true }

// Follow pages through the matches after the cursor and, once it has handed over the last
// one, asks the archive again every poll interval for matches after it, until ctx ends. The
// order is the archive's (Timestamp, then identity), so an event loaded later but dated before
// the last one shown is not followed: running the filter again from the start shows it. An
// error of the first request is returned (a missing table, a filter the dialect refuses);
// later ones are handed over as an Answer with only Err and tried again after a wait that
// doubles up to maxArchiveRetry.
func (b *archiveBackend) Follow(ctx context.Context, req Request, handle func(*Answer) error) error {
	wait, first := b.poll, true
	for {
		ans, err := b.Fetch(ctx, req)
		switch {
		case ctx.Err() != nil:
			return ctx.Err()
		case err != nil && first:
			return err
		case err != nil:
			if err := handle(&Answer{Err: err}); err != nil {
				return err
			}
			wait = min(2*wait, max(maxArchiveRetry, b.poll))
		default:
			first, wait = false, b.poll
			if len(ans.Events) > 0 {
				if err := handle(ans); err != nil {
					return err
				}
			}
			if req.MaxEvents > 0 && len(ans.Events) >= req.MaxEvents {
				continue // a full page: more may be waiting at once
			}
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
	}
}

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
	return &archiveBackend{db: b.db, table: b.table, cfg: b.cfg, poll: b.poll, stream: true}
}
