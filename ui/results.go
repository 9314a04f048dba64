package ui

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/katafilter/katafilter/lang"
	"github.com/katafilter/katafilter/lang/eval"
	"github.com/katafilter/katafilter/repl"
)

// maxResults is how many query results the server keeps; the oldest goes first.
const maxResults = 16

// maxHeld is the most events a result holds, tail included; a tail stops adding past it.
const maxHeld = 100000

// queryTimeout is max_timeout for the requests of a query (a first request answers at once).
const queryTimeout = 5 * time.Second

// result is the matches of one filter, held on the server so that the page can turn pages,
// count and explain them without asking the source again.
type result struct {
	id      string
	filter  *lang.Filter
	text    string // the canonical filter sent
	prog    *eval.Program
	columns []string
	stream  repl.Backend
	shared  bool // stream is the server's one backend: take turns on it
	nodes   bool // the source has several nodes: rows say which one returned each event

	op sync.Mutex // one request on the stream at a time

	mu       sync.Mutex
	events   []repl.Event
	complete bool // the last answer held fewer than max_events: nothing more is waiting
	tailing  bool
}

func (r *result) snapshot() []repl.Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.events
}

func (r *result) add(evs []repl.Event, max int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, evs...)
	r.complete = len(evs) < max
}

// store keeps the latest results by id.
type store struct {
	mu    sync.Mutex
	max   int
	order []string
	byID  map[string]*result
}

func newStore(max int) *store { return &store{max: max, byID: map[string]*result{}} }

func (st *store) put(r *result) {
	st.mu.Lock()
	defer st.mu.Unlock()
	st.byID[r.id] = r
	st.order = append(st.order, r.id)
	for len(st.order) > st.max {
		old := st.byID[st.order[0]]
		delete(st.byID, st.order[0])
		st.order = st.order[1:]
		if !old.shared {
			_ = old.stream.Close()
		}
	}
}

func (st *store) get(id string) *result {
	st.mu.Lock()
	defer st.mu.Unlock()
	return st.byID[id]
}

func newID() string {
	var b [9]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// fetch makes one request for a page of matches on the result's stream and keeps its events.
func (s *Server) fetch(ctx context.Context, res *result) (*repl.Answer, error) {
	ans, err := s.request(ctx, res, repl.Request{Filter: res.text, Program: res.prog, MaxEvents: s.opt.MaxEvents, MaxTimeout: queryTimeout})
	if err != nil {
		return nil, err
	}
	res.add(ans.Events, s.opt.MaxEvents)
	return ans, nil
}

// request makes one request on the result's stream, taking turns with the other requests on
// it (and, for a shared backend, with every other result).
func (s *Server) request(ctx context.Context, res *result, req repl.Request) (*repl.Answer, error) {
	res.op.Lock()
	defer res.op.Unlock()
	if res.shared {
		s.shared.Lock()
		defer s.shared.Unlock()
	}
	return res.stream.Fetch(ctx, req)
}

// query runs a filter: checked first (a filter with errors is not sent), then one request on
// a new stream, as the REPL does for a new filter.
func (s *Server) query(w http.ResponseWriter, r *http.Request) {
	src := r.URL.Query().Get("q")
	f := lang.Analyze(src, s.opt.Lang)
	prog, err := f.Program()
	if err != nil {
		writeJSON(w, map[string]any{"error": "the filter has errors: nothing was sent", "analysis": analyse(src, s.opt.Lang)})
		return
	}
	text, _ := f.Format()
	res := &result{id: newID(), filter: f, text: text, prog: prog, columns: repl.Columns(prog)}
	if st, ok := s.opt.Backend.(repl.Streamer); ok {
		res.stream = st.Stream()
	} else {
		res.stream, res.shared = s.opt.Backend, true
		s.shared.Lock()
		s.opt.Backend.ResetToken()
		s.shared.Unlock()
	}
	if nb, ok := res.stream.(interface{ NodeNames() []string }); ok {
		res.nodes = len(nb.NodeNames()) > 1
	}
	start := time.Now()
	ans, err := s.fetch(r.Context(), res)
	if err != nil {
		writeError(w, http.StatusBadGateway, err.Error())
		return
	}
	s.results.put(res)
	writeJSON(w, s.summary(res, ans, time.Since(start)))
}

// summary describes a result after a request.
func (s *Server) summary(res *result, ans *repl.Answer, took time.Duration) map[string]any {
	res.mu.Lock()
	defer res.mu.Unlock()
	out := map[string]any{
		"id":       res.id,
		"filter":   res.text,
		"columns":  res.columns,
		"count":    len(res.events),
		"complete": res.complete,
		"ms":       took.Milliseconds(),
		"live":     res.stream.Live(),
		"nodes":    res.nodes,
	}
	if ans != nil && ans.Err != nil {
		out["warning"] = ans.Err.Error()
	}
	return out
}

// lookup finds the result a request names, answering the request when there is none.
func (s *Server) lookup(w http.ResponseWriter, r *http.Request) *result {
	res := s.results.get(r.URL.Query().Get("id"))
	if res == nil {
		writeError(w, http.StatusNotFound, "no such result (the server keeps the latest 16): run the filter again")
	}
	return res
}

// intParam reads a numeric query parameter, def when absent.
func intParam(r *http.Request, name string, def int) (int, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		return 0, errors.New(name + ": want a number from 0")
	}
	return n, nil
}

// more continues the result's stream: the next matches, with the token of the last answer.
func (s *Server) more(w http.ResponseWriter, r *http.Request) {
	res := s.lookup(w, r)
	if res == nil {
		return
	}
	res.mu.Lock()
	busy := res.tailing
	res.mu.Unlock()
	if busy {
		writeError(w, http.StatusConflict, "the result is being tailed: the new matches arrive by themselves")
		return
	}
	start := time.Now()
	ans, err := s.fetch(r.Context(), res)
	if err != nil {
		writeError(w, http.StatusBadGateway, err.Error())
		return
	}
	writeJSON(w, s.summary(res, ans, time.Since(start)))
}
