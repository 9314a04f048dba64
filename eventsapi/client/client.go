// Package client talks to the KATA events API (a real KATA Central Node or katafilter's own
// server) over HTTPS with mutual TLS: one request with [Client.Fetch], or a long-polling loop
// with [Client.Follow] that retries server errors and network failures with exponential
// backoff and jitter; [FollowNodes] and [FetchNodes] do the same for several nodes of one
// deployment at once (a PCN and its SCNs), each with its own token. Filters are checked locally with the language core before they are
// sent, so a mistake is shown with its position and nothing goes over the wire.
package client

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/katafilter/katafilter/eventsapi/certs"
	"github.com/katafilter/katafilter/eventsapi/wire"
	"github.com/katafilter/katafilter/lang"
)

// MaxTimeoutLimit is the longest max_timeout the API accepts.
const MaxTimeoutLimit = 5 * time.Minute

// NoWait as [Request.MaxTimeout] sends max_timeout=PT0S: the server answers at once with what
// is ready.
const NoWait time.Duration = -1

// Config configures a [Client].
type Config struct {
	// URL is the server's base URL, e.g. https://kata.example:443 (a path, if any, is kept
	// as a prefix before /kata/events_api/...).
	URL string
	// ExternalSystemID is the UUID the external system is known by.
	ExternalSystemID string
	// CertFile and KeyFile name the client certificate and key (PEM); or give Certificate.
	CertFile, KeyFile string
	Certificate       *tls.Certificate
	// CAFile names the PEM certificate(s) to trust for the server; or give RootCAs. With
	// neither, the system's roots are used.
	CAFile  string
	RootCAs *x509.CertPool
	// ServerName, when set, is the name the server's certificate is checked against instead
	// of the URL's host (for a server reached by IP address whose certificate names a host).
	ServerName string
	// HTTPClient, when set, is used as it is (its transport must present the client
	// certificate); the certificate and CA fields then only serve Fingerprint.
	HTTPClient *http.Client
	// Lang configures the local check of filters.
	Lang lang.Config
	// NoLocalCheck sends filters without checking them first (for a server whose schema knows
	// fields this one does not).
	NoLocalCheck bool
}

// Client is a client of the events API, safe for concurrent use.
type Client struct {
	cfg         Config
	base        string
	http        *http.Client
	fingerprint string
}

// New checks the configuration and loads the certificates.
func New(cfg Config) (*Client, error) {
	u, err := url.Parse(cfg.URL)
	if err != nil || u.Host == "" {
		return nil, fmt.Errorf("client: %q is not a server URL (e.g. https://kata.example:443)", cfg.URL)
	}
	if u.Scheme != "https" {
		return nil, fmt.Errorf("client: %q: the events API is served over https only", cfg.URL)
	}
	if _, err := wire.ParseUUID(cfg.ExternalSystemID); err != nil {
		return nil, fmt.Errorf("client: external system ID: %w", err)
	}
	c := &Client{cfg: cfg, base: strings.TrimRight(u.String(), "/"), http: cfg.HTTPClient}
	cert := cfg.Certificate
	if cert == nil && (cfg.CertFile != "" || cfg.KeyFile != "") {
		if cfg.CertFile == "" || cfg.KeyFile == "" {
			return nil, errors.New("client: give both the certificate and the key file")
		}
		tc, err := tls.LoadX509KeyPair(cfg.CertFile, cfg.KeyFile)
		if err != nil {
			return nil, fmt.Errorf("client: %w", err)
		}
		cert = &tc
	}
	if cert != nil && len(cert.Certificate) > 0 {
		c.fingerprint = certs.Fingerprint(cert.Certificate[0])
	}
	if c.http == nil {
		roots := cfg.RootCAs
		if roots == nil && cfg.CAFile != "" {
			data, err := os.ReadFile(cfg.CAFile)
			if err != nil {
				return nil, fmt.Errorf("client: %w", err)
			}
			if roots, err = certs.CertPool(data); err != nil {
				return nil, fmt.Errorf("client: %s: %w", cfg.CAFile, err)
			}
		}
		tc := &tls.Config{RootCAs: roots, MinVersion: tls.VersionTLS12, ServerName: cfg.ServerName}
		if cert != nil {
			tc.Certificates = []tls.Certificate{*cert}
		}
		tr := http.DefaultTransport.(*http.Transport).Clone()
		tr.TLSClientConfig = tc
		tr.Proxy = nil
		c.http = &http.Client{Transport: tr}
	}
	return c, nil
}

// Fingerprint returns the SHA-256 fingerprint of the client certificate ("" without one): the
// administrator sees it with the integration request.
func (c *Client) Fingerprint() string { return c.fingerprint }

// ExternalSystemID returns the configured ID.
func (c *Client) ExternalSystemID() string { return c.cfg.ExternalSystemID }

// URL returns the server's base URL.
func (c *Client) URL() string { return c.base }

// Request is one request's parameters. Zero values are not sent, so the server's defaults apply.
type Request struct {
	// Filter is the filter; empty sends none, and the server keeps the one saved with the token.
	Filter string
	// ClearFilter sends an empty filter, which removes the saved one.
	ClearFilter bool
	// MaxTimeout is the longest the server may collect events (whole seconds, at most 5 min);
	// zero sends none (the server's default, 5 min, applies); [NoWait] sends PT0S.
	MaxTimeout time.Duration
	// MaxEvents is the most events the answer may hold.
	MaxEvents int
	// Token continues a stream; empty starts a new one.
	Token string
}

// Response is a 200 answer.
type Response struct {
	// Token continues after this answer's events.
	Token string
	// Events are the events, as the server sent them.
	Events []json.RawMessage
	// Missed counts the events that expired before the token reached them (0: no gap).
	Missed uint64
	// Node is the answering node's name, when the server gives it.
	Node string
}

// Query returns the query string of r, checking the parameters as the server would.
func (r Request) Query() (string, error) {
	q := url.Values{}
	if r.Filter != "" {
		q.Set("filter", r.Filter)
	} else if r.ClearFilter {
		q.Set("filter", "")
	}
	if r.MaxTimeout == NoWait {
		q.Set("max_timeout", "PT0S")
	} else if r.MaxTimeout != 0 {
		if r.MaxTimeout < 0 || r.MaxTimeout > MaxTimeoutLimit {
			return "", fmt.Errorf("client: max timeout %v is outside 0s..5m", r.MaxTimeout)
		}
		q.Set("max_timeout", "PT"+strconv.FormatInt(int64((r.MaxTimeout+time.Second-1)/time.Second), 10)+"S")
	}
	if r.MaxEvents != 0 {
		if r.MaxEvents < 0 {
			return "", fmt.Errorf("client: max events %d is negative", r.MaxEvents)
		}
		q.Set("max_events", strconv.Itoa(r.MaxEvents))
	}
	if r.Token != "" {
		q.Set("continuation_token", r.Token)
	}
	return q.Encode(), nil
}

// CheckFilter checks a filter with the language core as the client is configured; it returns
// a [*FilterError] when the filter has errors.
func (c *Client) CheckFilter(src string) error {
	if c.cfg.NoLocalCheck || src == "" {
		return nil
	}
	f := lang.Analyze(src, c.cfg.Lang)
	if f.Diagnostics.Err() != nil {
		return &FilterError{Source: src, Diagnostics: f.Diagnostics}
	}
	return nil
}

// Fetch sends one request and returns the answer. The filter is checked locally first.
func (c *Client) Fetch(ctx context.Context, r Request) (*Response, error) {
	if err := c.CheckFilter(r.Filter); err != nil {
		return nil, err
	}
	q, err := r.Query()
	if err != nil {
		return nil, err
	}
	u := c.base + wire.EventsPathPrefix + url.PathEscape(c.cfg.ExternalSystemID) + "/events"
	if q != "" {
		u += "?" + q
	}
	// The server may take max_timeout (5 minutes by default) to answer; give up well after.
	wait := r.MaxTimeout
	if wait == 0 {
		wait = MaxTimeoutLimit
	} else if wait < 0 {
		wait = 0
	}
	ctx, cancel := context.WithTimeout(ctx, wait+time.Minute)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", "application/json")
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, &NetworkError{Err: err}
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, &NetworkError{Err: err}
	}
	if resp.StatusCode != http.StatusOK {
		return nil, c.apiError(resp, body)
	}
	var a wire.Answer
	if err := json.Unmarshal(body, &a); err != nil {
		return nil, &ServerError{APIError{StatusCode: resp.StatusCode, Message: "the answer is not the expected JSON: " + err.Error(), Body: body}}
	}
	out := &Response{Token: a.ContinuationToken, Events: a.Events, Node: resp.Header.Get(wire.NodeHeader)}
	if m := resp.Header.Get(wire.MissedHeader); m != "" {
		out.Missed, _ = strconv.ParseUint(m, 10, 64)
	}
	return out, nil
}

func (c *Client) apiError(resp *http.Response, body []byte) error {
	e := APIError{StatusCode: resp.StatusCode, Body: body}
	var we wire.Error
	if json.Unmarshal(body, &we) == nil && we.Message != "" {
		e.Message, e.Parameter, e.Diagnostics = we.Message, we.Parameter, we.Diagnostics
	} else {
		e.Message = strings.TrimSpace(string(body))
		if len(e.Message) > 500 {
			e.Message = e.Message[:500] + "…"
		}
		if e.Message == "" {
			e.Message = http.StatusText(resp.StatusCode)
		}
	}
	switch {
	case resp.StatusCode == http.StatusBadRequest:
		return &BadRequestError{e}
	case resp.StatusCode == http.StatusUnauthorized || resp.StatusCode == http.StatusForbidden:
		fp := c.fingerprint
		if fp == "" {
			fp = we.Fingerprint
		}
		return &UnauthorizedError{APIError: e, ID: c.cfg.ExternalSystemID, Fingerprint: fp}
	case resp.StatusCode >= 500 || resp.StatusCode == http.StatusTooManyRequests:
		return &ServerError{e}
	}
	return &e
}
