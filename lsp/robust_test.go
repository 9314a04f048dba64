package lsp

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"
)

func init() {
	// Routes for the robustness tests only: one that runs until cancelled, one that panics.
	register("test/block", route{run: func(ctx context.Context, s *server, v view, params json.RawMessage) (any, error) {
		<-ctx.Done()
		return "finished", nil
	}})
	register("test/panic", route{run: func(ctx context.Context, s *server, v view, params json.RawMessage) (any, error) {
		var m map[string]int
		m["boom"]++ // a nil map write: a panic
		return nil, nil
	}})
}

// wire is a raw connection to a server: the test writes bytes and reads framed answers, so
// that it can send what a well-behaved client library never would.
type wire struct {
	t    *testing.T
	conn net.Conn
	r    *bufio.Reader
	done chan error
}

func startWire(t *testing.T) *wire {
	a, b := net.Pipe()
	w := &wire{t: t, conn: b, r: bufio.NewReader(b), done: make(chan error, 1)}
	go func() { w.done <- Serve(context.Background(), a, Options{Log: testLog{t}, Debounce: time.Millisecond}) }()
	t.Cleanup(func() {
		b.Close()
		select {
		case <-w.done:
		case <-time.After(10 * time.Second):
			t.Error("server did not stop")
		}
	})
	return w
}

func (w *wire) raw(s string) {
	w.t.Helper()
	if _, err := io.WriteString(w.conn, s); err != nil {
		w.t.Fatal(err)
	}
}

func (w *wire) send(body string) { w.raw(fmt.Sprintf("Content-Length: %d\r\n\r\n%s", len(body), body)) }

// answer is a message from the server.
type answer struct {
	ID     json.RawMessage `json:"id"`
	Method string          `json:"method"`
	Result json.RawMessage `json:"result"`
	Error  *struct {
		Code    int    `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

// next reads the next answer, skipping notifications.
func (w *wire) next() answer {
	w.t.Helper()
	for {
		w.conn.SetReadDeadline(time.Now().Add(60 * time.Second))
		length := -1
		for {
			line, err := w.r.ReadString('\n')
			if err != nil {
				w.t.Fatalf("reading header: %v", err)
			}
			line = strings.TrimSpace(line)
			if line == "" {
				break
			}
			if v, ok := strings.CutPrefix(line, "Content-Length: "); ok {
				length, _ = strconv.Atoi(v)
			}
		}
		body := make([]byte, length)
		if _, err := io.ReadFull(w.r, body); err != nil {
			w.t.Fatal(err)
		}
		var a answer
		if err := json.Unmarshal(body, &a); err != nil {
			w.t.Fatalf("server wrote invalid JSON %q: %v", body, err)
		}
		if a.Method == "" {
			return a
		}
	}
}

// expect reads the next answer and checks its id and error code (0: a result).
func (w *wire) expect(id string, code int) answer {
	w.t.Helper()
	a := w.next()
	got := 0
	if a.Error != nil {
		got = a.Error.Code
	}
	if string(a.ID) != id || got != code {
		w.t.Errorf("answer id %s code %d (%+v), want id %s code %d", a.ID, got, a.Error, id, code)
	}
	return a
}

const initReq = `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"capabilities":{}}}`

func TestRobustBeforeInitialize(t *testing.T) {
	w := startWire(t)
	w.send(`{"jsonrpc":"2.0","id":"a","method":"textDocument/hover","params":{}}`)
	w.expect(`"a"`, -32002)
	w.send(`{"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"textDocument":{"uri":"file:///a.kfl","text":"x"}}}`) // ignored
	w.send(initReq)
	w.expect("1", 0)
}

func TestRobustMalformed(t *testing.T) {
	w := startWire(t)
	w.send(`{"jsonrpc":"2.0","id":1,"method":`) // not JSON
	a := w.expect("null", -32700)
	if !strings.Contains(a.Error.Message, "parse error") {
		t.Errorf("message %q", a.Error.Message)
	}
	w.raw("Content-Type: text/plain\r\n\r\n") // no Content-Length
	w.expect("null", -32700)
	w.raw("Content-Length: many\r\n\r\n")
	w.expect("null", -32700)
	w.raw("garbage line\r\nContent-Length: 2\r\n\r\n{}") // the header after the garbage is read
	w.expect("null", -32600)
	w.send(`[1,2,3]`) // JSON, but not a message
	w.expect("null", -32600)
	w.send(`"hello"`)
	w.expect("null", -32600)
	w.send(initReq) // and the session goes on
	w.expect("1", 0)
	w.send(`{"jsonrpc":"2.0","id":2,"method":"no/such/method","params":{}}`)
	w.expect("2", -32601)
	w.send(`{"jsonrpc":"2.0","method":"no/such/notification","params":{}}`) // ignored: no answer
	w.send(`{"jsonrpc":"2.0","method":"$/progress","params":{}}`)
	w.send(`{"jsonrpc":"2.0","id":3,"method":"textDocument/hover","params":"not an object"}`)
	w.expect("3", -32602)
	w.send(`{"jsonrpc":"2.0","id":4,"method":"textDocument/hover"}`)
	w.expect("4", -32602)
	w.send(`{"jsonrpc":"2.0","id":5,"method":"textDocument/didOpen","params":{}}`) // a notification sent as a request
	w.expect("5", -32600)
	w.send(`{"jsonrpc":"2.0","id":6,"method":"textDocument/hover","params":{"textDocument":{"uri":"file:///none.kfl"},"position":{"line":0,"character":0}}}`)
	w.expect("6", -32602)
	w.send(`{"jsonrpc":"2.0","id":7,"method":"test/panic","params":{}}`)
	w.expect("7", -32603)
	w.send(`{"jsonrpc":"2.0","method":"textDocument/didChange","params":{"textDocument":{"uri":"file:///none.kfl","version":2},"contentChanges":[{"text":"x"}]}}`)
	w.send(`{"jsonrpc":"2.0","id":8,"method":"shutdown"}`)
	w.expect("8", 0)
}

func TestRobustInvalidUTF8AndHugeDocument(t *testing.T) {
	w := startWire(t)
	w.send(initReq)
	w.expect("1", 0)
	// Invalid UTF-8 inside the JSON text: the server reads it as U+FFFD and goes on.
	w.send("{\"jsonrpc\":\"2.0\",\"method\":\"textDocument/didOpen\",\"params\":{\"textDocument\":{\"uri\":\"file:///u.kfl\",\"languageId\":\"katafilter\",\"version\":1,\"text\":\"UserName == '\xff\xfe\xc3' AND \xff == 1\"}}}")
	w.send(`{"jsonrpc":"2.0","id":2,"method":"textDocument/diagnostic","params":{"textDocument":{"uri":"file:///u.kfl"}}}`)
	a := w.expect("2", 0)
	if !strings.Contains(string(a.Result), `"KF0100"`) {
		t.Errorf("diagnostics of invalid UTF-8: %s", a.Result)
	}
	w.send(`{"jsonrpc":"2.0","id":3,"method":"textDocument/semanticTokens/full","params":{"textDocument":{"uri":"file:///u.kfl"}}}`)
	w.expect("3", 0)
	// A document of 20,000 filters, one of them wrong at the very end.
	var b strings.Builder
	for i := range 20000 {
		fmt.Fprintf(&b, "EventType == 'process' AND FileName == '*x%d*'\n", i)
	}
	b.WriteString("EventType == 'proces'\n")
	text, _ := json.Marshal(b.String())
	w.send(`{"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"textDocument":{"uri":"file:///huge.kfl","languageId":"katafilter","version":1,"text":` + string(text) + `}}}`)
	w.send(`{"jsonrpc":"2.0","id":4,"method":"textDocument/diagnostic","params":{"textDocument":{"uri":"file:///huge.kfl"}}}`)
	a = w.expect("4", 0)
	var rep struct {
		Items []struct {
			Range struct{ Start struct{ Line int } }
			Code  string
		}
	}
	json.Unmarshal(a.Result, &rep)
	if len(rep.Items) != 1 || rep.Items[0].Range.Start.Line != 20000 || rep.Items[0].Code != "KF0400" {
		t.Errorf("huge document diagnostics: %+v", rep.Items)
	}
	w.send(`{"jsonrpc":"2.0","id":5,"method":"textDocument/hover","params":{"textDocument":{"uri":"file:///huge.kfl"},"position":{"line":19999,"character":3}}}`)
	if a := w.expect("5", 0); !strings.Contains(string(a.Result), "EventType") {
		t.Errorf("hover: %s", a.Result)
	}
}

func TestRobustCancel(t *testing.T) {
	w := startWire(t)
	w.send(initReq)
	w.expect("1", 0)
	w.send(`{"jsonrpc":"2.0","id":2,"method":"test/block","params":{}}`)
	w.send(`{"jsonrpc":"2.0","method":"$/cancelRequest","params":{"id":99}}`) // unknown id: ignored
	w.send(`{"jsonrpc":"2.0","method":"$/cancelRequest","params":{"id":2}}`)
	w.expect("2", -32800)
	w.send(`{"jsonrpc":"2.0","id":"s","method":"test/block","params":{}}`)
	w.send(`{"jsonrpc":"2.0","method":"$/cancelRequest","params":{"id":"s"}}`)
	w.expect(`"s"`, -32800)
	w.send(`{"jsonrpc":"2.0","method":"$/cancelRequest","params":"bad"}`) // ignored
	w.send(`{"jsonrpc":"2.0","id":3,"method":"shutdown"}`)
	w.expect("3", 0)
}

func TestShutdownExit(t *testing.T) {
	w := startWire(t)
	w.send(initReq)
	w.expect("1", 0)
	w.send(`{"jsonrpc":"2.0","id":2,"method":"shutdown"}`)
	w.expect("2", 0)
	w.send(`{"jsonrpc":"2.0","id":3,"method":"textDocument/hover","params":{}}`)
	w.expect("3", -32600)
	w.send(`{"jsonrpc":"2.0","method":"exit"}`)
	select {
	case err := <-w.done:
		if err != nil {
			t.Errorf("Serve after shutdown and exit: %v", err)
		}
		w.done <- nil // for the cleanup
	case <-time.After(10 * time.Second):
		t.Fatal("exit did not stop the server")
	}

	w = startWire(t)
	w.send(`{"jsonrpc":"2.0","method":"exit"}`)
	select {
	case err := <-w.done:
		if !IsExitWithoutShutdown(err) {
			t.Errorf("Serve after exit without shutdown: %v", err)
		}
		w.done <- err
	case <-time.After(10 * time.Second):
		t.Fatal("exit did not stop the server")
	}

	// The client going away ends the session too.
	w = startWire(t)
	w.conn.Close()
	select {
	case err := <-w.done:
		if err == nil || IsExitWithoutShutdown(err) {
			t.Errorf("Serve after the connection closed: %v", err)
		}
		w.done <- err
	case <-time.After(10 * time.Second):
		t.Fatal("the server did not notice its client leaving")
	}
	_ = errors.New
}

// TestRobustResync: after a frame whose Content-Length is invalid or missing but which
// carries a body, the stream finds the next message at its Content-Length header, whether
// the body runs into it or ends its own line.
func TestRobustResync(t *testing.T) {
	w := startWire(t)
	w.raw("Content-Length: many\r\n\r\n" + `{"jsonrpc":"2.0","id":9,"method":"x"}`)
	w.expect("null", -32700)
	w.send(initReq)
	w.expect("1", 0)
	w.raw("Content-Type: x\r\n\r\n{\"a\":\n 1}\r\n")
	w.expect("null", -32700)
	w.send(`{"jsonrpc":"2.0","id":2,"method":"no/such/method"}`)
	w.expect("2", -32601)
	w.raw("garbage line\r\n")
	w.send(`{"jsonrpc":"2.0","id":3,"method":"no/such/method"}`)
	w.expect("3", -32601)
}

// TestRobustIDs: a request with an empty method is answered; an error answer to a message
// whose id is not a string or a number carries id null.
func TestRobustIDs(t *testing.T) {
	w := startWire(t)
	w.send(initReq)
	w.expect("1", 0)
	w.send(`{"jsonrpc":"2.0","id":2,"method":""}`)
	w.expect("2", -32601)
	w.send(`{"jsonrpc":"2.0","method":""}`) // a notification: no answer
	w.send(`{"jsonrpc":"2.0","id":"s","method":""}`)
	w.expect(`"s"`, -32601)
	for _, id := range []string{`{}`, `[1]`, `true`, `{"a":1}`} {
		w.send(`{"jsonrpc":"2.0","id":` + id + `,"method":"textDocument/hover","params":{}}`)
		w.expect("null", -32600)
		w.send(`{"jsonrpc":"2.0","id":` + id + `,"method":""}`)
		w.expect("null", -32600)
	}
	w.send(`{"jsonrpc":"2.0","id":4,"method":"shutdown"}`)
	w.expect("4", 0)
}
