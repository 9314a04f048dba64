package ui

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/katafilter/katafilter/eventsapi/embedded"
	"github.com/katafilter/katafilter/lang"
	"github.com/katafilter/katafilter/repl"
)

func event(i int, typ string) []byte {
	return fmt.Appendf(nil, `{"EventType":%q,"HostName":"WS-%02d","Timestamp":%d}`, typ, i, time.Now().UnixMicro())
}

// startEmbedded starts the events API server in process with two events (a process and a
// module), stopped when the test ends, and returns the test's context.
func startEmbedded(t *testing.T) (context.Context, *embedded.Instance) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	inst, err := embedded.Start(ctx, embedded.Options{Events: [][]byte{event(1, "process"), event(2, "module")}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { inst.Close() })
	return ctx, inst
}

// TestTailEmbedded runs a query and tails it against the events API server in process, through
// the real client over loopback TLS: events added after the query arrive as server-sent
// events, and only those that match.
func TestTailEmbedded(t *testing.T) {
	ctx, inst := startEmbedded(t)
	c, err := inst.NewClient(lang.Config{})
	if err != nil {
		t.Fatal(err)
	}
	b := repl.NewAPIBackend("the test server", []repl.APINode{{Client: c}}, nil)
	ts := httptest.NewServer(New(Options{Backend: b}))
	defer ts.Close()

	id, next, stop := queryAndTail(t, ctx, ts.URL, "EventType == 'process'")
	defer stop()
	if name, data := next(); name != "ready" || data != `{"count":1}` {
		t.Fatalf("first event %s %s", name, data)
	}
	if err := inst.Add(event(3, "module"), event(4, "process"), event(5, "process")); err != nil {
		t.Fatal(err)
	}
	var got []int
	for _, rw := range tailedRows(t, next, 2) {
		if rw.Cells[1] != "process" {
			t.Errorf("a row that does not match: %v", rw)
		}
		got = append(got, rw.N)
	}
	if fmt.Sprint(got) != "[3 2]" && fmt.Sprint(got) != "[2 3]" {
		t.Errorf("tailed rows %v, want events 2 and 3 of the result", got)
	}
	// A second tail of the same result is refused while the first runs.
	r, err := http.Get(ts.URL + "/api/tail?id=" + id)
	if err != nil {
		t.Fatal(err)
	}
	r.Body.Close()
	if r.StatusCode != http.StatusConflict {
		t.Errorf("second tail: status %d, want 409", r.StatusCode)
	}
}

// TestTailFiles: a tail of events read from files ends at the last one.
func TestTailFiles(t *testing.T) {
	s := testServer(t, "")
	ts := httptest.NewServer(s)
	defer ts.Close()
	var q struct{ ID string }
	decode(t, get(t, s, "/api/query?q="+url.QueryEscape("EventType == 'process'"), nil), &q)
	resp, err := http.Get(ts.URL + "/api/tail?id=" + q.ID)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var b strings.Builder
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		b.WriteString(sc.Text() + "\n")
	}
	want := "event: ready\ndata: {\"count\":15}\n\nevent: end\ndata: {\"message\":\"the end of the events: the source is not live\"}\n\n"
	if b.String() != want {
		t.Errorf("tail of files:\n%s\nwant:\n%s", b.String(), want)
	}
}

// TestNodes: with several nodes (a PCN and its SCNs), the result says so and each row names
// the node that returned its event.
func TestNodes(t *testing.T) {
	_, inst := startEmbedded(t)
	var nodes []repl.APINode
	for _, name := range []string{"pcn", "scn1"} {
		c, err := inst.NewClient(lang.Config{})
		if err != nil {
			t.Fatal(err)
		}
		nodes = append(nodes, repl.APINode{Name: name, Client: c})
	}
	s := New(Options{Backend: repl.NewAPIBackend("two nodes", nodes, nil)})
	var q struct {
		ID    string
		Count int
		Nodes bool
	}
	decode(t, get(t, s, "/api/query?q="+url.QueryEscape("EventType == 'process'"), nil), &q)
	if q.Count != 2 || !q.Nodes {
		t.Fatalf("query: %+v", q)
	}
	var rows struct{ Rows []row }
	decode(t, get(t, s, "/api/rows?id="+q.ID, nil), &rows)
	var names []string
	for _, r := range rows.Rows {
		names = append(names, r.Node)
	}
	if strings.Join(names, ",") != "scn1,pcn" {
		t.Errorf("rows' nodes %v, want scn1,pcn (newest first)", names)
	}
}

// queryAndTail runs filter as a query on the console at base and opens a tail of its result:
// it returns the result's id, a reader of the tail's events (see sseEvents) and a function
// that closes the tail (to call before the server is closed).
func queryAndTail(t *testing.T, ctx context.Context, base, filter string) (string, func() (string, string), func()) {
	t.Helper()
	var q struct{ ID string }
	resp, err := http.Get(base + "/api/query?q=" + url.QueryEscape(filter))
	if err != nil {
		t.Fatal(err)
	}
	json.NewDecoder(resp.Body).Decode(&q)
	resp.Body.Close()
	req, _ := http.NewRequestWithContext(ctx, "GET", base+"/api/tail?id="+q.ID, nil)
	if resp, err = http.DefaultClient.Do(req); err != nil {
		t.Fatal(err)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "text/event-stream" {
		resp.Body.Close()
		t.Fatalf("Content-Type %q", ct)
	}
	return q.ID, sseEvents(t, resp), func() { resp.Body.Close() }
}

// sseEvents reads the server-sent events of a tail's response: each call returns the next
// event's name and data, and stops the test when the stream ends.
func sseEvents(t *testing.T, resp *http.Response) func() (string, string) {
	sc := bufio.NewScanner(resp.Body)
	return func() (string, string) {
		t.Helper()
		var name string
		for sc.Scan() {
			line := sc.Text()
			if n, ok := strings.CutPrefix(line, "event: "); ok {
				name = n
			}
			if d, ok := strings.CutPrefix(line, "data: "); ok {
				return name, d
			}
		}
		t.Fatalf("the stream ended: %v", sc.Err())
		return "", ""
	}
}

// tailedRows reads "rows" events until n rows have come; any other event stops the test.
func tailedRows(t *testing.T, next func() (string, string), n int) []row {
	t.Helper()
	var rows []row
	for len(rows) < n {
		name, data := next()
		if name != "rows" {
			t.Fatalf("event %s %s", name, data)
		}
		var r struct{ Rows []row }
		json.Unmarshal([]byte(data), &r)
		rows = append(rows, r.Rows...)
	}
	return rows
}
