package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"golang.org/x/term"

	"github.com/katafilter/katafilter/eventsapi/client"
	"github.com/katafilter/katafilter/lang"
)

func init() {
	register(&command{name: "fetch", summary: "fetch events from the KATA events API as JSON lines", run: runFetch})
}

// crashEnv names a test hook: set to "after-events", fetch exits abruptly after writing an
// answer's events and before saving its token, as a crash at the worst moment would.
const crashEnv = "KATAFILTER_TEST_CRASH"

var errStop = errors.New("stop")

type fetchNode struct {
	name, url string
	c         *client.Client
	count     atomic.Int64
}

func runFetch(env *cmdEnv, args []string) int {
	fs := newFlags(env, "fetch", "fetch --url URL --id UUID --cert FILE --key FILE [--cacert FILE] [-e FILTER] [--max-events N] [--max-timeout 60s] [--state FILE] [--follow] [--tag-node]\n\n"+
		"Writes the events as JSON lines to stdout: one answer per node, or, with --follow, until\n"+
		"interrupted (a continued stream's answer may take up to --max-timeout to collect events).\n"+
		"With --state, the continuation token of each node is saved (atomically) after that answer's\n"+
		"events are written: a crash repeats at most the last answer and never skips one. --url may\n"+
		"be repeated for a PCN and its SCNs (NAME=URL names a node).")
	var urls listFlag
	fs.Var(&urls, "url", "the server's base `URL` (https://host:port), or NAME=URL; repeatable for a PCN and its SCNs")
	id := fs.String("id", "", "the external system's `UUID` (required)")
	certFile := fs.String("cert", "", "the client certificate `file` (PEM, required)")
	keyFile := fs.String("key", "", "the client key `file` (PEM, required)")
	caFile := fs.String("cacert", "", "trust the server certificate(s) in this PEM `file` (default: the system's roots)")
	serverName := fs.String("server-name", "", "check the server's certificate against this `name` instead of the URL's host")
	filter := fs.String("e", "", "the `filter` (checked locally first; sent with the first request, then kept by the server)")
	maxEvents := fs.Int("max-events", 0, "ask for at most `N` events per answer (default: the server's)")
	maxTimeout := fs.Duration("max-timeout", 60*time.Second, "let the server collect events for at most this long per answer (≤ 5m; 0: answer at once)")
	statePath := fs.String("state", "", "keep the continuation tokens in this `file`, to continue where the last run stopped")
	follow := fs.Bool("follow", false, "keep long-polling until interrupted")
	tagNode := fs.Bool("tag-node", false, "add a \"_node\" member naming the node to each event")
	lf := addLangFlags(fs, true)
	if code, ok := parseFlags(env, fs, args); !ok {
		return code
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(env.stderr, "katafilter fetch: unexpected argument %q\n", fs.Arg(0))
		return 2
	}
	var missing []string
	if len(urls) == 0 {
		missing = append(missing, "--url")
	}
	if *id == "" {
		missing = append(missing, "--id")
	}
	if *certFile == "" || *keyFile == "" {
		missing = append(missing, "--cert and --key")
	}
	if len(missing) > 0 {
		fmt.Fprintf(env.stderr, "katafilter fetch: %s required\n", strings.Join(missing, ", "))
		return 2
	}
	if *maxTimeout < 0 || *maxTimeout > client.MaxTimeoutLimit {
		fmt.Fprintf(env.stderr, "katafilter fetch: --max-timeout %v is outside 0s..5m\n", *maxTimeout)
		return 2
	}
	if *maxEvents < 0 {
		fmt.Fprintln(env.stderr, "katafilter fetch: --max-events must be positive")
		return 2
	}
	cfg, err := lf.config()
	if err != nil {
		fmt.Fprintf(env.stderr, "katafilter fetch: %v\n", err)
		return 1
	}
	// The filter is checked here, with carets; nothing is sent when it has errors.
	if *filter != "" {
		f := lang.Analyze(*filter, cfg)
		if len(f.Diagnostics) > 0 {
			printDiags(env, env.stderr, filterName, *filter, f.Diagnostics)
		}
		if f.Diagnostics.Err() != nil {
			fmt.Fprintln(env.stderr, "katafilter fetch: the filter has errors; nothing was sent")
			return 1
		}
	}
	state := &client.State{Version: 1, Tokens: map[string]string{}}
	if *statePath != "" {
		if state, err = client.LoadState(*statePath); err != nil {
			fmt.Fprintf(env.stderr, "katafilter fetch: %v\n", err)
			return 1
		}
		// A new state file is written at once, so that a place where it cannot be written
		// stops fetch before any event is fetched, not after the first answer is printed.
		if _, err := os.Stat(*statePath); errors.Is(err, os.ErrNotExist) {
			if err := state.Save(*statePath); err != nil {
				fmt.Fprintf(env.stderr, "katafilter fetch: --state: %v\n", err)
				return 1
			}
		}
	}
	targets, err := parseNodeURLs(urls)
	if err != nil {
		fmt.Fprintf(env.stderr, "katafilter fetch: %v\n", err)
		return 2
	}
	var nodes []*fetchNode
	for _, t := range targets {
		n := &fetchNode{name: t.name, url: t.url}
		if n.name == "" {
			n.name = t.host
		}
		n.c, err = client.New(client.Config{URL: n.url, ExternalSystemID: *id, CertFile: *certFile, KeyFile: *keyFile, CAFile: *caFile, ServerName: *serverName, Lang: cfg, NoLocalCheck: true})
		if err != nil {
			fmt.Fprintf(env.stderr, "katafilter fetch: %v\n", err)
			return 1
		}
		nodes = append(nodes, n)
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	var outMu, stateMu sync.Mutex
	out := bufio.NewWriterSize(env.stdout, 64<<10)
	crash := env.getenv(crashEnv) == "after-events"
	var total atomic.Int64
	handle := func(n *fetchNode) func(context.Context, *client.Response) error {
		return func(ctx context.Context, r *client.Response) error {
			if r.Missed > 0 {
				fmt.Fprintf(env.stderr, "katafilter fetch: %s: %d events expired on the server before they could be fetched (the stream has a gap)\n", n.name, r.Missed)
			}
			outMu.Lock()
			var werr error
			for _, e := range r.Events {
				if *tagNode {
					e = tagEvent(e, n.name)
				}
				out.Write(e)
				out.WriteByte('\n')
			}
			werr = out.Flush()
			if f, ok := env.stdout.(*os.File); ok && werr == nil {
				_ = f.Sync() // a pipe or terminal cannot sync; a file can
			}
			outMu.Unlock()
			if werr != nil {
				return fmt.Errorf("writing events: %w", werr)
			}
			n.count.Add(int64(len(r.Events)))
			total.Add(int64(len(r.Events)))
			if crash && len(r.Events) > 0 {
				os.Exit(3)
			}
			if *statePath != "" {
				stateMu.Lock()
				state.Tokens[n.url] = r.Token
				err := state.Save(*statePath)
				stateMu.Unlock()
				if err != nil {
					return fmt.Errorf("saving the state: %w", err)
				}
			}
			if !*follow {
				return errStop
			}
			return nil
		}
	}

	if *follow && isTerminal(env) {
		go progress(ctx, env, nodes, &total, max(10*time.Second, *maxTimeout))
	}
	errs := make([]error, len(nodes))
	var wg sync.WaitGroup
	for i, n := range nodes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			wait := *maxTimeout
			if wait == 0 {
				wait = client.NoWait
			}
			req := client.Request{Filter: *filter, MaxEvents: *maxEvents, MaxTimeout: wait, Token: state.Tokens[n.url]}
			opt := client.FollowOptions{Request: req, Handle: handle(n),
				OnRetry: func(err error, d time.Duration) {
					fmt.Fprintf(env.stderr, "katafilter fetch: %s: %v; retrying in %v\n", n.name, err, d.Round(time.Millisecond))
				}}
			if !*follow {
				opt.MaxRetries = 4
			}
			err := n.c.Follow(ctx, opt)
			if errors.Is(err, errStop) || (ctx.Err() != nil && errors.Is(err, ctx.Err())) {
				err = nil
			}
			if err != nil {
				errs[i] = err
				cancel() // one node refused: stop the others cleanly
			}
		}()
	}
	wg.Wait()
	code := 0
	for i, err := range errs {
		if err == nil || errors.Is(err, context.Canceled) {
			continue
		}
		code = 1
		fmt.Fprintf(env.stderr, "katafilter fetch: %s: %v\n", nodes[i].name, err)
		var bre *client.BadRequestError
		if errors.As(err, &bre) && len(bre.Diagnostics) > 0 && *filter != "" {
			printDiags(env, env.stderr, filterName, *filter, bre.DiagnosticList())
		}
	}
	return code
}

// tagEvent adds "_node" as the first member of an event object.
func tagEvent(e []byte, node string) []byte {
	if len(e) < 2 || e[0] != '{' {
		return e
	}
	q, _ := json.Marshal(node)
	if strings.TrimSpace(string(e[1:])) == "}" {
		return []byte(`{"_node":` + string(q) + `}`)
	}
	return []byte(`{"_node":` + string(q) + `,` + string(e[1:]))
}

func isTerminal(env *cmdEnv) bool {
	f, ok := env.stderr.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// progress redraws one status line on stderr every second: rate, total, per node. The rate is
// taken over the last span (at least one long poll): the answers of a long poll arrive in
// batches, and a rate over the last second alone would read 0 between them.
func progress(ctx context.Context, env *cmdEnv, nodes []*fetchNode, total *atomic.Int64, span time.Duration) {
	t := time.NewTicker(time.Second)
	defer t.Stop()
	w := rateWindow{span: span}
	w.add(time.Now(), 0)
	for {
		select {
		case <-ctx.Done():
			fmt.Fprint(env.stderr, "\r\033[K")
			return
		case now := <-t.C:
			n := total.Load()
			rate := w.add(now, n)
			var per []string
			for _, nd := range nodes {
				per = append(per, fmt.Sprintf("%s: %d", nd.name, nd.count.Load()))
			}
			fmt.Fprintf(env.stderr, "\r\033[K%.1f events/s, %d total (%s)", rate, n, strings.Join(per, ", "))
		}
	}
}

// rateWindow measures the rate of a growing count over the last span.
type rateWindow struct {
	span    time.Duration
	samples []rateSample // oldest first; the first is at most span before the last, or the only older one
}

type rateSample struct {
	t time.Time
	n int64
}

// add records the count n at time t and returns the rate per second since the oldest sample
// kept: the one at or just before t-span (or the first, in the first span).
func (w *rateWindow) add(t time.Time, n int64) float64 {
	w.samples = append(w.samples, rateSample{t, n})
	for len(w.samples) > 2 && !w.samples[1].t.After(t.Add(-w.span)) {
		w.samples = w.samples[1:]
	}
	first := w.samples[0]
	d := t.Sub(first.t).Seconds()
	if d <= 0 {
		return 0
	}
	return float64(n-first.n) / d
}
