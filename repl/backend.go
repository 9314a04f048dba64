package repl

import (
	"context"
	"encoding/json"
	"time"

	"github.com/katafilter/katafilter/lang/eval"
)

// Backend is a source of events that speaks the events API's terms. A backend keeps the
// continuation token (one per node) of the requests made through it: each [Backend.Fetch]
// continues after the events of the previous answer, as the API does, until
// [Backend.ResetToken] starts over.
type Backend interface {
	// Fetch makes one request: the events after the current token that match the filter, at
	// most MaxEvents of them, waiting up to MaxTimeout for them to arrive. The token advances
	// only when the answer is complete; a cancelled or failed request leaves it as it was.
	Fetch(ctx context.Context, req Request) (*Answer, error)
	// Tokens returns the current continuation tokens, one per node; empty before the first
	// request and after a reset.
	Tokens() []NodeToken
	// ResetToken forgets the tokens, so that the next request starts a new stream.
	ResetToken()
	// Describe says in one line what the backend is, for the banner and .status.
	Describe() string
	// Status describes the connection in a few lines, checking it if it can.
	Status(ctx context.Context) []string
	// Live reports whether events keep arriving, so that tailing waits for new ones.
	Live() bool
	// Close releases the backend (and stops an embedded server).
	Close() error
}

// Request is one request for events.
type Request struct {
	// Filter is the filter's text as sent to the server.
	Filter string
	// Program is the same filter compiled by the session, for backends that evaluate in
	// process.
	Program *eval.Program
	// MaxEvents is max_events; 0 leaves it to the server.
	MaxEvents int
	// MaxTimeout is max_timeout; 0 leaves it to the server.
	MaxTimeout time.Duration
}

// Answer is the result of a request.
type Answer struct {
	Events []Event
	// Err reports a partial failure: with several nodes, those that failed (the events are
	// the others').
	Err error
}

// Follower is a backend with a follow loop of its own (the events API client's, which retries
// with backoff); .tail uses it when there is one, and repeats Fetch otherwise.
type Follower interface {
	// Follow requests events until ctx is done, handing each answer to handle and advancing
	// the token after it. An answer with only Err set reports a problem that is being retried.
	Follow(ctx context.Context, req Request, handle func(*Answer) error) error
}

// Event is one event of an answer.
type Event struct {
	// Raw is the event's JSON object as received.
	Raw json.RawMessage
	// Value is Raw decoded by [eval.Decode].
	Value any
	// Node is the node (server) that returned the event when there are several, else "".
	Node string
	// Origin says where a local event was read (file:line), else "".
	Origin string
}

// NodeToken is the continuation token of one node.
type NodeToken struct {
	Node  string
	Token string
}

// NewEvent decodes raw into an [Event].
func NewEvent(raw []byte) (Event, error) {
	v, err := eval.Decode(raw)
	if err != nil {
		return Event{}, err
	}
	return Event{Raw: json.RawMessage(append([]byte(nil), raw...)), Value: v}, nil
}

// Streamer is a backend that opens independent streams over its source: backends that share
// its connection (or its events) but keep continuation tokens of their own, so that several
// views of one source (the web console's queries and tails) do not move each other's tokens.
// Closing a stream leaves the source open.
type Streamer interface {
	Stream() Backend
}
