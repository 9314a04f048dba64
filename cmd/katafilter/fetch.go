package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"math"
	"os"
	"os/signal"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"golang.org/x/term"

	"github.com/katafilter/katafilter/archive"
	"github.com/katafilter/katafilter/eventsapi/client"
	"github.com/katafilter/katafilter/eventsapi/wire"
	"github.com/katafilter/katafilter/internal/words"
	"github.com/katafilter/katafilter/lang"
)

func init() {
	register(&command{name: "fetch", summary: "fetch events from the KATA events API as JSON lines", run: runFetch})
}

const fetchSynopsis = `fetch --url URL --id UUID --cert FILE --key FILE [--cacert FILE]... [-e FILTER] [--max-events N] [--max-timeout 60s] [--state FILE] [--follow] [--tag-node] [--archive URL [--table NAME]]

Writes the events as JSON lines to stdout: one answer per node, or, with --follow, until
interrupted (a continued stream's answer may take up to --max-timeout to collect events).
With --state, the continuation token of each node is saved (atomically) after that answer's
events are written: a crash repeats at most the last answer and never skips one. --url may
be repeated for a PCN and its SCNs (NAME=URL names a node).

With --archive, the events go into the table of an archive in ClickHouse or PostgreSQL
instead of stdout (as "katafilter archive" loads them; see its --help for the URLs): each
answer is committed before its token is saved, and an event already there is not stored
twice, so a fetch killed and restarted with the same --state leaves each event once.`

// fetchOptions are fetch's flags.
type fetchOptions struct {
	urls                          listFlag
	id, certFile, keyFile         string
	caFiles                       listFlag
	serverName, filter, statePath string
	maxEvents                     int
	maxTimeout                    time.Duration
	maxEventsSet                  bool      // --max-events was given
	targets                       []nodeURL // the --url values read
	follow, tagNode               bool
	lang                          *langFlags
	archive                       *archiveFlags
}

func runFetch(env *cmdEnv, args []string) int {
	o, code, ok := parseFetchFlags(env, args)
	if !ok {
		return code
	}
	cfg, err := o.lang.config()
	if err != nil {
		fmt.Fprintf(env.stderr, "katafilter fetch: %v\n", err)
		return 1
	}
	// The filter is checked here, with carets; nothing is sent when it has errors.
	if o.filter != "" && !checkFilter(env, o.filter, cfg) {
		fmt.Fprintln(env.stderr, "katafilter fetch: the filter has errors; nothing was sent")
		return 1
	}
	f := &fetcher{env: env, o: o, out: bufio.NewWriterSize(env.stdout, 64<<10)}
	if code, ok := f.setup(cfg); !ok {
		return code
	}
	if o.archive.db != "" {
		db, err := f.openArchive()
		if err != nil {
			fmt.Fprintf(env.stderr, "katafilter fetch: %v\n", err)
			return 1
		}
		defer db.Close()
		defer f.archiveSummary(db)
	}
	return f.run()
}

// openArchive connects to the --archive database and makes the loader that each answer's
// events go through.
func (f *fetcher) openArchive() (*archive.DB, error) {
	ctx := context.Background()
	db, err := f.o.archive.open(ctx, f.env)
	if err != nil {
		return nil, err
	}
	// One commit per answer (handle flushes), whatever its size.
	f.ld, err = db.NewLoader(ctx, f.o.archive.table, archive.LoadOptions{Batch: math.MaxInt, Skipped: func(where string, err error) {
		fmt.Fprintf(f.env.stderr, "katafilter fetch: %s: %v; not stored\n", where, err)
	}})
	if err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// archiveSummary says what went into the archive.
func (f *fetcher) archiveSummary(db *archive.DB) {
	st := f.ld.Stats()
	fmt.Fprintf(f.env.stderr, "katafilter fetch: stored %s into %s of %s, %d already present\n",
		words.Plural(int(st.Loaded), "event"), f.o.archive.table, db, st.Present)
}

// parseFetchFlags parses fetch's flags and checks that they make sense together.
func parseFetchFlags(env *cmdEnv, args []string) (*fetchOptions, int, bool) {
	fs := newFlags(env, "fetch", fetchSynopsis)
	o := &fetchOptions{}
	fs.Var(&o.urls, "url", "the server's base `URL` (https://host:port), or NAME=URL; repeatable for a PCN and its SCNs")
	fs.StringVar(&o.id, "id", "", "the external system's `UUID` (required)")
	fs.StringVar(&o.certFile, "cert", "", "the client certificate `file` (PEM, required)")
	fs.StringVar(&o.keyFile, "key", "", "the client key `file` (PEM, required)")
	fs.Var(&o.caFiles, "cacert", "trust the server certificate(s) in this PEM `file` (default: the system's roots); repeatable, e.g. one per node")
	fs.StringVar(&o.serverName, "server-name", "", "check the server's certificate against this `name` instead of the URL's host")
	fs.StringVar(&o.filter, "e", "", "the `filter` (checked locally first; sent with the first request, then kept by the server)")
	fs.IntVar(&o.maxEvents, "max-events", 0, "ask for at most `N` events per answer (default: the server's)")
	fs.DurationVar(&o.maxTimeout, "max-timeout", 60*time.Second, "let the server collect events for at most this long per answer (≤ 5m; 0: answer at once)")
	fs.StringVar(&o.statePath, "state", "", "keep the continuation tokens in this `file`, to continue where the last run stopped")
	fs.BoolVar(&o.follow, "follow", false, "keep long-polling until interrupted")
	fs.BoolVar(&o.tagNode, "tag-node", false, "add a \"_node\" member naming the node to each event")
	o.lang = addLangFlags(fs, true)
	o.archive = addArchiveFlags(fs, "archive", "store the events in the archive at this database `URL` (clickhouse://... or postgres://...) instead of printing them")
	if code, ok := parseFlags(env, fs, args); !ok {
		return nil, code, false
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(env.stderr, "katafilter fetch: unexpected argument %q\n", fs.Arg(0))
		return nil, 2, false
	}
	if o.archive.db != "" {
		if code, ok := o.archive.check(env, "fetch"); !ok {
			return nil, code, false
		}
	}
	fs.Visit(func(f *flag.Flag) { o.maxEventsSet = o.maxEventsSet || f.Name == "max-events" })
	if problem := o.usageProblem(); problem != "" {
		fmt.Fprintf(env.stderr, "katafilter fetch: %s\n", problem)
		return nil, 2, false
	}
	targets, err := parseNodeURLs(o.urls)
	if err != nil {
		fmt.Fprintf(env.stderr, "katafilter fetch: %v\n", err)
		return nil, 2, false
	}
	o.targets = targets
	return o, 0, true
}

// usageProblem says what is wrong with the flags together, or "".
func (o *fetchOptions) usageProblem() string {
	var missing []string
	if len(o.urls) == 0 {
		missing = append(missing, "--url")
	}
	if o.id == "" {
		missing = append(missing, "--id")
	}
	if o.certFile == "" || o.keyFile == "" {
		missing = append(missing, "--cert and --key")
	}
	switch {
	case len(missing) > 0:
		return strings.Join(missing, ", ") + " required"
	case o.maxTimeout < 0 || o.maxTimeout > client.MaxTimeoutLimit:
		return fmt.Sprintf("--max-timeout %v is outside 0s..5m", o.maxTimeout)
	case o.maxEventsSet && o.maxEvents < 1:
		return fmt.Sprintf("--max-events must be at least 1, not %d (leave it out for the server's default)", o.maxEvents)
	}
	if _, err := wire.ParseUUID(o.id); err != nil {
		return "--id " + err.Error()
	}
	return ""
}

// checkFilter prints the filter's diagnostics and reports whether it has no error.
func checkFilter(env *cmdEnv, filter string, cfg lang.Config) bool {
	f := lang.Analyze(filter, cfg)
	if len(f.Diagnostics) > 0 {
		printDiags(env, env.stderr, filterName, filter, f.Diagnostics)
	}
	return f.Diagnostics.Err() == nil
}

// fetcher is one run of fetch: the nodes it follows, where their events go and where their
// tokens are kept.
type fetcher struct {
	env   *cmdEnv
	o     *fetchOptions
	out   *bufio.Writer
	state *client.State
	urls  []string      // each node's URL, the key of its token in the state
	nodes []client.Node // each with the token it starts from
	count []atomic.Int64
	total atomic.Int64
	ld    *archive.Loader // with --archive: where the events go
}

// setup loads the state and makes a client per node; on failure it returns the exit status.
func (f *fetcher) setup(cfg lang.Config) (int, bool) {
	if err := f.loadState(); err != nil {
		fmt.Fprintf(f.env.stderr, "katafilter fetch: %v\n", err)
		return 1, false
	}
	roots, err := caPool(f.o.caFiles)
	if err != nil {
		fmt.Fprintf(f.env.stderr, "katafilter fetch: %v\n", err)
		return 1, false
	}
	for _, t := range f.o.targets {
		name := t.name
		if name == "" {
			name = t.host
		}
		c, err := client.New(client.Config{URL: t.url, ExternalSystemID: f.o.id, CertFile: f.o.certFile, KeyFile: f.o.keyFile,
			RootCAs: roots, ServerName: f.o.serverName, Lang: cfg, NoLocalCheck: true})
		if err != nil {
			fmt.Fprintf(f.env.stderr, "katafilter fetch: %v\n", err)
			return 1, false
		}
		f.urls = append(f.urls, t.url)
		f.nodes = append(f.nodes, client.Node{Name: name, Client: c, Token: f.state.Tokens[t.url]})
	}
	f.count = make([]atomic.Int64, len(f.nodes))
	return 0, true
}

// loadState reads the --state file. A new one is written at once, so that a place where it
// cannot be written stops fetch before any event is fetched, not after the first answer.
func (f *fetcher) loadState() error {
	f.state = &client.State{Version: 1, Tokens: map[string]string{}}
	if f.o.statePath == "" {
		return nil
	}
	var err error
	if f.state, err = client.LoadState(f.o.statePath); err != nil {
		return err
	}
	if _, err := os.Stat(f.o.statePath); errors.Is(err, os.ErrNotExist) {
		if err := f.state.Save(f.o.statePath); err != nil {
			return fmt.Errorf("--state: %w", err)
		}
	}
	return nil
}

// run follows the nodes until each has answered once (or, with --follow, until interrupted)
// and returns the exit status.
func (f *fetcher) run() int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if f.o.follow && isTerminal(f.env) {
		pctx, cancel := context.WithCancel(ctx)
		defer cancel()
		go f.progress(pctx, max(10*time.Second, f.o.maxTimeout))
	}
	wait := f.o.maxTimeout
	if wait == 0 {
		wait = client.NoWait
	}
	opt := client.NodesOptions{
		Request: client.Request{Filter: f.o.filter, MaxEvents: f.o.maxEvents, MaxTimeout: wait},
		Handle:  f.handle,
		OnRetry: func(i int, err error, d time.Duration) {
			fmt.Fprintf(f.env.stderr, "katafilter fetch: %s: %v; retrying in %v\n", f.nodes[i].Name, err, d.Round(time.Millisecond))
		},
		Once: !f.o.follow,
	}
	if !f.o.follow {
		opt.MaxRetries = 4
	}
	return f.report(client.FollowNodes(ctx, f.nodes, opt))
}

// handle writes an answer's events (or commits them into the archive), then saves its
// token: a crash in between repeats the answer on the next run rather than losing it.
func (f *fetcher) handle(ctx context.Context, i int, r *client.Response) error {
	name := f.nodes[i].Name
	if r.Missed > 0 {
		fmt.Fprintf(f.env.stderr, "katafilter fetch: %s: %d events expired on the server before they could be fetched (the stream has a gap)\n", name, r.Missed)
	}
	if f.ld != nil {
		return f.store(ctx, i, r)
	}
	for _, e := range r.Events {
		if f.o.tagNode {
			e = tagEvent(e, name)
		}
		f.out.Write(e)
		f.out.WriteByte('\n')
	}
	err := f.out.Flush()
	if file, ok := f.env.stdout.(*os.File); ok && err == nil {
		_ = file.Sync() // a pipe or terminal cannot sync; a file can
	}
	if err != nil {
		return fmt.Errorf("writing events: %w", err)
	}
	return f.advance(i, r)
}

// store commits an answer's events into the archive, then saves its token.
func (f *fetcher) store(ctx context.Context, i int, r *client.Response) error {
	name := f.nodes[i].Name
	for k, e := range r.Events {
		if f.o.tagNode {
			e = tagEvent(e, name)
		}
		if err := f.ld.Add(ctx, e, fmt.Sprintf("%s: event %d of an answer", name, k+1)); err != nil {
			return err
		}
	}
	if err := f.ld.Flush(ctx); err != nil {
		return err
	}
	return f.advance(i, r)
}

// advance counts an answer whose events are safe and saves its node's token.
func (f *fetcher) advance(i int, r *client.Response) error {
	f.count[i].Add(int64(len(r.Events)))
	f.total.Add(int64(len(r.Events)))
	if f.o.statePath == "" {
		return nil
	}
	f.state.Tokens[f.urls[i]] = r.Token
	if err := f.state.Save(f.o.statePath); err != nil {
		return fmt.Errorf("saving the state: %w", err)
	}
	return nil
}

// report prints the error of each node that failed and returns the exit status.
func (f *fetcher) report(err error) int {
	if err == nil {
		return 0
	}
	var failed client.NodesError
	if !errors.As(err, &failed) {
		fmt.Fprintf(f.env.stderr, "katafilter fetch: %v\n", err)
		return 1
	}
	for _, ne := range failed {
		fmt.Fprintf(f.env.stderr, "katafilter fetch: %s: %v\n", f.nodes[ne.Node].Name, ne.Err)
		var bre *client.BadRequestError
		if errors.As(ne.Err, &bre) && len(bre.Diagnostics) > 0 && f.o.filter != "" {
			printDiags(f.env, f.env.stderr, filterName, f.o.filter, bre.DiagnosticList())
		}
		if errors.As(ne.Err, &bre) && bre.Parameter == "continuation_token" && f.nodes[ne.Node].Token != "" {
			fmt.Fprintf(f.env.stderr, "katafilter fetch: %s: the refused token is the one the state file %s keeps for %s, saved by a run "+
				"with another --id, --cert or server. To start a new stream there (from the oldest events the server holds), delete %s "+
				"or its entry for %s; to continue the saved stream, run with the --id and --cert it was saved with.\n",
				f.nodes[ne.Node].Name, f.o.statePath, f.urls[ne.Node], f.o.statePath, f.urls[ne.Node])
		}
	}
	return 1
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
func (f *fetcher) progress(ctx context.Context, span time.Duration) {
	t := time.NewTicker(time.Second)
	defer t.Stop()
	w := rateWindow{span: span}
	w.add(time.Now(), 0)
	for {
		select {
		case <-ctx.Done():
			fmt.Fprint(f.env.stderr, "\r\033[K")
			return
		case now := <-t.C:
			n := f.total.Load()
			rate := w.add(now, n)
			var per []string
			for i, nd := range f.nodes {
				per = append(per, fmt.Sprintf("%s: %d", nd.Name, f.count[i].Load()))
			}
			fmt.Fprintf(f.env.stderr, "\r\033[K%.1f events/s, %d total (%s)", rate, n, strings.Join(per, ", "))
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
