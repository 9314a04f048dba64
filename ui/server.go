package ui

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"embed"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io/fs"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/katafilter/katafilter/lang"
	"github.com/katafilter/katafilter/repl"
)

//go:embed assets
var assets embed.FS

// DefaultMaxEvents is how many matches a query holds, by default: the events API's largest
// max_events.
const DefaultMaxEvents = 10000

// Options configures a [Server].
type Options struct {
	// Backend is where events come from. When it is a [repl.Streamer], each query gets a
	// stream of its own; otherwise queries take turns on it.
	Backend repl.Backend
	// Lang configures checking, completion and evaluation.
	Lang lang.Config
	// Token, when not empty, is required on every request: as ?token= (which sets a cookie
	// for the requests that follow), the cookie, or an Authorization: Bearer header. Without
	// a token only requests addressed to a loopback host name are served, so that a web page
	// of another site cannot reach the console through DNS rebinding.
	Token string
	// MaxEvents is how many matches one query holds (0: [DefaultMaxEvents]).
	MaxEvents int
}

// Server is the web console's HTTP handler. The API, all GET requests answered with JSON
// (errors as {"error": message} with a 4xx or 5xx status):
//
//	/api/info                  the source and the fields of the schema
//	/api/analyze?q=F           colour tokens, diagnostics with fixes, canonical form
//	/api/complete?q=F&at=N     completions at offset N
//	/api/edit?q=F[&at=N]       both at once: what one keystroke needs
//	/api/hover?q=F&at=N        the editor's hover text for the word at offset N
//	/api/query?q=F             run F: a result id, its columns and number of matches
//	/api/rows?id=&from=&n=     a page of the result's rows, newest first
//	/api/histogram?id=&buckets= the matches counted over time
//	/api/facet?id=&field=&n=   the most frequent values of a field among the matches
//	/api/event?id=&n=          one event's JSON
//	/api/explain?id=&n=[&q=F]  why event n matches the result's filter (or F) or not
//	/api/more?id=              the next matches of the stream (continuation token)
//	/api/tail?id=              server-sent events: the new matches as they arrive
type Server struct {
	opt     Options
	mux     *http.ServeMux
	results *store

	shared sync.Mutex // taken around each use of a backend that cannot open streams
}

// New returns the console's handler.
func New(opt Options) *Server {
	if opt.MaxEvents <= 0 {
		opt.MaxEvents = DefaultMaxEvents
	}
	s := &Server{opt: opt, mux: http.NewServeMux(), results: newStore(maxResults)}
	static, _ := fs.Sub(assets, "assets")
	s.mux.Handle("GET /", http.FileServerFS(static))
	s.mux.HandleFunc("GET /api/info", s.info)
	s.mux.HandleFunc("GET /api/analyze", s.analyze)
	s.mux.HandleFunc("GET /api/complete", s.complete)
	s.mux.HandleFunc("GET /api/edit", s.edit)
	s.mux.HandleFunc("GET /api/hover", s.hover)
	s.mux.HandleFunc("GET /api/query", s.query)
	s.mux.HandleFunc("GET /api/rows", s.rows)
	s.mux.HandleFunc("GET /api/histogram", s.histogram)
	s.mux.HandleFunc("GET /api/facet", s.facet)
	s.mux.HandleFunc("GET /api/event", s.event)
	s.mux.HandleFunc("GET /api/explain", s.explain)
	s.mux.HandleFunc("GET /api/more", s.more)
	s.mux.HandleFunc("GET /api/tail", s.tail)
	return s
}

// tokenCookie is the cookie that carries the token after the first request.
const tokenCookie = "katafilter_ui_token"

// ServeHTTP checks the request's right to the console, then serves it, with headers that keep
// the page from loading anything from elsewhere or being framed.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Cache-Control", "no-store")
	if !s.allowed(w, r) {
		return
	}
	s.mux.ServeHTTP(w, r)
}

// allowed reports whether the request may be served, answering it when not. A request of the
// API that a page of another site makes the browser send (Sec-Fetch-Site: cross-site) is
// refused too, so that no other site can make the console query the events; a link to the
// page itself may come from anywhere (a shared URL in a chat).
func (s *Server) allowed(w http.ResponseWriter, r *http.Request) bool {
	if strings.HasPrefix(r.URL.Path, "/api/") && r.Header.Get("Sec-Fetch-Site") == "cross-site" {
		writeError(w, http.StatusForbidden, "requests from the pages of other sites are refused")
		return false
	}
	if s.opt.Token == "" {
		if !loopbackHost(r.Host) {
			writeError(w, http.StatusForbidden, "this console answers requests to a loopback address only (127.0.0.1, [::1] or localhost)")
			return false
		}
		return true
	}
	if t := r.URL.Query().Get("token"); t != "" && same(t, s.opt.Token) {
		http.SetCookie(w, &http.Cookie{Name: tokenCookie, Value: t, Path: "/", HttpOnly: true, SameSite: http.SameSiteStrictMode})
		return true
	}
	if c, err := r.Cookie(tokenCookie); err == nil && same(c.Value, s.opt.Token) {
		return true
	}
	if a, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok && same(a, s.opt.Token) {
		return true
	}
	writeError(w, http.StatusUnauthorized, "this console needs its token: open the address katafilter ui printed at start (it ends in ?token=...)")
	return false
}

func same(a, b string) bool { return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1 }

// loopbackHost reports whether a Host header names this machine's loopback interface.
func loopbackHost(hostport string) bool {
	host, _, err := net.SplitHostPort(hostport)
	if err != nil {
		host = strings.Trim(hostport, "[]")
	}
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// IsLoopback reports whether a listen address (host:port) listens on loopback only.
func IsLoopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil || host == "" {
		return false
	}
	return loopbackHost(addr)
}

// writeJSON answers v as JSON with its length, so that the browser has the whole answer with
// its last byte (no chunked encoding to end).
func writeJSON(w http.ResponseWriter, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		writeError(w, http.StatusInternalServerError, err.Error())
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	_, _ = w.Write(b)
}

func writeError(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]string{"error": msg})
}

// Serve answers requests on ln until ctx ends, then stops: the open tails end, and requests
// under way get a few seconds to finish.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	hs := &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second, BaseContext: func(net.Listener) context.Context { return ctx }}
	done := make(chan struct{})
	go func() {
		defer close(done)
		<-ctx.Done()
		sctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
		defer cancel()
		_ = hs.Shutdown(sctx)
	}()
	err := hs.Serve(ln)
	if errors.Is(err, http.ErrServerClosed) {
		<-done
		return nil
	}
	return err
}

// NewToken returns a random token for [Options.Token].
func NewToken() string {
	var b [18]byte
	_, _ = rand.Read(b[:])
	return base64.RawURLEncoding.EncodeToString(b[:])
}
