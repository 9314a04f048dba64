package client

import (
	"crypto/tls"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/katafilter/katafilter/lang/diag"
	"github.com/katafilter/katafilter/lang/diag/jsondiag"
)

// APIError is an error answer of the server.
type APIError struct {
	StatusCode int
	// Message is the server's message (or the start of a body that was not the JSON error).
	Message string
	// Parameter names the parameter at fault, when the server says.
	Parameter string
	// Diagnostics are the server's findings in a refused filter.
	Diagnostics []jsondiag.Diagnostic
	// Body is the raw body.
	Body []byte
}

func (e *APIError) Error() string {
	return fmt.Sprintf("events API: %d: %s", e.StatusCode, e.Message)
}

// BadRequestError is a 400: the request's parameters are wrong. Retrying will not help.
type BadRequestError struct{ APIError }

func (e *BadRequestError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "events API: 400 bad request: %s", e.Message)
	for _, d := range e.Diagnostics {
		fmt.Fprintf(&b, "\n  filter:%s", d)
	}
	return b.String()
}

// DiagnosticList returns the server's diagnostics as a [diag.List], to render against the filter.
func (e *BadRequestError) DiagnosticList() diag.List { return jsondiag.ToList(e.Diagnostics) }

// UnauthorizedError is a 401: the server does not (yet) accept this external system.
type UnauthorizedError struct {
	APIError
	ID          string
	Fingerprint string
}

func (e *UnauthorizedError) Error() string {
	fp := e.Fingerprint
	if fp == "" {
		fp = "(no client certificate was presented)"
	}
	return fmt.Sprintf("events API: 401 %s\n"+
		"The KATA administrator must approve the integration request of this external system\n"+
		"(ID and certificate together; a new certificate needs a new approval):\n"+
		"  external system ID:              %s\n"+
		"  certificate SHA-256 fingerprint: %s\n"+
		"With katafilter's own server: katafilter admin --state-dir DIR approve %s", e.Message, e.ID, fp, e.ID)
}

// ServerError is a 5xx (or 429) answer: the server asks to repeat the request later.
type ServerError struct{ APIError }

// NetworkError is a failure to reach the server or to read its answer.
type NetworkError struct{ Err error }

// Error names the request by its method and URL without the query: the query holds the
// continuation token and the filter, which made the message long and put the token in logs.
func (e *NetworkError) Error() string {
	var ue *url.Error
	if errors.As(e.Err, &ue) {
		u := ue.URL
		if p, err := url.Parse(u); err == nil {
			p.RawQuery, p.ForceQuery = "", false
			u = p.String()
		}
		return "events API: " + strings.ToUpper(ue.Op) + " " + u + ": " + ue.Err.Error()
	}
	return "events API: " + e.Err.Error()
}
func (e *NetworkError) Unwrap() error { return e.Err }

// FilterError is a filter refused by the local check; nothing was sent.
type FilterError struct {
	Source      string
	Diagnostics diag.List
}

func (e *FilterError) Error() string {
	for _, d := range e.Diagnostics {
		if d.Severity == diag.Error {
			return "filter: " + d.String()
		}
	}
	return "filter has errors"
}

// Retryable reports whether err is worth repeating the request for: a server error or a
// network failure, but not the caller's own cancellation, nor a server certificate that does
// not verify (repeating will not change it).
func Retryable(err error) bool {
	var se *ServerError
	var ne *NetworkError
	var cve *tls.CertificateVerificationError
	if errors.As(err, &ne) {
		return !isContextErr(ne.Err) && !errors.As(ne.Err, &cve)
	}
	return errors.As(err, &se)
}
