package repl

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/katafilter/katafilter/eventsapi/client"
	"github.com/katafilter/katafilter/internal/words"
)

// APINode is one server of the events API reached through its client: a KATA Central Node,
// one of its SCNs, or katafilter's own server.
type APINode struct {
	// Name tells the node apart when there are several (e.g. its host); "" for a single node.
	Name   string
	Client *client.Client
}

// apiBackend reaches one or more servers through the events API client. It keeps a
// continuation token per node and merges the answers of the nodes.
type apiBackend struct {
	desc    string
	nodes   []APINode
	closeFn func() error

	mu    sync.Mutex
	state []nodeState
}

type nodeState struct {
	token    string
	lastOK   time.Time
	lastN    int
	lastErr  error
	lastWhen time.Time
	missed   uint64
}

// NewAPIBackend returns a backend over the nodes. desc says what they are (for the banner);
// closeFn, if not nil, is called by Close (to stop an embedded server, say).
func NewAPIBackend(desc string, nodes []APINode, closeFn func() error) Backend {
	return &apiBackend{desc: desc, nodes: nodes, closeFn: closeFn, state: make([]nodeState, len(nodes))}
}

// clientNodes returns the nodes, each with its current token.
func (b *apiBackend) clientNodes() []client.Node {
	b.mu.Lock()
	defer b.mu.Unlock()
	out := make([]client.Node, len(b.nodes))
	for i, n := range b.nodes {
		out[i] = client.Node{Name: n.Name, Client: n.Client, Token: b.state[i].token}
	}
	return out
}

func clientRequest(req Request) client.Request {
	return client.Request{Filter: req.Filter, MaxEvents: req.MaxEvents, MaxTimeout: req.MaxTimeout}
}

// record keeps the outcome of a request to node i; a successful answer advances its token.
func (b *apiBackend) record(i int, r *client.Response, err error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	st := &b.state[i]
	st.lastWhen = time.Now()
	if err != nil {
		st.lastErr = err
		return
	}
	st.token, st.lastOK, st.lastN, st.lastErr = r.Token, st.lastWhen, len(r.Events), nil
	st.missed += r.Missed
}

// events converts an answer of node i.
func (b *apiBackend) events(i int, r *client.Response) ([]Event, error) {
	out := make([]Event, 0, len(r.Events))
	for _, raw := range r.Events {
		e, err := NewEvent(raw)
		if err != nil {
			return nil, fmt.Errorf("%sthe server sent an event that is not valid JSON: %v", b.prefix(i), err)
		}
		e.Node = b.nodes[i].Name
		out = append(out, e)
	}
	return out, nil
}

func (b *apiBackend) prefix(i int) string {
	if b.nodes[i].Name == "" {
		return ""
	}
	return b.nodes[i].Name + ": "
}

// Fetch asks every node at once and merges the answers in node order. A node that fails does
// not hold the others back: its error is returned with their events, and its token stays
// where it was, so that nothing it holds is skipped.
func (b *apiBackend) Fetch(ctx context.Context, req Request) (*Answer, error) {
	resps, errs := client.FetchNodes(ctx, b.clientNodes(), clientRequest(req))
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	ans := &Answer{}
	var failed []error
	for i, r := range resps {
		err := errs[i]
		if err == nil {
			var evs []Event
			if evs, err = b.events(i, r); err == nil {
				ans.Events = append(ans.Events, evs...)
			}
		}
		b.record(i, r, err)
		if err != nil {
			failed = append(failed, err)
		}
	}
	if len(failed) == len(b.nodes) {
		return nil, errors.Join(failed...)
	}
	if len(failed) > 0 {
		ans.Err = errors.Join(failed...)
	}
	return ans, nil
}

// Follow long-polls every node with the client's follow loop (which retries server errors and
// network failures with backoff) and hands each answer to handle, one at a time.
func (b *apiBackend) Follow(ctx context.Context, req Request, handle func(*Answer) error) error {
	err := client.FollowNodes(ctx, b.clientNodes(), client.NodesOptions{
		Request: clientRequest(req),
		Handle: func(ctx context.Context, i int, r *client.Response) error {
			evs, err := b.events(i, r)
			if err == nil {
				err = handle(&Answer{Events: evs})
			}
			if err == nil {
				b.record(i, r, nil)
			}
			return err
		},
		OnRetry: func(i int, err error, delay time.Duration) {
			_ = handle(&Answer{Err: fmt.Errorf("%s%v (retrying in %v)", b.prefix(i), err, delay.Round(time.Millisecond))})
		},
	})
	var failed client.NodesError
	if errors.As(err, &failed) {
		for _, ne := range failed {
			b.record(ne.Node, nil, ne.Err)
		}
		return failed[0]
	}
	return err
}

func (b *apiBackend) Tokens() []NodeToken {
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []NodeToken
	for i, st := range b.state {
		if st.token != "" {
			out = append(out, NodeToken{Node: b.nodes[i].Name, Token: st.token})
		}
	}
	return out
}

func (b *apiBackend) ResetToken() {
	b.mu.Lock()
	defer b.mu.Unlock()
	for i := range b.state {
		b.state[i].token = ""
	}
}

func (b *apiBackend) Describe() string { return b.desc }

// Status reports each node's address and identity and how its last request went; it sends
// nothing, so that looking does not create tokens on a real server.
func (b *apiBackend) Status(context.Context) []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	lines := []string{"source: " + b.desc}
	for i, n := range b.nodes {
		st := b.state[i]
		name := n.Name
		if name == "" {
			name = "server"
		}
		lines = append(lines, fmt.Sprintf("%s: %s, external system %s, certificate %s", name, n.Client.URL(), n.Client.ExternalSystemID(), shortFingerprint(n.Client.Fingerprint())))
		switch {
		case st.lastWhen.IsZero():
			lines = append(lines, "  no request yet")
		case st.lastErr != nil:
			lines = append(lines, "  last request failed: "+firstLine(st.lastErr.Error()))
		default:
			lines = append(lines, fmt.Sprintf("  last answer %s ago: %s", time.Since(st.lastOK).Round(time.Second), words.Plural(st.lastN, "event")))
		}
		if st.missed > 0 {
			lines = append(lines, fmt.Sprintf("  %s expired before the token reached them", words.Plural(int(st.missed), "event")))
		}
	}
	return lines
}

func shortFingerprint(fp string) string {
	if len(fp) > 16 {
		return fp[:16] + "…"
	}
	if fp == "" {
		return "(none)"
	}
	return fp
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	return s
}

func (b *apiBackend) Live() bool { return true }

// NodeNames returns the names of the nodes, so that a table of several shows each event's.
func (b *apiBackend) NodeNames() []string {
	out := make([]string, len(b.nodes))
	for i, n := range b.nodes {
		out[i] = n.Name
	}
	return out
}

func (b *apiBackend) Close() error {
	if b.closeFn != nil {
		return b.closeFn()
	}
	return nil
}

// Stream returns a backend over the same nodes with tokens of its own; closing it leaves the
// nodes (and an embedded server) running.
func (b *apiBackend) Stream() Backend {
	return &apiBackend{desc: b.desc, nodes: b.nodes, state: make([]nodeState, len(b.nodes))}
}
