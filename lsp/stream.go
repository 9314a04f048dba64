package lsp

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"

	"go.lsp.dev/jsonrpc2"
)

// maxMessage is the largest message body the server reads (a document of a few hundred
// thousand filters); a larger one is skipped and answered with an error.
const maxMessage = 64 << 20

// stream is the base protocol framing (Content-Length headers, JSON bodies) as a
// [jsonrpc2.Stream] that survives bad input: jsonrpc2's own stream gives up on the first
// malformed message and the connection dies with it. Here a body that is not JSON is answered
// with a parse error, one that is not a JSON-RPC message with an invalid-request error, and
// reading goes on with the next message. Only the end of the input, or a broken header that
// leaves no way to find the next message, ends the stream.
type stream struct {
	in     *bufio.Reader
	out    io.Writer
	closer io.Closer
	mu     sync.Mutex // serialises writes: replies, notifications and our own error answers
	buf    []byte     // the last message written, whose array the next one reuses (under mu)
	logf   func(format string, args ...any)
}

func newStream(rwc io.ReadWriteCloser, logf func(string, ...any)) *stream {
	return &stream{in: bufio.NewReaderSize(rwc, 64<<10), out: rwc, closer: rwc, logf: logf}
}

// Read implements [jsonrpc2.Stream].
func (s *stream) Read(ctx context.Context) (jsonrpc2.Message, int64, error) {
	for {
		if err := ctx.Err(); err != nil {
			return nil, 0, err
		}
		body, n, err := s.frame()
		var fe frameError
		if errors.As(err, &fe) {
			s.logf("bad message: %v", err)
			s.replyError(nil, jsonrpc2.ParseError, err.Error())
			continue
		}
		if err != nil {
			return nil, n, err
		}
		if id, hasID, ok := emptyMethod(body); ok {
			s.logf("bad message: empty method")
			switch {
			case id != nil:
				s.replyError(id, jsonrpc2.MethodNotFound, "method not found: the method is empty")
			case hasID: // an id that is neither a string nor a number
				s.replyError(nil, jsonrpc2.InvalidRequest, "invalid request: the id must be a string or a number")
			}
			continue // a notification gets no answer
		}
		msg, err := jsonrpc2.DecodeMessage(body)
		if err != nil {
			code, id := classify(body)
			s.logf("bad message: %v", err)
			s.replyError(id, code, fmt.Sprintf("%s: %v", codeText(code), err))
			continue
		}
		return msg, n, nil
	}
}

// frameError is a message whose header or body could be skipped: reading goes on.
type frameError struct{ msg string }

func (e frameError) Error() string { return e.msg }

// frame reads one header block and its body. A Content-Length header that follows an invalid
// line, or that sits in the middle of a line (the body of a message whose own header was
// broken runs into it), starts a new header block: that is where the stream resynchronises.
func (s *stream) frame() ([]byte, int64, error) {
	var total int64
	length := -1
	var bad string
	seen := false // a header line was read
	for {
		line, err := s.in.ReadString('\n')
		total += int64(len(line))
		if err != nil {
			if err == io.EOF && strings.TrimSpace(line) != "" {
				return nil, total, io.ErrUnexpectedEOF
			}
			return nil, total, err
		}
		if i := contentLengthAt(line); i > 0 || i == 0 && bad != "" {
			s.logf("skipping %d bytes before a Content-Length header", i)
			line, length, bad = line[i:], -1, ""
		}
		line = strings.TrimSpace(line)
		if line == "" {
			if !seen {
				continue // stray blank lines between messages
			}
			break
		}
		seen = true
		name, value, ok := strings.Cut(line, ":")
		if !ok {
			bad = fmt.Sprintf("invalid header line %q", shortText(line))
			continue
		}
		if strings.EqualFold(strings.TrimSpace(name), "Content-Length") {
			n, err := strconv.Atoi(strings.TrimSpace(value))
			if err != nil || n < 0 {
				bad = fmt.Sprintf("invalid Content-Length %q", shortText(value))
				continue
			}
			length = n
		}
	}
	if length < 0 {
		if bad == "" {
			bad = "missing Content-Length header"
		}
		return nil, total, frameError{bad}
	}
	if length > maxMessage {
		n, err := io.CopyN(io.Discard, s.in, int64(length))
		total += n
		if err != nil {
			return nil, total, err
		}
		return nil, total, frameError{fmt.Sprintf("message of %d bytes is larger than the limit of %d", length, maxMessage)}
	}
	body := make([]byte, length)
	n, err := io.ReadFull(s.in, body)
	total += int64(n)
	if err != nil {
		return nil, total, err
	}
	if bad != "" {
		return nil, total, frameError{bad}
	}
	return body, total, nil
}

// contentLengthAt returns where a Content-Length header starts in line, or -1.
func contentLengthAt(line string) int {
	const h = "content-length:"
	if len(line) < len(h) {
		return -1
	}
	if strings.EqualFold(line[:len(h)], h) {
		return 0
	}
	return strings.Index(strings.ToLower(line), h)
}

// classify says why a body is not a message, and finds its id when it has one.
func classify(body []byte) (jsonrpc2.Code, *json.RawMessage) {
	var probe struct {
		ID *json.RawMessage `json:"id"`
	}
	if !json.Valid(body) {
		return jsonrpc2.ParseError, nil
	}
	if err := json.Unmarshal(body, &probe); err != nil {
		return jsonrpc2.InvalidRequest, nil
	}
	return jsonrpc2.InvalidRequest, validID(probe.ID)
}

// validID returns id when it is one that JSON-RPC allows (a string or a number), nil (which
// answers with id null) otherwise.
func validID(id *json.RawMessage) *json.RawMessage {
	if id == nil {
		return nil
	}
	var v any
	if err := json.Unmarshal(*id, &v); err != nil {
		return nil
	}
	switch v.(type) {
	case string, float64:
		return id
	}
	return nil
}

// emptyMethod reports whether body is a message whose method is "" (which jsonrpc2 would
// take for a response, and never answer), and returns its id if valid and whether it has one.
func emptyMethod(body []byte) (id *json.RawMessage, hasID, ok bool) {
	var probe struct {
		ID     *json.RawMessage `json:"id"`
		Method *string          `json:"method"`
	}
	if json.Unmarshal(body, &probe) != nil || probe.Method == nil || *probe.Method != "" {
		return nil, false, false
	}
	return validID(probe.ID), probe.ID != nil && string(*probe.ID) != "null", true
}

func codeText(c jsonrpc2.Code) string {
	if c == jsonrpc2.ParseError {
		return "parse error"
	}
	return "invalid request"
}

// replyError answers a message that never reached the connection.
func (s *stream) replyError(id *json.RawMessage, code jsonrpc2.Code, msg string) {
	rawID := json.RawMessage("null")
	if id != nil {
		rawID = *id
	}
	data, err := json.Marshal(struct {
		JSONRPC string          `json:"jsonrpc"`
		ID      json.RawMessage `json:"id"`
		Error   jsonrpc2.Error  `json:"error"`
	}{"2.0", rawID, jsonrpc2.Error{Code: code, Message: msg}})
	if err != nil {
		return
	}
	_ = s.writeBody(data)
}

// Write implements [jsonrpc2.Stream]. A result is written as it was marshalled: encoding the
// message the general way would copy and validate it twice more, which for a large result
// (every diagnostic of a large document) costs as much as making it.
func (s *stream) Write(ctx context.Context, msg jsonrpc2.Message) (int64, error) {
	if r, ok := msg.(*jsonrpc2.Response); ok && r.Err() == nil {
		return s.writeResult(r.ID(), rawResult{r.Result()})
	}
	data, err := json.Marshal(msg)
	if err != nil {
		return 0, fmt.Errorf("marshaling message: %w", err)
	}
	return int64(len(data)), s.writeBody(data)
}

// rawResult is the result of a request encoded already: JSON in pieces that make one value
// when written one after the other. The server writes it as it is (see [stream.writeResult]),
// where jsonrpc2 would validate and copy it again.
type rawResult [][]byte

// writeResult writes the response to request id whose result is r.
func (s *stream) writeResult(id jsonrpc2.ID, r rawResult) (int64, error) {
	rid, err := json.Marshal(&id)
	if err != nil {
		return 0, fmt.Errorf("marshaling message: %w", err)
	}
	const head, tail = `{"jsonrpc":"2.0","result":`, `,"id":`
	n := 0
	for _, p := range r {
		n += len(p)
	}
	if n == 0 {
		r = rawResult{[]byte("null")}
		n = len("null")
	}
	n += len(head) + len(tail) + len(rid) + 1
	s.mu.Lock()
	defer s.mu.Unlock()
	b := append(fmt.Appendf(s.buf[:0], "Content-Length: %d\r\n\r\n", n), head...)
	for _, p := range r {
		b = append(b, p...)
	}
	b = append(append(append(b, tail...), rid...), '}')
	return int64(n), s.flush(b)
}

func (s *stream) writeBody(data []byte) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.flush(append(fmt.Appendf(s.buf[:0], "Content-Length: %d\r\n\r\n", len(data)), data...))
}

// flush writes b, a whole message. The caller holds s.mu; b's array is kept for the next
// message unless it is large.
func (s *stream) flush(b []byte) error {
	_, err := s.out.Write(b)
	s.buf = nil
	if cap(b) <= maxKeptBuffer {
		s.buf = b[:0]
	}
	return err
}

// maxKeptBuffer is the largest write buffer a stream keeps between messages.
const maxKeptBuffer = 4 << 20

// Close implements [jsonrpc2.Stream].
func (s *stream) Close() error { return s.closer.Close() }

func shortText(s string) string {
	if len(s) > 40 {
		return s[:40] + "..."
	}
	return s
}
