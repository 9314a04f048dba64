package repl

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/katafilter/katafilter/internal/fileutil"
	"github.com/katafilter/katafilter/internal/words"
	"github.com/katafilter/katafilter/lang"
	"github.com/katafilter/katafilter/lang/ast"
	"github.com/katafilter/katafilter/lang/kfl"
	"github.com/katafilter/katafilter/lang/schema"
)

// metaCommand is one command of the REPL other than a filter.
type metaCommand struct {
	name    string
	args    string // the synopsis of the arguments
	summary string
	run     func(s *Session, ctx context.Context, args string) error
	// complete returns the candidates for the argument being typed, or nil.
	complete func(s *Session, arg string) []string
}

// metaCommands is the table of commands, in the order .help lists them.
var metaCommands []*metaCommand

func init() {
	metaCommands = []*metaCommand{
		{name: "help", args: "[command]", summary: "list the commands, or explain one", run: (*Session).cmdHelp, complete: completeCommandNames},
		{name: "fields", args: "[pattern]", summary: "list the fields (pattern: a part of the name, or * and ? wildcards)", run: (*Session).cmdFields},
		{name: "describe", args: "FIELD", summary: "describe a field: type, event types, known values", run: (*Session).cmdDescribe, complete: completeFieldNames},
		{name: "format", args: "[table|json|jsonl]", summary: "show or set how results print", run: (*Session).cmdFormat, complete: fixedArgs("table", "json", "jsonl")},
		{name: "columns", args: "[auto | FIELD...]", summary: "show or set the table's columns (auto: the main fields and those the filter uses)", run: (*Session).cmdColumns, complete: completeFieldNames},
		{name: "limit", args: "[N]", summary: "show or set max_events, the most events one query returns", run: (*Session).cmdLimit},
		{name: "timeout", args: "[DURATION]", summary: "show or set max_timeout, how long the server may wait for events (e.g. 5s, PT30S)", run: (*Session).cmdTimeout},
		{name: "tail", args: "[FILTER]", summary: "follow the stream with a filter (the last one by default) until Ctrl-C", run: (*Session).cmdTail},
		{name: "explain", args: "[N] [FILTER]", summary: "explain a filter (the last one by default), or why event N of the last results matches it or not", run: (*Session).cmdExplain},
		{name: "save", args: "FILE", summary: "save the last results to FILE as JSON lines", run: (*Session).cmdSave},
		{name: "source", args: "FILE.kfl", summary: "run the filters (and commands) of a file", run: (*Session).cmdSource},
		{name: "token", args: "[reset]", summary: "show the continuation token, or forget it to start the stream over", run: (*Session).cmdToken, complete: fixedArgs("reset")},
		{name: "status", args: "", summary: "show the connection and the settings", run: (*Session).cmdStatus},
		{name: "quit", args: "", summary: "leave (also .exit or Ctrl-D)", run: func(*Session, context.Context, string) error { return ErrQuit }},
	}
}

func lookupCommand(name string) *metaCommand {
	if name == "exit" {
		name = "quit"
	}
	for _, c := range metaCommands {
		if c.name == name {
			return c
		}
	}
	return nil
}

func (s *Session) meta(ctx context.Context, name, args string) error {
	c := lookupCommand(name)
	if c == nil {
		var names []string
		for _, c := range metaCommands {
			names = append(names, c.name)
		}
		if near := schema.Closest(name, names, 1); len(near) > 0 {
			return s.failf("unknown command .%s; did you mean .%s? (.help lists them)", name, near[0])
		}
		return s.failf("unknown command .%s (.help lists them)", name)
	}
	return c.run(s, ctx, args)
}

func fixedArgs(words ...string) func(*Session, string) []string {
	return func(*Session, string) []string { return words }
}

func completeCommandNames(*Session, string) []string {
	var out []string
	for _, c := range metaCommands {
		out = append(out, c.name)
	}
	return out
}

func completeFieldNames(s *Session, _ string) []string {
	var out []string
	for _, f := range s.schema.Fields() {
		out = append(out, f.Name)
	}
	return out
}

func (s *Session) cmdHelp(_ context.Context, args string) error {
	if args != "" {
		c := lookupCommand(strings.TrimPrefix(strings.ToLower(args), "."))
		if c == nil {
			return s.failf("no command .%s", strings.TrimPrefix(args, "."))
		}
		fmt.Fprintf(s.out, ".%s %s\n  %s\n", c.name, c.args, c.summary)
		return nil
	}
	fmt.Fprint(s.out, `Type a filter to check it and run it, for example:
  EventType == 'process' AND FileName == '*powershell*'
A line that ends with AND, OR, NOT or an operator, or leaves a parenthesis open, continues on
the next. Tab completes fields, operators, values and commands. Ctrl-C cancels a running query.
A new filter starts from the oldest events held; the same filter again continues where its last
answer stopped (the next page, or what arrived since); .token reset starts over.

Commands:
`)
	for _, c := range metaCommands {
		syn := "." + c.name
		if c.args != "" {
			syn += " " + c.args
		}
		fmt.Fprintf(s.out, "  %-27s %s\n", syn, c.summary)
	}
	return nil
}

func (s *Session) cmdFields(_ context.Context, args string) error {
	fields := lang.SelectFields(s.schema, args)
	if len(fields) == 0 {
		return s.failf("no field matches %q", args)
	}
	width := 0
	for _, f := range fields {
		width = max(width, len(f.Name))
	}
	for _, f := range fields {
		typ := f.Type.String()
		if f.Array {
			typ += "[]"
		}
		fmt.Fprintf(s.out, "%-*s  %-9s %s\n", width, f.Name, typ, truncate(firstSentence(f.Description), 70))
	}
	s.note("%s", words.Plural(len(fields), "field"))
	return nil
}

// firstSentence returns the first line of a description.
func firstSentence(d string) string {
	d, _, _ = strings.Cut(d, "\n")
	return d
}

func (s *Session) cmdDescribe(_ context.Context, args string) error {
	if args == "" {
		return s.failf("usage: .describe FIELD")
	}
	f, ok := s.schema.Lookup(args)
	if !ok {
		if fs := s.schema.LookupFold(args); len(fs) > 0 {
			f = fs[0]
		} else {
			if near := s.schema.Suggest(args); len(near) > 0 {
				return s.failf("no field %s; did you mean %s?", args, strings.Join(near, ", "))
			}
			return s.failf("no field %s (.fields lists them)", args)
		}
	}
	w := s.out
	fmt.Fprintf(w, "%s\n", s.paint(ansiBold, f.Name))
	typ := f.Type.String()
	if f.Array {
		typ += ", several values (the path crosses an array: a comparison holds when it holds for any)"
	}
	fmt.Fprintf(w, "  type:        %s\n", typ)
	if len(f.Aliases) > 0 {
		fmt.Fprintf(w, "  also:        %s\n", strings.Join(f.Aliases, ", "))
	}
	if f.Description != "" {
		fmt.Fprintf(w, "  description: %s\n", f.Description)
	}
	if len(f.EventTypes) > 0 {
		fmt.Fprintf(w, "  event types: %s\n", strings.Join(f.EventTypes, ", "))
	} else {
		fmt.Fprintf(w, "  event types: any\n")
	}
	if len(f.Values) > 0 {
		kind := "known values"
		if f.Closed {
			kind = "values (all of them)"
		}
		fmt.Fprintf(w, "  %s:\n", kind)
		for _, v := range f.Values {
			lit := v.Text
			if f.Type == schema.String {
				lit = ast.QuoteString(v.Text)
			}
			if v.Description != "" {
				fmt.Fprintf(w, "    %-36s %s\n", lit, v.Description)
			} else {
				fmt.Fprintf(w, "    %s\n", lit)
			}
		}
	}
	return nil
}

func (s *Session) cmdFormat(_ context.Context, args string) error {
	if args == "" {
		fmt.Fprintf(s.out, "format %s\n", s.format)
		return nil
	}
	f, ok := ParseFormat(args)
	if !ok {
		return s.failf("unknown format %q: table, json or jsonl", args)
	}
	s.format = f
	fmt.Fprintf(s.out, "format %s\n", s.format)
	return nil
}

func (s *Session) cmdColumns(_ context.Context, args string) error {
	switch {
	case args == "":
	case strings.EqualFold(args, "auto"):
		s.columns = nil
	default:
		var cols []string
		for _, c := range strings.FieldsFunc(args, func(r rune) bool { return r == ',' || r == ' ' }) {
			name := c
			if f, ok := s.schema.Lookup(c); ok {
				name = f.Name
			} else if fs := s.schema.LookupFold(c); len(fs) > 0 {
				name = fs[0].Name
			} else if !s.cfg.AllowUnknownFields {
				if near := s.schema.Suggest(c); len(near) > 0 {
					return s.failf("no field %s; did you mean %s?", c, strings.Join(near, ", "))
				}
				return s.failf("no field %s (.fields lists them)", c)
			}
			cols = append(cols, name)
		}
		s.columns = cols
	}
	if s.columns == nil {
		if len(s.columnsFor(nil)) > len(baseColumns) {
			fmt.Fprintf(s.out, "columns auto: Node %s and the fields the filter uses\n", strings.Join(baseColumns, " "))
			return nil
		}
		fmt.Fprintf(s.out, "columns auto: %s and the fields the filter uses\n", strings.Join(baseColumns, " "))
		return nil
	}
	fmt.Fprintf(s.out, "columns %s\n", strings.Join(s.columns, " "))
	return nil
}

func (s *Session) cmdLimit(_ context.Context, args string) error {
	if args != "" {
		n, err := strconv.Atoi(args)
		if err != nil || n <= 0 {
			return s.failf("limit: want a positive number of events, not %q", args)
		}
		s.limit = n
	}
	fmt.Fprintf(s.out, "limit %d (max_events)\n", s.limit)
	return nil
}

var isoSeconds = regexp.MustCompile(`^(?i)PT(\d+)S$`)

// ParseTimeout reads a max_timeout: a Go duration (5s, 1m30s), the API's PT<n>S form, or a
// bare number of seconds. It must be whole seconds from 1 s to 5 minutes.
func ParseTimeout(text string) (time.Duration, error) {
	var d time.Duration
	if m := isoSeconds.FindStringSubmatch(text); m != nil {
		n, err := strconv.Atoi(m[1])
		if err != nil {
			return 0, fmt.Errorf("bad timeout %q", text)
		}
		d = time.Duration(n) * time.Second
	} else if n, err := strconv.Atoi(text); err == nil {
		d = time.Duration(n) * time.Second
	} else if d, err = time.ParseDuration(text); err != nil {
		return 0, fmt.Errorf("bad timeout %q: write 5s, 2m or PT30S", text)
	}
	if d < time.Second || d > MaxTimeout {
		return 0, fmt.Errorf("timeout %v out of range: from 1s to 5m (max_timeout)", d)
	}
	if d%time.Second != 0 {
		return 0, fmt.Errorf("timeout %v: max_timeout is whole seconds", d)
	}
	return d, nil
}

func (s *Session) cmdTimeout(_ context.Context, args string) error {
	if args != "" {
		d, err := ParseTimeout(args)
		if err != nil {
			return s.failf("%v", err)
		}
		s.timeout = d
	}
	fmt.Fprintf(s.out, "timeout %v (max_timeout PT%dS)\n", s.timeout, int(s.timeout/time.Second))
	return nil
}

func (s *Session) cmdSave(_ context.Context, args string) error {
	if args == "" {
		return s.failf("usage: .save FILE")
	}
	if s.last == nil {
		return s.failf("no results to save yet: run a filter first")
	}
	path := expandHome(args)
	if err := writeEvents(path, s.last); err != nil {
		return s.failf("save: %v", err)
	}
	fmt.Fprintf(s.out, "saved %s to %s\n", words.Plural(len(s.last), "event"), args)
	return nil
}

// writeEvents writes events as JSON lines to path, through a temporary file renamed into
// place, so that a failure never leaves a half-written file.
func writeEvents(path string, events []Event) error {
	var b bytes.Buffer
	for _, e := range events {
		b.Write(compactJSON(e.Raw))
		b.WriteByte('\n')
	}
	return fileutil.WriteAtomic(path, b.Bytes(), 0o644)
}

func expandHome(p string) string {
	if rest, ok := strings.CutPrefix(p, "~/"); ok {
		if home, err := os.UserHomeDir(); err == nil {
			return filepath.Join(home, rest)
		}
	}
	return p
}

func (s *Session) cmdSource(ctx context.Context, args string) error {
	if args == "" {
		return s.failf("usage: .source FILE.kfl")
	}
	data, err := os.ReadFile(expandHome(args))
	if err != nil {
		return s.failf("source: %v", err)
	}
	text := string(data)
	var firstErr error
	for _, e := range kfl.Split(text) {
		if ctx.Err() != nil {
			return nil
		}
		entry := strings.TrimSpace(e.Text)
		fmt.Fprintf(s.out, "%s\n", s.paint(ansiCyan, fmt.Sprintf("%s:%d: %s", args, e.Line, oneLine(entry))))
		var err error
		if name, margs, ok := splitMeta(entry); ok {
			if name == "quit" {
				return nil
			}
			err = s.meta(ctx, name, margs)
		} else {
			err = s.runFilter(ctx, e.Text, &origin{name: args, text: text, offset: e.Offset})
		}
		if err != nil && firstErr == nil {
			firstErr = err
		}
	}
	return firstErr
}

// oneLine joins the lines of a multi-line filter for a heading.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

func (s *Session) cmdToken(_ context.Context, args string) error {
	switch strings.ToLower(args) {
	case "":
		toks := s.backend.Tokens()
		if len(toks) == 0 {
			fmt.Fprintln(s.out, "no continuation token: the next query starts a new stream")
			return nil
		}
		for _, t := range toks {
			if t.Node != "" {
				fmt.Fprintf(s.out, "%s: %s\n", t.Node, t.Token)
			} else {
				fmt.Fprintln(s.out, t.Token)
			}
		}
		return nil
	case "reset":
		s.backend.ResetToken()
		fmt.Fprintln(s.out, "token reset: the next query starts a new stream")
		return nil
	}
	return s.failf("usage: .token [reset]")
}

func (s *Session) cmdStatus(ctx context.Context, _ string) error {
	for _, l := range s.backend.Status(ctx) {
		fmt.Fprintln(s.out, l)
	}
	cols := "auto"
	if s.columns != nil {
		cols = strings.Join(s.columns, " ")
	}
	fmt.Fprintf(s.out, "settings: format %s, columns %s, limit %d, timeout %v\n", s.format, cols, s.limit, s.timeout)
	if toks := s.backend.Tokens(); len(toks) > 0 {
		fmt.Fprintf(s.out, "continuation token: held (%s)\n", words.Plural(len(toks), "node"))
	} else {
		fmt.Fprintln(s.out, "continuation token: none")
	}
	return nil
}

// commandNames returns the names of the commands, for completion.
func commandNames() []string {
	var out []string
	for _, c := range metaCommands {
		out = append(out, c.name)
	}
	out = append(out, "exit")
	slices.Sort(out)
	return out
}
