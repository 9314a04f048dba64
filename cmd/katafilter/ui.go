package main

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/signal"
	"strconv"
	"syscall"

	"github.com/katafilter/katafilter/ui"
)

func init() {
	register(&command{name: "ui", summary: "a web console: filters with completion, results, histogram and facets in a browser", run: runUI})
}

const uiSynopsis = `ui [--listen 127.0.0.1:8080] [--events FILE... | --url URL --id UUID --cert FILE --key FILE [--cacert FILE]... | --db URL] [flags]

Ui serves a web console on loopback and prints the address to open: a filter bar with
completion, diagnostics, fixes and formatting as in an editor; the matching events as a table,
a histogram over time and the top values of a field; the JSON of an event and why it matches,
clause by clause; paging and a live tail; the filter and options kept in the page's URL.

` + sourceSynopsis + `

Any address other than a loopback one needs --allow-remote: the console then requires a token,
printed at start as part of the address, on every request (--require-token asks for it on
loopback too).`

func runUI(env *cmdEnv, args []string) int {
	fs := newFlags(env, "ui", uiSynopsis)
	src := addSourceFlags(fs, "ui")
	listen := fs.String("listen", "127.0.0.1:8080", "the `address` to serve on (port 0: any free port)")
	remote := fs.Bool("allow-remote", false, "allow a --listen address that is not loopback, protected by a token")
	needToken := fs.Bool("require-token", false, "require the token on loopback too (other users of this machine can reach loopback)")
	maxEvents := fs.Int("max", ui.DefaultMaxEvents, "the most `events` a query holds (max_events of its request)")
	lf := addLangFlags(fs, true)
	rest, code, ok := parseArgs(env, fs, args)
	if !ok {
		return code
	}
	if code, ok := src.check(env, rest); !ok {
		return code
	}
	if *maxEvents < 1 {
		return usageError(env, "ui", "--max must be positive")
	}
	if err := checkListenAddr(*listen); err != nil {
		return usageError(env, "ui", "--listen %s: %v", *listen, err)
	}
	loopback := ui.IsLoopback(*listen)
	if !loopback && !*remote {
		return usageError(env, "ui", "--listen %s is not a loopback address: add --allow-remote (every request then needs the token printed at start)", *listen)
	}
	cfg, err := lf.config()
	if err != nil {
		fmt.Fprintf(env.stderr, "katafilter ui: %v\n", err)
		return 1
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	defer stop()
	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		fmt.Fprintf(env.stderr, "katafilter ui: %v\n", err)
		return 1
	}
	backend, err := src.open(ctx, env, cfg)
	if err != nil {
		ln.Close()
		fmt.Fprintf(env.stderr, "katafilter ui: %v\n", err)
		return 1
	}
	defer backend.Close()
	opt := ui.Options{Backend: backend, Lang: cfg, MaxEvents: *maxEvents}
	addr := "http://" + browseAddr(ln.Addr().(*net.TCPAddr)) + "/"
	if !loopback || *needToken {
		opt.Token = ui.NewToken()
		addr += "?token=" + opt.Token
	}
	fmt.Fprintf(env.stdout, "katafilter ui: open %s\n", addr)
	fmt.Fprintf(env.stdout, "Events from %s. Ctrl-C stops.\n", backend.Describe())
	if err := ui.New(opt).Serve(ctx, ln); err != nil {
		fmt.Fprintf(env.stderr, "katafilter ui: %v\n", err)
		return 1
	}
	return 0
}

// browseAddr is the address to open in a browser: the machine's name in place of an
// unspecified address (0.0.0.0, ::), which a browser elsewhere cannot use.
func browseAddr(a *net.TCPAddr) string {
	if a.IP.IsUnspecified() {
		if h, err := os.Hostname(); err == nil && h != "" {
			return net.JoinHostPort(h, strconv.Itoa(a.Port))
		}
	}
	return a.String()
}
