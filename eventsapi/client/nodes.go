package client

import (
	"context"
	"errors"
	"strings"
	"sync"
	"time"
)

// Node is one server of a deployment that is followed together with others: a KATA Central
// Node (PCN) or one of its Secondary Central Nodes (SCNs), each with its own stream of events
// and its own continuation tokens.
type Node struct {
	// Name tells the node apart in messages; "" when it is the only one.
	Name   string
	Client *Client
	// Token continues an earlier stream of this node; "" starts a new one.
	Token string
}

// NodesOptions configure [FollowNodes].
type NodesOptions struct {
	// Request is the first request to every node; its Token is ignored (each node starts from
	// its own Node.Token).
	Request Request
	// Handle receives each answer with the index of its node. It is never called for two
	// answers at once, so it may write to one output without locking. As for Follow, it must
	// be done with the events before it keeps the answer's token. An error from Handle stops
	// every node and is returned.
	Handle func(ctx context.Context, node int, r *Response) error
	// OnRetry, if set, is told of each error of a node that will be retried, and the delay
	// before; it is called under the same lock as Handle.
	OnRetry func(node int, err error, delay time.Duration)
	// MinBackoff, MaxBackoff and MaxRetries apply to each node as in FollowOptions.
	MinBackoff, MaxBackoff time.Duration
	MaxRetries             int
	// Once stops each node after its first answer (with retries): one answer per node.
	Once bool
}

// NodeError is the error that stopped one node.
type NodeError struct {
	Node int    // the node's index
	Name string // the node's name, "" for a single node
	Err  error
}

func (e *NodeError) Error() string {
	if e.Name == "" {
		return e.Err.Error()
	}
	return e.Name + ": " + e.Err.Error()
}

func (e *NodeError) Unwrap() error { return e.Err }

// NodesError is the error of [FollowNodes] when nodes failed: one *NodeError for each node
// that failed, in node order.
type NodesError []*NodeError

func (e NodesError) Error() string {
	msgs := make([]string, len(e))
	for i, ne := range e {
		msgs[i] = ne.Error()
	}
	return strings.Join(msgs, "\n")
}

func (e NodesError) Unwrap() []error {
	out := make([]error, len(e))
	for i, ne := range e {
		out[i] = ne
	}
	return out
}

// errOnce ends a node's follow loop after its first answer in Once mode.
var errOnce = errors.New("client: one answer")

// firstAttemptsGrace is how long a node that failed waits for the first attempts of the
// others before it stops them.
const firstAttemptsGrace = 10 * time.Second

// FollowNodes follows every node at once with [Client.Follow], each from its own token, and
// hands each answer to opt.Handle with its node, one at a time. A node that fails (an error
// that is not retried, or too many retries) stops the others, which end cleanly; the error is
// then a [NodesError] naming each node that failed. Before it stops them, a failed node lets
// the others finish their first attempt (for up to 10 seconds), so that the errors every node
// gives at once, such as the 401 of each node that has yet to approve the integration, are
// all reported together. It returns nil when every node is done (Once) or when ctx ended the
// run.
func FollowNodes(ctx context.Context, nodes []Node, opt NodesOptions) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var mu sync.Mutex // Handle and OnRetry run one at a time
	errs := make([]error, len(nodes))
	firsts := newFirstAttempts(len(nodes))
	inner := opt
	inner.Handle = func(ctx context.Context, i int, r *Response) error {
		firsts.done(i)
		if opt.Handle != nil {
			return opt.Handle(ctx, i, r)
		}
		return nil
	}
	inner.OnRetry = func(i int, err error, d time.Duration) {
		firsts.done(i)
		if opt.OnRetry != nil {
			opt.OnRetry(i, err, d)
		}
	}
	eachNode(nodes, func(i int, n Node) {
		err := n.Client.Follow(ctx, nodeFollowOptions(i, n, inner, &mu))
		firsts.done(i)
		if err == nil || errors.Is(err, errOnce) || (ctx.Err() != nil && isContextErr(err)) {
			return // done, or stopped: by ctx, or because another node failed
		}
		errs[i] = err
		firsts.wait(ctx, firstAttemptsGrace)
		cancel()
	})
	var failed NodesError
	for i, err := range errs {
		if err != nil {
			failed = append(failed, &NodeError{Node: i, Name: nodes[i].Name, Err: err})
		}
	}
	if len(failed) > 0 {
		return failed
	}
	return nil
}

// nodeFollowOptions are the options of node i's follow loop.
func nodeFollowOptions(i int, n Node, opt NodesOptions, mu *sync.Mutex) FollowOptions {
	req := opt.Request
	req.Token = n.Token
	fo := FollowOptions{Request: req, MinBackoff: opt.MinBackoff, MaxBackoff: opt.MaxBackoff, MaxRetries: opt.MaxRetries}
	fo.Handle = func(ctx context.Context, r *Response) error {
		if opt.Handle != nil {
			mu.Lock()
			err := opt.Handle(ctx, i, r)
			mu.Unlock()
			if err != nil {
				return err
			}
		}
		if opt.Once {
			return errOnce
		}
		return nil
	}
	if opt.OnRetry != nil {
		fo.OnRetry = func(err error, d time.Duration) {
			mu.Lock()
			defer mu.Unlock()
			opt.OnRetry(i, err, d)
		}
	}
	return fo
}

// FetchNodes sends one request to every node at once, each with its own token, and returns
// each node's answer or error, in node order: a node that fails does not hold back the others.
// An error is a *NodeError naming its node.
func FetchNodes(ctx context.Context, nodes []Node, req Request) ([]*Response, []error) {
	resps := make([]*Response, len(nodes))
	errs := make([]error, len(nodes))
	eachNode(nodes, func(i int, n Node) {
		r := req
		r.Token = n.Token
		resp, err := n.Client.Fetch(ctx, r)
		if err != nil {
			errs[i] = &NodeError{Node: i, Name: n.Name, Err: err}
			return
		}
		resps[i] = resp
	})
	return resps, errs
}

// eachNode calls fn for every node at once, each in its own goroutine, and waits for all.
func eachNode(nodes []Node, fn func(i int, n Node)) {
	var wg sync.WaitGroup
	for i, n := range nodes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			fn(i, n)
		}()
	}
	wg.Wait()
}

// firstAttempts tells when every node has finished its first attempt (an answer, an error that
// will be retried, or the end of its follow loop).
type firstAttempts struct {
	once []sync.Once
	wg   sync.WaitGroup
}

func newFirstAttempts(n int) *firstAttempts {
	f := &firstAttempts{once: make([]sync.Once, n)}
	f.wg.Add(n)
	return f
}

func (f *firstAttempts) done(i int) { f.once[i].Do(f.wg.Done) }

// wait waits until every node has finished its first attempt, ctx ends or grace passes.
func (f *firstAttempts) wait(ctx context.Context, grace time.Duration) {
	all := make(chan struct{})
	go func() {
		f.wg.Wait()
		close(all)
	}()
	t := time.NewTimer(grace)
	defer t.Stop()
	select {
	case <-all:
	case <-ctx.Done():
	case <-t.C:
	}
}
