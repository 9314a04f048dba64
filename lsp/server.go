package lsp

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"

	"go.lsp.dev/jsonrpc2"
)

// Options configures a server.
type Options struct {
	// Log receives the server's log lines; nil discards them. The command passes standard
	// error: standard output carries the protocol.
	Log io.Writer
	// Debounce is how long the server waits after a change before it publishes diagnostics;
	// zero publishes at once (the command's default is 150ms).
	Debounce time.Duration
	// Version is reported in the initialize result.
	Version string
}

// Errors of the protocol that jsonrpc2 does not name.
const (
	codeRequestCancelled jsonrpc2.Code = -32800
	codeRequestFailed    jsonrpc2.Code = -32803
)

// errExitWithoutShutdown is returned by [Serve] when the client sends exit without shutdown
// first (the protocol asks for exit status 1 then).
var errExitWithoutShutdown = errors.New("exit without shutdown")

// IsExitWithoutShutdown reports whether err says that the client ended the session without
// asking the server to shut down.
func IsExitWithoutShutdown(err error) bool { return errors.Is(err, errExitWithoutShutdown) }

// server holds the state of one session. The features are functions over it, one file each,
// found through the method table.
type server struct {
	opts   Options
	conn   jsonrpc2.Conn
	stream *stream
	logger *log.Logger

	state atomic.Int32 // stateNew, stateRunning, stateShutdown

	docs     *store
	settings atomic.Pointer[settings]
	diags    *publisher
	pulls    atomic.Bool // the client pulls diagnostics (textDocument/diagnostic): push none
	warned   configWarnings

	mu       sync.Mutex
	inflight map[string]context.CancelFunc // by request id
	running  sync.WaitGroup                // requests being answered
	exited   chan error
}

const (
	stateNew int32 = iota
	stateRunning
	stateShutdown
)

// Serve runs a server on rwc until the client sends exit or the connection ends. It returns
// nil after shutdown and exit, an error for which [IsExitWithoutShutdown] holds after an exit
// without shutdown, and the read error when the connection ends otherwise.
func Serve(ctx context.Context, rwc io.ReadWriteCloser, opts Options) error {
	logw := opts.Log
	if logw == nil {
		logw = io.Discard
	}
	s := &server{opts: opts, logger: log.New(logw, "katafilter lsp: ", log.LstdFlags|log.Lmsgprefix),
		docs: newStore(), inflight: map[string]context.CancelFunc{}, exited: make(chan error, 1)}
	s.settings.Store(&settings{})
	s.stream = newStream(rwc, s.logger.Printf)
	s.conn = jsonrpc2.NewConn(s.stream)
	s.diags = newPublisher(s)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	s.conn.Go(ctx, s.handle)
	var err error
	select {
	case err = <-s.exited:
		s.closeConn()
	case <-s.conn.Done():
		err = s.conn.Err()
		select {
		case err = <-s.exited:
		default:
		}
	case <-ctx.Done():
		s.closeConn()
		err = ctx.Err()
	}
	s.diags.stop()
	s.cancelAll()
	return err
}

// closeConn closes the connection and waits a little for its reader to stop: a read of a
// standard input that cannot be interrupted must not keep the server from returning.
func (s *server) closeConn() {
	s.conn.Close()
	select {
	case <-s.conn.Done():
	case <-time.After(time.Second):
	}
}

func (s *server) logf(format string, args ...any) { s.logger.Printf(format, args...) }

// route is one entry of the method table.
type route struct {
	// notification methods run in order on the reading goroutine (they change state);
	// requests run on goroutines of their own over the state as it was when they arrived.
	notification bool
	// beforeInit allows the method before initialize.
	beforeInit bool
	// inOrder runs a request on the reading goroutine, like a notification, because it
	// changes the session's state (initialize, shutdown): what follows must see the change.
	inOrder bool
	// run handles the params; a request's result is its answer.
	run func(ctx context.Context, s *server, v view, params json.RawMessage) (any, error)
}

// methods is the method table: each feature file adds its methods in init.
var methods = map[string]route{}

func register(method string, r route) {
	if _, dup := methods[method]; dup {
		panic("lsp: method registered twice: " + method)
	}
	methods[method] = r
}

// handle is the connection's handler. It always returns nil: an error would end the
// connection.
func (s *server) handle(ctx context.Context, reply jsonrpc2.Replier, req jsonrpc2.Request) error {
	call, isCall := req.(*jsonrpc2.Call)
	method := req.Method()
	r, known := methods[method]
	switch {
	case !known && isCall:
		return s.reply(ctx, reply, method, nil, jsonrpc2.Errorf(jsonrpc2.MethodNotFound, "method not found: %s", method))
	case !known:
		if len(method) < 2 || method[:2] != "$/" {
			s.logf("ignoring unknown notification %s", method)
		}
		return nil
	case r.notification != !isCall:
		if isCall {
			return s.reply(ctx, reply, method, nil, jsonrpc2.Errorf(jsonrpc2.InvalidRequest, "%s is a notification, not a request", method))
		}
		s.logf("ignoring %s sent as a notification", method)
		return nil
	}
	st := s.state.Load()
	if st == stateNew && !r.beforeInit {
		if isCall {
			return s.reply(ctx, reply, method, nil, jsonrpc2.NewError(jsonrpc2.ServerNotInitialized, "the server is not initialized: send initialize first"))
		}
		return nil
	}
	if st == stateShutdown && method != "exit" {
		if isCall {
			return s.reply(ctx, reply, method, nil, jsonrpc2.NewError(jsonrpc2.InvalidRequest, "the server is shutting down"))
		}
		return nil
	}
	v := s.docs.view()
	if r.notification {
		s.safely(method, func() error {
			_, err := r.run(ctx, s, v, req.Params())
			return err
		})
		return nil
	}
	if r.inOrder {
		var result any
		err := s.safely(method, func() error {
			var err error
			result, err = r.run(ctx, s, v, req.Params())
			return err
		})
		return s.answer(ctx, reply, call, result, err)
	}
	id := fmt.Sprintf("%q", call.ID())
	rctx, cancel := context.WithCancel(ctx)
	s.mu.Lock()
	s.inflight[id] = cancel
	s.mu.Unlock()
	s.running.Add(1)
	go func() {
		defer s.running.Done()
		defer func() {
			s.mu.Lock()
			delete(s.inflight, id)
			s.mu.Unlock()
			cancel()
		}()
		var result any
		err := s.safely(method, func() error {
			var err error
			result, err = r.run(rctx, s, v, req.Params())
			return err
		})
		if rctx.Err() != nil && ctx.Err() == nil {
			result, err = nil, jsonrpc2.NewError(codeRequestCancelled, "request cancelled")
		}
		_ = s.answer(ctx, reply, call, result, err)
	}()
	return nil
}

// safely runs f, turning a panic into an internal error so that one bad request cannot take
// the session down.
func (s *server) safely(method string, f func() error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			s.logf("internal error in %s: %v\n%s", method, r, debug.Stack())
			err = jsonrpc2.Errorf(jsonrpc2.InternalError, "internal error in %s: %v", method, r)
		}
	}()
	err = f()
	if err != nil {
		s.logf("%s: %v", method, err)
	}
	return err
}

// answer replies to call with its result or error; a result encoded already (rawResult) is
// written as it is.
func (s *server) answer(ctx context.Context, reply jsonrpc2.Replier, call *jsonrpc2.Call, result any, err error) error {
	if r, ok := result.(rawResult); ok && err == nil {
		if _, werr := s.stream.writeResult(call.ID(), r); werr != nil {
			s.logf("replying to %s: %v", call.Method(), werr)
		}
		return nil
	}
	return s.reply(ctx, reply, call.Method(), result, err)
}

func (s *server) reply(ctx context.Context, reply jsonrpc2.Replier, method string, result any, err error) error {
	if err != nil {
		var je *jsonrpc2.Error
		if !errors.As(err, &je) {
			err = jsonrpc2.NewError(codeRequestFailed, err.Error())
		}
	}
	if rerr := reply(ctx, result, err); rerr != nil {
		s.logf("replying to %s: %v", method, rerr)
	}
	return nil
}

func (s *server) cancel(id string) {
	s.mu.Lock()
	c := s.inflight[id]
	s.mu.Unlock()
	if c != nil {
		c()
	}
}

func (s *server) cancelAll() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, c := range s.inflight {
		c()
	}
}

// notify sends a notification to the client.
func (s *server) notify(method string, params any) {
	if err := s.conn.Notify(context.Background(), method, params); err != nil {
		s.logf("notifying %s: %v", method, err)
	}
}

// decode reads params into v, answering invalid params on failure.
func decode(params json.RawMessage, v any) error {
	if len(params) == 0 {
		return jsonrpc2.NewError(jsonrpc2.InvalidParams, "missing params")
	}
	if err := json.Unmarshal(params, v); err != nil {
		return jsonrpc2.Errorf(jsonrpc2.InvalidParams, "invalid params: %v", err)
	}
	return nil
}
