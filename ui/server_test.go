package ui

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/katafilter/katafilter/lang"
	"github.com/katafilter/katafilter/repl"
)

func testServer(t *testing.T, token string) *Server {
	t.Helper()
	var evs []repl.Event
	for i := range 30 {
		host := []string{"WS-01", "WS-02", "SRV-03"}[i%3]
		typ := []string{"process", "module"}[i%2]
		e, err := repl.NewEvent(fmt.Appendf(nil, `{"EventType":%q,"HostName":%q,"FileName":"a%d.exe","Timestamp":%d}`, typ, host, i, 1764000000000000+int64(i)*1000000))
		if err != nil {
			t.Fatal(err)
		}
		evs = append(evs, e)
	}
	return New(Options{Backend: repl.NewMemoryBackend("test events", evs), Lang: lang.Config{}, Token: token})
}

func get(t *testing.T, h http.Handler, target string, hdr map[string]string) *httptest.ResponseRecorder {
	t.Helper()
	r := httptest.NewRequest("GET", target, nil)
	r.Host = "127.0.0.1:8080"
	for k, v := range hdr {
		if k == "Host" {
			r.Host = v
			continue
		}
		r.Header.Set(k, v)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

func TestAccess(t *testing.T) {
	open, locked := testServer(t, ""), testServer(t, "s3cret")
	tests := []struct {
		name   string
		h      http.Handler
		target string
		hdr    map[string]string
		want   int
	}{
		{"loopback", open, "/api/info", nil, 200},
		{"localhost", open, "/api/info", map[string]string{"Host": "localhost:8080"}, 200},
		{"ipv6 loopback", open, "/api/info", map[string]string{"Host": "[::1]:8080"}, 200},
		{"another host name (DNS rebinding)", open, "/api/info", map[string]string{"Host": "attacker.example:8080"}, 403},
		{"from another site's page", open, "/api/query?q=x", map[string]string{"Sec-Fetch-Site": "cross-site"}, 403},
		{"from the console's page", open, "/api/info", map[string]string{"Sec-Fetch-Site": "same-origin"}, 200},
		{"a shared link followed from another site", open, "/?q=x", map[string]string{"Sec-Fetch-Site": "cross-site"}, 200},
		{"a link followed from elsewhere, with its token", locked, "/?token=s3cret", map[string]string{"Sec-Fetch-Site": "none"}, 200},
		{"no token", locked, "/api/info", nil, 401},
		{"no token for the page", locked, "/", nil, 401},
		{"wrong token", locked, "/api/info?token=guess", nil, 401},
		{"token in the query", locked, "/?token=s3cret", nil, 200},
		{"token in the cookie", locked, "/api/info", map[string]string{"Cookie": tokenCookie + "=s3cret"}, 200},
		{"wrong cookie", locked, "/api/info", map[string]string{"Cookie": tokenCookie + "=s3cre"}, 401},
		{"bearer", locked, "/api/info", map[string]string{"Authorization": "Bearer s3cret"}, 200},
		{"token from any host", locked, "/api/info?token=s3cret", map[string]string{"Host": "console.example:8080"}, 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := get(t, tt.h, tt.target, tt.hdr)
			if w.Code != tt.want {
				t.Errorf("status %d, want %d: %s", w.Code, tt.want, w.Body)
			}
		})
	}
	w := get(t, locked, "/?token=s3cret", nil)
	if c := w.Result().Cookies(); len(c) != 1 || c[0].Value != "s3cret" || !c[0].HttpOnly {
		t.Errorf("cookies after ?token=: %v", c)
	}
	if csp := w.Header().Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'self'") {
		t.Errorf("Content-Security-Policy %q", csp)
	}
}

func TestIsLoopback(t *testing.T) {
	for addr, want := range map[string]bool{
		"127.0.0.1:8080": true, "127.0.0.1:0": true, "localhost:80": true, "[::1]:8080": true,
		":8080": false, "0.0.0.0:8080": false, "192.168.1.4:8080": false, "[::]:8080": false, "example.com:80": false, "nonsense": false,
	} {
		if got := IsLoopback(addr); got != want {
			t.Errorf("IsLoopback(%q) = %v, want %v", addr, got, want)
		}
	}
}

func TestUnits(t *testing.T) {
	src := "HostName == 'é😀x'"
	u := newUnits(src)
	// 'é' is 2 bytes and 1 unit, '😀' 4 bytes and 2 units.
	for _, c := range []struct{ b, u int }{{0, 0}, {13, 13}, {15, 14}, {19, 16}, {20, 17}, {len(src), 18}, {99, 18}} {
		if got := u.at(c.b); got != c.u {
			t.Errorf("at(%d) = %d, want %d", c.b, got, c.u)
		}
	}
	for _, c := range []struct{ u, b int }{{0, 0}, {13, 13}, {14, 15}, {16, 19}, {18, len(src)}, {99, len(src)}} {
		if got := bytesAt(src, c.u); got != c.b {
			t.Errorf("bytesAt(%d) = %d, want %d", c.u, got, c.b)
		}
	}
	if got := newUnits("a\xffb").at(3); got != 3 {
		t.Errorf("invalid UTF-8: at(3) = %d, want 3", got)
	}
}

func decode(t *testing.T, w *httptest.ResponseRecorder, v any) {
	t.Helper()
	if w.Code != 200 {
		t.Fatalf("status %d: %s", w.Code, w.Body)
	}
	if err := json.Unmarshal(w.Body.Bytes(), v); err != nil {
		t.Fatal(err)
	}
}

func TestQuery(t *testing.T) {
	s := testServer(t, "")
	var q struct {
		ID      string
		Count   int
		Columns []string
		Error   string
	}
	decode(t, get(t, s, "/api/query?q="+url.QueryEscape("EventType == 'process' AND HostName != 'WS-01'"), nil), &q)
	if q.Count != 10 || strings.Join(q.Columns, ",") != "Timestamp,EventType,HostName" {
		t.Fatalf("query: %+v", q)
	}
	var rows struct{ Rows []row }
	decode(t, get(t, s, "/api/rows?id="+q.ID+"&from=8", nil), &rows)
	if len(rows.Rows) != 2 || rows.Rows[0].N != 2 || rows.Rows[0].Cells[2] != "WS-02" {
		t.Errorf("rows from 8: %+v", rows.Rows)
	}
	var h histogram
	decode(t, get(t, s, "/api/histogram?id="+q.ID+"&buckets=5", nil), &h)
	sum := 0
	for _, c := range h.Counts {
		sum += c
	}
	if sum != 10 || len(h.Counts) != 5 || h.Start != 1764000002000000 {
		t.Errorf("histogram: %+v", h)
	}
	var f struct {
		With   int
		Values []facetValue
	}
	decode(t, get(t, s, "/api/facet?id="+q.ID+"&field=HostName", nil), &f)
	if f.With != 10 || len(f.Values) != 2 || f.Values[0] != (facetValue{"SRV-03", 5, "HostName == 'SRV-03'"}) {
		t.Errorf("facet: %+v", f)
	}
	var ex struct {
		Match bool
		Tree  clauseJSON
	}
	decode(t, get(t, s, "/api/explain?id="+q.ID+"&n=1&q="+url.QueryEscape("HostName == 'WS-01'"), nil), &ex)
	if ex.Match || ex.Tree.Text != "HostName == 'WS-01'" || ex.Tree.Values[0] != "SRV-03" {
		t.Errorf("explain: %+v", ex)
	}
	id := q.ID
	q.ID = ""
	decode(t, get(t, s, "/api/query?q="+url.QueryEscape("EventType == 'proces'"), nil), &q)
	if q.Error == "" || q.ID != "" {
		t.Errorf("a filter with an error ran: %+v", q)
	}
	var hv struct {
		Text string
		S, E int
	}
	decode(t, get(t, s, "/api/hover?at=21&q="+url.QueryEscape("HostName == 'é' AND FileName == 'a'"), nil), &hv)
	if !strings.HasPrefix(hv.Text, "`FileName`: string field") || hv.S != 20 || hv.E != 28 {
		t.Errorf("hover: %+v", hv)
	}
	for _, target := range []string{"/api/rows?id=nope", "/api/hover?q=a&at=x", "/api/edit?q=a&at=-2", "/api/event?id=" + id + "&n=11", "/api/complete?q=a&at=-1"} {
		if w := get(t, s, target, nil); w.Code < 400 {
			t.Errorf("%s: status %d", target, w.Code)
		}
	}
}

func TestAnalyze(t *testing.T) {
	if a := analyse("EventType == ", lang.Config{}); a.Formatted != "" || a.Errors != 1 {
		t.Errorf("a filter that does not parse: formatted %q, %d errors", a.Formatted, a.Errors)
	}
	a := analyse("FileName == 'é' AND EventType == 'proces'", lang.Config{})
	if len(a.Diagnostics) != 1 || a.Diagnostics[0].span != (span{33, 41}) || a.Diagnostics[0].Fixes[0].Edits[0].span != (span{33, 41}) {
		t.Errorf("diagnostics in UTF-16 units: %+v", a.Diagnostics)
	}
	if a.Tokens[len(a.Tokens)-1].span != (span{33, 41}) || a.Formatted != "FileName == 'é' AND EventType == 'proces'" {
		t.Errorf("tokens %+v, formatted %q", a.Tokens, a.Formatted)
	}
}

// BenchmarkEdit is the server's share of a keystroke in the filter bar: the handler of
// /api/edit (analysis and completions) on a filter being typed, without the network.
func BenchmarkEdit(b *testing.B) {
	s := testServer(&testing.T{}, "")
	src := "EventType == 'process' AND FileName == '*powershell*' AND NOT UserName in ('NT AUTHORITY\\\\SYSTEM', 'ro"
	target := "/api/edit?q=" + url.QueryEscape(src) + "&at=" + fmt.Sprint(len(src))
	r := httptest.NewRequest("GET", target, nil)
	r.Host = "127.0.0.1:8080"
	for b.Loop() {
		w := httptest.NewRecorder()
		s.ServeHTTP(w, r)
		if w.Code != 200 {
			b.Fatal(w.Body)
		}
	}
}

// FuzzOffsets: converting a byte offset at the start of a character to UTF-16 units and back
// gives it again, for any text, and the analysis of any text answers spans within it.
func FuzzOffsets(f *testing.F) {
	for _, s := range []string{"", "EventType == 'é😀'", "a\xffb", "HostName == '\u2028' AND", "x in ('𝔸', '\\*')"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		u := newUnits(src)
		prev := -1
		for off := 0; off <= len(src); off++ {
			if off < len(src) && !utf8.RuneStart(src[off]) {
				continue
			}
			cu := u.at(off)
			if cu <= prev && off > 0 {
				t.Fatalf("at(%d) = %d, not after %d", off, cu, prev)
			}
			prev = cu
			if back := bytesAt(src, cu); back != off && utf8.ValidString(src) {
				t.Fatalf("bytesAt(at(%d)) = %d", off, back)
			}
		}
		n := u.at(len(src))
		a := analyse(src, lang.Config{})
		for _, d := range a.Diagnostics {
			if d.Start < 0 || d.Start > d.End || d.End > n {
				t.Fatalf("diagnostic span %v outside 0..%d", d.span, n)
			}
		}
	})
}

// TestMore: a query holds MaxEvents matches; more continues the stream after them, until the
// source has no more.
func TestMore(t *testing.T) {
	s := testServer(t, "")
	s.opt.MaxEvents = 6
	var q struct {
		ID       string
		Count    int
		Complete bool
	}
	decode(t, get(t, s, "/api/query?q="+url.QueryEscape("EventType == 'process'"), nil), &q)
	if q.Count != 6 || q.Complete {
		t.Fatalf("query: %+v", q)
	}
	for _, want := range []int{12, 15} {
		decode(t, get(t, s, "/api/more?id="+q.ID, nil), &q)
		if q.Count != want {
			t.Fatalf("more: %+v, want %d", q, want)
		}
	}
	if !q.Complete {
		t.Errorf("after the last match: %+v", q)
	}
	var rows struct{ Rows []row }
	decode(t, get(t, s, "/api/rows?id="+q.ID+"&n=100", nil), &rows)
	seen := map[string]bool{}
	for _, r := range rows.Rows {
		if seen[r.Cells[0]] {
			t.Errorf("event at %s twice", r.Cells[0])
		}
		seen[r.Cells[0]] = true
	}
	if len(seen) != 15 {
		t.Errorf("%d distinct events, want 15", len(seen))
	}
}

// FuzzAPI: the filter bar's requests survive any text and offset: an answer, never a panic.
func FuzzAPI(f *testing.F) {
	for _, s := range []string{"", "EventType == 'proces' AND", "in(HostName, 'a'", "x == '\\\\", "NOT NOT (((", "é😀 == 1"} {
		f.Add(s, 3)
	}
	s := testServer(&testing.T{}, "")
	f.Fuzz(func(t *testing.T, src string, at int) {
		q := url.QueryEscape(src)
		for _, target := range []string{
			fmt.Sprintf("/api/edit?q=%s&at=%d", q, at),
			fmt.Sprintf("/api/hover?q=%s&at=%d", q, at),
			"/api/analyze?q=" + q,
			"/api/query?q=" + q,
		} {
			if w := get(t, s, target, nil); w.Code != 200 && w.Code != 400 {
				t.Fatalf("%s: status %d: %s", target, w.Code, w.Body)
			}
		}
	})
}
