package repl

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/katafilter/katafilter/eventsapi/embedded"
	"github.com/katafilter/katafilter/lang"
)

// startEmbedded starts the events API server in process with the test events and returns a
// session that reaches it through the real client over loopback TLS.
func startEmbedded(t *testing.T) (*Session, *embedded.Instance, *syncTranscript) {
	t.Helper()
	var raw [][]byte
	for _, e := range loadTestEvents(t) {
		raw = append(raw, e.Raw)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	inst, err := embedded.Start(ctx, embedded.Options{Events: raw})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { inst.Close() })
	c, err := inst.NewClient(lang.Config{})
	if err != nil {
		t.Fatal(err)
	}
	b := NewAPIBackend("the test server", []APINode{{Client: c}}, nil)
	out := &syncTranscript{}
	s := New(Options{Backend: b, Out: out, Err: &prefixWriter{w: out, prefix: "! "}, Limit: 3, Timeout: time.Second, Now: func() time.Time { return time.Time{} }})
	return s, inst, out
}

// syncTranscript is a buffer that the test may read while a tail writes to it.
type syncTranscript struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (w *syncTranscript) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.Write(p)
}

func (w *syncTranscript) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.String()
}

func (w *syncTranscript) Reset() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.b.Reset()
}

// TestEmbeddedSession runs the session's commands against the real server.
func TestEmbeddedSession(t *testing.T) {
	s, inst, out := startEmbedded(t)
	ctx := context.Background()
	run := func(in string) string {
		t.Helper()
		out.Reset()
		if err := s.Execute(ctx, in); err != nil {
			t.Fatalf("%s: %v\n%s", in, err, out.String())
		}
		return out.String()
	}

	got := run("EventType == 'process' AND FileName == 'powershell.exe'")
	want := "#  Timestamp (UTC)          EventType  HostName  FileName\n" +
		"1  2025-11-24 16:00:00.000  process    WS-01     powershell.exe\n" +
		"2  2025-11-24 16:00:07.000  process    WS-01     powershell.exe\n" +
		"2 events in 0s\n"
	if got != want {
		t.Errorf("first query:\n%s\nwant:\n%s", got, want)
	}
	if got := run(".token"); !strings.HasSuffix(got, "\n") || strings.Contains(got, "no continuation token") {
		t.Errorf(".token after a query = %q, want the token", got)
	}

	// The same filter again continues the stream: the server waits (max_timeout 1s) and
	// answers with what arrived since, here the event added now.
	if err := inst.Add([]byte(`{"EventType":"process","HostName":"WS-09","Timestamp":1764000009000000,"FileName":"powershell.exe"}`)); err != nil {
		t.Fatal(err)
	}
	got = run("EventType == 'process' AND FileName == 'powershell.exe'")
	if !strings.Contains(got, "WS-09") || !strings.Contains(got, "1 event in") || strings.Contains(got, "WS-01") {
		t.Errorf("continued query:\n%s\nwant only the new event", got)
	}
	if got := run(".explain 1"); !strings.Contains(got, `true   FileName == 'powershell.exe'  (FileName: "powershell.exe")`) {
		t.Errorf(".explain 1:\n%s", got)
	}

	// A different filter starts a new stream from the oldest events held.
	got = run("EventType == 'connection'")
	if !strings.Contains(got, "SRV-DC") || !strings.Contains(got, "2 events in") {
		t.Errorf("a new filter:\n%s", got)
	}

	if got := run(".status"); !strings.Contains(got, inst.URL) || !strings.Contains(got, "last answer") {
		t.Errorf(".status:\n%s", got)
	}
	if got := run(".token reset"); !strings.Contains(got, "token reset") {
		t.Errorf(".token reset: %q", got)
	}
	if got := run(".token"); !strings.Contains(got, "no continuation token") {
		t.Errorf(".token after reset: %q", got)
	}
}

// TestEmbeddedTail follows the server: the events held are printed, then one that arrives
// while tailing, and cancelling stops the tail.
func TestEmbeddedTail(t *testing.T) {
	s, inst, out := startEmbedded(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	tailCtx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- s.Execute(tailCtx, ".tail EventType == 'module'") }()
	// Add an event while tailing; the tail must print it. The test waits for it in the output
	// (each long-poll lasts at most max_timeout, 1s).
	if err := inst.Add([]byte(`{"EventType":"module","HostName":"WS-77","Timestamp":1764000010000000,"DllName":"evil.dll"}`)); err != nil {
		t.Fatal(err)
	}
	deadline := time.After(20 * time.Second)
	for {
		if strings.Contains(out.String(), "WS-77") {
			break
		}
		select {
		case <-deadline:
			stop()
			<-done
			t.Fatalf("the tail did not print the new event:\n%s", out.String())
		case <-time.After(50 * time.Millisecond):
		}
	}
	stop()
	if err := <-done; err != nil {
		t.Fatalf("tail: %v", err)
	}
	got := out.String()
	for _, want := range []string{"WS-02", "WS-77", "! 2 events; stopped"} {
		if !strings.Contains(got, want) {
			t.Errorf("tail output lacks %q:\n%s", want, got)
		}
	}
}

// TestEmbeddedNodes queries two servers as one (a PCN and an SCN): the rows name their node,
// and when one node is down the other's events are still shown, with the failure reported.
func TestEmbeddedNodes(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	start := func(events ...string) *embedded.Instance {
		var raw [][]byte
		for _, e := range events {
			raw = append(raw, []byte(e))
		}
		inst, err := embedded.Start(ctx, embedded.Options{Events: raw})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { inst.Close() })
		return inst
	}
	pcn := start(`{"EventType":"process","HostName":"WS-1","Timestamp":1764000000000000}`)
	scn := start(`{"EventType":"process","HostName":"WS-2","Timestamp":1764000001000000}`)
	var nodes []APINode
	for _, n := range []struct {
		name string
		inst *embedded.Instance
	}{{"pcn", pcn}, {"scn1", scn}} {
		c, err := n.inst.NewClient(lang.Config{})
		if err != nil {
			t.Fatal(err)
		}
		nodes = append(nodes, APINode{Name: n.name, Client: c})
	}
	out := &syncTranscript{}
	s := New(Options{Backend: NewAPIBackend("two nodes", nodes, nil), Out: out, Err: &prefixWriter{w: out, prefix: "! "},
		Timeout: time.Second, Now: func() time.Time { return time.Time{} }})

	if err := s.Execute(ctx, "EventType == 'process'"); err != nil {
		t.Fatal(err)
	}
	want := "#  Node  Timestamp (UTC)          EventType  HostName\n" +
		"1  pcn   2025-11-24 16:00:00.000  process    WS-1\n" +
		"2  scn1  2025-11-24 16:00:01.000  process    WS-2\n" +
		"2 events in 0s\n"
	if got := out.String(); got != want {
		t.Errorf("two nodes:\n%s\nwant:\n%s", got, want)
	}

	scn.Close()
	out.Reset()
	err := s.Execute(ctx, "EventType == 'process' AND HostName == 'WS-*'")
	if !errors.Is(err, ErrFailed) {
		t.Errorf("a node down: %v, want a failure", err)
	}
	got := out.String()
	if !strings.Contains(got, "1  pcn   2025-11-24 16:00:00.000") || !strings.Contains(got, "! error: scn1: ") || strings.Contains(got, "WS-2") {
		t.Errorf("a node down:\n%s", got)
	}
	out.Reset()
	s.Execute(ctx, ".status")
	if got := out.String(); !strings.Contains(got, "scn1: https://127.0.0.1:") || !strings.Contains(got, "  last request failed: ") {
		t.Errorf(".status with a node down:\n%s", got)
	}
}
