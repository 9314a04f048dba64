package ui

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/katafilter/katafilter/repl"
)

// The requests of a tail: small answers with a short wait, so that new matches show within
// seconds (a continued request waits until max_events are ready or max_timeout passes).
const (
	tailMaxEvents = 100
	tailTimeout   = 2 * time.Second
)

var errFull = errors.New("full")

// tail follows the result's stream and sends its new matches as server-sent events: "rows"
// ({count, rows} newest first), "notice" ({message}: a problem being retried) and "end"
// ({message}) when the source holds no more events or the result is full.
func (s *Server) tail(w http.ResponseWriter, r *http.Request) {
	res := s.lookup(w, r)
	if res == nil {
		return
	}
	flusher, ok := w.(http.Flusher)
	if !ok {
		writeError(w, http.StatusInternalServerError, "streaming is not supported")
		return
	}
	res.mu.Lock()
	busy := res.tailing
	res.tailing = true
	res.mu.Unlock()
	if busy {
		writeError(w, http.StatusConflict, "the result is already being tailed")
		return
	}
	defer func() {
		res.mu.Lock()
		res.tailing = false
		res.mu.Unlock()
	}()
	w.Header().Set("Content-Type", "text/event-stream")
	w.WriteHeader(http.StatusOK)
	send := func(event string, v any) {
		b, _ := json.Marshal(v)
		fmt.Fprintf(w, "event: %s\ndata: %s\n\n", event, b)
		flusher.Flush()
	}
	send("ready", map[string]any{"count": len(res.snapshot())})
	handle := func(a *repl.Answer) error {
		if a.Err != nil {
			send("notice", map[string]string{"message": a.Err.Error()})
		}
		if len(a.Events) == 0 {
			return nil
		}
		res.mu.Lock()
		evs := a.Events[:min(len(a.Events), maxHeld-len(res.events))]
		res.events = append(res.events, evs...)
		all := res.events
		res.mu.Unlock()
		rows := make([]row, 0, len(evs))
		for i := len(all) - 1; i >= len(all)-len(evs); i-- {
			rows = append(rows, rowOf(res, all, i))
		}
		send("rows", map[string]any{"count": len(all), "rows": rows})
		if len(all) >= maxHeld {
			return errFull
		}
		return nil
	}
	err := s.follow(r.Context(), res, handle)
	switch {
	case errors.Is(err, errFull):
		send("end", map[string]string{"message": fmt.Sprintf("the result holds %d events, the most it keeps: run the filter again", maxHeld)})
	case err != nil && r.Context().Err() == nil:
		send("end", map[string]string{"message": err.Error()})
	case r.Context().Err() == nil:
		send("end", map[string]string{"message": "the end of the events: the source is not live"})
	}
}

// follow hands the new matches of the result's stream to handle until ctx ends, with the
// backend's follow loop when it has one (the events API client's, which retries with
// backoff), else with repeated requests, which end at the last event of a source that is not
// live.
func (s *Server) follow(ctx context.Context, res *result, handle func(*repl.Answer) error) error {
	req := repl.Request{Filter: res.text, Program: res.prog, MaxEvents: tailMaxEvents, MaxTimeout: tailTimeout}
	if fl, ok := res.stream.(repl.Follower); ok && !res.shared {
		res.op.Lock()
		defer res.op.Unlock()
		return fl.Follow(ctx, req, handle)
	}
	for ctx.Err() == nil {
		ans, err := s.request(ctx, res, req)
		if err != nil {
			return err
		}
		if err := handle(ans); err != nil {
			return err
		}
		if !res.stream.Live() && len(ans.Events) < req.MaxEvents {
			return nil
		}
	}
	return nil
}
