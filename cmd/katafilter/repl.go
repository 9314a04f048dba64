package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"time"

	"golang.org/x/term"

	"github.com/katafilter/katafilter/eventsapi/client"
	"github.com/katafilter/katafilter/eventsapi/embedded"
	"github.com/katafilter/katafilter/eventsapi/server"
	"github.com/katafilter/katafilter/internal/words"
	"github.com/katafilter/katafilter/lang"
	"github.com/katafilter/katafilter/repl"
)

func init() {
	register(&command{name: "repl", summary: "try filters interactively against the events API", run: runRepl})
}

const replSynopsis = `repl [--events FILE...] [--url URL --id UUID --cert FILE --key FILE [--cacert FILE]] [flags]

Repl is an interactive shell for filters: type one, see at once whether it is valid (errors are
shown with carets and nothing is sent), and what it matches, as a table or as JSON. .help lists
the commands (fields, explain, tail, save, ...). Tab completes fields, operators and values.

Where the events come from:
  (no flags)   the built-in emulator of the KATA events API, started in process with generated
               events and reached through the real client over loopback TLS
  --url ...    a real KATA server (--url may be repeated: a PCN and its SCNs), authenticated by
               --id, --cert and --key as for "katafilter fetch"
  --events     JSON-lines files of events (.gz too), evaluated in process

Without a terminal on standard input, it reads filters and commands line by line, prints the
results, reports errors on stderr and exits with status 1 if any input failed.

History is kept in $KATAFILTER_HISTORY, or else in katafilter/repl_history under the user's
state directory ($XDG_STATE_HOME, ~/.local/state) or config directory.`

// multiString is a flag that may be repeated.
type multiString []string

func (m *multiString) String() string { return strings.Join(*m, ",") }

func (m *multiString) Set(s string) error {
	*m = append(*m, s)
	return nil
}

func runRepl(env *cmdEnv, args []string) int {
	fs := newFlags(env, "repl", replSynopsis)
	var urls, events multiString
	fs.Var(&urls, "url", "the `URL` of a KATA server, or NAME=URL (repeatable: a PCN and its SCNs)")
	id := fs.String("id", "", "the external system `UUID` (with --url)")
	cert := fs.String("cert", "", "the client certificate `file` (with --url)")
	key := fs.String("key", "", "the client key `file` (with --url)")
	cacert := fs.String("cacert", "", "the CA certificate `file` that signed the server's (with --url)")
	fs.Var(&events, "events", "a JSON-lines `file` of events (.gz too) to evaluate in process (repeatable; more files may follow)")
	format := fs.String("format", "table", "the result `format`: table, json or jsonl")
	limit := fs.Int("limit", repl.DefaultLimit, "max_events: the most `events` one query returns")
	timeout := fs.String("timeout", repl.DefaultTimeout.String(), "max_timeout: how long the server may wait for events (`duration`, 1s to 5m)")
	generate := fs.Float64("generate", 20, "the built-in emulator's `rate` of generated events per second")
	history := fs.String("history", "", "the history `file` (\"none\" keeps none; default: see above)")
	lf := addLangFlags(fs, true)
	rest, code, ok := parseArgs(env, fs, args)
	if !ok {
		return code
	}
	if len(rest) > 0 {
		if len(events) == 0 {
			return usageError(env, "repl", "unexpected argument %q (event files go with --events)", rest[0])
		}
		events = append(events, rest...)
	}
	fmtv, ok := repl.ParseFormat(*format)
	if !ok {
		return usageError(env, "repl", "--format %q: want table, json or jsonl", *format)
	}
	if *limit < 1 {
		return usageError(env, "repl", "--limit must be positive")
	}
	to, err := repl.ParseTimeout(*timeout)
	if err != nil {
		return usageError(env, "repl", "--timeout: %v", err)
	}
	if *generate < 0 {
		return usageError(env, "repl", "--generate must not be negative")
	}
	if len(urls) > 0 && len(events) > 0 {
		return usageError(env, "repl", "--url and --events exclude each other")
	}
	cfg, err := lf.config()
	if err != nil {
		fmt.Fprintf(env.stderr, "katafilter repl: %v\n", err)
		return 1
	}

	stdinFile, interactive := env.stdin.(*os.File)
	interactive = interactive && term.IsTerminal(int(stdinFile.Fd()))
	// A signal that ends the process ends the session instead, so that the backend is closed
	// (the embedded server's temporary state directory removed): SIGTERM, and SIGHUP when the
	// terminal goes away. Without a terminal, Ctrl-C (SIGINT) too; on a terminal, Ctrl-C
	// cancels the running query and the REPL goes on.
	sigs := []os.Signal{syscall.SIGTERM, syscall.SIGHUP}
	if !interactive {
		sigs = append(sigs, os.Interrupt)
	}
	ctx, stop := signal.NotifyContext(context.Background(), sigs...)
	defer stop()
	var backend repl.Backend
	switch {
	case len(events) > 0:
		backend, err = loadEvents(env, events)
	case len(urls) > 0:
		if *id == "" || *cert == "" || *key == "" {
			return usageError(env, "repl", "--url needs --id, --cert and --key")
		}
		backend, err = remoteBackend(urls, *id, *cert, *key, *cacert, cfg)
	default:
		backend, err = embeddedBackend(ctx, *generate, cfg)
	}
	if err != nil {
		fmt.Fprintf(env.stderr, "katafilter repl: %v\n", err)
		return 1
	}
	defer backend.Close()

	s := repl.New(repl.Options{
		Backend: backend,
		Lang:    cfg,
		Out:     env.stdout,
		Err:     env.stderr,
		Color:   useColor(env, env.stdout),
		Limit:   *limit,
		Timeout: to,
		Format:  fmtv,
		Width:   terminalWidth(env.stdout),
	})
	if !interactive {
		failed, err := repl.RunPiped(ctx, s, env.stdin, stdinName)
		if ctx.Err() != nil {
			fmt.Fprintln(env.stderr, "katafilter repl: interrupted")
			return 1
		}
		if err != nil {
			fmt.Fprintf(env.stderr, "katafilter repl: %v\n", err)
			return 1
		}
		if failed > 0 {
			return 1
		}
		return 0
	}
	err = repl.RunTerminal(ctx, s, repl.TerminalOptions{
		Stdin:       stdinFile,
		Stdout:      env.stdout,
		Stderr:      env.stderr,
		HistoryFile: historyFile(env, *history),
		Color:       useColor(env, env.stdout),
	})
	if err != nil && !errors.Is(err, context.Canceled) {
		fmt.Fprintf(env.stderr, "katafilter repl: %v\n", err)
		return 1
	}
	return 0
}

// historyFile chooses where the history is kept: the flag, $KATAFILTER_HISTORY, or the user's
// state directory (XDG), falling back to the config directory. "none" keeps none.
func historyFile(env *cmdEnv, flagValue string) string {
	p := flagValue
	if p == "" {
		p = env.getenv("KATAFILTER_HISTORY")
	}
	if p == "none" {
		return ""
	}
	if p != "" {
		return p
	}
	if d := env.getenv("XDG_STATE_HOME"); d != "" && filepath.IsAbs(d) {
		return filepath.Join(d, "katafilter", "repl_history")
	}
	if runtime.GOOS != "windows" && runtime.GOOS != "darwin" {
		if home, err := os.UserHomeDir(); err == nil {
			return filepath.Join(home, ".local", "state", "katafilter", "repl_history")
		}
	}
	if d, err := os.UserConfigDir(); err == nil {
		return filepath.Join(d, "katafilter", "repl_history")
	}
	return ""
}

// loadEvents reads the event files into memory for the in-process backend. A malformed line is
// an error: the REPL should not quietly show fewer events than the files hold.
func loadEvents(env *cmdEnv, files []string) (repl.Backend, error) {
	var all []repl.Event
	for _, arg := range files {
		if arg == "-" {
			return nil, errors.New(`--events -: standard input carries the commands; give a file`)
		}
		var bad error
		err := eachEvent(env, arg, defaultMaxLine, func(n int, line []byte, problem string) bool {
			if problem != "" {
				bad = fmt.Errorf("%s:%d: %s", arg, n, problem)
				return false
			}
			e, err := repl.NewEvent(bytes.TrimSpace(line))
			if err != nil {
				bad = fmt.Errorf("%s:%d: malformed JSON: %s", arg, n, jsonMessage(err))
				return false
			}
			e.Origin = fmt.Sprintf("%s:%d", arg, n)
			all = append(all, e)
			return true
		})
		if err != nil {
			return nil, fmt.Errorf("%s: %v", arg, err)
		}
		if bad != nil {
			return nil, bad
		}
	}
	desc := fmt.Sprintf("%s (%s, evaluated in process)", strings.Join(files, ", "), words.Plural(len(all), "event"))
	return repl.NewMemoryBackend(desc, all), nil
}

// remoteBackend connects to real servers: one client per --url, all with the same identity.
// As for fetch, --url NAME=URL names a node; several nodes are otherwise named by their host.
func remoteBackend(urls []string, id, cert, key, cacert string, cfg lang.Config) (repl.Backend, error) {
	targets, err := parseNodeURLs(urls)
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
		c, err := client.New(client.Config{URL: addr, ExternalSystemID: id, CertFile: cert, KeyFile: key, CAFile: cacert, Lang: cfg})
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

// terminalWidth returns a function that reports the width of the terminal w is, read at each
// call so that a resized window is followed; nil when w is not a terminal (a pipe or a file
// gets whole rows).
func terminalWidth(w io.Writer) func() int {
	f, ok := w.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return nil
	}
	return func() int {
		width, _, err := term.GetSize(int(f.Fd()))
		if err != nil {
			return 0
		}
		return width
	}
}
