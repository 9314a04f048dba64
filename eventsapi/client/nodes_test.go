package client_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/katafilter/katafilter/eventsapi/client"
	"github.com/katafilter/katafilter/eventsapi/embedded"
)

// startNode starts a real server in process holding events n0..n0+count-1 (their RecordId).
func startNode(t *testing.T, n0, count int) *embedded.Instance {
	t.Helper()
	var evs [][]byte
	for i := n0; i < n0+count; i++ {
		evs = append(evs, fmt.Appendf(nil, `{"EventType":"process","RecordId":%d}`, i))
	}
	inst, err := embedded.Start(context.Background(), embedded.Options{Events: evs})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { inst.Close() })
	return inst
}

func recordID(t *testing.T, e []byte) int {
	var v struct{ RecordId int }
	if err := json.Unmarshal(e, &v); err != nil {
		t.Fatal(err)
	}
	return v.RecordId
}

// TestFollowNodes follows two real servers at once: each answer comes with its node, never two
// at once, each node's events in order and all of them; cancelling ends it cleanly.
func TestFollowNodes(t *testing.T) {
	pcn, scn := startNode(t, 0, 10), startNode(t, 100, 7)
	nodes := []client.Node{{Name: "pcn", Client: pcn.Client()}, {Name: "scn", Client: scn.Client()}}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	got := make([][]int, 2)
	var inside atomic.Int32
	err := client.FollowNodes(ctx, nodes, client.NodesOptions{
		Request: client.Request{Filter: "EventType == 'process'", MaxEvents: 3, MaxTimeout: client.NoWait},
		Handle: func(_ context.Context, i int, r *client.Response) error {
			if inside.Add(1) != 1 {
				t.Error("Handle called for two answers at once")
			}
			defer inside.Add(-1)
			for _, e := range r.Events {
				got[i] = append(got[i], recordID(t, e))
			}
			if len(got[0]) == 10 && len(got[1]) == 7 {
				cancel()
			}
			return nil
		},
	})
	if err != nil {
		t.Fatalf("FollowNodes ended by cancel: %v", err)
	}
	want0, want1 := []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, []int{100, 101, 102, 103, 104, 105, 106}
	if !slices.Equal(got[0], want0) || !slices.Equal(got[1], want1) {
		t.Errorf("got %v, want %v and %v", got, want0, want1)
	}
}

// TestFollowNodesOnce takes one answer from each node, each from its own token.
func TestFollowNodesOnce(t *testing.T) {
	pcn, scn := startNode(t, 0, 5), startNode(t, 100, 5)
	first, err := pcn.Client().Fetch(context.Background(), client.Request{MaxEvents: 2, MaxTimeout: client.NoWait})
	if err != nil {
		t.Fatal(err)
	}
	nodes := []client.Node{{Name: "pcn", Client: pcn.Client(), Token: first.Token}, {Name: "scn", Client: scn.Client()}}
	answers := map[int][]int{}
	err = client.FollowNodes(context.Background(), nodes, client.NodesOptions{
		Request: client.Request{MaxEvents: 2, MaxTimeout: client.NoWait},
		Once:    true,
		Handle: func(_ context.Context, i int, r *client.Response) error {
			for _, e := range r.Events {
				answers[i] = append(answers[i], recordID(t, e))
			}
			return nil
		},
	})
	if err != nil || !slices.Equal(answers[0], []int{2, 3}) || !slices.Equal(answers[1], []int{100, 101}) {
		t.Errorf("FollowNodes once: %v, %v", answers, err)
	}
}

// TestFollowNodesFailure: a node that refuses stops the other, which ends cleanly; the error
// names only the node that failed. A handler's error is returned the same way.
func TestFollowNodesFailure(t *testing.T) {
	good := startNode(t, 0, 3)
	srv, pool := newTLS(t, func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(401)
		w.Write([]byte(`{"status":401,"message":"authorization required: waiting"}`))
	})
	bad, err := client.New(client.Config{URL: srv.URL, ExternalSystemID: testID, RootCAs: pool})
	if err != nil {
		t.Fatal(err)
	}
	nodes := []client.Node{{Name: "good", Client: good.Client()}, {Name: "bad", Client: bad}}
	done := make(chan error)
	go func() {
		done <- client.FollowNodes(context.Background(), nodes, client.NodesOptions{
			Request: client.Request{MaxTimeout: 30 * time.Second}, // the good node waits in a long poll
		})
	}()
	var failed client.NodesError
	select {
	case err = <-done:
	case <-time.After(time.Minute):
		t.Fatal("FollowNodes did not stop the good node after the bad one failed")
	}
	var ue *client.UnauthorizedError
	if !errors.As(err, &failed) || len(failed) != 1 || failed[0].Node != 1 || failed[0].Name != "bad" || !errors.As(err, &ue) {
		t.Fatalf("err = %#v", err)
	}
	if msg := err.Error(); msg[:5] != "bad: " {
		t.Errorf("message %q does not name the node", msg)
	}

	stop := errors.New("output closed")
	err = client.FollowNodes(context.Background(), nodes[:1], client.NodesOptions{
		Handle: func(context.Context, int, *client.Response) error { return stop },
	})
	if !errors.Is(err, stop) || !errors.As(err, &failed) || failed[0].Name != "good" {
		t.Errorf("handler error: %v", err)
	}
}

// TestFetchNodes asks every node once: one that fails does not hold back the other.
func TestFetchNodes(t *testing.T) {
	good := startNode(t, 0, 3)
	bad, err := client.New(client.Config{URL: "https://127.0.0.1:1", ExternalSystemID: testID})
	if err != nil {
		t.Fatal(err)
	}
	nodes := []client.Node{{Name: "good", Client: good.Client()}, {Name: "down", Client: bad}}
	resps, errs := client.FetchNodes(context.Background(), nodes, client.Request{MaxTimeout: client.NoWait})
	if errs[0] != nil || resps[0] == nil || len(resps[0].Events) != 3 {
		t.Errorf("good node: %v %v", resps[0], errs[0])
	}
	var ne *client.NodeError
	var net *client.NetworkError
	if resps[1] != nil || !errors.As(errs[1], &ne) || ne.Name != "down" || !errors.As(errs[1], &net) {
		t.Errorf("down node: %v %v", resps[1], errs[1])
	}
}

// TestFollowNodesNamesEveryRefusal: when no node has approved the integration yet, the error
// names every node's 401, also that of a node slower to answer than the first to refuse.
func TestFollowNodesNamesEveryRefusal(t *testing.T) {
	refuse := func(delay time.Duration) *httptest.Server {
		s := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			time.Sleep(delay)
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusUnauthorized)
			fmt.Fprint(w, `{"status":401,"message":"authorization required: the integration request is waiting for the administrator's approval"}`)
		}))
		t.Cleanup(s.Close)
		return s
	}
	var nodes []client.Node
	for i, s := range []*httptest.Server{refuse(0), refuse(300 * time.Millisecond)} {
		c, err := client.New(client.Config{URL: s.URL, ExternalSystemID: "6f1c1a4e-5c1b-4a6b-9d51-0a4c2a7b3e10", HTTPClient: s.Client()})
		if err != nil {
			t.Fatal(err)
		}
		nodes = append(nodes, client.Node{Name: fmt.Sprint("node", i), Client: c})
	}
	err := client.FollowNodes(context.Background(), nodes, client.NodesOptions{Once: true, MaxRetries: 1})
	var failed client.NodesError
	if !errors.As(err, &failed) || len(failed) != 2 {
		t.Fatalf("got %v, want the 401 of both nodes", err)
	}
	for i, ne := range failed {
		var ue *client.UnauthorizedError
		if ne.Node != i || !errors.As(ne.Err, &ue) {
			t.Errorf("node %d: %v", i, ne)
		}
	}
}
