package repl

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/chzyer/readline"
	"golang.org/x/term"
)

// Prompts of the terminal front end.
const (
	Prompt             = "kata> "
	ContinuationPrompt = "  ... "
)

// TerminalOptions configures [RunTerminal].
type TerminalOptions struct {
	// Stdin, Stdout and Stderr are the terminal; nil means the process's own.
	Stdin          io.ReadCloser
	Stdout, Stderr io.Writer
	// HistoryFile keeps the lines entered across sessions; "" keeps no history.
	HistoryFile string
	// Color colours the prompt.
	Color bool
}

// RunTerminal runs an interactive session on a terminal until Ctrl-D or .quit: line editing
// and history (github.com/chzyer/readline), tab completion from [Session.Complete], a
// continuation prompt while [NeedsMore] says a filter goes on, and Ctrl-C to cancel the
// running query (at the prompt, Ctrl-C drops the line being typed). It returns ctx's error as
// soon as ctx is done, even while waiting for input. The session's writers should be the same
// terminal.
func RunTerminal(ctx context.Context, s *Session, opt TerminalOptions) error {
	if opt.HistoryFile != "" {
		if err := os.MkdirAll(dirOf(opt.HistoryFile), 0o700); err != nil {
			fmt.Fprintf(errOr(opt.Stderr), "katafilter repl: no history: %v\n", err)
			opt.HistoryFile = ""
		}
	}
	c := &lineCompleter{s: s}
	prompt, cont := Prompt, ContinuationPrompt
	if opt.Color {
		prompt, cont = ansiCyan+Prompt+ansiReset, ansiDim+ContinuationPrompt+ansiReset
	}
	cfg := &readline.Config{
		Prompt:                 prompt,
		HistoryFile:            opt.HistoryFile,
		HistoryLimit:           2000,
		DisableAutoSaveHistory: true,
		HistorySearchFold:      true,
		AutoComplete:           c,
		Listener:               readline.FuncListener(c.onKey),
		InterruptPrompt:        "^C",
		EOFPrompt:              "",
		Stdin:                  opt.Stdin,
		Stdout:                 opt.Stdout,
		Stderr:                 opt.Stderr,
		FuncGetWidth:           screenWidth(opt.Stdout, opt.Stderr, opt.Stdin, os.Stdout, os.Stderr, os.Stdin),
	}
	rl, err := readline.NewEx(cfg)
	if err != nil {
		return err
	}
	defer rl.Close()
	// When ctx ends (the process was told to stop: SIGTERM, or SIGHUP when its terminal
	// closed), closing readline ends a Readline waiting for input, so that the caller can
	// clean up (the embedded server's temporary directory) instead of being killed at the prompt.
	stop := context.AfterFunc(ctx, func() { rl.Close() })
	defer stop()
	fmt.Fprint(rl.Stdout(), s.Banner())

	var pending []string
	for {
		if len(pending) == 0 {
			rl.SetPrompt(prompt)
		} else {
			rl.SetPrompt(cont)
		}
		c.setPending(pending)
		line, err := rl.Readline()
		if ctx.Err() != nil {
			return ctx.Err()
		}
		switch {
		case errors.Is(err, readline.ErrInterrupt):
			if len(pending) == 0 && line == "" {
				fmt.Fprintln(rl.Stderr(), "(Ctrl-D or .quit to leave)")
			}
			pending = nil
			continue
		case errors.Is(err, io.EOF):
			return nil
		case err != nil:
			return err
		}
		if len(pending) > 0 && strings.TrimSpace(line) == "" {
			// An empty line ends a filter that would otherwise go on: run what there is.
		} else {
			pending = append(pending, line)
			if NeedsMore(strings.Join(pending, "\n")) {
				continue
			}
		}
		text := strings.Join(pending, "\n")
		pending = nil
		if strings.TrimSpace(text) == "" {
			continue
		}
		_ = rl.SaveHistory(historyLine(text))
		if errors.Is(runInterruptible(ctx, s, text), ErrQuit) {
			return nil
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
	}
}

// historyLine writes an input of several lines as one line for the history, joining the
// lines with a space (the text inside them is kept as typed).
func historyLine(text string) string {
	lines := strings.Split(text, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimSpace(l)
	}
	return strings.Join(lines, " ")
}

// runInterruptible executes one input with SIGINT (Ctrl-C) cancelling it instead of ending
// the program.
func runInterruptible(ctx context.Context, s *Session, text string) error {
	qctx, cancel := context.WithCancel(ctx)
	defer cancel()
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt)
	defer signal.Stop(sig)
	go func() {
		select {
		case <-sig:
			cancel()
		case <-qctx.Done():
		}
	}()
	return s.Execute(qctx, text)
}

func dirOf(path string) string {
	if i := strings.LastIndexAny(path, `/\`); i >= 0 {
		return path[:i+1]
	}
	return "."
}

func errOr(w io.Writer) io.Writer {
	if w == nil {
		return os.Stderr
	}
	return w
}

// lineCompleter adapts [Session.Complete] to readline, which completes by appending a suffix
// to the word before the cursor. A completion that changes what was typed (the case of a
// field name: filen becomes FileName) is applied by the key listener instead.
type lineCompleter struct {
	s *Session

	mu      sync.Mutex
	pending string // the lines of the unfinished filter, each followed by "\n"
	fix     *fix   // a replacement to apply on this Tab
}

type fix struct {
	start, end int // rune offsets in the line
	text       string
}

func (c *lineCompleter) setPending(lines []string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.pending = ""
	for _, l := range lines {
		c.pending += l + "\n"
	}
}

// Do implements readline.AutoCompleter.
func (c *lineCompleter) Do(line []rune, pos int) ([][]rune, int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.fix = nil
	before := string(line[:pos])
	src := c.pending + string(line)
	off := len(c.pending) + len(before)
	cands := c.s.Complete(src, off)
	var suffixes [][]rune
	length := -1
	var folded []Completion
	for _, k := range cands {
		if k.Replace.Start < len(c.pending) || k.Replace.Start > off {
			continue
		}
		typed := src[k.Replace.Start:off]
		if !strings.HasPrefix(k.Text, typed) {
			folded = append(folded, k)
			continue
		}
		n := utf8.RuneCountInString(typed)
		if length >= 0 && n != length {
			continue // candidates must share the typed prefix
		}
		length = n
		suffixes = append(suffixes, []rune(k.Text[len(typed):]))
	}
	if len(suffixes) > 0 {
		return suffixes, length
	}
	if len(folded) == 0 {
		return nil, 0
	}
	// No candidate extends the text as typed: replace it with the longest prefix the
	// candidates share (without regard to case), written as the first one writes it.
	common := folded[0].Text
	start := folded[0].Replace.Start
	for _, k := range folded[1:] {
		if k.Replace.Start != start {
			continue
		}
		common = commonPrefixFold(common, k.Text)
	}
	typed := src[start:off]
	if common == "" || common == typed || utf8.RuneCountInString(common) < utf8.RuneCountInString(typed) {
		return nil, 0
	}
	lineStart := utf8.RuneCountInString(src[len(c.pending):start])
	c.fix = &fix{start: lineStart, end: pos, text: common}
	return nil, 0
}

// onKey applies a pending replacement after Tab.
func (c *lineCompleter) onKey(line []rune, pos int, key rune) ([]rune, int, bool) {
	if key != readline.CharTab {
		return nil, 0, false
	}
	c.mu.Lock()
	f := c.fix
	c.fix = nil
	c.mu.Unlock()
	if f == nil || f.end > len(line) || f.start > f.end || f.end != pos {
		return nil, 0, false
	}
	out := append(append(append([]rune{}, line[:f.start]...), []rune(f.text)...), line[f.end:]...)
	return out, f.start + utf8.RuneCountInString(f.text), true
}

// commonPrefixFold returns the longest prefix of a that b shares without regard to case.
func commonPrefixFold(a, b string) string {
	ra, rb := []rune(a), []rune(b)
	i := 0
	for i < len(ra) && i < len(rb) && strings.EqualFold(string(ra[i]), string(rb[i])) {
		i++
	}
	return string(ra[:i])
}

// defaultWidth is the width assumed when no stream is a terminal whose size can be read.
const defaultWidth = 80

// screenWidth returns a function that reports the width of the first of streams that is a
// terminal, read at each call so that a resized window is followed, and [defaultWidth] when
// none is. readline reads only standard output's and error's widths and gets -1 when both are
// piped (katafilter repl 2>&1 | tee log): with that width it counts negative lines and panics
// when it lists completions.
func screenWidth(streams ...any) func() int {
	return func() int {
		for _, s := range streams {
			if f, ok := s.(*os.File); ok && f != nil {
				if w, _, err := term.GetSize(int(f.Fd())); err == nil && w > 0 {
					return w
				}
			}
		}
		return defaultWidth
	}
}
