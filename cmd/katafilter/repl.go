package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"syscall"

	"golang.org/x/term"

	"github.com/katafilter/katafilter/repl"
)

func init() {
	register(&command{name: "repl", summary: "try filters interactively against the events API", run: runRepl})
}

const replSynopsis = `repl [--events FILE...] [--url URL --id UUID --cert FILE --key FILE [--cacert FILE]...] [flags]

Repl is an interactive shell for filters: type one, see at once whether it is valid (errors are
shown with carets and nothing is sent), and what it matches, as a table or as JSON. .help lists
the commands (fields, explain, tail, save, ...). Tab completes fields, operators and values.

` + sourceSynopsis + `

Without a terminal on standard input, it reads filters and commands line by line, prints the
results, reports errors on stderr and exits with status 1 if any input failed.

History is kept in $KATAFILTER_HISTORY, or else in katafilter/repl_history under the user's
state directory ($XDG_STATE_HOME, ~/.local/state) or config directory.`

func runRepl(env *cmdEnv, args []string) int {
	fs := newFlags(env, "repl", replSynopsis)
	src := addSourceFlags(fs, "repl")
	format := fs.String("format", "table", "the result `format`: table, json or jsonl")
	limit := fs.Int("limit", repl.DefaultLimit, "max_events: the most `events` one query returns")
	timeout := fs.String("timeout", repl.DefaultTimeout.String(), "max_timeout: how long the server may wait for events (`duration`, 1s to 5m)")
	history := fs.String("history", "", "the history `file` (\"none\" keeps none; default: see above)")
	lf := addLangFlags(fs, true)
	rest, code, ok := parseArgs(env, fs, args)
	if !ok {
		return code
	}
	if code, ok := src.check(env, rest); !ok {
		return code
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
	backend, err := src.open(ctx, env, cfg)
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
