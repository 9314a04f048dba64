// Package wire holds the JSON shapes and the names the events API server and client share: the
// answer, the error body, diagnostics with positions, the paths and headers. It is the one
// definition of the wire format documented in docs/events-api.md.
package wire

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/katafilter/katafilter/lang/diag/jsondiag"
)

// Paths and headers.
const (
	// EventsPathPrefix starts the events endpoint: EventsPathPrefix + ID + "/events".
	EventsPathPrefix = "/kata/events_api/v1/"
	// IngestPath is katafilter's own endpoint for adding events (not part of the KATA API).
	IngestPath = "/katafilter/ingest"
	// AdminPath starts katafilter's own administration endpoints (not part of the KATA API).
	AdminPath = "/katafilter/admin/"
	// MissedHeader, when present on an answer, counts the events (of any kind, before
	// filtering) that expired before the token reached them: the stream has a gap.
	MissedHeader = "Katafilter-Missed-Events"
	// NodeHeader names the node (server) that answered.
	NodeHeader = "Katafilter-Node"
	// FingerprintHeader, on a 401 answer, carries the SHA-256 fingerprint of the client
	// certificate the server saw.
	FingerprintHeader = "Katafilter-Certificate-Fingerprint"
)

// Answer is the body of a 200 answer of the events endpoint.
type Answer struct {
	ContinuationToken string            `json:"continuationToken"`
	Events            []json.RawMessage `json:"events"`
}

// Error is the body of every error answer (400, 401, 404, 405, 500).
type Error struct {
	Status  int    `json:"status"`
	Message string `json:"message"`
	// Parameter names the query parameter at fault, for a 400.
	Parameter string `json:"parameter,omitempty"`
	// Diagnostics are the checker's findings for a bad filter, in the JSON form that check and
	// lint print too (without a file).
	Diagnostics []jsondiag.Diagnostic `json:"diagnostics,omitempty"`
	// Fingerprint is the client certificate's SHA-256 fingerprint, for a 401.
	Fingerprint string `json:"fingerprint,omitempty"`
	// ExternalSystemID is the ID from the path, for a 401.
	ExternalSystemID string `json:"externalSystemId,omitempty"`
}

// ParseEventsPath splits the path of an events request into the external system ID and the
// rest after "/events" (empty for the proper form; "&..." or "=..." for the vendor pages'
// typos). ok is false when the path is not an events path.
func ParseEventsPath(path string) (id, tail string, ok bool) {
	rest, found := strings.CutPrefix(path, EventsPathPrefix)
	if !found {
		return "", "", false
	}
	id, after, found := strings.Cut(rest, "/")
	if !found || id == "" {
		return "", "", false
	}
	tail, found = strings.CutPrefix(after, "events")
	if !found {
		return "", "", false
	}
	if tail != "" && tail[0] != '&' && tail[0] != '=' {
		return "", "", false
	}
	return id, tail, true
}

// ParseUUID parses an external system ID: a UUID in its canonical 8-4-4-4-12 hex form, in
// either case.
func ParseUUID(s string) ([16]byte, error) {
	var u [16]byte
	if len(s) != 36 || s[8] != '-' || s[13] != '-' || s[18] != '-' || s[23] != '-' {
		return u, fmt.Errorf("%q is not a UUID (the form is 8-4-4-4-12 hex digits, e.g. 0b5e36a4-6f5c-4a8e-9d43-1c2b3a4d5e6f)", s)
	}
	h := s[0:8] + s[9:13] + s[14:18] + s[19:23] + s[24:]
	if _, err := hex.Decode(u[:], []byte(h)); err != nil {
		return u, fmt.Errorf("%q is not a UUID: it holds a character that is not a hex digit", s)
	}
	return u, nil
}

// NewUUID returns a random (version 4) UUID.
func NewUUID() string {
	var u [16]byte
	_, _ = rand.Read(u[:]) // crypto/rand.Read never fails
	u[6] = u[6]&0x0f | 0x40
	u[8] = u[8]&0x3f | 0x80
	h := hex.EncodeToString(u[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}
