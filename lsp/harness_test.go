package lsp

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"go.lsp.dev/jsonrpc2"
	"go.lsp.dev/protocol"
)

// client is the test's side of a JSON-RPC connection to a server running over net.Pipe, so
// that the wire format and the asynchronous notifications are exercised too.
type client struct {
	t    testing.TB
	conn jsonrpc2.Conn
	done chan error

	mu    sync.Mutex
	notes map[string][]json.RawMessage
	cond  *sync.Cond
}

// startServer runs a server over net.Pipe and returns the client end; the server is shut
// down when the test ends.
func startServer(t testing.TB) *client {
	t.Helper()
	a, b := net.Pipe()
	c := &client{t: t, done: make(chan error, 1), notes: map[string][]json.RawMessage{}}
	c.cond = sync.NewCond(&c.mu)
	go func() {
		c.done <- Serve(context.Background(), a, Options{Log: testLog{t}, Debounce: 20 * time.Millisecond, Version: "test"})
	}()
	c.conn = jsonrpc2.NewConn(jsonrpc2.NewStream(b))
	c.conn.Go(context.Background(), func(ctx context.Context, reply jsonrpc2.Replier, req jsonrpc2.Request) error {
		c.mu.Lock()
		c.notes[req.Method()] = append(c.notes[req.Method()], json.RawMessage(req.Params()))
		c.cond.Broadcast()
		c.mu.Unlock()
		if _, ok := req.(*jsonrpc2.Call); ok {
			return reply(ctx, nil, nil)
		}
		return nil
	})
	t.Cleanup(func() {
		c.conn.Close()
		select {
		case <-c.done:
		case <-time.After(10 * time.Second):
			t.Error("the server did not stop after its connection closed")
		}
	})
	return c
}

// testLog sends the server's log to the test's.
type testLog struct{ t testing.TB }

func (l testLog) Write(p []byte) (int, error) {
	l.t.Log(strings.TrimSuffix(string(p), "\n"))
	return len(p), nil
}

// call sends a request and decodes its result into result (which may be nil).
func (c *client) call(method string, params, result any) error {
	c.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	_, err := c.conn.Call(ctx, method, params, result)
	return err
}

// must is call that fails the test on error.
func (c *client) must(method string, params, result any) {
	c.t.Helper()
	if err := c.call(method, params, result); err != nil {
		c.t.Fatalf("%s: %v", method, err)
	}
}

func (c *client) notify(method string, params any) {
	c.t.Helper()
	if err := c.conn.Notify(context.Background(), method, params); err != nil {
		c.t.Fatalf("notify %s: %v", method, err)
	}
}

// initialize runs the handshake with the given initializationOptions.
func (c *client) initialize(opts any) map[string]any {
	c.t.Helper()
	return c.handshake(map[string]any{}, opts)
}

// initializeAs runs the handshake for a client of the given capabilities.
func (c *client) initializeAs(capabilities map[string]any) map[string]any {
	c.t.Helper()
	return c.handshake(capabilities, nil)
}

func (c *client) handshake(capabilities map[string]any, opts any) map[string]any {
	c.t.Helper()
	var res map[string]any
	c.must("initialize", map[string]any{"processId": 0, "rootUri": nil, "capabilities": capabilities,
		"initializationOptions": opts}, &res)
	c.notify("initialized", map[string]any{})
	return res
}

// waitNote waits for the nth notification (1-based) of method and decodes it into v.
func (c *client) waitNote(method string, n int, v any) {
	c.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	timer := time.AfterFunc(10*time.Second, func() { c.mu.Lock(); c.cond.Broadcast(); c.mu.Unlock() })
	defer timer.Stop()
	c.mu.Lock()
	for len(c.notes[method]) < n {
		if time.Now().After(deadline) {
			c.mu.Unlock()
			c.t.Fatalf("no notification %s #%d", method, n)
		}
		c.cond.Wait()
	}
	raw := c.notes[method][n-1]
	c.mu.Unlock()
	if err := json.Unmarshal(raw, v); err != nil {
		c.t.Fatal(err)
	}
}

func (c *client) noteCount(method string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.notes[method])
}

const testURI = "file:///work/filters.kfl"

func (c *client) open(uri, text string) {
	c.t.Helper()
	c.notify("textDocument/didOpen", map[string]any{"textDocument": map[string]any{
		"uri": uri, "languageId": "katafilter", "version": 1, "text": text}})
}

func pos(uri string, line, char int) map[string]any {
	return map[string]any{"textDocument": map[string]any{"uri": uri}, "position": map[string]any{"line": line, "character": char}}
}

// rangeString writes a range as l:c-l:c.
func rangeString(r protocol.Range) string {
	return fmt.Sprintf("%d:%d-%d:%d", r.Start.Line, r.Start.Character, r.End.Line, r.End.Character)
}

// waitVersion waits for diagnostics published for version v of uri and returns them. It
// fails the test if an older version is published after them... as far as it has seen.
func (c *client) waitVersion(uri string, v uint32) protocol.PublishDiagnosticsParams {
	c.t.Helper()
	return c.waitDiags(func(p protocol.PublishDiagnosticsParams) bool { return string(p.URI) == uri && p.Version == v })
}

// waitDiags waits for a diagnostics publication that satisfies ok.
func (c *client) waitDiags(ok func(protocol.PublishDiagnosticsParams) bool) protocol.PublishDiagnosticsParams {
	c.t.Helper()
	for n := 1; ; n++ {
		var p protocol.PublishDiagnosticsParams
		c.waitNote("textDocument/publishDiagnostics", n, &p)
		if ok(p) {
			return p
		}
	}
}

// versions lists the versions of the diagnostics published so far.
func (c *client) versions() []uint32 {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []uint32
	for _, raw := range c.notes["textDocument/publishDiagnostics"] {
		var p protocol.PublishDiagnosticsParams
		_ = json.Unmarshal(raw, &p)
		out = append(out, p.Version)
	}
	return out
}

// documentDiagnosticReport is the answer to textDocument/diagnostic (protocol 3.17, which
// go.lsp.dev/protocol v0.12.0 predates), as the test's client reads it (the server writes it
// already encoded: see [snapshot.pullReport]).
type documentDiagnosticReport struct {
	Kind     string                `json:"kind"` // "full" or "unchanged"
	ResultID string                `json:"resultId"`
	Items    []protocol.Diagnostic `json:"items"`
}
