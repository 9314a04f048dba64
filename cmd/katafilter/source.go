package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"strings"
	"time"

	"github.com/katafilter/katafilter/eventsapi/client"
	"github.com/katafilter/katafilter/eventsapi/embedded"
	"github.com/katafilter/katafilter/eventsapi/server"
	"github.com/katafilter/katafilter/internal/jsonl"
	"github.com/katafilter/katafilter/internal/words"
	"github.com/katafilter/katafilter/lang"
	"github.com/katafilter/katafilter/repl"
)

// sourceFlags are the flags that say where events come from, shared by the subcommands that
// query them interactively (repl, ui): the built-in emulator by default, real servers with
// --url, files with --events, or an archive with --db. One implementation, so that both views
// see the same sources.
type sourceFlags struct {
	cmd           string
	urls, events  multiString
	id, cert, key string
	cacert        listFlag
	generate      float64
	archive       *archiveFlags
	poll          time.Duration
}

// multiString is a flag that may be repeated.
type multiString []string

func (m *multiString) String() string { return strings.Join(*m, ",") }

func (m *multiString) Set(s string) error {
	*m = append(*m, s)
	return nil
}

// sourceSynopsis describes the sources for a subcommand's --help.
const sourceSynopsis = `Where the events come from:
  (no flags)   the built-in emulator of the KATA events API, started in process with generated
               events and reached through the real client over loopback TLS
  --url ...    a real KATA server (--url may be repeated: a PCN and its SCNs), authenticated by
               --id, --cert and --key as for "katafilter fetch"
  --events     JSON-lines files of events (.gz too), evaluated in process
  --db URL     an archive in ClickHouse or PostgreSQL (see "katafilter archive --help"), in the
               table --table; filters run in the database, as "katafilter hunt" runs them, and
               a tail follows the archive, asking it for new events every --poll (1s)`

func addSourceFlags(fs *flag.FlagSet, cmd string) *sourceFlags {
	sf := &sourceFlags{cmd: cmd}
	fs.Var(&sf.urls, "url", "the `URL` of a KATA server, or NAME=URL (repeatable: a PCN and its SCNs)")
	fs.StringVar(&sf.id, "id", "", "the external system `UUID` (with --url)")
	fs.StringVar(&sf.cert, "cert", "", "the client certificate `file` (with --url)")
	fs.StringVar(&sf.key, "key", "", "the client key `file` (with --url)")
	fs.Var(&sf.cacert, "cacert", "trust the server certificate(s) in this PEM `file` (with --url; repeatable, e.g. one per node)")
	fs.Var(&sf.events, "events", "a JSON-lines `file` of events (.gz too) to evaluate in process (repeatable; more files may follow)")
	fs.Float64Var(&sf.generate, "generate", 20, "the built-in emulator's `rate` of generated events per second")
	sf.archive = addArchiveFlags(fs, "db", "the database `URL` of an archive (clickhouse://... or postgres://...)")
	fs.DurationVar(&sf.poll, "poll", repl.DefaultArchivePoll, "how often a tail asks the archive for new events (`duration`; with --db)")
	return sf
}

// check validates the source flags with the arguments left after them (more event files);
// it returns a usage error's exit status and false when they do not fit together.
func (sf *sourceFlags) check(env *cmdEnv, rest []string) (int, bool) {
	if len(rest) > 0 {
		if len(sf.events) == 0 {
			return usageError(env, sf.cmd, "unexpected argument %q (event files go with --events)", rest[0]), false
		}
		sf.events = append(sf.events, rest...)
	}
	if sf.generate < 0 {
		return usageError(env, sf.cmd, "--generate must not be negative"), false
	}
	if sf.poll <= 0 {
		return usageError(env, sf.cmd, "--poll must be positive"), false
	}
	if n := btoi(len(sf.urls) > 0) + btoi(len(sf.events) > 0) + btoi(sf.archive.db != ""); n > 1 {
		return usageError(env, sf.cmd, "--url, --events and --db exclude each other"), false
	}
	if sf.archive.db != "" {
		if code, ok := sf.archive.check(env, sf.cmd); !ok {
			return code, false
		}
	}
	if len(sf.urls) > 0 && (sf.id == "" || sf.cert == "" || sf.key == "") {
		return usageError(env, sf.cmd, "--url needs --id, --cert and --key"), false
	}
	return 0, true
}

// open starts or connects to the source. The caller closes the backend.
func (sf *sourceFlags) open(ctx context.Context, env *cmdEnv, cfg lang.Config) (repl.Backend, error) {
	switch {
	case sf.archive.db != "":
		db, err := sf.archive.open(ctx, env)
		if err != nil {
			return nil, err
		}
		return repl.NewArchiveBackend(db, sf.archive.table, cfg, sf.poll), nil
	case len(sf.events) > 0:
		return loadEvents(env, sf.events)
	case len(sf.urls) > 0:
		return remoteBackend(sf.urls, sf.id, sf.cert, sf.key, sf.cacert, cfg)
	default:
		return embeddedBackend(ctx, sf.generate, cfg)
	}
}

// loadEvents reads the event files into memory for the in-process backend. A malformed line is
// an error: the REPL should not quietly show fewer events than the files hold.
func loadEvents(env *cmdEnv, files []string) (repl.Backend, error) {
	var all []repl.Event
	for _, arg := range files {
		if arg == "-" {
			return nil, errors.New(`--events -: standard input carries the commands; give a file`)
		}
		events, err := readReplEvents(env, arg)
		if err != nil {
			return nil, err
		}
		all = append(all, events...)
	}
	desc := fmt.Sprintf("%s (%s, evaluated in process)", strings.Join(files, ", "), words.Plural(len(all), "event"))
	return repl.NewMemoryBackend(desc, all), nil
}

// readReplEvents reads the events of one file; the first malformed line is an error.
func readReplEvents(env *cmdEnv, arg string) ([]repl.Event, error) {
	var e repl.Event
	decode := func(line []byte) (err error) {
		if e, err = repl.NewEvent(line); err != nil {
			return fmt.Errorf("malformed JSON: %s", jsonMessage(err))
		}
		return nil
	}
	r, err := jsonl.Open(arg, env.stdin, jsonl.Options{Strict: true, Check: decode})
	if err != nil {
		return nil, fmt.Errorf("%s: %v", arg, unwrapPath(err))
	}
	defer r.Close()
	var all []repl.Event
	for r.Next() {
		e.Origin = fmt.Sprintf("%s:%d", arg, r.Line())
		all = append(all, e)
	}
	return all, r.Err()
}

// remoteBackend connects to real servers: one client per --url, all with the same identity.
// As for fetch, --url NAME=URL names a node; several nodes are otherwise named by their host.
func remoteBackend(urls []string, id, cert, key string, cacert []string, cfg lang.Config) (repl.Backend, error) {
	targets, err := parseNodeURLs(urls)
	if err != nil {
		return nil, err
	}
	roots, err := caPool(cacert)
	if err != nil {
		return nil, err
	}
	var nodes []repl.APINode
	var shown []string
	for _, t := range targets {
		name, addr := t.name, t.url
		if name == "" && len(urls) > 1 {
			name = t.host
		}
		c, err := client.New(client.Config{URL: addr, ExternalSystemID: id, CertFile: cert, KeyFile: key, RootCAs: roots, Lang: cfg})
		if err != nil {
			return nil, err
		}
		nodes = append(nodes, repl.APINode{Name: name, Client: c})
		if name != "" {
			addr = name + " " + addr
		}
		shown = append(shown, addr)
	}
	desc := "the KATA events API at " + strings.Join(shown, ", ")
	return repl.NewAPIBackend(desc, nodes, nil), nil
}

// embeddedBackend starts the events API server in process, with generated events, a temporary
// state directory and an approved client certificate, and reaches it through the real client
// over loopback TLS: the zero-setup default is the real path.
func embeddedBackend(ctx context.Context, rate float64, cfg lang.Config) (repl.Backend, error) {
	inst, err := embedded.Start(ctx, embedded.Options{
		Server:   server.Config{Lang: cfg},
		Generate: rate,
		Preload:  embeddedPreload,
		Seed:     uint64(time.Now().UnixNano()),
		Lang:     cfg,
	})
	if err != nil {
		return nil, fmt.Errorf("starting the built-in emulator: %w", err)
	}
	c, err := inst.NewClient(cfg)
	if err != nil {
		inst.Close()
		return nil, err
	}
	desc := fmt.Sprintf("the built-in emulator of the KATA events API (katafilter's own server, in process at %s, %g generated events/s; "+
		"reached through the real client over mutual TLS)", inst.URL, rate)
	return repl.NewAPIBackend(desc, []repl.APINode{{Client: c}}, inst.Close), nil
}

// embeddedPreload is how many generated events the built-in emulator holds before the first
// query, so that there is something to find at once.
const embeddedPreload = 2000

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}
