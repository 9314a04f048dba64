package server

import (
	"net"
	"net/http"
	"sync"
	"time"
)

// limitPerClient returns ln with at most Limits.ConnsPerClient connections open at once per
// client IP address: a connection beyond is closed as soon as it is accepted.
func (s *Server) limitPerClient(ln net.Listener) net.Listener {
	return &perClientListener{Listener: ln, max: s.cfg.Limits.ConnsPerClient, open: map[string]int{}, s: s}
}

type perClientListener struct {
	net.Listener
	s    *Server
	max  int
	mu   sync.Mutex
	open map[string]int
	warn time.Time // when the last refusal was logged
}

func (l *perClientListener) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		ip := clientIP(c.RemoteAddr())
		if l.admit(ip) {
			return &countedConn{Conn: c, release: func() { l.release(ip) }}, nil
		}
		c.Close()
	}
}

// admit counts a new connection of ip, or refuses it when ip holds the maximum already.
func (l *perClientListener) admit(ip string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.open[ip] >= l.max {
		if now := time.Now(); now.Sub(l.warn) > 10*time.Second {
			l.warn = now
			l.s.log.Warn("connection refused: the client holds the most connections allowed", "client", ip, "max", l.max)
		}
		return false
	}
	l.open[ip]++
	return true
}

func (l *perClientListener) release(ip string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.open[ip]--; l.open[ip] <= 0 {
		delete(l.open, ip)
	}
}

func clientIP(a net.Addr) string {
	if ta, ok := a.(*net.TCPAddr); ok {
		return ta.IP.String()
	}
	host, _, err := net.SplitHostPort(a.String())
	if err != nil {
		return a.String()
	}
	return host
}

// countedConn releases its place when closed (once).
type countedConn struct {
	net.Conn
	once    sync.Once
	release func()
}

func (c *countedConn) Close() error {
	c.once.Do(c.release)
	return c.Conn.Close()
}

// extendDeadlines gives a long poll the time it asked to collect events, on top of the write
// limit: the server's WriteTimeout, set when the request's headers were read, is too short for
// it. (While the handler runs, net/http reads the connection without a deadline, only to
// notice a client that leaves.)
func (s *Server) extendDeadlines(w http.ResponseWriter, collect time.Duration) {
	_ = http.NewResponseController(w).SetWriteDeadline(time.Now().Add(collect + s.cfg.Limits.Write))
}

// closeUnreadBody makes the server close the connection after the answer to a request with a
// body. Otherwise, when a handler answers without reading the body (a 401, a 400), net/http
// reads the rest of a small body before it writes the answer, and again when it closes the
// request, which a slow client could make last until the read timeout, without credentials.
// Only the ingest and admin endpoints take bodies, and they are katafilter's own: a new
// connection per such request costs little. It returns what to call once the handler is done.
func closeUnreadBody(w http.ResponseWriter, r *http.Request) (done func()) {
	if r.ContentLength == 0 {
		return func() {}
	}
	w.Header().Set("Connection", "close")
	// No more reading: what is left of the body is not wanted.
	return func() { _ = http.NewResponseController(w).SetReadDeadline(time.Now()) }
}

// hold takes n bytes of the answers' budget for an answer that holds already bytes; an
// answer's first event is always admitted, so that every request makes progress.
func (s *Server) hold(n, already int64) bool {
	for {
		cur := s.held.Load()
		if already > 0 && cur+n > s.cfg.Limits.AnswerBytes {
			return false
		}
		if s.held.CompareAndSwap(cur, cur+n) {
			return true
		}
	}
}

// release gives back n bytes of the budget.
func (s *Server) release(n int64) { s.held.Add(-n) }
