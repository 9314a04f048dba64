package client_test

import (
	"context"
	"crypto/x509"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/katafilter/katafilter/eventsapi/client"
)

const testID = "0b5e36a4-6f5c-4a8e-9d43-1c2b3a4d5e6f"

func TestQuery(t *testing.T) {
	tests := []struct {
		r    client.Request
		want string
	}{
		{client.Request{}, ""},
		{client.Request{Filter: "EventType == 'process'"}, "filter=EventType+%3D%3D+%27process%27"},
		{client.Request{ClearFilter: true, Token: "t"}, "continuation_token=t&filter="},
		{client.Request{MaxTimeout: 1500 * time.Millisecond, MaxEvents: 10}, "max_events=10&max_timeout=PT2S"},
		{client.Request{MaxTimeout: client.NoWait}, "max_timeout=PT0S"},
		{client.Request{MaxTimeout: 6 * time.Minute}, "error: client: max timeout 6m0s is outside 0s..5m"},
		{client.Request{MaxEvents: -1}, "error: client: max events -1 is negative"},
	}
	for _, tt := range tests {
		got, err := tt.r.Query()
		if err != nil {
			got = "error: " + err.Error()
		}
		if got != tt.want {
			t.Errorf("%+v: got %q, want %q", tt.r, got, tt.want)
		}
	}
}

func newTLS(t *testing.T, h http.HandlerFunc) (*httptest.Server, *x509.CertPool) {
	srv := httptest.NewTLSServer(h)
	t.Cleanup(srv.Close)
	pool := x509.NewCertPool()
	pool.AddCert(srv.Certificate())
	return srv, pool
}

func TestFollowRetriesServerErrors(t *testing.T) {
	var calls atomic.Int32
	srv, pool := newTLS(t, func(w http.ResponseWriter, r *http.Request) {
		n := calls.Add(1)
		switch {
		case n <= 2:
			http.Error(w, `{"status":500,"message":"internal server error; repeat the request later"}`, 500)
		case n == 3:
			w.Write([]byte(`{"continuationToken":"t1","events":[{"a":1}]}`))
		default:
			if r.URL.Query().Get("continuation_token") != "t1" || r.URL.Query().Has("filter") {
				t.Errorf("request %d: %s", n, r.URL.RawQuery)
			}
			w.WriteHeader(400)
			w.Write([]byte(`{"status":400,"message":"max_events: 0: the maximum number of events must be at least 1","parameter":"max_events"}`))
		}
	})
	c, err := client.New(client.Config{URL: srv.URL, ExternalSystemID: testID, RootCAs: pool})
	if err != nil {
		t.Fatal(err)
	}
	var retries []string
	var got []string
	err = c.Follow(context.Background(), client.FollowOptions{
		Request:    client.Request{Filter: "EventType == 'process'"},
		MinBackoff: time.Millisecond, MaxBackoff: 4 * time.Millisecond,
		OnRetry: func(err error, d time.Duration) {
			retries = append(retries, err.Error())
			if d < time.Millisecond || d > 4*time.Millisecond {
				t.Errorf("delay %v outside the bounds", d)
			}
		},
		Handle: func(_ context.Context, r *client.Response) error {
			for _, e := range r.Events {
				got = append(got, string(e))
			}
			return nil
		},
	})
	var bre *client.BadRequestError
	if !errors.As(err, &bre) || bre.Parameter != "max_events" {
		t.Fatalf("got %v, want the 400", err)
	}
	if len(retries) != 2 || retries[0] != "events API: 500: internal server error; repeat the request later" {
		t.Fatalf("retries %q", retries)
	}
	if strings.Join(got, ",") != `{"a":1}` {
		t.Fatalf("events %v", got)
	}
}

func TestUnauthorizedAndCancel(t *testing.T) {
	srv, pool := newTLS(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Has("continuation_token") {
			<-r.Context().Done() // a long poll that never answers
			return
		}
		w.WriteHeader(401)
		w.Write([]byte(`{"status":401,"message":"authorization required: waiting","fingerprint":"abcd"}`))
	})
	c, _ := client.New(client.Config{URL: srv.URL, ExternalSystemID: testID, RootCAs: pool})
	_, err := c.Fetch(context.Background(), client.Request{})
	var ue *client.UnauthorizedError
	if !errors.As(err, &ue) || ue.Fingerprint != "abcd" || !strings.Contains(err.Error(), "must approve") || !strings.Contains(err.Error(), testID) {
		t.Fatalf("got %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() {
		done <- c.Follow(ctx, client.FollowOptions{Request: client.Request{Token: "x"}})
	}()
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("Follow after cancel: %v", err)
	}
}

func TestNetworkErrorsAreRetryable(t *testing.T) {
	c, err := client.New(client.Config{URL: "https://127.0.0.1:1", ExternalSystemID: testID})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Fetch(context.Background(), client.Request{Filter: "EventType == 'process'", Token: "AYEc"})
	var ne *client.NetworkError
	if !errors.As(err, &ne) || !client.Retryable(err) {
		t.Fatalf("got %v", err)
	}
	// The message names the request without its query (the token and the filter).
	if want := "events API: GET https://127.0.0.1:1/kata/events_api/v1/" + testID + "/events: dial tcp 127.0.0.1:1: "; !strings.HasPrefix(err.Error(), want) {
		t.Errorf("message\n %s\nwant it to begin with\n %s", err, want)
	}
	err = c.Follow(context.Background(), client.FollowOptions{MaxRetries: 2, MinBackoff: time.Millisecond, MaxBackoff: time.Millisecond})
	if !errors.As(err, &ne) {
		t.Fatalf("Follow gave up with %v", err)
	}
}

func TestNewErrors(t *testing.T) {
	tests := []struct {
		cfg  client.Config
		want string
	}{
		{client.Config{URL: "http://x", ExternalSystemID: testID}, `client: "http://x": the events API is served over https only`},
		{client.Config{URL: "kata", ExternalSystemID: testID}, `client: "kata" is not a server URL (e.g. https://kata.example:443)`},
		{client.Config{URL: "https://x", ExternalSystemID: "nope"}, `client: external system ID: "nope" is not a UUID`},
		{client.Config{URL: "https://x", ExternalSystemID: testID, CertFile: "a"}, "client: give both the certificate and the key file"},
	}
	for _, tt := range tests {
		_, err := client.New(tt.cfg)
		if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
			t.Errorf("%+v: got %v, want %s", tt.cfg, err, tt.want)
		}
	}
}

func TestStateSaveLoad(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	st, err := client.LoadState(path)
	if err != nil || len(st.Tokens) != 0 {
		t.Fatal(st, err)
	}
	st.Tokens["https://pcn:443"] = "tok"
	if err := st.Save(path); err != nil {
		t.Fatal(err)
	}
	again, err := client.LoadState(path)
	if err != nil || again.Tokens["https://pcn:443"] != "tok" {
		t.Fatal(again, err)
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 1 {
		t.Fatalf("temporary files left: %v", entries)
	}
	os.WriteFile(path, []byte(`{"version":2}`), 0o600)
	if _, err := client.LoadState(path); err == nil || !strings.Contains(err.Error(), "version 2 is not supported") {
		t.Fatal(err)
	}
}

// TestLoadStateRemovesStaleTemps: the temporary files of a Save killed half way are removed by
// the next LoadState; other files stay.
func TestLoadStateRemovesStaleTemps(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "fetch.state")
	for _, name := range []string{".fetch.state.tmp-123", ".fetch.state.tmp-9", ".other.state.tmp-1", "fetch.state.tmp-1", "notes"} {
		os.WriteFile(filepath.Join(dir, name), []byte("{"), 0o600)
	}
	if _, err := client.LoadState(path); err != nil {
		t.Fatal(err)
	}
	var left []string
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		left = append(left, e.Name())
	}
	if got := strings.Join(left, " "); got != ".other.state.tmp-1 fetch.state.tmp-1 notes" {
		t.Errorf("left %s", got)
	}
}

func TestBackoff(t *testing.T) {
	for n := 1; n < 40; n++ {
		d := client.Backoff(n, 100*time.Millisecond, 10*time.Second)
		if d < 100*time.Millisecond || d > 10*time.Second {
			t.Fatalf("Backoff(%d) = %v", n, d)
		}
	}
}

func TestUntrustedServerIsNotRetried(t *testing.T) {
	srv, _ := newTLS(t, func(w http.ResponseWriter, r *http.Request) {})
	c, _ := client.New(client.Config{URL: srv.URL, ExternalSystemID: testID, RootCAs: x509.NewCertPool()})
	err := c.Follow(context.Background(), client.FollowOptions{OnRetry: func(err error, _ time.Duration) {
		t.Errorf("retried %v", err)
	}})
	var ne *client.NetworkError
	if !errors.As(err, &ne) || !strings.Contains(err.Error(), "certificate") {
		t.Fatalf("got %v", err)
	}
}
