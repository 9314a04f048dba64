// Package server is katafilter's emulation of the KATA events API: GET
// /kata/events_api/v1/{external_system_id}/events over HTTPS with mutual TLS, with the
// parameters filter, max_timeout, max_events and continuation_token, signed continuation
// tokens, sticky filters, long polling, integration requests approved by an administrator,
// retention, and katafilter's own ingest and administration endpoints. Its state (events,
// registrations, filters, signing key) lives in a bbolt store in the state directory, so a
// restart loses nothing within the retention and old tokens continue exactly.
//
// The behaviour is specified in docs/events-api.md.
package server

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/katafilter/katafilter/eventsapi/certs"
	"github.com/katafilter/katafilter/eventsapi/store"
	"github.com/katafilter/katafilter/lang"
	"github.com/katafilter/katafilter/lang/eval"
)

// Files in the state directory.
const (
	StoreFile       = "state.db"     // the bbolt store
	CertFile        = "server.crt"   // the server's certificate, clients' --cacert
	KeyFile         = "server.key"   // its key
	IngestTokenFile = "ingest.token" // bearer token of the ingest endpoint
	AdminTokenFile  = "admin.token"  // bearer token of the admin endpoints
	URLFile         = "server.url"   // the URL while the server runs
	// ServingCertFile holds, while the server runs, the certificate it presents (the one made
	// in the state directory or the one given with Config.CertFile), so that admin can pin it.
	ServingCertFile = "serving.crt"
)

// Limits the vendor documents.
const (
	// MaxTimeoutLimit is the longest max_timeout a request may ask for.
	MaxTimeoutLimit = 5 * time.Minute
	// DefaultMaxTimeout is max_timeout when a request does not give one.
	DefaultMaxTimeout = 5 * time.Minute
	// DefaultRetention is how long events are served after they arrive.
	DefaultRetention = 2 * time.Hour
	// DefaultMaxEventsLimit is the largest max_events a request may ask for, by default.
	DefaultMaxEventsLimit = 10000
)

// DefaultMaxPending is how many integration requests may wait for a decision, by default: a
// limit of the emulator's own (the vendor documents none), so that clients that keep changing
// their ID or certificate cannot fill its store.
const DefaultMaxPending = 1000

// Config configures a [Server]. Only StateDir is required.
type Config struct {
	// StateDir holds the store, the certificate, the token files and the URL file.
	StateDir string
	// Node names this server in distributed mode (e.g. "pcn", "scn1"); tokens of one node are
	// refused by another.
	Node string
	// ApproveAll approves every integration request at once. For demos and tests only.
	ApproveAll bool
	// MaxPending is how many integration requests may wait for a decision; zero means
	// DefaultMaxPending. A request from a new pair (ID, certificate) beyond it is answered
	// 503 and not recorded, until an administrator decides some of the pending ones.
	MaxPending int
	// Retention is how long an event is served after its arrival; zero means 2 hours.
	Retention time.Duration
	// RetentionInterval is how often expired events are deleted; zero means a minute (or the
	// retention, if shorter).
	RetentionInterval time.Duration
	// MaxEventsDefault is max_events when a request gives none; zero derives it from the number
	// of distinct hosts seen: max(1000, 10 × hosts), capped at MaxEventsLimit.
	MaxEventsDefault int
	// MaxEventsLimit is the largest max_events allowed; zero means 10000.
	MaxEventsLimit int
	// AnswerEarly answers a request with a token as soon as at least one matching event is
	// ready, instead of collecting until max_events are ready or max_timeout passes.
	AnswerEarly bool
	// Lang configures the filter language (schema extension, case).
	Lang lang.Config
	// CertFile and KeyFile give the server's certificate; empty means StateDir/server.crt and
	// server.key, made on first start.
	CertFile, KeyFile string
	// Hosts are names the generated certificate is valid for, besides localhost, 127.0.0.1
	// and ::1.
	Hosts []string
	// Logger receives the structured logs; nil means slog.Default().
	Logger *slog.Logger
	// Now is the clock of arrival times and retention; nil means time.Now. Tests set it to
	// move time forward without waiting.
	Now func() time.Time
	// Limits bound every phase of a connection and the connections of one client; zero
	// fields take the defaults of [DefaultLimits].
	Limits Limits
}

// Limits bound what one connection, and one client, may hold of the server, so that a slow or
// hostile client cannot keep connections (and open files) forever.
type Limits struct {
	// Header is the time a client has to complete the TLS handshake and send a request's
	// headers.
	Header time.Duration
	// Body is the time a client has to send a request's body, once its headers are read.
	Body time.Duration
	// Write is the time an answer may take to be written, beyond the collection time a long
	// poll asked for (its max_timeout).
	Write time.Duration
	// Idle is how long a kept-alive connection may wait for its next request.
	Idle time.Duration
	// ConnsPerClient is how many connections one client (IP address) may hold open at once;
	// beyond, a new connection is closed at once (and logged).
	ConnsPerClient int
	// AnswerBytes bounds the bytes of events that all the answers being collected or written
	// hold together, so that the server's memory does not grow with concurrent requests ×
	// max_events. An answer that would pass it is sent with the events it has (at least one);
	// its token continues after them.
	AnswerBytes int64
}

// DefaultLimits are the limits of a server whose Config.Limits leaves them zero.
var DefaultLimits = Limits{Header: 10 * time.Second, Body: 30 * time.Second, Write: 30 * time.Second, Idle: 90 * time.Second, ConnsPerClient: 64, AnswerBytes: 64 << 20}

func (l Limits) withDefaults() Limits {
	pick := func(v, d time.Duration) time.Duration {
		if v <= 0 {
			return d
		}
		return v
	}
	l.Header, l.Body = pick(l.Header, DefaultLimits.Header), pick(l.Body, DefaultLimits.Body)
	l.Write, l.Idle = pick(l.Write, DefaultLimits.Write), pick(l.Idle, DefaultLimits.Idle)
	if l.ConnsPerClient <= 0 {
		l.ConnsPerClient = DefaultLimits.ConnsPerClient
	}
	if l.AnswerBytes <= 0 {
		l.AnswerBytes = DefaultLimits.AnswerBytes
	}
	return l
}

// Server is an events API server. Create it with [New], run it with [Server.Serve], and
// release it with [Server.Close].
type Server struct {
	cfg         Config
	log         *slog.Logger
	st          *store.Store
	key         []byte
	node        uint32
	cert        tls.Certificate
	certPEM     []byte
	ingestToken string
	adminToken  string

	notifyMu sync.Mutex
	notify   chan struct{}
	waiting  atomic.Int64 // long polls waiting for events (for tests)
	held     atomic.Int64 // bytes of events held by answers (see Limits.AnswerBytes)

	progMu sync.Mutex
	progs  map[string]*eval.Program

	mu     sync.Mutex
	closed bool
	cancel []context.CancelFunc
	wg     sync.WaitGroup
}

// New opens (or creates) the state in cfg.StateDir. It fails with [store.ErrLocked] when
// another server holds the state.
func New(cfg Config) (*Server, error) {
	if cfg.StateDir == "" {
		return nil, errors.New("server: a state directory is required")
	}
	if cfg.Retention <= 0 {
		cfg.Retention = DefaultRetention
	}
	if cfg.RetentionInterval <= 0 {
		cfg.RetentionInterval = min(time.Minute, cfg.Retention)
	}
	if cfg.MaxEventsLimit <= 0 {
		cfg.MaxEventsLimit = DefaultMaxEventsLimit
	}
	if cfg.MaxPending <= 0 {
		cfg.MaxPending = DefaultMaxPending
	}
	if cfg.MaxEventsDefault > cfg.MaxEventsLimit {
		return nil, fmt.Errorf("server: the default max_events %d is above the limit %d", cfg.MaxEventsDefault, cfg.MaxEventsLimit)
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	cfg.Limits = cfg.Limits.withDefaults()
	if err := os.MkdirAll(cfg.StateDir, 0o700); err != nil {
		return nil, err
	}
	s := &Server{cfg: cfg, log: cfg.Logger, node: nodeHash(cfg.Node), notify: make(chan struct{}), progs: map[string]*eval.Program{}}
	if cfg.Node != "" {
		s.log = s.log.With("node", cfg.Node)
	}
	var err error
	if err = s.loadCert(); err != nil {
		return nil, err
	}
	if s.ingestToken, err = secretFile(filepath.Join(cfg.StateDir, IngestTokenFile)); err != nil {
		return nil, err
	}
	if s.adminToken, err = secretFile(filepath.Join(cfg.StateDir, AdminTokenFile)); err != nil {
		return nil, err
	}
	if s.st, err = store.Open(filepath.Join(cfg.StateDir, StoreFile), time.Second); err != nil {
		return nil, err
	}
	if s.key, err = s.st.SigningKey(); err != nil {
		s.st.Close()
		return nil, err
	}
	if cfg.ApproveAll {
		s.log.Warn("APPROVE-ALL IS ON: every external system that connects is approved without an administrator's decision; use this for demos and tests only")
	}
	return s, nil
}

func (s *Server) loadCert() error {
	cf, kf := s.cfg.CertFile, s.cfg.KeyFile
	if cf == "" && kf == "" {
		cf, kf = filepath.Join(s.cfg.StateDir, CertFile), filepath.Join(s.cfg.StateDir, KeyFile)
		if _, err := os.Stat(cf); errors.Is(err, os.ErrNotExist) {
			hosts := append([]string{"localhost", "127.0.0.1", "::1"}, s.cfg.Hosts...)
			p, err := certs.New(certs.Options{CommonName: "katafilter events API", Hosts: hosts, Server: true})
			if err != nil {
				return err
			}
			if err := p.Write(cf, kf); err != nil {
				return err
			}
		}
	} else if cf == "" || kf == "" {
		return errors.New("server: give both a certificate and its key")
	}
	p, err := certs.Load(cf, kf)
	if err != nil {
		return err
	}
	s.certPEM = p.CertPEM
	if s.cert, err = p.TLS(); err != nil {
		return err
	}
	if leaf, err := x509.ParseCertificate(s.cert.Certificate[0]); err == nil {
		for _, h := range s.cfg.Hosts {
			if leaf.VerifyHostname(h) != nil {
				s.log.Warn("the server certificate is not valid for a --hostname: it was made before; delete it to make a new one", "hostname", h, "certificate", cf)
			}
		}
	}
	return nil
}

// secretFile returns the secret kept in path, creating it (mode 0600) on first use.
func secretFile(path string) (string, error) {
	if b, err := os.ReadFile(path); err == nil {
		if t := strings.TrimSpace(string(b)); t != "" {
			return t, nil
		}
	} else if !errors.Is(err, os.ErrNotExist) {
		return "", err
	}
	b := make([]byte, 24)
	_, _ = rand.Read(b)
	t := hex.EncodeToString(b)
	return t, os.WriteFile(path, []byte(t+"\n"), 0o600)
}

// Store returns the server's store.
func (s *Server) Store() *store.Store { return s.st }

// CertPEM returns the server's certificate, which clients trust as their CA.
func (s *Server) CertPEM() []byte { return s.certPEM }

// IngestToken returns the bearer token of the ingest endpoint.
func (s *Server) IngestToken() string { return s.ingestToken }

// TLSConfig returns the TLS configuration the server listens with: its certificate, and a
// client certificate requested (not required, so that a request without one gets a 401 with
// an explanation rather than a failed handshake).
func (s *Server) TLSConfig() *tls.Config {
	return &tls.Config{
		Certificates: []tls.Certificate{s.cert},
		ClientAuth:   tls.RequestClientCert,
		MinVersion:   tls.VersionTLS12,
	}
}

// Serve answers requests on ln (a plain TCP listener: Serve adds TLS) until ctx is done or
// the server is closed. It writes the URL to StateDir/server.url while it serves, starts the
// retention sweeper, and returns nil after a clean shutdown.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	ctx, done, err := s.track(ctx)
	if err != nil {
		return err
	}
	defer done()
	lim := s.cfg.Limits
	hs := &http.Server{
		Handler: s.Handler(),
		// The TLS handshake and the headers must come within Header, the whole request
		// within Header+Body. Writes get a deadline per request (see deadlines), since a long
		// poll may rightly take up to five minutes.
		ReadHeaderTimeout: lim.Header,
		ReadTimeout:       lim.Header + lim.Body,
		WriteTimeout:      lim.Header + lim.Write,
		IdleTimeout:       lim.Idle,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelDebug),
		// A request's context ends when its client goes away, not when the server stops:
		// then a waiting long poll answers at once with what it has (see collect), instead of
		// leaving without an answer, which net/http would send as an empty 200.
		BaseContext: func(net.Listener) context.Context {
			return context.WithValue(context.WithoutCancel(ctx), stoppingKey{}, ctx.Done())
		},
	}
	url := "https://" + urlHost(ln.Addr())
	// The certificate first: whoever finds the URL finds the certificate too.
	certFile := filepath.Join(s.cfg.StateDir, ServingCertFile)
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: s.cert.Certificate[0]}), 0o600); err != nil {
		return err
	}
	defer os.Remove(certFile)
	urlFile := filepath.Join(s.cfg.StateDir, URLFile)
	if err := os.WriteFile(urlFile, []byte(url+"\n"), 0o600); err != nil {
		return err
	}
	defer os.Remove(urlFile)
	s.log.Info("serving the KATA events API", "url", url+"/kata/events_api/v1/{external_system_id}/events",
		"state_dir", s.cfg.StateDir, "retention", s.cfg.Retention.String(), "approve_all", s.cfg.ApproveAll)

	go s.sweep(ctx)
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(tls.NewListener(s.limitPerClient(ln), s.TLSConfig())) }()
	select {
	case err := <-errc:
		if errors.Is(err, http.ErrServerClosed) {
			return nil
		}
		return err
	case <-ctx.Done():
	}
	sctx, scancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer scancel()
	_ = hs.Shutdown(sctx)
	<-errc
	s.log.Info("stopped serving")
	return nil
}

// stoppingKey is the context key of the channel that is closed when the server stops.
type stoppingKey struct{}

// track derives a context that [Server.Close] cancels, and counts the caller among those Close
// waits for until it calls done.
func (s *Server) track(ctx context.Context) (context.Context, func(), error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil, nil, errors.New("server: closed")
	}
	ctx, cancel := context.WithCancel(ctx)
	s.cancel = append(s.cancel, cancel)
	s.wg.Add(1)
	return ctx, func() { cancel(); s.wg.Done() }, nil
}

// urlHost writes a listening address as a URL host, naming 127.0.0.1 for an unspecified one.
func urlHost(a net.Addr) string {
	ta, ok := a.(*net.TCPAddr)
	if !ok {
		return a.String()
	}
	ip := ta.IP
	if ip == nil || ip.IsUnspecified() {
		ip = net.IPv4(127, 0, 0, 1)
	}
	return net.JoinHostPort(ip.String(), fmt.Sprint(ta.Port))
}

// Close stops serving (pending long polls end) and generating, waits for both, and closes
// the store.
func (s *Server) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	for _, c := range s.cancel {
		c()
	}
	s.mu.Unlock()
	s.wg.Wait()
	return s.st.Close()
}

// sweep deletes expired events every RetentionInterval.
func (s *Server) sweep(ctx context.Context) {
	t := time.NewTicker(s.cfg.RetentionInterval)
	defer t.Stop()
	for {
		n, err := s.st.DeleteBefore(s.now().Add(-s.cfg.Retention))
		if err != nil {
			s.log.Error("deleting expired events", "err", err)
		} else if n > 0 {
			s.log.Info("deleted expired events", "count", n, "retention", s.cfg.Retention.String())
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

func (s *Server) now() time.Time { return s.cfg.Now() }

// wait returns a channel closed at the next arrival of events.
func (s *Server) wait() <-chan struct{} {
	s.notifyMu.Lock()
	defer s.notifyMu.Unlock()
	return s.notify
}

func (s *Server) broadcast() {
	s.notifyMu.Lock()
	close(s.notify)
	s.notify = make(chan struct{})
	s.notifyMu.Unlock()
}

// Add stores events (the raw bytes of JSON objects, checked by the caller or by
// [ValidateEvent]) with the current time as their arrival, and wakes the waiting requests.
func (s *Server) Add(events [][]byte) error {
	if len(events) == 0 {
		return nil
	}
	if _, _, err := s.st.Append(events, s.now()); err != nil {
		return err
	}
	s.broadcast()
	return nil
}

// Approve approves the external system id with the certificate fingerprint fp at once, as an
// administrator would; tools and tests use it for their own client certificates.
func (s *Server) Approve(id, fp string) error {
	id = strings.ToLower(id)
	if _, err := s.st.Seen(id, fp, "", time.Now(), store.Pending, 0); err != nil {
		return err
	}
	_, err := s.st.Decide(id, fp, store.Approved, time.Now())
	return err
}

// Bounds of the cache of compiled filters: at most progCacheLen of them, each of at most
// progCacheMaxSrc bytes, so that clients sending many long filters cannot grow it to
// gigabytes (a request line holds up to a megabyte). A longer filter is compiled for each
// request, which takes microseconds per hundred bytes.
const (
	progCacheLen    = 4096
	progCacheMaxSrc = 4096
)

// program compiles a filter, caching the result.
func (s *Server) program(src string) (*eval.Program, error) {
	s.progMu.Lock()
	p, ok := s.progs[src]
	s.progMu.Unlock()
	if ok {
		return p, nil
	}
	p, diags := lang.Compile(src, s.cfg.Lang)
	if p == nil {
		return nil, filterError{src: src, diags: diags}
	}
	if len(src) > progCacheMaxSrc {
		return p, nil
	}
	s.progMu.Lock()
	if len(s.progs) >= progCacheLen {
		clear(s.progs)
	}
	s.progs[src] = p
	s.progMu.Unlock()
	return p, nil
}
