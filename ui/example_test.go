package ui_test

import (
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"net/url"

	"github.com/katafilter/katafilter/lang"
	"github.com/katafilter/katafilter/repl"
	"github.com/katafilter/katafilter/ui"
)

// The console is an http.Handler over any repl.Backend. Here, over two events in memory: what
// the filter bar gets for a keystroke, and a query's number of matches.
func ExampleNew() {
	var events []repl.Event
	for _, raw := range []string{
		`{"EventType":"process","HostName":"WS-01","FileName":"cmd.exe","Timestamp":1764000000000000}`,
		`{"EventType":"module","HostName":"WS-02","FileName":"a.dll","Timestamp":1764000001000000}`,
	} {
		e, _ := repl.NewEvent([]byte(raw))
		events = append(events, e)
	}
	h := ui.New(ui.Options{Backend: repl.NewMemoryBackend("two events", events), Lang: lang.Config{}})

	get := func(path string, v any) {
		r := httptest.NewRequest("GET", path, nil) // Host example.com would be refused: loopback only
		r.Host = "127.0.0.1:8080"
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		_ = json.Unmarshal(w.Body.Bytes(), v)
	}
	var edit struct {
		Analysis struct {
			Diagnostics []struct {
				S, E    int
				Code    string
				Message string
			}
		}
		Items []struct{ Label string }
	}
	get("/api/edit?at=13&q="+url.QueryEscape("EventType == 'proces'"), &edit)
	for _, d := range edit.Analysis.Diagnostics {
		fmt.Printf("%d-%d %s %s\n", d.S, d.E, d.Code, d.Message)
	}
	fmt.Println(len(edit.Items), "completions, the first", edit.Items[0].Label)

	var q struct{ Count int }
	get("/api/query?q="+url.QueryEscape("FileName == '*.exe'"), &q)
	fmt.Println(q.Count, "match")
	// Output:
	// 13-21 KF0400 'proces' is not a known value of EventType; did you mean 'process'?
	// 16 completions, the first 'process'
	// 1 match
}
