package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/katafilter/katafilter/eventsapi/server"
	"github.com/katafilter/katafilter/eventsapi/wire"
)

func init() {
	register(&command{name: "serve", summary: "run an emulated KATA events API server (HTTPS, mutual TLS)", run: runServe})
}

// listFlag is a repeatable string flag.
type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, ",") }
func (l *listFlag) Set(s string) error { *l = append(*l, s); return nil }

func runServe(env *cmdEnv, args []string) int {
	fs := newFlags(env, "serve", "serve --state-dir DIR [--listen 127.0.0.1:8443] [--generate RATE] [--events FILE]... [--approve-all] [--node NAME] [FILE...]")
	listen := fs.String("listen", "127.0.0.1:8443", "listen on this `address` (port 0 picks a free one; the URL is written to DIR/server.url)")
	stateDir := fs.String("state-dir", "", "keep events, registrations, keys and certificates in this `directory` (required)")
	generate := fs.Float64("generate", 0, "add synthetic events of all 16 types at this `rate` (events per second)")
	var events, hosts listFlag
	fs.Var(&events, "events", "load events from this JSON lines `file` (.gz too); repeatable; FILE arguments are the same")
	fs.Var(&hosts, "hostname", "make the generated server certificate valid for this `name` too; repeatable")
	approveAll := fs.Bool("approve-all", false, "approve every integration request at once (demos and tests only)")
	maxPending := fs.Int("max-pending", server.DefaultMaxPending, "record at most this many integration requests waiting for a decision; beyond, new ones are answered 503")
	node := fs.String("node", "", "name this server in distributed mode (e.g. pcn, scn1)")
	retention := fs.Duration("retention", server.DefaultRetention, "serve events for this long after their arrival")
	retentionEvery := fs.Duration("retention-interval", 0, "delete expired events this often (default 1m, or the retention if shorter)")
	maxDefault := fs.Int("max-events-default", 0, "max_events when a request gives none (default: max(1000, 10 × distinct hosts), capped at the limit)")
	maxLimit := fs.Int("max-events-limit", server.DefaultMaxEventsLimit, "refuse a max_events above this")
	early := fs.Bool("answer-early", false, "answer a continued request as soon as one matching event is ready, instead of collecting until max_events or max_timeout")
	certFile := fs.String("cert", "", "serve with this certificate `file` instead of DIR/server.crt")
	keyFile := fs.String("key", "", "the key `file` of --cert")
	seed := fs.Uint64("seed", 1, "seed of the event generator")
	logFormat := fs.String("log-format", "text", "log format: text or json")
	var limits serveLimits
	limits.register(fs)
	lf := addLangFlags(fs, true)
	if code, ok := parseFlags(env, fs, args); !ok {
		return code
	}
	events = append(events, fs.Args()...)
	if *stateDir == "" {
		fmt.Fprintln(env.stderr, "katafilter serve: --state-dir is required")
		return 2
	}
	if err := checkListenAddr(*listen); err != nil {
		return usageError(env, "serve", "--listen %s: %v", *listen, err)
	}
	if *logFormat != "text" && *logFormat != "json" {
		fmt.Fprintf(env.stderr, "katafilter serve: --log-format must be text or json, not %q\n", *logFormat)
		return 2
	}
	if *generate < 0 {
		fmt.Fprintln(env.stderr, "katafilter serve: --generate must not be negative")
		return 2
	}
	if *maxPending < 1 {
		fmt.Fprintln(env.stderr, "katafilter serve: --max-pending must be at least 1")
		return 2
	}
	if problem := limits.problem(); problem != "" {
		return usageError(env, "serve", "%s", problem)
	}
	if problem := serveRangeProblem(*maxLimit, *maxDefault, *retention, *retentionEvery); problem != "" {
		fmt.Fprintf(env.stderr, "katafilter serve: %s\n", problem)
		return 2
	}
	lcfg, err := lf.config()
	if err != nil {
		fmt.Fprintf(env.stderr, "katafilter serve: %v\n", err)
		return 1
	}
	var logger *slog.Logger
	if *logFormat == "json" {
		logger = slog.New(slog.NewJSONHandler(env.stderr, nil))
	} else {
		logger = slog.New(slog.NewTextHandler(env.stderr, nil))
	}
	srv, err := server.New(server.Config{
		StateDir: *stateDir, Node: *node, ApproveAll: *approveAll, MaxPending: *maxPending, Retention: *retention, RetentionInterval: *retentionEvery,
		MaxEventsDefault: *maxDefault, MaxEventsLimit: *maxLimit, AnswerEarly: *early, Lang: lcfg,
		CertFile: *certFile, KeyFile: *keyFile, Hosts: hosts, Logger: logger, Limits: limits.limits(),
	})
	if err != nil {
		fmt.Fprintf(env.stderr, "katafilter serve: %v\n", err)
		return 1
	}
	defer srv.Close()
	for _, f := range events {
		loaded, n, err := srv.LoadFile(f)
		if err != nil {
			fmt.Fprintf(env.stderr, "katafilter serve: %v\n", err)
			return 1
		}
		if !loaded {
			logger.Info("events file already loaded into this state; skipped", "file", f, "events", n)
		}
	}
	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		fmt.Fprintf(env.stderr, "katafilter serve: %v\n", err)
		return 1
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	abs, _ := filepath.Abs(*stateDir)
	trust := filepath.Join(abs, server.CertFile)
	if *certFile != "" {
		trust, _ = filepath.Abs(*certFile)
		trust += " (or the CA that issued it)"
	}
	logger.Info("clients trust the server with --cacert "+trust,
		"ingest", "POST "+wire.IngestPath+" with Authorization: Bearer "+srv.IngestToken(),
		"admin", "katafilter admin --state-dir "+abs+" list")
	if *generate > 0 {
		go srv.Generate(ctx, *generate, *seed)
	}
	if err := srv.Serve(ctx, ln); err != nil {
		fmt.Fprintf(env.stderr, "katafilter serve: %v\n", err)
		return 1
	}
	return 0
}

// parseInterspersed is parseFlags for commands whose arguments may come before, between or
// after the flags ("admin list --state-dir DIR", "certs new --out DIR"). It returns the
// positional arguments.
func parseInterspersed(env *cmdEnv, fs *flag.FlagSet, args []string) ([]string, int, bool) {
	if code, ok := parseFlags(env, fs, args); !ok {
		return nil, code, false
	}
	var pos []string
	rest := fs.Args()
	for len(rest) > 0 {
		if rest[0] == "--" {
			return append(pos, rest[1:]...), 0, true
		}
		pos = append(pos, rest[0])
		if err := fs.Parse(rest[1:]); err != nil {
			return nil, 2, false
		}
		rest = fs.Args()
	}
	return pos, 0, true
}

// serveRangeProblem says which of serve's numeric flags is out of its range, or "".
func serveRangeProblem(maxLimit, maxDefault int, retention, retentionEvery time.Duration) string {
	switch {
	case maxLimit < 1:
		return fmt.Sprintf("--max-events-limit must be at least 1, not %d", maxLimit)
	case maxDefault < 0 || maxDefault > maxLimit:
		return fmt.Sprintf("--max-events-default must be between 1 and --max-events-limit (%d), or 0 for the default, not %d", maxLimit, maxDefault)
	case retention <= 0:
		return fmt.Sprintf("--retention must be more than 0, not %v", retention)
	case retentionEvery < 0:
		return fmt.Sprintf("--retention-interval must not be negative, not %v", retentionEvery)
	}
	return ""
}
