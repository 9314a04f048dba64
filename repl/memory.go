package repl

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"
)

// memoryBackend serves events held in memory, evaluated in process with the session's
// compiled filter. It keeps the events API's paging: a token is the position after the last
// event examined, so that a repeated query shows the next matches.
type memoryBackend struct {
	desc   string
	events []Event

	mu  sync.Mutex
	pos int // the index of the next event to examine
	set bool
}

// NewMemoryBackend returns a backend over events (read from files: desc says which, for the
// banner). The events never change, so the backend is not live: a tail ends at the last one.
func NewMemoryBackend(desc string, events []Event) Backend {
	return &memoryBackend{desc: desc, events: events}
}

func (m *memoryBackend) Fetch(ctx context.Context, req Request) (*Answer, error) {
	if req.Program == nil {
		return nil, errors.New("no compiled filter")
	}
	m.mu.Lock()
	start := m.pos
	m.mu.Unlock()
	ans := &Answer{}
	i := start
	for ; i < len(m.events); i++ {
		if req.MaxEvents > 0 && len(ans.Events) >= req.MaxEvents {
			break
		}
		if i%1024 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		if req.Program.Match(m.events[i].Value) {
			ans.Events = append(ans.Events, m.events[i])
		}
	}
	m.mu.Lock()
	m.pos, m.set = i, true
	m.mu.Unlock()
	return ans, nil
}

func (m *memoryBackend) Tokens() []NodeToken {
	m.mu.Lock()
	defer m.mu.Unlock()
	if !m.set {
		return nil
	}
	return []NodeToken{{Token: "offset:" + strconv.Itoa(m.pos)}}
}

func (m *memoryBackend) ResetToken() {
	m.mu.Lock()
	m.pos, m.set = 0, false
	m.mu.Unlock()
}

func (m *memoryBackend) Describe() string { return m.desc }

func (m *memoryBackend) Status(context.Context) []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	lines := []string{
		"source: " + m.desc,
		fmt.Sprintf("events: %d, evaluated in process", len(m.events)),
	}
	if m.set {
		lines = append(lines, fmt.Sprintf("position: %d of %d (.token reset starts over)", m.pos, len(m.events)))
	}
	return lines
}

func (m *memoryBackend) Live() bool   { return false }
func (m *memoryBackend) Close() error { return nil }

// Stream returns a backend over the same events with a position of its own.
func (m *memoryBackend) Stream() Backend { return &memoryBackend{desc: m.desc, events: m.events} }
