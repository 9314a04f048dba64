package repl

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/katafilter/katafilter/eventsapi/client"
	"github.com/katafilter/katafilter/internal/words"
	"github.com/katafilter/katafilter/lang"
	"github.com/katafilter/katafilter/lang/ast"
	"github.com/katafilter/katafilter/lang/diag"
	"github.com/katafilter/katafilter/lang/eval"
	"github.com/katafilter/katafilter/lang/schema"
)

// Defaults of the settings a session starts with.
const (
	DefaultLimit   = 20
	DefaultTimeout = 5 * time.Second
	// MaxTimeout is the largest max_timeout the events API accepts.
	MaxTimeout = client.MaxTimeoutLimit
	// maxKept caps the events kept from a tail for .save and .explain.
	maxKept = 10000
)

// Format is how results are printed.
type Format int

// The result formats.
const (
	Table Format = iota // a table of the main fields and those the filter uses
	JSON                // each event as indented JSON
	JSONL               // each event as one line of JSON, as received
)

// String returns the format's name, as .format takes it.
func (f Format) String() string {
	switch f {
	case JSON:
		return "json"
	case JSONL:
		return "jsonl"
	}
	return "table"
}

// ParseFormat reads "table", "json" or "jsonl".
func ParseFormat(s string) (Format, bool) {
	switch strings.ToLower(s) {
	case "table":
		return Table, true
	case "json":
		return JSON, true
	case "jsonl":
		return JSONL, true
	}
	return 0, false
}

// Options configures a [Session].
type Options struct {
	// Backend is where events come from. Required.
	Backend Backend
	// Lang configures the checker and evaluator (schema, case, strictness).
	Lang lang.Config
	// Out receives results; Err receives diagnostics, errors and notes. Nil discards.
	Out, Err io.Writer
	// Color allows ANSI colours (only on a terminal, never with NO_COLOR: the caller decides).
	Color bool
	// Limit is the initial max_events (DefaultLimit when 0).
	Limit int
	// Timeout is the initial max_timeout (DefaultTimeout when 0).
	Timeout time.Duration
	// Format is the initial result format.
	Format Format
	// Now is the clock used for the time a query takes; nil means time.Now.
	Now func() time.Time
	// Width returns the width of the terminal the results go to, in columns, so that a table
	// fits it (its widest columns cut with "…"); nil, or a result of 0, means no limit.
	Width func() int
}

// Session is the state of one REPL: settings, the last filter and its results. It is driven
// one input at a time through [Session.Execute] and is not safe for concurrent use.
type Session struct {
	backend Backend
	cfg     lang.Config
	schema  *schema.Schema
	out     io.Writer
	errw    io.Writer
	color   bool
	now     func() time.Time
	width   func() int

	format  Format
	columns []string // nil: automatic
	limit   int
	timeout time.Duration

	lastFilter *lang.Filter
	lastProg   *eval.Program
	last       []Event
	// sent is the filter text of the last request, whose stream the backend's token continues.
	sent string
	// where is "file:line: ", the place of the input being run by [Session.ExecuteAt], put
	// before its error messages; empty at the prompt.
	where string
	// input is that input in the terms of its script (nil at the prompt), for the
	// diagnostics of a filter given to a command.
	input *origin
}

// ErrQuit is returned by [Session.Execute] for .quit: the front end should stop.
var ErrQuit = errors.New("quit")

// ErrFailed marks an input that failed; the details were already written to the error
// writer. [Session.Execute] wraps it, so that a script can tell and set its exit status.
var ErrFailed = errors.New("failed")

// failf reports a problem on the error writer and returns an error wrapping [ErrFailed].
func (s *Session) failf(format string, args ...any) error {
	msg := fmt.Sprintf(format, args...)
	fmt.Fprintf(s.errw, "%s\n", s.where+s.paint(ansiRed, "error: ")+msg)
	return fmt.Errorf("%w: %s", ErrFailed, msg)
}

// note writes an informational line to the error writer.
func (s *Session) note(format string, args ...any) {
	fmt.Fprintf(s.errw, "%s\n", s.paint(ansiDim, fmt.Sprintf(format, args...)))
}

// New returns a session over opt.Backend.
func New(opt Options) *Session {
	s := &Session{
		backend: opt.Backend,
		cfg:     opt.Lang,
		schema:  opt.Lang.Schema,
		out:     opt.Out,
		errw:    opt.Err,
		color:   opt.Color,
		now:     opt.Now,
		width:   opt.Width,
		format:  opt.Format,
		limit:   opt.Limit,
		timeout: opt.Timeout,
	}
	if s.schema == nil {
		s.schema = schema.Default()
	}
	if s.out == nil {
		s.out = io.Discard
	}
	if s.errw == nil {
		s.errw = io.Discard
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.limit <= 0 {
		s.limit = DefaultLimit
	}
	if s.timeout <= 0 {
		s.timeout = DefaultTimeout
	}
	return s
}

// Banner returns the text shown when an interactive session starts.
func (s *Session) Banner() string {
	var b strings.Builder
	b.WriteString("katafilter repl: type a filter to run it, .help for commands, Ctrl-D or .quit to leave.\n")
	fmt.Fprintf(&b, "Events from %s.\n", s.backend.Describe())
	b.WriteString(connectHelp)
	if s.width == nil {
		return b.String()
	}
	return wrapWords(b.String(), s.width())
}

// wrapWords breaks the lines of text at spaces so that none is longer than width characters
// (a word longer than that stands alone on its line); width 0 leaves text as it is.
func wrapWords(text string, width int) string {
	if width <= 0 {
		return text
	}
	var b strings.Builder
	for _, line := range strings.SplitAfter(text, "\n") {
		nl := strings.HasSuffix(line, "\n")
		n := 0
		for i, w := range strings.Fields(line) {
			wl := utf8.RuneCountInString(w)
			switch {
			case i == 0:
			case n+1+wl > width:
				b.WriteString("\n")
				n = 0
			default:
				b.WriteString(" ")
				n++
			}
			b.WriteString(w)
			n += wl
		}
		if nl {
			b.WriteString("\n")
		}
	}
	return b.String()
}

// connectHelp says how to connect to a real KATA, for the banner and .status.
const connectHelp = "To use a real KATA instead: katafilter repl --url https://KATA:443 --id UUID --cert client.crt --key client.key [--cacert ca.crt]\n"

// Execute runs one complete input: a filter, or a meta-command (a line starting with ".").
// Results go to the output writer; diagnostics and errors to the error writer, and a failed
// input also returns an error wrapping [ErrFailed]. .quit returns [ErrQuit]. Cancelling ctx
// (Ctrl-C) stops a running query or tail; that is not a failure.
func (s *Session) Execute(ctx context.Context, input string) error {
	text := strings.TrimSpace(input)
	if text == "" {
		return nil
	}
	if name, args, ok := splitMeta(text); ok {
		return s.meta(ctx, name, args)
	}
	return s.runFilter(ctx, text, nil)
}

// ExecuteAt runs one complete input, as [Session.Execute] does, that starts on the given
// 1-based line of a script called name: the diagnostics of a filter are given at their
// name:line:col in the script, and other errors start with name:line.
func (s *Session) ExecuteAt(ctx context.Context, input, name string, line int) error {
	text := strings.TrimSpace(input)
	if text == "" {
		return nil
	}
	// The input, with as many line breaks before it as lines before it in the script, so
	// that positions come out as lines of the script.
	pad := strings.Repeat("\n", max(0, line-1))
	s.where = fmt.Sprintf("%s:%d: ", name, line)
	s.input = &origin{name: name, text: pad + input, offset: len(pad)}
	defer func() { s.where, s.input = "", nil }()
	if mname, args, ok := splitMeta(text); ok {
		return s.meta(ctx, mname, args)
	}
	lead := len(input) - len(strings.TrimLeft(input, " \t\r\n"))
	return s.runFilter(ctx, text, &origin{name: name, text: pad + input, offset: len(pad) + lead})
}

// splitMeta recognises a meta-command: ".name args", or one of the bare words help, quit and
// exit, which can never be filters.
func splitMeta(text string) (name, args string, ok bool) {
	switch strings.ToLower(text) {
	case "help", "?":
		return "help", "", true
	case "quit", "exit":
		return "quit", "", true
	}
	if !strings.HasPrefix(text, ".") {
		return "", "", false
	}
	name, args, _ = strings.Cut(text[1:], " ")
	return strings.ToLower(strings.TrimSpace(name)), strings.TrimSpace(args), true
}

// origin locates a filter inside a file, for diagnostics in the file's terms.
type origin struct {
	name   string // the file's name as given
	text   string // the file's whole text
	offset int    // the filter's byte offset in text
}

// analyze checks src and prints its diagnostics (in the terms of the file it comes from, when
// at is not nil); it returns the filter and its program, or an error when it has errors (then
// nothing may be sent).
func (s *Session) analyze(src string, at *origin) (*lang.Filter, *eval.Program, error) {
	f := lang.Analyze(src, s.cfg)
	if at != nil {
		s.printDiags(at.text, at.name, f.Diagnostics.Shift(at.offset))
	} else {
		s.printDiags(src, "", f.Diagnostics)
	}
	if f.Diagnostics.HasErrors() {
		return nil, nil, s.failf("the filter has %s; nothing was sent", words.Plural(f.Diagnostics.Count(diag.Error), "error"))
	}
	prog, err := f.Program()
	if err != nil {
		return nil, nil, s.failf("%v", err)
	}
	return f, prog, nil
}

// request builds the request for a checked filter: its canonical text (one line, whatever
// way it was typed) and the session's limits.
func (s *Session) request(f *lang.Filter, prog *eval.Program) Request {
	text, ok := f.Format()
	if !ok {
		text = f.Source
	}
	return Request{Filter: text, Program: prog, MaxEvents: s.limit, MaxTimeout: s.timeout}
}

func (s *Session) runFilter(ctx context.Context, src string, at *origin) error {
	f, prog, err := s.analyze(src, at)
	if err != nil {
		return err
	}
	req := s.request(f, prog)
	s.startStream(req.Filter)
	start := s.now()
	ans, err := s.backend.Fetch(ctx, req)
	took := s.now().Sub(start)
	if err != nil {
		if ctx.Err() != nil {
			s.note("cancelled")
			return nil
		}
		return s.fetchError(req, err)
	}
	s.lastFilter, s.lastProg, s.last = f, prog, ans.Events
	p := s.newPrinter(prog)
	p.header()
	for _, e := range ans.Events {
		p.event(e)
	}
	p.flush()
	line := fmt.Sprintf("%s in %s", words.Plural(len(ans.Events), "event"), roundDuration(took))
	if len(ans.Events) >= s.limit {
		line += fmt.Sprintf(" (the limit, %d: run it again for the next ones)", s.limit)
	}
	s.status(line)
	if ans.Err != nil {
		return s.fetchError(req, ans.Err)
	}
	return nil
}

// diagnoser is an error that carries diagnostics of the filter sent (the server's 400).
type diagnoser interface{ DiagnosticList() diag.List }

// fetchError reports a failed request: the server's diagnostics are shown against the filter
// as it was sent.
func (s *Session) fetchError(req Request, err error) error {
	var d diagnoser
	if errors.As(err, &d) {
		s.printDiags(req.Filter, "", d.DiagnosticList())
	}
	return s.failf("%v", err)
}

// startStream makes a request for filter continue the stream of the previous request when the
// filter is the same (the next page, or the events that arrived since), and start a new
// stream, from the oldest events held, when it is another: a refined filter sees the same
// events as the one before it.
func (s *Session) startStream(filter string) {
	if filter != s.sent {
		s.backend.ResetToken()
		s.sent = filter
	}
}

// status writes the count line: with the results for a table, on the error writer for JSON
// so that the output stays machine-readable.
func (s *Session) status(line string) {
	if s.format == Table {
		fmt.Fprintln(s.out, s.paint(ansiDim, line))
		return
	}
	fmt.Fprintln(s.errw, s.paint(ansiDim, line))
}

// roundDuration makes a duration short enough to read.
func roundDuration(d time.Duration) time.Duration {
	switch {
	case d >= time.Second:
		return d.Round(10 * time.Millisecond)
	case d >= time.Millisecond:
		return d.Round(time.Millisecond)
	}
	return d.Round(time.Microsecond)
}

// ANSI styles.
const (
	ansiRed   = "\x1b[1;31m"
	ansiBold  = "\x1b[1m"
	ansiDim   = "\x1b[2m"
	ansiCyan  = "\x1b[36m"
	ansiGreen = "\x1b[32m"
	ansiReset = "\x1b[0m"
)

// paint wraps text in a style when colour is on.
func (s *Session) paint(style, text string) string {
	if !s.color || text == "" {
		return text
	}
	return style + text + ansiReset
}

// printDiags renders diagnostics of src compiler-style, with carets, on the error writer.
func (s *Session) printDiags(src, filename string, diags diag.List) {
	if len(diags) == 0 {
		return
	}
	_ = diag.Render(s.errw, ast.NewLineTable(src), diags, diag.RenderOptions{Filename: filename, Color: s.color})
}
