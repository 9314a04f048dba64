package server

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/katafilter/katafilter/eventsapi/certs"
	"github.com/katafilter/katafilter/eventsapi/store"
	"github.com/katafilter/katafilter/eventsapi/wire"
	"github.com/katafilter/katafilter/lang/diag"
	"github.com/katafilter/katafilter/lang/diag/jsondiag"
	"github.com/katafilter/katafilter/lang/eval"
)

// filterError is a filter the checker refused.
type filterError struct {
	src   string
	diags diag.List
}

func (e filterError) Error() string {
	var first string
	for _, d := range e.diags {
		if d.Severity == diag.Error {
			first = d.Message
			break
		}
	}
	return first
}

// apiError is an error answer.
type apiError struct {
	body wire.Error
}

func (e *apiError) Error() string { return e.body.Message }

func badParam(param, format string, args ...any) *apiError {
	return &apiError{wire.Error{Status: http.StatusBadRequest, Parameter: param, Message: param + ": " + fmt.Sprintf(format, args...)}}
}

// reqLog collects what the access log line says about a request.
type reqLog struct {
	id, fp   string
	events   int
	missed   uint64
	filter   string
	errorMsg string
}

type logKey struct{}

type statusWriter struct {
	http.ResponseWriter
	status int
}

// Unwrap gives http.ResponseController the connection's writer (for deadlines).
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// Handler returns the server's HTTP handler: the events endpoint, the ingest endpoint and the
// admin endpoints, with an access log line per request and panics turned into 500s.
func (s *Server) Handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rl := &reqLog{}
		sw := &statusWriter{ResponseWriter: w}
		r = r.WithContext(context.WithValue(r.Context(), logKey{}, rl))
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.log.Error("internal error", "panic", fmt.Sprint(v), "stack", string(debug.Stack()))
				if sw.status == 0 {
					writeJSON(sw, http.StatusInternalServerError, wire.Error{Status: 500, Message: "internal server error; repeat the request later"})
				}
			}
			attrs := []any{
				"method", r.Method, "path", logPath(r), "status", sw.status,
				"duration", time.Since(start).Round(time.Microsecond).String(), "remote", r.RemoteAddr,
			}
			if rl.id != "" {
				attrs = append(attrs, "id", rl.id)
			}
			if rl.fp != "" {
				attrs = append(attrs, "fingerprint", rl.fp[:16])
			}
			if sw.status == http.StatusOK && strings.HasPrefix(r.URL.Path, wire.EventsPathPrefix) {
				attrs = append(attrs, "events", rl.events)
			}
			if rl.filter != "" {
				attrs = append(attrs, "filter", rl.filter)
			}
			if rl.missed > 0 {
				attrs = append(attrs, "missed", rl.missed)
			}
			if rl.errorMsg != "" {
				attrs = append(attrs, "error", rl.errorMsg)
			}
			level := slog.LevelInfo
			if sw.status >= 500 {
				level = slog.LevelError
			} else if sw.status >= 400 {
				level = slog.LevelWarn
			}
			s.log.Log(r.Context(), level, "request", attrs...)
		}()
		defer closeUnreadBody(sw, r)()
		switch {
		case strings.HasPrefix(r.URL.Path, wire.EventsPathPrefix):
			s.serveEvents(sw, r, rl)
		case r.URL.Path == wire.IngestPath:
			s.serveIngest(sw, r, rl)
		case strings.HasPrefix(r.URL.Path, wire.AdminPath):
			s.serveAdmin(sw, r, rl)
		default:
			s.fail(sw, rl, &apiError{wire.Error{Status: http.StatusNotFound, Message: "not found: the events endpoint is GET " + wire.EventsPathPrefix + "{external_system_id}/events"}})
		}
	})
}

// logPath is the request path without the token's value (a bearer of access to a stream).
func logPath(r *http.Request) string {
	p := r.URL.EscapedPath()
	if i := strings.Index(p, "continuation_token="); i >= 0 {
		p = p[:i] + "continuation_token=…"
	}
	return p
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		status, b = http.StatusInternalServerError, []byte(`{"status":500,"message":"internal server error"}`)
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write(append(b, '\n'))
}

func (s *Server) fail(w http.ResponseWriter, rl *reqLog, err error) {
	var ae *apiError
	var fe filterError
	switch {
	case errors.As(err, &ae):
	case errors.As(err, &fe):
		ae = &apiError{wire.Error{Status: http.StatusBadRequest, Parameter: "filter",
			Message: "filter: " + fe.Error(), Diagnostics: jsondiag.FromList("", fe.src, fe.diags)}}
	default:
		s.log.Error("internal error", "err", err)
		ae = &apiError{wire.Error{Status: http.StatusInternalServerError, Message: "internal server error; repeat the request later"}}
	}
	rl.errorMsg = ae.body.Message
	if ae.body.Status == http.StatusMethodNotAllowed {
		w.Header().Set("Allow", "GET")
	}
	writeJSON(w, ae.body.Status, ae.body)
}

// params are the parsed query parameters of an events request.
type params struct {
	filter     string
	hasFilter  bool
	maxTimeout time.Duration
	maxEvents  int
	token      string
}

var timeoutRE = regexp.MustCompile(`^PT(-?[0-9]+)S$`)

// parseParams reads the query, including the part the vendor pages' typos put into the path
// ("/events&continuation_token=..." and "/events=?filter=...").
func (s *Server) parseParams(r *http.Request, tail string) (params, error) {
	raw := r.URL.RawQuery
	if strings.HasPrefix(tail, "&") {
		// The typo form: everything after "events" was meant as the query.
		if raw != "" {
			raw = tail[1:] + "&" + raw
		} else {
			raw = tail[1:]
		}
	}
	q, err := url.ParseQuery(raw)
	if err != nil {
		return params{}, &apiError{wire.Error{Status: http.StatusBadRequest, Message: "the query string is malformed: " + err.Error()}}
	}
	var p params
	for name, vs := range q {
		if len(vs) > 1 {
			return p, badParam(name, "given %d times; give it once", len(vs))
		}
	}
	if vs, ok := q["filter"]; ok {
		p.filter, p.hasFilter = vs[0], true
	}
	p.token = q.Get("continuation_token")
	p.maxTimeout = DefaultMaxTimeout
	if v, ok := q["max_timeout"]; ok {
		m := timeoutRE.FindStringSubmatch(strings.TrimSpace(v[0]))
		if m == nil {
			return p, badParam("max_timeout", "%q is not of the form PT<seconds>S, e.g. PT300S", v[0])
		}
		n, err := strconv.ParseInt(m[1], 10, 64)
		switch {
		case err != nil || n > int64(MaxTimeoutLimit/time.Second):
			return p, badParam("max_timeout", "%s is more than the limit of %d seconds (5 minutes)", v[0], int(MaxTimeoutLimit/time.Second))
		case n < 0:
			return p, badParam("max_timeout", "%s is negative", v[0])
		}
		p.maxTimeout = time.Duration(n) * time.Second
	}
	limit := s.cfg.MaxEventsLimit
	if v, ok := q["max_events"]; ok {
		n, err := strconv.ParseInt(strings.TrimSpace(v[0]), 10, 64)
		var ne *strconv.NumError
		switch {
		case errors.As(err, &ne) && errors.Is(ne.Err, strconv.ErrRange) && !strings.HasPrefix(strings.TrimSpace(v[0]), "-"):
			return p, badParam("max_events", "%s is more than this server's limit of %d", v[0], limit)
		case err != nil:
			return p, badParam("max_events", "%q is not an integer", v[0])
		case n <= 0:
			return p, badParam("max_events", "%d: the maximum number of events must be at least 1", n)
		case n > int64(limit):
			return p, badParam("max_events", "%d is more than this server's limit of %d", n, limit)
		}
		p.maxEvents = int(n)
	} else {
		p.maxEvents = s.defaultMaxEvents()
	}
	return p, nil
}

// defaultMaxEvents is the configured default, or max(1000, 10 × distinct hosts seen) capped at
// the limit.
func (s *Server) defaultMaxEvents() int {
	if s.cfg.MaxEventsDefault > 0 {
		return s.cfg.MaxEventsDefault
	}
	return min(s.cfg.MaxEventsLimit, max(1000, 10*s.st.HostCount()))
}

// authorize identifies the external system by the pair (ID, certificate fingerprint).
func (s *Server) authorize(r *http.Request, rawID string, rl *reqLog) (id [16]byte, fp string, err error) {
	id, perr := wire.ParseUUID(rawID)
	if perr != nil {
		return id, "", &apiError{wire.Error{Status: http.StatusBadRequest, Parameter: "external_system_id", Message: "external_system_id: " + perr.Error()}}
	}
	ids := strings.ToLower(rawID)
	rl.id = ids
	if r.TLS == nil || len(r.TLS.PeerCertificates) == 0 {
		return id, "", &apiError{wire.Error{Status: http.StatusUnauthorized, ExternalSystemID: ids,
			Message: "authorization required: present the external system's client certificate (curl --cert FILE --key FILE)"}}
	}
	leaf := r.TLS.PeerCertificates[0]
	fp = certs.Fingerprint(leaf.Raw)
	rl.fp = fp
	reg, ok, err := s.st.Registration(ids, fp)
	if err != nil {
		return id, fp, err
	}
	// An approved pair is only read (no write per request); an unknown or undecided one is
	// recorded, so that the administrator sees when it last asked.
	if !ok || reg.Status != store.Approved {
		initial := store.Pending
		if s.cfg.ApproveAll {
			initial = store.Approved
		}
		reg, err = s.st.Seen(ids, fp, leaf.Subject.String(), time.Now(), initial, s.cfg.MaxPending)
		if errors.Is(err, store.ErrTooManyPending) {
			s.log.Warn("integration request not recorded: too many are pending", "id", ids, "fingerprint", fp,
				"limit", s.cfg.MaxPending, "decide", "katafilter admin --state-dir "+s.cfg.StateDir+" list")
			return id, fp, &apiError{wire.Error{Status: http.StatusServiceUnavailable, ExternalSystemID: ids, Fingerprint: fp,
				Message: "integration request not recorded: too many integration requests are waiting for the administrator's decision; repeat the request later"}}
		}
		if err != nil {
			return id, fp, err
		}
	}
	if !ok {
		if reg.Status == store.Pending {
			s.log.Warn("new integration request", "id", ids, "fingerprint", fp, "subject", leaf.Subject.String(),
				"decide", "katafilter admin --state-dir "+s.cfg.StateDir+" approve "+ids)
		} else {
			s.log.Warn("integration request approved automatically (--approve-all)", "id", ids, "fingerprint", fp)
		}
	}
	switch reg.Status {
	case store.Approved:
		return id, fp, nil
	case store.Rejected:
		return id, fp, &apiError{wire.Error{Status: http.StatusUnauthorized, ExternalSystemID: ids, Fingerprint: fp,
			Message: "authorization required: the administrator rejected the integration request of this external system ID and certificate"}}
	default:
		return id, fp, &apiError{wire.Error{Status: http.StatusUnauthorized, ExternalSystemID: ids, Fingerprint: fp,
			Message: "authorization required: the integration request of this external system ID and certificate is waiting for the administrator's approval"}}
	}
}

func (s *Server) serveEvents(w http.ResponseWriter, r *http.Request, rl *reqLog) {
	rawID, tail, ok := wire.ParseEventsPath(r.URL.EscapedPath())
	if !ok {
		s.fail(w, rl, &apiError{wire.Error{Status: http.StatusNotFound, Message: "not found: the events endpoint is GET " + wire.EventsPathPrefix + "{external_system_id}/events"}})
		return
	}
	if r.Method != http.MethodGet {
		s.fail(w, rl, &apiError{wire.Error{Status: http.StatusMethodNotAllowed, Message: "method " + r.Method + " not allowed: use GET"}})
		return
	}
	if unesc, err := url.PathUnescape(rawID); err == nil {
		rawID = unesc
	}
	id, fp, err := s.authorize(r, rawID, rl)
	if err != nil {
		if ae, ok := err.(*apiError); ok && ae.body.Status == http.StatusUnauthorized && fp != "" {
			w.Header().Set(wire.FingerprintHeader, fp)
		}
		s.fail(w, rl, err)
		return
	}
	if r.ContentLength != 0 {
		// curl -X GET --data-urlencode without -G sends the parameters in a body, where they
		// would be silently ignored: every event, unfiltered.
		s.fail(w, rl, &apiError{wire.Error{Status: http.StatusBadRequest, Message: "the request has a body, and the events API reads its parameters from the query string only " +
			"(filter, max_timeout, max_events, continuation_token); with curl, --data-urlencode needs -G to put them there"}})
		return
	}
	p, err := s.parseParams(r, tail)
	if err != nil {
		s.fail(w, rl, err)
		return
	}
	s.extendDeadlines(w, p.maxTimeout)
	tok := token{node: s.node, id: id, fp: fpPrefix(fp), issued: time.Now().Unix()}
	first := p.token == ""
	if !first {
		t, err := decodeToken(p.token, s.key, s.node, id, fpPrefix(fp))
		if err != nil {
			s.fail(w, rl, badParam("continuation_token", "the token %s", strings.TrimPrefix(err.Error(), "continuation_token ")))
			return
		}
		tok.seq, tok.hasFilter, tok.filter = t.seq, t.hasFilter, t.filter
	}
	// The filter: a new one replaces the saved one; an empty one removes it; none keeps it.
	var prog *eval.Program
	switch {
	case p.hasFilter && strings.TrimSpace(p.filter) == "":
		tok.hasFilter = false
	case p.hasFilter:
		if prog, err = s.program(p.filter); err != nil {
			s.fail(w, rl, err)
			return
		}
		if tok.filter, err = s.st.PutFilter(p.filter); err != nil {
			s.fail(w, rl, err)
			return
		}
		tok.hasFilter = true
		rl.filter = p.filter
	case tok.hasFilter:
		src, ok, err := s.st.Filter(tok.filter)
		if err != nil {
			s.fail(w, rl, err)
			return
		}
		if !ok {
			s.fail(w, rl, badParam("continuation_token", "its saved filter is unknown to this server; pass the filter again"))
			return
		}
		if prog, err = s.program(src); err != nil {
			s.fail(w, rl, err)
			return
		}
		rl.filter = src
	}
	events, held, missed, err := s.collect(r.Context(), &tok, prog, p, first)
	defer s.release(held)
	if err != nil {
		if r.Context().Err() != nil {
			return // the client went away: nobody to answer
		}
		s.fail(w, rl, err)
		return
	}
	rl.events, rl.missed = len(events), missed
	if missed > 0 {
		w.Header().Set(wire.MissedHeader, strconv.FormatUint(missed, 10))
	}
	if s.cfg.Node != "" {
		w.Header().Set(wire.NodeHeader, s.cfg.Node)
	}
	writeAnswer(w, tok.encode(s.key), events)
}

// writeAnswer writes a 200 answer, the events streamed as they are (not copied into a buffer
// of the whole answer first).
func writeAnswer(w http.ResponseWriter, token string, events [][]byte) {
	tb, _ := json.Marshal(token)
	n := len(`{"continuationToken":,"events":[]}`+"\n") + len(tb)
	for i, e := range events {
		n += len(e) + min(i, 1)
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Content-Length", strconv.Itoa(n))
	w.WriteHeader(http.StatusOK)
	bw := bufio.NewWriterSize(w, 32<<10)
	bw.WriteString(`{"continuationToken":`)
	bw.Write(tb)
	bw.WriteString(`,"events":[`)
	for i, e := range events {
		if i > 0 {
			bw.WriteByte(',')
		}
		bw.Write(e)
	}
	bw.WriteString("]}\n")
	bw.Flush()
}

// collect gathers the matching events after tok.seq, advancing tok.seq over every event it
// considered. A first request answers at once with what is available; a continued one waits
// until max_events are ready or max_timeout has passed (or, with AnswerEarly, until one is),
// or until the server stops.
func (s *Server) collect(ctx context.Context, tok *token, prog *eval.Program, p params, first bool) (out [][]byte, held int64, missed uint64, err error) {
	deadline := time.Now().Add(p.maxTimeout)
	stopping, _ := ctx.Value(stoppingKey{}).(<-chan struct{}) // nil (never) outside Serve
	full := false                                             // the answers' memory budget is spent: answer with what there is
	var timer *time.Timer
	defer func() {
		if timer != nil {
			timer.Stop()
		}
	}()
	for {
		woken := s.wait()
		oldest, next, err := s.st.Bounds()
		if err != nil {
			return nil, held, 0, err
		}
		from := tok.seq + 1
		// Events deleted before the token reached them.
		gapEnd := oldest
		if oldest == 0 {
			gapEnd = next
		}
		if from < gapEnd {
			if !first {
				missed += gapEnd - from
			}
			tok.seq = gapEnd - 1
			from = gapEnd
		}
		cutoff := s.now().Add(-s.cfg.Retention)
		// passed is the last event the answer is done with (sent or passed over); the token
		// continues after it.
		var passed uint64
		_, err = s.st.Scan(from, func(ev store.Event) bool {
			if ev.Arrival.Before(cutoff) {
				if !first {
					missed++
				}
				passed = ev.Seq
				return true
			}
			if prog != nil {
				// An event that is not valid JSON never matches; it was checked on arrival.
				if ok, err := prog.MatchJSON(ev.Raw); err != nil || !ok {
					passed = ev.Seq
					return true
				}
			}
			if !s.hold(int64(len(ev.Raw)), held) {
				full = true
				return false
			}
			held += int64(len(ev.Raw))
			out = append(out, bytes.Clone(ev.Raw))
			passed = ev.Seq
			return len(out) < p.maxEvents
		})
		if err != nil {
			return nil, held, 0, err
		}
		if passed != 0 {
			tok.seq = passed
		}
		now := time.Now()
		if first || full || len(out) >= p.maxEvents || !now.Before(deadline) || (s.cfg.AnswerEarly && len(out) > 0) {
			return out, held, missed, nil
		}
		if timer == nil {
			timer = time.NewTimer(deadline.Sub(now))
		}
		s.waiting.Add(1)
		select {
		case <-woken:
		case <-timer.C:
			// One more scan, then answer.
			deadline = now
		case <-stopping:
			// The server stops: one more scan, then answer with what there is; the token
			// continues after it, on this server's next start.
			deadline, stopping = now, nil
		case <-ctx.Done():
			s.waiting.Add(-1)
			return nil, held, 0, ctx.Err()
		}
		s.waiting.Add(-1)
	}
}

// ValidateEvent checks that b is one JSON object and returns it compacted.
func ValidateEvent(b []byte) ([]byte, error) {
	b = bytes.TrimSpace(b)
	if len(b) == 0 || b[0] != '{' {
		return nil, errors.New("an event must be a JSON object")
	}
	var buf bytes.Buffer
	if err := json.Compact(&buf, b); err != nil {
		return nil, err
	}
	// json.Compact accepts trailing values after the object ("{} {}"): refuse them.
	dec := json.NewDecoder(bytes.NewReader(buf.Bytes()))
	var v json.RawMessage
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("an event must be one JSON object per line")
	}
	return buf.Bytes(), nil
}
