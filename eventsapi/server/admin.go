package server

import (
	"bytes"
	"context"
	"crypto/subtle"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/katafilter/katafilter/eventsapi/certs"
	"github.com/katafilter/katafilter/eventsapi/gen"
	"github.com/katafilter/katafilter/eventsapi/store"
	"github.com/katafilter/katafilter/eventsapi/wire"
	"github.com/katafilter/katafilter/internal/jsonl"
)

// Decision is the body of POST /katafilter/admin/decide.
type Decision struct {
	ID          string       `json:"id"`
	Fingerprint string       `json:"fingerprint,omitempty"` // or a prefix of it; empty when the ID has one certificate
	Status      store.Status `json:"status"`
}

// IngestResult is the body of a 200 answer of the ingest endpoint.
type IngestResult struct {
	Accepted int `json:"accepted"`
}

func bearer(r *http.Request, want string) bool {
	got, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	return ok && subtle.ConstantTimeCompare([]byte(strings.TrimSpace(got)), []byte(want)) == 1
}

// serveIngest is POST /katafilter/ingest: a body of JSON lines, one event per line, all or
// nothing, authorized by the bearer token in the state directory's ingest.token.
func (s *Server) serveIngest(w http.ResponseWriter, r *http.Request, rl *reqLog) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", "POST")
		s.fail(w, rl, &apiError{wire.Error{Status: http.StatusMethodNotAllowed, Message: "method " + r.Method + " not allowed: use POST with JSON lines"}})
		return
	}
	if !bearer(r, s.ingestToken) {
		s.fail(w, rl, &apiError{wire.Error{Status: http.StatusUnauthorized, Message: "authorization required: send the ingest token of the state directory (" + IngestTokenFile + ") as Authorization: Bearer TOKEN"}})
		return
	}
	events, err := readEvents(http.MaxBytesReader(w, r.Body, 256<<20), "body")
	if err != nil {
		s.fail(w, rl, &apiError{wire.Error{Status: http.StatusBadRequest, Message: err.Error()}})
		return
	}
	if err := s.Add(events); err != nil {
		s.fail(w, rl, err)
		return
	}
	rl.events = len(events)
	writeJSON(w, http.StatusOK, IngestResult{Accepted: len(events)})
}

// serveAdmin is katafilter's administration API, authorized by the bearer token in the state
// directory's admin.token: GET registrations, POST decide.
func (s *Server) serveAdmin(w http.ResponseWriter, r *http.Request, rl *reqLog) {
	if !bearer(r, s.adminToken) {
		s.fail(w, rl, &apiError{wire.Error{Status: http.StatusUnauthorized, Message: "authorization required: send the admin token of the state directory (" + AdminTokenFile + ") as Authorization: Bearer TOKEN"}})
		return
	}
	switch strings.TrimPrefix(r.URL.Path, wire.AdminPath) {
	case "registrations":
		regs, err := s.st.Registrations()
		if err != nil {
			s.fail(w, rl, err)
			return
		}
		writeJSON(w, http.StatusOK, regs)
	case "decide":
		if r.Method != http.MethodPost {
			s.fail(w, rl, &apiError{wire.Error{Status: http.StatusMethodNotAllowed, Message: "use POST"}})
			return
		}
		var d Decision
		if err := json.NewDecoder(io.LimitReader(r.Body, 1<<16)).Decode(&d); err != nil {
			s.fail(w, rl, &apiError{wire.Error{Status: http.StatusBadRequest, Message: "decision: " + err.Error()}})
			return
		}
		changed, err := Decide(s.st, d)
		if err != nil {
			s.fail(w, rl, &apiError{wire.Error{Status: http.StatusBadRequest, Message: err.Error()}})
			return
		}
		for _, c := range changed {
			s.log.Warn("integration request decided", "id", c.ID, "fingerprint", c.Fingerprint, "status", c.Status)
		}
		writeJSON(w, http.StatusOK, changed)
	default:
		s.fail(w, rl, &apiError{wire.Error{Status: http.StatusNotFound, Message: "not found"}})
	}
}

// Decide applies an administrator's decision to a store, checking its fields. The admin
// command uses it directly when no server runs.
func Decide(st *store.Store, d Decision) ([]store.Registration, error) {
	if _, err := wire.ParseUUID(d.ID); err != nil {
		return nil, err
	}
	if d.Status != store.Approved && d.Status != store.Rejected {
		return nil, fmt.Errorf("status must be %q or %q, not %q", store.Approved, store.Rejected, d.Status)
	}
	fp := ""
	if d.Fingerprint != "" {
		var err error
		if fp, err = certs.NormalizeFingerprint(d.Fingerprint); err != nil {
			return nil, err
		}
	}
	return st.Decide(strings.ToLower(d.ID), fp, d.Status, time.Now())
}

// readEvents reads JSON lines (one event object per line; blank lines skipped; gzip-compressed
// or not) and returns them compacted. The first malformed line is an error naming it.
func readEvents(r io.Reader, name string) ([][]byte, error) {
	var out [][]byte
	keep := func(line []byte) error {
		ev, err := ValidateEvent(line)
		if err != nil {
			return fmt.Errorf("malformed JSON: %w", err)
		}
		out = append(out, ev)
		return nil
	}
	jr := jsonl.NewReader(r, name, jsonl.Options{Strict: true, Check: keep})
	defer jr.Close()
	for jr.Next() {
	}
	return out, jr.Err()
}

// LoadFile adds the events of a JSON lines file (gzip-compressed or not). A file whose content
// was loaded before into this state is skipped, so that restarting with the same --events does
// not add its events twice (a crash in the middle of loading adds them again in full); it reports whether it loaded the file and how many events.
func (s *Server) LoadFile(path string) (loaded bool, n int, err error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return false, 0, err
	}
	events, err := readEvents(bytes.NewReader(data), path)
	if err != nil {
		return false, 0, err
	}
	stored, complete, err := s.st.LoadProgress(data)
	if err != nil || complete {
		return false, 0, err
	}
	if stored > 0 {
		s.log.Info("resuming an interrupted load", "file", path, "stored", stored, "of", len(events))
	}
	// Each batch is stored with the count of the file's events stored so far, in one
	// transaction: after a crash, the load resumes after the last batch stored.
	for i := min(stored, len(events)); ; {
		k := min(len(events)-i, 5000)
		last := i+k == len(events)
		if err := s.st.AppendLoaded(events[i:i+k], s.now(), data, i+k, last); err != nil {
			return true, n, err
		}
		n += k
		if i += k; last {
			break
		}
	}
	s.broadcast()
	s.log.Info("loaded events", "file", path, "count", n)
	return true, n, nil
}

// Generate adds synthetic events of all 16 types at rate events per second until ctx is done
// or the server is closed.
func (s *Server) Generate(ctx context.Context, rate float64, seed uint64) error {
	return s.GenerateWith(ctx, rate, gen.New(seed, 0, nil))
}

// GenerateWith is Generate with the events of g, which it uses alone from then on (a caller
// that added g's first events itself continues the same network: the same processes).
func (s *Server) GenerateWith(ctx context.Context, rate float64, g *gen.Generator) error {
	if rate <= 0 {
		return fmt.Errorf("server: the generation rate must be positive, not %g", rate)
	}
	ctx, done, err := s.track(ctx)
	if err != nil {
		return err
	}
	defer done()
	const tick = 100 * time.Millisecond
	t := time.NewTicker(tick)
	defer t.Stop()
	start := time.Now()
	var made float64
	for {
		select {
		case <-ctx.Done():
			return nil
		case now := <-t.C:
			due := rate*now.Sub(start).Seconds() - made
			var batch [][]byte
			for ; due >= 1; due-- {
				batch = append(batch, g.Next())
			}
			made += float64(len(batch))
			if err := s.Add(batch); err != nil {
				s.log.Error("storing generated events", "err", err)
			}
		}
	}
}
