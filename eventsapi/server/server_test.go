package server_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/katafilter/katafilter/eventsapi/certs"
	"github.com/katafilter/katafilter/eventsapi/client"
	"github.com/katafilter/katafilter/eventsapi/server"
	"github.com/katafilter/katafilter/eventsapi/store"
	"github.com/katafilter/katafilter/eventsapi/wire"
	"github.com/katafilter/katafilter/lang/diag/jsondiag"
)

// testServer is a real server on 127.0.0.1 with its state in a temporary directory.
type testServer struct {
	t      testing.TB
	cfg    server.Config
	srv    *server.Server
	url    string
	roots  *x509.CertPool
	cancel context.CancelFunc
	done   chan error
}

func start(t testing.TB, cfg server.Config) *testServer {
	t.Helper()
	if cfg.StateDir == "" {
		cfg.StateDir = t.TempDir()
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	srv, err := server.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	roots, err := certs.CertPool(srv.CertPEM())
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	ts := &testServer{t: t, cfg: cfg, srv: srv, url: "https://" + ln.Addr().String(), roots: roots, cancel: cancel, done: make(chan error, 1)}
	go func() { ts.done <- srv.Serve(ctx, ln) }()
	t.Cleanup(ts.stop)
	return ts
}

// stop stops the server and closes its store; it may be called more than once.
func (ts *testServer) stop() {
	if ts.cancel == nil {
		return
	}
	ts.cancel()
	if err := <-ts.done; err != nil {
		ts.t.Error(err)
	}
	ts.srv.Close()
	ts.cancel = nil
}

// identity makes a client certificate and ID, approved unless approve is false.
type identity struct {
	id   string
	cert tls.Certificate
	fp   string
}

func newIdentity(t testing.TB) identity {
	t.Helper()
	p, err := certs.New(certs.Options{CommonName: "test client"})
	if err != nil {
		t.Fatal(err)
	}
	c, err := p.TLS()
	if err != nil {
		t.Fatal(err)
	}
	fp, _ := p.Fingerprint()
	return identity{id: wire.NewUUID(), cert: c, fp: fp}
}

func (ts *testServer) approved() identity {
	id := newIdentity(ts.t)
	if err := ts.srv.Approve(id.id, id.fp); err != nil {
		ts.t.Fatal(err)
	}
	return id
}

func (ts *testServer) client(id identity) *client.Client {
	c, err := client.New(client.Config{URL: ts.url, ExternalSystemID: id.id, Certificate: &id.cert, RootCAs: ts.roots, NoLocalCheck: true})
	if err != nil {
		ts.t.Fatal(err)
	}
	return c
}

// raw sends a GET with the given path and query as written (no re-encoding) and an optional
// client certificate, and returns the status and body.
// httpClient returns an HTTP client that trusts the server and presents cert (if not nil).
func (ts *testServer) httpClient(cert *tls.Certificate) *http.Client {
	tc := &tls.Config{RootCAs: ts.roots}
	if cert != nil {
		tc.Certificates = []tls.Certificate{*cert}
	}
	hc := &http.Client{Transport: &http.Transport{TLSClientConfig: tc}}
	ts.t.Cleanup(hc.CloseIdleConnections)
	return hc
}

func (ts *testServer) raw(cert *tls.Certificate, pathAndQuery string) (int, http.Header, []byte) {
	ts.t.Helper()
	hc := ts.httpClient(cert)
	req, err := http.NewRequest(http.MethodGet, ts.url+"/", nil)
	if err != nil {
		ts.t.Fatal(err)
	}
	req.URL.Opaque = "" // keep the path exactly as written
	u, err := url.Parse(ts.url + pathAndQuery)
	if err != nil {
		ts.t.Fatal(err)
	}
	req.URL = u
	resp, err := hc.Do(req)
	if err != nil {
		ts.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, body
}

func (ts *testServer) add(events ...string) {
	ts.t.Helper()
	var evs [][]byte
	for _, e := range events {
		evs = append(evs, []byte(e))
	}
	if err := ts.srv.Add(evs); err != nil {
		ts.t.Fatal(err)
	}
}

func numbered(from, to int, typ string) []string {
	var out []string
	for i := from; i < to; i++ {
		out = append(out, fmt.Sprintf(`{"EventType":%q,"RecordId":%d,"HostName":"H%d"}`, typ, i, i%7))
	}
	return out
}

type recordEvent struct {
	EventType string
	RecordId  int
}

func decode(t *testing.T, evs []json.RawMessage) []recordEvent {
	t.Helper()
	out := make([]recordEvent, len(evs))
	for i, e := range evs {
		if err := json.Unmarshal(e, &out[i]); err != nil {
			t.Fatal(err)
		}
	}
	return out
}

func ids(evs []recordEvent) []int {
	var out []int
	for _, e := range evs {
		out = append(out, e.RecordId)
	}
	return out
}

func seq(from, to int) []int {
	var out []int
	for i := from; i < to; i++ {
		out = append(out, i)
	}
	return out
}

func ctxT(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// TestContinuation reads a stream in many small answers while events keep arriving, and
// checks that every event arrives exactly once, in order.
func TestContinuation(t *testing.T) {
	ts := start(t, server.Config{})
	c := ts.client(ts.approved())
	ctx := ctxT(t)
	ts.add(numbered(0, 100, "process")...)
	var got []int
	tok := ""
	for i := 0; len(got) < 400; i++ {
		if i%3 == 0 && i/3 < 30 {
			ts.add(numbered(100+10*(i/3), 110+10*(i/3), "process")...)
		}
		if i > 200 {
			t.Fatalf("no progress: got %d events", len(got))
		}
		r, err := c.Fetch(ctx, client.Request{Token: tok, MaxEvents: 7, MaxTimeout: client.NoWait})
		if err != nil {
			t.Fatal(err)
		}
		if len(r.Events) > 7 {
			t.Fatalf("answer %d has %d events, more than max_events 7", i, len(r.Events))
		}
		got = append(got, ids(decode(t, r.Events))...)
		tok = r.Token
	}
	if !slices.Equal(got, seq(0, 400)) {
		t.Fatalf("stream has a gap or a repeat: %v", got)
	}
}

func TestStickyAndReplacedFilter(t *testing.T) {
	ts := start(t, server.Config{})
	c := ts.client(ts.approved())
	ctx := ctxT(t)
	batch := func(from int) {
		ts.add(numbered(from, from+3, "process")...)
		ts.add(numbered(from+3, from+6, "module")...)
	}
	batch(0)
	fetch := func(r client.Request) (string, []recordEvent) {
		t.Helper()
		r.MaxTimeout = client.NoWait
		resp, err := c.Fetch(ctx, r)
		if err != nil {
			t.Fatal(err)
		}
		return resp.Token, decode(t, resp.Events)
	}
	types := func(evs []recordEvent) string {
		var s []string
		for _, e := range evs {
			s = append(s, fmt.Sprintf("%s:%d", e.EventType, e.RecordId))
		}
		return strings.Join(s, " ")
	}
	tok, evs := fetch(client.Request{Filter: "EventType == 'process'"})
	if got, want := types(evs), "process:0 process:1 process:2"; got != want {
		t.Fatalf("first: got %s, want %s", got, want)
	}
	batch(6)
	tok, evs = fetch(client.Request{Token: tok}) // sticky
	if got, want := types(evs), "process:6 process:7 process:8"; got != want {
		t.Fatalf("sticky: got %s, want %s", got, want)
	}
	batch(12)
	tok, evs = fetch(client.Request{Token: tok, Filter: "EventType == 'module'"}) // replaced
	if got, want := types(evs), "module:15 module:16 module:17"; got != want {
		t.Fatalf("replaced: got %s, want %s", got, want)
	}
	batch(18)
	tok, evs = fetch(client.Request{Token: tok}) // the replacement sticks
	if got, want := types(evs), "module:21 module:22 module:23"; got != want {
		t.Fatalf("replacement sticky: got %s, want %s", got, want)
	}
	batch(24)
	_, evs = fetch(client.Request{Token: tok, ClearFilter: true}) // an empty filter removes it
	if got, want := types(evs), "process:24 process:25 process:26 module:27 module:28 module:29"; got != want {
		t.Fatalf("cleared: got %s, want %s", got, want)
	}
}

type errBody struct {
	Status      int
	Message     string
	Parameter   string
	Diagnostics []jsondiag.Diagnostic
}

func TestBadParameters(t *testing.T) {
	ts := start(t, server.Config{MaxEventsLimit: 500})
	id := ts.approved()
	tests := []struct {
		query, param, message string
	}{
		{"max_timeout=PT301S", "max_timeout", "max_timeout: PT301S is more than the limit of 300 seconds (5 minutes)"},
		{"max_timeout=PT99999999999999999999S", "max_timeout", "max_timeout: PT99999999999999999999S is more than the limit of 300 seconds (5 minutes)"},
		{"max_timeout=PT-5S", "max_timeout", "max_timeout: PT-5S is negative"},
		{"max_timeout=300", "max_timeout", `max_timeout: "300" is not of the form PT<seconds>S, e.g. PT300S`},
		{"max_timeout=PT5M", "max_timeout", `max_timeout: "PT5M" is not of the form PT<seconds>S, e.g. PT300S`},
		{"max_timeout=", "max_timeout", `max_timeout: "" is not of the form PT<seconds>S, e.g. PT300S`},
		{"max_events=0", "max_events", "max_events: 0: the maximum number of events must be at least 1"},
		{"max_events=-3", "max_events", "max_events: -3: the maximum number of events must be at least 1"},
		{"max_events=501", "max_events", "max_events: 501 is more than this server's limit of 500"},
		{"max_events=100000000000000000000000", "max_events", "max_events: 100000000000000000000000 is more than this server's limit of 500"},
		{"max_events=ten", "max_events", `max_events: "ten" is not an integer`},
		{"max_events=1.5", "max_events", `max_events: "1.5" is not an integer`},
		{"max_events=1&max_events=2", "max_events", "max_events: given 2 times; give it once"},
		{"continuation_token=AAAA", "continuation_token", "continuation_token: the token is invalid (malformed, forged or altered): use a token this server returned, or omit it to start a new stream"},
		{"filter=EventType%20%3D%3D", "filter", "filter: expected a value (a 'string', an integer, true or false), found end of filter"},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			status, _, body := ts.raw(&id.cert, wire.EventsPathPrefix+id.id+"/events?"+tt.query)
			var eb errBody
			if err := json.Unmarshal(body, &eb); err != nil {
				t.Fatalf("%d %s: %v", status, body, err)
			}
			if status != 400 || eb.Status != 400 || eb.Parameter != tt.param || eb.Message != tt.message {
				t.Errorf("got %d %s\nwant 400 parameter %s message %q", status, body, tt.param, tt.message)
			}
		})
	}
}

func TestBadFilterDiagnostics(t *testing.T) {
	ts := start(t, server.Config{})
	id := ts.approved()
	q := url.Values{"filter": {"EventType == 'process' AND\n  FileNam == 'x'"}}.Encode()
	status, _, body := ts.raw(&id.cert, wire.EventsPathPrefix+id.id+"/events?"+q)
	var eb errBody
	if err := json.Unmarshal(body, &eb); err != nil || status != 400 {
		t.Fatalf("%d %s", status, body)
	}
	if len(eb.Diagnostics) == 0 {
		t.Fatalf("no diagnostics: %s", body)
	}
	if got, want := eb.Diagnostics[0].String(), "2:3: error: unknown field FileNam; did you mean FileName? [KF0200]"; !strings.HasPrefix(got, "2:3: error: unknown field FileNam") {
		t.Errorf("got %s, want %s", got, want)
	}
}

// TestParametersInABody checks that parameters sent in a body (curl -X GET --data-urlencode
// without -G) are a 400 that says where parameters go, not a 200 with every event unfiltered.
func TestParametersInABody(t *testing.T) {
	ts := start(t, server.Config{})
	id := ts.approved()
	for _, chunked := range []bool{false, true} {
		body := strings.NewReader("filter=EventType%3D%3D%27process%27")
		req, err := http.NewRequest(http.MethodGet, ts.url+wire.EventsPathPrefix+id.id+"/events", body)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if chunked {
			req.ContentLength = -1
		}
		resp, err := ts.httpClient(&id.cert).Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 400 || !strings.Contains(string(b), "reads its parameters from the query string only") || !strings.Contains(string(b), "needs -G") {
			t.Errorf("chunked %v: %d %s", chunked, resp.StatusCode, b)
		}
	}
}

// TestInvalidUTF8Filter checks that a filter whose string holds bytes that are not UTF-8 is a
// 400 with KF0111, not a 200 with nothing ever matching.
func TestInvalidUTF8Filter(t *testing.T) {
	ts := start(t, server.Config{})
	id := ts.approved()
	q := url.Values{"filter": {"EventType == 'process' AND FileName == '\xc0\xaf'"}}.Encode()
	status, _, body := ts.raw(&id.cert, wire.EventsPathPrefix+id.id+"/events?"+q)
	var eb errBody
	if err := json.Unmarshal(body, &eb); err != nil || status != 400 {
		t.Fatalf("%d %s", status, body)
	}
	if len(eb.Diagnostics) != 1 || eb.Diagnostics[0].Code != "KF0111" || eb.Diagnostics[0].Column != 41 {
		t.Errorf("diagnostics %+v, want KF0111 at column 41", eb.Diagnostics)
	}
}

func TestLongPollAnswersWhenMaxEventsReady(t *testing.T) {
	ts := start(t, server.Config{})
	c := ts.client(ts.approved())
	ctx := ctxT(t)
	r, err := c.Fetch(ctx, client.Request{})
	if err != nil {
		t.Fatal(err)
	}
	// The request may wait 5 minutes; the test's context allows 30 s. It ends only because
	// the server answers as soon as the third event arrives.
	go func() {
		for i := range 3 {
			ts.add(numbered(i, i+1, "process")...)
		}
	}()
	r, err = c.Fetch(ctx, client.Request{Token: r.Token, MaxEvents: 3, MaxTimeout: 5 * time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	if got := ids(decode(t, r.Events)); !slices.Equal(got, []int{0, 1, 2}) {
		t.Fatalf("got %v", got)
	}
}

func TestAnswerEarly(t *testing.T) {
	ts := start(t, server.Config{AnswerEarly: true})
	c := ts.client(ts.approved())
	ctx := ctxT(t)
	r, err := c.Fetch(ctx, client.Request{})
	if err != nil {
		t.Fatal(err)
	}
	go ts.add(numbered(0, 1, "process")...)
	r, err = c.Fetch(ctx, client.Request{Token: r.Token, MaxTimeout: 5 * time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	if got := ids(decode(t, r.Events)); !slices.Equal(got, []int{0}) {
		t.Fatalf("got %v", got)
	}
}

func TestLongPollTimesOutEmpty(t *testing.T) {
	ts := start(t, server.Config{})
	c := ts.client(ts.approved())
	ctx := ctxT(t)
	r, err := c.Fetch(ctx, client.Request{})
	if err != nil {
		t.Fatal(err)
	}
	r2, err := c.Fetch(ctx, client.Request{Token: r.Token, MaxTimeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if len(r2.Events) != 0 || r2.Token == "" {
		t.Fatalf("got %d events, token %q", len(r2.Events), r2.Token)
	}
}

// waitFor polls cond until it holds or the test's context ends.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	ctx := ctxT(t)
	for !cond() {
		select {
		case <-ctx.Done():
			t.Fatalf("gave up waiting for %s", what)
		case <-time.After(10 * time.Millisecond):
		}
	}
}

// clock is a settable clock for the server's arrival times and retention.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

func TestRetention(t *testing.T) {
	clk := &clock{now: time.Unix(1764000000, 0)}
	ts := start(t, server.Config{Retention: time.Hour, RetentionInterval: 5 * time.Millisecond, Now: clk.Now})
	c := ts.client(ts.approved())
	ctx := ctxT(t)
	ts.add(numbered(0, 5, "process")...)
	r, err := c.Fetch(ctx, client.Request{MaxEvents: 2})
	if err != nil {
		t.Fatal(err)
	}
	if got := ids(decode(t, r.Events)); !slices.Equal(got, []int{0, 1}) {
		t.Fatalf("got %v", got)
	}
	tok := r.Token
	clk.advance(30 * time.Minute)
	ts.add(numbered(5, 6, "process")...)
	clk.advance(31 * time.Minute) // events 0..4 are now older than the retention; 5 is not
	// Served no more, even before the sweeper deletes them.
	r, err = c.Fetch(ctx, client.Request{Token: tok, MaxTimeout: client.NoWait})
	if err != nil {
		t.Fatal(err)
	}
	if got := ids(decode(t, r.Events)); !slices.Equal(got, []int{5}) || r.Missed != 3 {
		t.Fatalf("before the sweep: got events %v, missed %d; want [5], missed 3", got, r.Missed)
	}
	// The sweeper deletes them; the same old token gives the same answer.
	waitFor(t, "expired events to be deleted", func() bool {
		oldest, _, err := ts.srv.Store().Bounds()
		return err == nil && oldest == 6
	})
	r, err = c.Fetch(ctx, client.Request{Token: tok, MaxTimeout: client.NoWait})
	if err != nil {
		t.Fatal(err)
	}
	if got := ids(decode(t, r.Events)); !slices.Equal(got, []int{5}) || r.Missed != 3 {
		t.Fatalf("after the sweep: got events %v, missed %d; want [5], missed 3", got, r.Missed)
	}
	// A new stream starts at the oldest event held, and reports no gap.
	r, err = c.Fetch(ctx, client.Request{})
	if err != nil {
		t.Fatal(err)
	}
	if got := ids(decode(t, r.Events)); !slices.Equal(got, []int{5}) || r.Missed != 0 {
		t.Fatalf("new stream: got events %v, missed %d", got, r.Missed)
	}
}

func TestRestartContinuesTokens(t *testing.T) {
	dir := t.TempDir()
	ts := start(t, server.Config{StateDir: dir})
	id := ts.approved()
	ctx := ctxT(t)
	ts.add(numbered(0, 10, "process")...)
	ts.add(numbered(10, 20, "module")...)
	r, err := ts.client(id).Fetch(ctx, client.Request{Filter: "EventType == 'process'", MaxEvents: 4})
	if err != nil {
		t.Fatal(err)
	}
	got := ids(decode(t, r.Events))
	ts.stop()

	ts2 := start(t, server.Config{StateDir: dir})
	ts2.add(numbered(20, 25, "process")...)
	c := ts2.client(id) // same identity: its approval was kept
	for len(got) < 15 {
		r, err = c.Fetch(ctx, client.Request{Token: r.Token, MaxEvents: 4, MaxTimeout: client.NoWait})
		if err != nil {
			t.Fatal(err)
		}
		if len(r.Events) == 0 {
			t.Fatalf("no progress after %v", got)
		}
		got = append(got, ids(decode(t, r.Events))...)
	}
	want := append(seq(0, 10), seq(20, 25)...)
	if !slices.Equal(got, want) {
		t.Fatalf("after restart: got %v, want %v (the filter must stick across the restart)", got, want)
	}
}

func TestTokens(t *testing.T) {
	ts := start(t, server.Config{Node: "pcn"})
	a, b := ts.approved(), ts.approved()
	ctx := ctxT(t)
	ts.add(numbered(0, 3, "process")...)
	r, err := ts.client(a).Fetch(ctx, client.Request{})
	if err != nil {
		t.Fatal(err)
	}
	other := start(t, server.Config{Node: "scn1"})
	otherID := other.approved()
	// The same identity approved on the other node.
	if err := other.srv.Approve(a.id, a.fp); err != nil {
		t.Fatal(err)
	}
	altered := []byte(r.Token)
	i := len(altered) / 2
	if altered[i] == 'A' {
		altered[i] = 'B'
	} else {
		altered[i] = 'A'
	}
	tests := []struct {
		name   string
		ts     *testServer
		who    identity
		token  string
		prefix string
	}{
		{"forged", ts, a, "bm90IGEgdG9rZW4", "continuation_token: the token is invalid (malformed, forged or altered)"},
		{"altered", ts, a, string(altered), "continuation_token: the token is invalid (malformed, forged or altered)"},
		{"foreign system", ts, b, r.Token, "continuation_token: the token was issued to another external system"},
		{"other node", other, a, r.Token, "continuation_token: the token was issued by another node"},
		{"other node and system", other, otherID, r.Token, "continuation_token: the token was issued by another node"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := tt.ts.client(tt.who).Fetch(ctx, client.Request{Token: tt.token, MaxTimeout: client.NoWait})
			var bre *client.BadRequestError
			if !errors.As(err, &bre) || bre.Parameter != "continuation_token" || !strings.HasPrefix(bre.Message, tt.prefix) {
				t.Fatalf("got %v, want a 400 starting %q", err, tt.prefix)
			}
		})
	}
	// The genuine token still works.
	if _, err := ts.client(a).Fetch(ctx, client.Request{Token: r.Token, MaxTimeout: client.NoWait}); err != nil {
		t.Fatal(err)
	}
}

func TestAuthorization(t *testing.T) {
	ts := start(t, server.Config{})
	ctx := ctxT(t)
	stranger := newIdentity(t)

	// No certificate at all.
	status, _, body := ts.raw(nil, wire.EventsPathPrefix+stranger.id+"/events")
	if status != 401 || !strings.Contains(string(body), "client certificate") {
		t.Fatalf("no certificate: %d %s", status, body)
	}
	// An unknown pair: 401, and a pending integration request.
	_, err := ts.client(stranger).Fetch(ctx, client.Request{})
	var ue *client.UnauthorizedError
	if !errors.As(err, &ue) || ue.Fingerprint != stranger.fp || !strings.Contains(err.Error(), "waiting for the administrator's approval") {
		t.Fatalf("unknown certificate: %v", err)
	}
	regs, _ := ts.srv.Store().Registrations()
	if len(regs) != 1 || regs[0].Status != store.Pending || regs[0].Fingerprint != stranger.fp {
		t.Fatalf("registrations: %+v", regs)
	}
	// Still unapproved: still 401.
	if _, err := ts.client(stranger).Fetch(ctx, client.Request{}); !errors.As(err, &ue) {
		t.Fatalf("unapproved: %v", err)
	}
	// The administrator approves (through the store, as the admin command does): no restart.
	if _, err := server.Decide(ts.srv.Store(), server.Decision{ID: stranger.id, Status: store.Approved}); err != nil {
		t.Fatal(err)
	}
	if _, err := ts.client(stranger).Fetch(ctx, client.Request{}); err != nil {
		t.Fatalf("approved: %v", err)
	}
	// The same ID with another certificate is a new integration request.
	again := newIdentity(t)
	again.id = stranger.id
	if _, err := ts.client(again).Fetch(ctx, client.Request{}); !errors.As(err, &ue) {
		t.Fatalf("new certificate: %v", err)
	}
	// Rejected.
	if _, err := server.Decide(ts.srv.Store(), server.Decision{ID: stranger.id, Fingerprint: stranger.fp[:12], Status: store.Rejected}); err != nil {
		t.Fatal(err)
	}
	if _, err := ts.client(stranger).Fetch(ctx, client.Request{}); !errors.As(err, &ue) || !strings.Contains(err.Error(), "rejected") {
		t.Fatalf("rejected: %v", err)
	}
	// Two certificates for one ID: a decision must name the fingerprint.
	if _, err := server.Decide(ts.srv.Store(), server.Decision{ID: stranger.id, Status: store.Approved}); err == nil || !strings.Contains(err.Error(), "give the fingerprint") {
		t.Fatalf("ambiguous decision: %v", err)
	}
	// Not a UUID.
	status, _, body = ts.raw(&stranger.cert, wire.EventsPathPrefix+"not-a-uuid/events")
	if status != 400 || !strings.Contains(string(body), "is not a UUID") {
		t.Fatalf("bad ID: %d %s", status, body)
	}
}

// TestMaxPending: beyond MaxPending waiting integration requests, a new pair is answered 503
// and not recorded; a decision makes room.
func TestMaxPending(t *testing.T) {
	ts := start(t, server.Config{MaxPending: 1})
	ctx := ctxT(t)
	first, second := newIdentity(t), newIdentity(t)
	var ue *client.UnauthorizedError
	if _, err := ts.client(first).Fetch(ctx, client.Request{}); !errors.As(err, &ue) {
		t.Fatalf("first: %v", err)
	}
	_, err := ts.client(second).Fetch(ctx, client.Request{})
	var se *client.ServerError
	if !errors.As(err, &se) || se.StatusCode != 503 || !strings.Contains(err.Error(), "too many integration requests are waiting") {
		t.Fatalf("second: %v", err)
	}
	if regs, _ := ts.srv.Store().Registrations(); len(regs) != 1 || regs[0].ID != first.id {
		t.Fatalf("registrations: %+v", regs)
	}
	// The waiting system still gets its 401, not the 503.
	if _, err := ts.client(first).Fetch(ctx, client.Request{}); !errors.As(err, &ue) {
		t.Fatalf("first again: %v", err)
	}
	if _, err := server.Decide(ts.srv.Store(), server.Decision{ID: first.id, Status: store.Rejected}); err != nil {
		t.Fatal(err)
	}
	if _, err := ts.client(second).Fetch(ctx, client.Request{}); !errors.As(err, &ue) {
		t.Fatalf("second after a decision: %v", err)
	}
}

func TestApproveAll(t *testing.T) {
	ts := start(t, server.Config{ApproveAll: true})
	if _, err := ts.client(newIdentity(t)).Fetch(ctxT(t), client.Request{}); err != nil {
		t.Fatal(err)
	}
}

// TestVendorTypoURLs checks the URL forms of the vendor pages' typos.
func TestVendorTypoURLs(t *testing.T) {
	ts := start(t, server.Config{})
	id := ts.approved()
	ts.add(numbered(0, 2, "process")...)
	ts.add(numbered(2, 4, "module")...)
	base := wire.EventsPathPrefix + id.id + "/events"
	status, _, body := ts.raw(&id.cert, base+"=?filter="+url.QueryEscape("EventType == 'module'"))
	var a wire.Answer
	if err := json.Unmarshal(body, &a); status != 200 || err != nil || len(a.Events) != 2 {
		t.Fatalf("/events=?filter=: %d %s", status, body)
	}
	ts.add(numbered(4, 5, "module")...)
	status, _, body = ts.raw(&id.cert, base+"&continuation_token="+a.ContinuationToken+"&max_timeout=PT0S")
	if err := json.Unmarshal(body, &a); status != 200 || err != nil || len(a.Events) != 1 || !strings.Contains(string(a.Events[0]), `"RecordId":4`) {
		t.Fatalf("/events&continuation_token=: %d %s", status, body)
	}
	status, _, body = ts.raw(&id.cert, wire.EventsPathPrefix+id.id+"/eventsx")
	if status != 404 {
		t.Fatalf("/eventsx: %d %s", status, body)
	}
}

func TestInternalErrorHasNoStack(t *testing.T) {
	ts := start(t, server.Config{})
	id := ts.approved()
	ts.srv.Store().Close() // every store access now fails
	status, _, body := ts.raw(&id.cert, wire.EventsPathPrefix+id.id+"/events")
	if status != 500 || string(body) != `{"status":500,"message":"internal server error; repeat the request later"}`+"\n" {
		t.Fatalf("got %d %s", status, body)
	}
}

func TestIngest(t *testing.T) {
	ts := start(t, server.Config{})
	post := func(token, body string) (int, string) {
		hc := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: ts.roots}}}
		defer hc.CloseIdleConnections()
		req, _ := http.NewRequest(http.MethodPost, ts.url+wire.IngestPath, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := hc.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, strings.TrimSpace(string(b))
	}
	tests := []struct {
		token, body string
		status      int
		answer      string
	}{
		{ts.srv.IngestToken(), "{\"EventType\":\"process\"}\n\n{\"EventType\": \"module\"}\n", 200, `{"accepted":2}`},
		{"wrong", `{"EventType":"process"}`, 401, `{"status":401,"message":"authorization required: send the ingest token of the state directory (ingest.token) as Authorization: Bearer TOKEN"}`},
		{ts.srv.IngestToken(), "{\"EventType\":\"process\"}\n[1]\n", 400, `{"status":400,"message":"body:2: not a JSON object"}`},
		{ts.srv.IngestToken(), "{\"a\":1} {\"b\":2}\n", 400, `{"status":400,"message":"body:1: malformed JSON: invalid character '{' after top-level value"}`},
		{ts.srv.IngestToken(), "{\"a\":\n", 400, `{"status":400,"message":"body:1: malformed JSON: unexpected end of JSON input"}`},
		{ts.srv.IngestToken(), gzipped("{\"EventType\":\"driver\"}\n"), 200, `{"accepted":1}`},
	}
	for _, tt := range tests {
		status, answer := post(tt.token, tt.body)
		if status != tt.status || answer != tt.answer {
			t.Errorf("%q: got %d %s, want %d %s", tt.body, status, answer, tt.status, tt.answer)
		}
	}
	_, next, _ := ts.srv.Store().Bounds()
	if next != 4 {
		t.Fatalf("stored %d events, want 3 (a refused body stores nothing)", next-1)
	}
}

func gzipped(s string) string {
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	zw.Write([]byte(s))
	zw.Close()
	return b.String()
}

func TestDefaultMaxEventsFromHosts(t *testing.T) {
	ts := start(t, server.Config{MaxEventsLimit: 1500})
	c := ts.client(ts.approved())
	var evs []string
	for i := range 2000 {
		evs = append(evs, fmt.Sprintf(`{"EventType":"process","HostName":"H%d"}`, i%120))
	}
	ts.add(evs...)
	r, err := c.Fetch(ctxT(t), client.Request{})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Events) != 1200 { // 10 × 120 hosts
		t.Fatalf("got %d events, want 1200", len(r.Events))
	}
}

// TestConcurrentClients runs 50 clients with different filters while events arrive; each
// must receive exactly its own events, each once.
func TestConcurrentClients(t *testing.T) {
	const clients, per = 50, 12
	ts := start(t, server.Config{})
	ctx := ctxT(t)
	var wg sync.WaitGroup
	errs := make(chan error, clients)
	for i := range clients {
		c := ts.client(ts.approved())
		wg.Add(1)
		go func() {
			defer wg.Done()
			filter := fmt.Sprintf("UserName == 'user%02d' AND EventType == 'process'", i)
			var got []int
			ctx, cancel := context.WithCancel(ctx)
			defer cancel()
			err := c.Follow(ctx, client.FollowOptions{
				Request: client.Request{Filter: filter, MaxEvents: 5, MaxTimeout: time.Second},
				Handle: func(_ context.Context, r *client.Response) error {
					for _, e := range r.Events {
						var ev struct {
							UserName string
							RecordId int
						}
						if err := json.Unmarshal(e, &ev); err != nil {
							return err
						}
						if ev.UserName != fmt.Sprintf("user%02d", i) {
							return fmt.Errorf("client %d got an event of %s", i, ev.UserName)
						}
						got = append(got, ev.RecordId)
					}
					if len(got) >= per {
						cancel()
					}
					return nil
				},
			})
			if !errors.Is(err, context.Canceled) {
				errs <- fmt.Errorf("client %d: %v", i, err)
				return
			}
			if !slices.Equal(got, seq(0, per)) {
				errs <- fmt.Errorf("client %d got %v", i, got)
			}
		}()
	}
	// Events for every client, interleaved, with decoys of another type, in several batches.
	for n := range per {
		var batch []string
		for i := range clients {
			batch = append(batch,
				fmt.Sprintf(`{"EventType":"process","UserName":"user%02d","RecordId":%d}`, i, n),
				fmt.Sprintf(`{"EventType":"module","UserName":"user%02d","RecordId":%d}`, i, 1000+n))
		}
		ts.add(batch...)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func TestOtherPathsAndMethods(t *testing.T) {
	ts := start(t, server.Config{})
	id := ts.approved()
	hc := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: ts.roots, Certificates: []tls.Certificate{id.cert}}}}
	defer hc.CloseIdleConnections()
	tests := []struct {
		method, path string
		status       int
		message      string
	}{
		{"POST", wire.EventsPathPrefix + id.id + "/events", 405, "method POST not allowed: use GET"},
		{"GET", "/", 404, "not found: the events endpoint is GET /kata/events_api/v1/{external_system_id}/events"},
		{"GET", "/kata/events_api/v1/" + id.id, 404, "not found: the events endpoint is GET /kata/events_api/v1/{external_system_id}/events"},
		{"GET", wire.IngestPath, 405, "method GET not allowed: use POST with JSON lines"},
		{"GET", wire.AdminPath + "registrations", 401, "authorization required: send the admin token of the state directory (admin.token) as Authorization: Bearer TOKEN"},
	}
	for _, tt := range tests {
		req, _ := http.NewRequest(tt.method, ts.url+tt.path, nil)
		resp, err := hc.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var eb errBody
		json.NewDecoder(resp.Body).Decode(&eb)
		resp.Body.Close()
		if resp.StatusCode != tt.status || eb.Status != tt.status || eb.Message != tt.message {
			t.Errorf("%s %s: got %d %+v, want %d %q", tt.method, tt.path, resp.StatusCode, eb, tt.status, tt.message)
		}
	}
}

// TestStopAnswersLongPoll checks that a long poll waiting when the server stops is answered at
// once with a valid answer (its events so far and a token), not left without one (which
// net/http sends as an empty 200), and that the token continues on the next start.
func TestStopAnswersLongPoll(t *testing.T) {
	dir := t.TempDir()
	ts := start(t, server.Config{StateDir: dir})
	id := ts.approved()
	c := ts.client(id)
	ctx := ctxT(t)
	r, err := c.Fetch(ctx, client.Request{})
	if err != nil {
		t.Fatal(err)
	}
	type result struct {
		r   *client.Response
		err error
	}
	done := make(chan result, 1)
	go func() {
		r2, err := c.Fetch(ctx, client.Request{Token: r.Token, MaxTimeout: 5 * time.Minute})
		done <- result{r2, err}
	}()
	waitFor(t, "the long poll to wait", func() bool { return ts.srv.Waiting() > 0 })
	ts.stop()
	res := <-done
	if res.err != nil {
		t.Fatalf("the waiting request got %v, want an answer", res.err)
	}
	if len(res.r.Events) != 0 || res.r.Token == "" {
		t.Fatalf("got %d events, token %q", len(res.r.Events), res.r.Token)
	}

	ts2 := start(t, server.Config{StateDir: dir})
	if err := ts2.srv.Add([][]byte{[]byte(`{"EventType":"process","HostName":"after"}`)}); err != nil {
		t.Fatal(err)
	}
	r3, err := ts2.client(id).Fetch(ctx, client.Request{Token: res.r.Token, MaxTimeout: client.NoWait})
	if err != nil {
		t.Fatal(err)
	}
	if len(r3.Events) != 1 || !strings.Contains(string(r3.Events[0]), `"after"`) {
		t.Fatalf("after the restart: %d events: %s", len(r3.Events), r3.Events)
	}
}
