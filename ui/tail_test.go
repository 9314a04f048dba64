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

// TestTailEmbedded runs a query and tails it against the events API server in process, through
// the real client over loopback TLS: events added after the query arrive as server-sent
// events, and only those that match.
func TestTailEmbedded(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	inst, err := embedded.Start(ctx, embedded.Options{Events: [][]byte{event(1, "process"), event(2, "module")}})
	if err != nil {
		t.Fatal(err)
	}
	defer inst.Close()
	c, err := inst.NewClient(lang.Config{})
	if err != nil {
		t.Fatal(err)
	}
	b := repl.NewAPIBackend("the test server", []repl.APINode{{Client: c}}, nil)
	ts := httptest.NewServer(New(Options{Backend: b}))
	defer ts.Close()

	var q struct {
		ID    string
		Count int
	}
	resp, err := http.Get(ts.URL + "/api/query?q=" + url.QueryEscape("EventType == 'process'"))
	if err != nil {
		t.Fatal(err)
	}
	json.NewDecoder(resp.Body).Decode(&q)
	resp.Body.Close()
	if q.Count != 1 {
		t.Fatalf("query: %+v", q)
	}
	req, _ := http.NewRequestWithContext(ctx, "GET", ts.URL+"/api/tail?id="+q.ID, nil)
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if ct := resp.Header.Get("Content-Type"); ct != "text/event-stream" {
		t.Fatalf("Content-Type %q", ct)
	}
	sc := bufio.NewScanner(resp.Body)
	next := func() (string, string) {
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
	if name, data := next(); name != "ready" || data != `{"count":1}` {
		t.Fatalf("first event %s %s", name, data)
	}
	if err := inst.Add(event(3, "module"), event(4, "process"), event(5, "process")); err != nil {
		t.Fatal(err)
	}
	var got []int
	for len(got) < 2 {
		name, data := next()
		if name != "rows" {
			t.Fatalf("event %s %s", name, data)
		}
		var r struct {
			Count int
			Rows  []row
		}
		json.Unmarshal([]byte(data), &r)
		for _, rw := range r.Rows {
			if rw.Cells[1] != "process" {
				t.Errorf("a row that does not match: %v", rw)
			}
			got = append(got, rw.N)
		}
	}
	if fmt.Sprint(got) != "[3 2]" && fmt.Sprint(got) != "[2 3]" {
		t.Errorf("tailed rows %v, want events 2 and 3 of the result", got)
	}
	// A second tail of the same result is refused while the first runs.
	r, err := http.Get(ts.URL + "/api/tail?id=" + q.ID)
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
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	inst, err := embedded.Start(ctx, embedded.Options{Events: [][]byte{event(1, "process"), event(2, "module")}})
	if err != nil {
		t.Fatal(err)
	}
	defer inst.Close()
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
