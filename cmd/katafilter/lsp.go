package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/signal"
	"runtime/debug"
	"sync"
	"syscall"
	"time"

	"github.com/katafilter/katafilter/lsp"
)

func init() {
	register(&command{name: "lsp", summary: "run the language server for .kfl filter files (stdio, or TCP on loopback)", run: runLSP})
}

func runLSP(env *cmdEnv, args []string) int {
	fs := newFlags(env, "lsp", "lsp [--stdio] [--listen 127.0.0.1:PORT] [--debounce 150ms]\n\n"+
		"Serves the Language Server Protocol for .kfl filter files (language id katafilter) on standard\n"+
		"input and output, or on a TCP address of this machine with --listen. Settings come from the\n"+
		"client: initializationOptions and workspace/didChangeConfiguration take\n"+
		"{\"schemaFile\": FILE, \"ignoreCase\": BOOL, \"strict\": BOOL, \"allowUnknownFields\": BOOL}.\n"+
		"Logs go to standard error, never to standard output.")
	fs.Bool("stdio", true, "serve on standard input and output (the default; accepted for clients that pass it)")
	listen := fs.String("listen", "", "serve on this loopback TCP `address` instead (127.0.0.1:PORT, [::1]:PORT or localhost:PORT), one session per connection")
	debounce := fs.Duration("debounce", 150*time.Millisecond, "wait this long after a change before publishing diagnostics (0: at once)")
	if code, ok := parseFlags(env, fs, args); !ok {
		return code
	}
	if fs.NArg() > 0 {
		return usageError(env, "lsp", "unexpected argument %q", fs.Arg(0))
	}
	if *debounce < 0 {
		return usageError(env, "lsp", "--debounce must be a duration such as 50ms (0 publishes at once), not %v", *debounce)
	}
	opts := lsp.Options{Log: env.stderr, Debounce: *debounce, Version: buildVersion()}
	if *listen != "" {
		return serveLSPTCP(env, *listen, opts)
	}
	rwc := &stdio{in: env.stdin, out: env.stdout}
	err := lsp.Serve(context.Background(), rwc, opts)
	switch {
	case err == nil:
		return 0
	case lsp.IsExitWithoutShutdown(err):
		fmt.Fprintln(env.stderr, "katafilter lsp: exit without shutdown")
	case errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF):
		fmt.Fprintln(env.stderr, "katafilter lsp: the client closed the connection without exit")
	default:
		fmt.Fprintf(env.stderr, "katafilter lsp: %v\n", err)
	}
	return 1
}

// serveLSPTCP serves one session per connection on a loopback address until interrupted.
func serveLSPTCP(env *cmdEnv, addr string, opts lsp.Options) int {
	if err := checkListenAddr(addr); err != nil {
		return usageError(env, "lsp", "--listen %s: %v", addr, err)
	}
	host, _, _ := net.SplitHostPort(addr)
	if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return usageError(env, "lsp", "--listen %s: the language server listens on loopback only (127.0.0.1, ::1 or localhost)", addr)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		fmt.Fprintf(env.stderr, "katafilter lsp: %v\n", err)
		return 1
	}
	fmt.Fprintf(env.stderr, "katafilter lsp: listening on %s\n", ln.Addr())
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() { <-ctx.Done(); ln.Close() }()
	var wg sync.WaitGroup
	for {
		conn, err := ln.Accept()
		if err != nil {
			break
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer conn.Close()
			if err := lsp.Serve(ctx, conn, opts); err != nil && !errors.Is(err, io.EOF) {
				fmt.Fprintf(env.stderr, "katafilter lsp: session from %s: %v\n", conn.RemoteAddr(), err)
			}
		}()
	}
	wg.Wait()
	return 0
}

// stdio joins standard input and output into the connection the server reads and writes.
type stdio struct {
	in  io.Reader
	out io.Writer
}

func (s *stdio) Read(p []byte) (int, error)  { return s.in.Read(p) }
func (s *stdio) Write(p []byte) (int, error) { return s.out.Write(p) }

// Close closes standard input, which ends a read in progress.
func (s *stdio) Close() error {
	if c, ok := s.in.(io.Closer); ok {
		return c.Close()
	}
	return nil
}

// buildVersion is the module version the binary was built from.
func buildVersion() string {
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" {
		return bi.Main.Version
	}
	return "(devel)"
}
