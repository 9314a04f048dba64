package ui

import (
	"bytes"
	"cmp"
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/katafilter/katafilter/lang"
	"github.com/katafilter/katafilter/lang/ast"
	"github.com/katafilter/katafilter/lang/explain"
	"github.com/katafilter/katafilter/repl"
)

// DefaultPageSize is how many rows a page of results holds when the page does not say.
const DefaultPageSize = 50

type row struct {
	N     int      `json:"n"` // the event's number in the result, from 1 (oldest)
	Cells []string `json:"cells"`
	Node  string   `json:"node,omitempty"`
}

func rowOf(res *result, evs []repl.Event, i int) row {
	e := evs[i]
	cells := make([]string, len(res.columns))
	for k, c := range res.columns {
		cells[k] = repl.Cell(e.Value, c)
	}
	return row{N: i + 1, Cells: cells, Node: e.Node}
}

// rows answers a page of the result, newest first: from is the number of rows skipped.
func (s *Server) rows(w http.ResponseWriter, r *http.Request) {
	res := s.lookup(w, r)
	if res == nil {
		return
	}
	from, err := intParam(r, "from", 0)
	n, err2 := intParam(r, "n", DefaultPageSize)
	if err = cmp.Or(err, err2); err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	evs := res.snapshot()
	out := []row{}
	for i := len(evs) - 1 - from; i >= 0 && len(out) < min(n, 1000); i-- {
		out = append(out, rowOf(res, evs, i))
	}
	writeJSON(w, map[string]any{"count": len(evs), "from": from, "rows": out})
}

// timestamp reads an event's Timestamp (microseconds since the epoch).
func timestamp(v any) (int64, bool) {
	m, ok := v.(map[string]any)
	if !ok {
		return 0, false
	}
	n, ok := m["Timestamp"].(json.Number)
	if !ok {
		return 0, false
	}
	t, err := strconv.ParseInt(string(n), 10, 64)
	return t, err == nil
}

// histogram counts the matches in equal intervals between the first and the last Timestamp.
func (s *Server) histogram(w http.ResponseWriter, r *http.Request) {
	res := s.lookup(w, r)
	if res == nil {
		return
	}
	buckets, err := intParam(r, "buckets", 48)
	if err != nil || buckets < 1 || buckets > 1000 {
		writeError(w, http.StatusBadRequest, "buckets: want a number from 1 to 1000")
		return
	}
	writeJSON(w, histogramOf(res.snapshot(), buckets))
}

type histogram struct {
	Start   int64 `json:"start"` // µs since the epoch
	Width   int64 `json:"width"` // µs per bucket
	Counts  []int `json:"counts"`
	Undated int   `json:"undated"` // matches without a Timestamp
}

func histogramOf(evs []repl.Event, buckets int) histogram {
	h := histogram{Counts: []int{}}
	var ts []int64
	for _, e := range evs {
		if t, ok := timestamp(e.Value); ok {
			ts = append(ts, t)
		} else {
			h.Undated++
		}
	}
	if len(ts) == 0 {
		return h
	}
	lo, hi := slices.Min(ts), slices.Max(ts)
	h.Start = lo
	h.Width = max(1, (hi-lo)/int64(buckets)+1)
	h.Counts = make([]int, int((hi-lo)/h.Width)+1)
	for _, t := range ts {
		h.Counts[(t-lo)/h.Width]++
	}
	return h
}

type facetValue struct {
	Value  string `json:"value"`
	Count  int    `json:"count"`
	Clause string `json:"clause,omitempty"` // the comparison that selects it, to add to the filter
}

// facet counts the values of a field among the matches (an event counts once per distinct
// value it holds) and answers the most frequent.
func (s *Server) facet(w http.ResponseWriter, r *http.Request) {
	res := s.lookup(w, r)
	if res == nil {
		return
	}
	field := strings.TrimSpace(r.URL.Query().Get("field"))
	n, err := intParam(r, "n", 10)
	if err != nil || field == "" {
		writeError(w, http.StatusBadRequest, "want field= and n=")
		return
	}
	counts := map[string]int{}
	clauses := map[string]string{}
	with := 0
	for _, e := range res.snapshot() {
		seen := map[string]bool{}
		for _, v := range repl.Values(e.Value, field) {
			t := repl.ValueText(v)
			if seen[t] {
				continue
			}
			seen[t] = true
			counts[t]++
			if _, ok := clauses[t]; !ok {
				clauses[t] = clause(field, v)
			}
		}
		if len(seen) > 0 {
			with++
		}
	}
	vals := make([]facetValue, 0, len(counts))
	for t, c := range counts {
		vals = append(vals, facetValue{Value: t, Count: c, Clause: clauses[t]})
	}
	slices.SortFunc(vals, func(a, b facetValue) int { return cmp.Or(b.Count-a.Count, strings.Compare(a.Value, b.Value)) })
	writeJSON(w, map[string]any{"field": field, "with": with, "distinct": len(vals), "values": vals[:min(n, len(vals))]})
}

// clause writes the comparison that selects one value of a field, "" for values that a
// filter cannot name (objects, null).
func clause(field string, v any) string {
	switch x := v.(type) {
	case string:
		return field + " == " + ast.QuoteString(x)
	case json.Number:
		if _, err := strconv.ParseInt(string(x), 10, 64); err == nil {
			return field + " == " + string(x)
		}
	case bool:
		return field + " == " + strconv.FormatBool(x)
	}
	return ""
}

// eventAt finds event n (from 1) of the result named by the request.
func (s *Server) eventAt(w http.ResponseWriter, r *http.Request) (*result, repl.Event, bool) {
	res := s.lookup(w, r)
	if res == nil {
		return nil, repl.Event{}, false
	}
	n, err := intParam(r, "n", 0)
	evs := res.snapshot()
	if err != nil || n < 1 || n > len(evs) {
		writeError(w, http.StatusNotFound, "no such event in this result")
		return nil, repl.Event{}, false
	}
	return res, evs[n-1], true
}

// event answers one event's JSON, indented.
func (s *Server) event(w http.ResponseWriter, r *http.Request) {
	_, e, ok := s.eventAt(w, r)
	if !ok {
		return
	}
	var b bytes.Buffer
	if err := json.Indent(&b, e.Raw, "", "  "); err != nil {
		b.Reset()
		b.Write(e.Raw)
	}
	writeJSON(w, map[string]any{"json": b.String(), "node": e.Node, "origin": e.Origin})
}

// clauseJSON is one clause of an explanation.
type clauseJSON struct {
	Kind     string       `json:"kind"`
	Text     string       `json:"text"`
	Result   bool         `json:"result"`
	Field    string       `json:"field,omitempty"`
	Values   []string     `json:"values,omitempty"`
	Missing  bool         `json:"missing,omitempty"`
	Children []clauseJSON `json:"children,omitempty"`
}

func clauseOf(n *explain.Node) clauseJSON {
	c := clauseJSON{Kind: n.Kind.String(), Text: n.Text, Result: n.Result, Field: n.Field, Missing: n.Missing()}
	for _, v := range n.Values {
		c.Values = append(c.Values, repl.ValueText(v))
	}
	for _, k := range n.Children {
		c.Children = append(c.Children, clauseOf(k))
	}
	return c
}

// explain says clause by clause why event n matches the result's filter, or, with q, why it
// does or does not match that filter (the one being refined), as the REPL's .explain N FILTER.
func (s *Server) explain(w http.ResponseWriter, r *http.Request) {
	res, e, ok := s.eventAt(w, r)
	if !ok {
		return
	}
	f := res.filter
	if q := r.URL.Query().Get("q"); q != "" {
		f = lang.Analyze(q, s.opt.Lang)
		if f.Diagnostics.HasErrors() {
			writeJSON(w, map[string]any{"error": "the filter has errors", "analysis": analyse(q, s.opt.Lang)})
			return
		}
	}
	node, err := explain.Filter(f, e.Value)
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	text, _ := f.Format()
	writeJSON(w, map[string]any{"filter": text, "match": node.Result, "tree": clauseOf(node)})
}
