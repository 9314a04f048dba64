package server_test

import (
	"bufio"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/katafilter/katafilter/eventsapi/client"
	"github.com/katafilter/katafilter/eventsapi/server"
	"github.com/katafilter/katafilter/eventsapi/wire"
)

// guard is how long a test waits for the server to do what it must before calling it stuck.
// It bounds the test only: nothing is asserted about how fast the server is.
const guard = 20 * time.Second

// dialTLS opens a TLS connection to the server, presenting cert when not nil.
func (ts *testServer) dialTLS(cert *tls.Certificate) (*tls.Conn, error) {
	tc := &tls.Config{RootCAs: ts.roots}
	if cert != nil {
		tc.Certificates = []tls.Certificate{*cert}
	}
	d := &net.Dialer{Timeout: guard}
	c, err := tls.DialWithDialer(d, "tcp", strings.TrimPrefix(ts.url, "https://"), tc)
	if err != nil {
		return nil, err
	}
	c.SetDeadline(time.Now().Add(guard))
	return c, nil
}

// closedByServer reads c until the server closes it, and returns what it read; it fails the
// test when the server keeps the connection open past the guard.
func closedByServer(t *testing.T, c io.Reader) string {
	t.Helper()
	b, err := io.ReadAll(c)
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		t.Fatalf("the server kept the connection open (read so far: %q)", b)
	}
	return string(b)
}

// TestSlowHeadersAreCut: a client that sends part of its headers and stops loses the connection.
func TestSlowHeadersAreCut(t *testing.T) {
	ts := start(t, server.Config{Limits: server.Limits{Header: 300 * time.Millisecond}})
	c, err := ts.dialTLS(nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	fmt.Fprintf(c, "GET %s HTTP/1.1\r\nHost: x\r\n", wire.EventsPathPrefix)
	closedByServer(t, c)
}

// TestSlowBodyDoesNotHoldTheAnswer: a request without credentials whose body trickles in gets
// its 401 at once and the connection closed, without the server reading the body (its limits
// here are an hour, so only that can answer within the guard).
func TestSlowBodyDoesNotHoldTheAnswer(t *testing.T) {
	ts := start(t, server.Config{Limits: server.Limits{Header: time.Hour, Body: time.Hour}})
	for _, path := range []string{wire.EventsPathPrefix + wire.NewUUID() + "/events", wire.IngestPath, "/nowhere"} {
		c, err := ts.dialTLS(nil)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(c, "POST %s HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-ndjson\r\nContent-Length: 1000\r\n\r\n{\"Event", path)
		got := closedByServer(t, c)
		c.Close()
		if !strings.HasPrefix(got, "HTTP/1.1 4") || !strings.Contains(got, "Connection: close") {
			t.Errorf("%s: got %q, want a 4xx answer closing the connection", path, got)
		}
	}
}

// TestSlowIngestBodyIsCut: an authorized ingest whose body stops coming loses the connection
// once the body limit has passed, and nothing is stored.
func TestSlowIngestBodyIsCut(t *testing.T) {
	ts := start(t, server.Config{Limits: server.Limits{Header: 300 * time.Millisecond, Body: 300 * time.Millisecond}})
	tok, err := os.ReadFile(filepath.Join(ts.cfg.StateDir, server.IngestTokenFile))
	if err != nil {
		t.Fatal(err)
	}
	c, err := ts.dialTLS(nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	fmt.Fprintf(c, "POST %s HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\nContent-Length: 1000\r\n\r\n{\"EventType\":", wire.IngestPath, strings.TrimSpace(string(tok)))
	if got := closedByServer(t, c); strings.Contains(got, "accepted") {
		t.Errorf("a partial body was accepted: %q", got)
	}
}

// TestIdleConnectionIsClosed: a kept-alive connection that sends no further request is closed.
func TestIdleConnectionIsClosed(t *testing.T) {
	ts := start(t, server.Config{Limits: server.Limits{Idle: 300 * time.Millisecond}})
	c, err := ts.dialTLS(nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	fmt.Fprintf(c, "GET /nowhere HTTP/1.1\r\nHost: x\r\n\r\n")
	br := bufio.NewReader(c)
	status, err := br.ReadString('\n')
	if err != nil || !strings.HasPrefix(status, "HTTP/1.1 404") {
		t.Fatalf("%q %v", status, err)
	}
	closedByServer(t, br)
}

// TestConnectionsPerClient: a client holding the most connections allowed gets its next one
// closed, and gets one again once it closes one of its own.
func TestConnectionsPerClient(t *testing.T) {
	ts := start(t, server.Config{Limits: server.Limits{ConnsPerClient: 3}})
	var held []*tls.Conn
	for range 3 {
		c, err := ts.dialTLS(nil)
		if err != nil {
			t.Fatal(err)
		}
		held = append(held, c)
	}
	if c, err := ts.dialTLS(nil); err == nil {
		// The handshake may complete on the client's side before it reads the close.
		c.Write([]byte("GET /nowhere HTTP/1.1\r\nHost: x\r\n\r\n"))
		if got := closedByServer(t, c); got != "" {
			t.Errorf("a fourth connection was served: %q", got)
		}
		c.Close()
	}
	held[0].Close()
	deadline := time.Now().Add(guard)
	for {
		c, err := ts.dialTLS(nil)
		if err == nil {
			fmt.Fprintf(c, "GET /nowhere HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
			got := closedByServer(t, c)
			c.Close()
			if strings.HasPrefix(got, "HTTP/1.1 404") {
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatal("no connection admitted after one of the three was closed")
		}
		time.Sleep(50 * time.Millisecond)
	}
	for _, c := range held[1:] {
		c.Close()
	}
}

// TestLongPollOutlivesTheLimits: a long poll may wait for its max_timeout even when that is
// longer than every limit of the connection.
func TestLongPollOutlivesTheLimits(t *testing.T) {
	ts := start(t, server.Config{Limits: server.Limits{Header: 200 * time.Millisecond, Body: 200 * time.Millisecond, Write: 200 * time.Millisecond, Idle: 200 * time.Millisecond}})
	c := ts.client(ts.approved())
	ctx := ctxT(t)
	r, err := c.Fetch(ctx, client.Request{})
	if err != nil {
		t.Fatal(err)
	}
	r, err = c.Fetch(ctx, client.Request{Token: r.Token, MaxTimeout: 2 * time.Second})
	if err != nil {
		t.Fatalf("a long poll of 2s with limits of 200ms: %v", err)
	}
	if r.Token == "" {
		t.Error("no token")
	}
}

// TestAnswerBytesBound: with a small budget for answers' events, answers are cut short, each
// with at least one event, and following the tokens still gives every event once, in order.
func TestAnswerBytesBound(t *testing.T) {
	ts := start(t, server.Config{Limits: server.Limits{AnswerBytes: 1000}})
	var want []string
	for i := range 40 {
		e := fmt.Sprintf(`{"EventType":"process","HostName":"WS-1","SystemPid":%d,"Pad":"%s"}`, i, strings.Repeat("x", 200))
		want = append(want, e)
		ts.add(e)
	}
	c := ts.client(ts.approved())
	ctx := ctxT(t)
	var got []string
	tok := ""
	for answers := 0; len(got) < len(want); answers++ {
		if answers > len(want) {
			t.Fatalf("%d answers and only %d of %d events", answers, len(got), len(want))
		}
		r, err := c.Fetch(ctx, client.Request{Token: tok, MaxEvents: 100, MaxTimeout: client.NoWait})
		if err != nil {
			t.Fatal(err)
		}
		size := 0
		for _, e := range r.Events {
			got = append(got, string(e))
			size += len(e)
		}
		if len(r.Events) == 0 || (len(r.Events) > 1 && size > 1000) {
			t.Fatalf("an answer of %d events, %d bytes, with a budget of 1000", len(r.Events), size)
		}
		tok = r.Token
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("the answers' events differ from those stored:\n%s", strings.Join(got, "\n"))
	}
}
