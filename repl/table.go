package repl

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/katafilter/katafilter/lang/eval"
)

// The columns every table starts with, before the fields the filter uses.
var baseColumns = []string{"Timestamp", "EventType", "HostName"}

// nodeColumn is the column of the node that returned an event, shown when a backend has
// several (a PCN and its SCNs).
const nodeColumn = "\x00node"

const (
	maxCell       = 40                        // the widest a table cell gets, in characters
	timestampHead = "Timestamp (UTC)"         // the header of the Timestamp column
	timeLayout    = "2006-01-02 15:04:05.000" // how a Timestamp prints
)

// columnsFor returns the table columns for a program: the ones set with .columns, or the base
// columns followed by every field the filter reads.
func (s *Session) columnsFor(prog *eval.Program) []string {
	if s.columns != nil {
		return s.columns
	}
	var cols []string
	if nb, ok := s.backend.(interface{ NodeNames() []string }); ok && len(nb.NodeNames()) > 1 {
		cols = append(cols, nodeColumn)
	}
	return append(cols, Columns(prog)...)
}

// Columns returns the columns of a table of a program's matches: the time, type and host of
// the event, then every field the filter reads, each once.
func Columns(prog *eval.Program) []string {
	cols := append([]string(nil), baseColumns...)
	if prog == nil {
		return cols
	}
	for _, p := range prog.Paths() {
		name := strings.Join(p, ".")
		if !containsFold(cols, name) {
			cols = append(cols, name)
		}
	}
	return cols
}

func containsFold(list []string, s string) bool {
	for _, x := range list {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}

// printer writes events in the session's format. A table is collected and aligned at flush;
// a streaming table (for tail) prints each row at once with fixed widths.
type printer struct {
	s         *Session
	cols      []string
	rows      [][]string
	n         int // the number of the last row printed (1-based numbering)
	streaming bool
	widths    []int
}

func (s *Session) newPrinter(prog *eval.Program) *printer {
	return &printer{s: s, cols: s.columnsFor(prog)}
}

func (p *printer) headers() []string {
	h := []string{"#"}
	for _, c := range p.cols {
		switch c {
		case "Timestamp":
			c = timestampHead
		case nodeColumn:
			c = "Node"
		}
		h = append(h, c)
	}
	return h
}

// header starts a streaming table: the widths are fixed from the headers and typical values.
func (p *printer) header() {
	if p.s.format != Table || !p.streaming {
		return
	}
	h := p.headers()
	p.widths = make([]int, len(h))
	for i, c := range h {
		w := utf8.RuneCountInString(c)
		switch {
		case i == 0:
			w = max(w, 3)
		case p.cols[i-1] == "Timestamp":
			w = max(w, len(timeLayout))
		default:
			w = max(w, 20)
		}
		p.widths[i] = min(w, maxCell)
	}
	p.fit()
	p.writeRow(h, true)
}

// event prints or collects one event.
func (p *printer) event(e Event) {
	p.n++
	switch p.s.format {
	case JSON:
		var b bytes.Buffer
		if json.Indent(&b, e.Raw, "", "  ") != nil {
			b.Reset()
			b.Write(e.Raw)
		}
		fmt.Fprintln(p.s.out, b.String())
	case JSONL:
		var b bytes.Buffer
		if json.Compact(&b, e.Raw) != nil {
			b.Reset()
			b.Write(e.Raw)
		}
		fmt.Fprintln(p.s.out, b.String())
	default:
		row := []string{strconv.Itoa(p.n)}
		for _, c := range p.cols {
			if c == nodeColumn {
				row = append(row, sanitize(e.Node))
				continue
			}
			row = append(row, Cell(e.Value, c))
		}
		if p.streaming {
			p.writeRow(row, false)
			return
		}
		p.rows = append(p.rows, row)
	}
}

// flush prints a collected table.
func (p *printer) flush() {
	if p.s.format != Table || p.streaming || len(p.rows) == 0 {
		return
	}
	h := p.headers()
	p.widths = make([]int, len(h))
	for i, c := range h {
		p.widths[i] = utf8.RuneCountInString(c)
	}
	for _, r := range p.rows {
		for i, c := range r {
			p.widths[i] = min(max(p.widths[i], utf8.RuneCountInString(c)), maxCell)
		}
	}
	p.fit()
	p.writeRow(h, true)
	for _, r := range p.rows {
		p.writeRow(r, false)
	}
	p.rows = nil
}

// minCell is the narrowest fit makes a column, in characters.
const minCell = 8

// lineWidth is the width of the terminal, or 0 for no limit.
func (p *printer) lineWidth() int {
	if p.s.width == nil {
		return 0
	}
	return max(0, p.s.width())
}

// fit narrows the columns until a row fits the terminal: the widest column loses a character
// at a time, down to minCell; the row number and the Timestamp are cut last.
func (p *printer) fit() {
	limit := p.lineWidth()
	if limit == 0 {
		return
	}
	total := 2 * (len(p.widths) - 1)
	for _, w := range p.widths {
		total += w
	}
	for total > limit {
		widest := -1
		for _, keep := range []bool{true, false} { // first spare the row number and Timestamp
			for i := 1; i < len(p.widths); i++ {
				if keep && p.cols[i-1] == "Timestamp" || p.widths[i] <= minCell {
					continue
				}
				if widest < 0 || p.widths[i] > p.widths[widest] {
					widest = i
				}
			}
			if widest >= 0 {
				break
			}
		}
		if widest < 0 {
			return // as narrow as it gets: let the terminal wrap
		}
		p.widths[widest]--
		total--
	}
}

func (p *printer) writeRow(row []string, head bool) {
	var b strings.Builder
	limit := p.lineWidth()
	used := 0
	for i, c := range row {
		w := p.widths[i]
		last := i == len(row)-1
		if last {
			// The last column has room to the end of the line.
			if limit > 0 {
				w = max(w, limit-used)
			} else {
				w = max(w, maxCell)
			}
		}
		used += w + 2
		c = truncate(c, w)
		pad := w - utf8.RuneCountInString(c)
		if last {
			pad = 0 // no trailing blanks
		}
		if head {
			c = p.s.paint(ansiBold, c)
		}
		if i == 0 {
			b.WriteString(strings.Repeat(" ", pad)) // numbers align right
			b.WriteString(c)
		} else {
			b.WriteString(c)
			b.WriteString(strings.Repeat(" ", pad))
		}
		if i < len(row)-1 {
			b.WriteString("  ")
		}
	}
	fmt.Fprintln(p.s.out, b.String())
}

// truncate shortens s to w characters, marking the cut with "…".
func truncate(s string, w int) string {
	if utf8.RuneCountInString(s) <= w {
		return s
	}
	r := []rune(s)
	return string(r[:w-1]) + "…"
}

// Cell renders the value at a dotted field path of a decoded event as a table shows it: every
// value found (a path through an array finds several) joined with ", ", a Timestamp as a UTC
// time, control characters as \xNN.
func Cell(v any, column string) string {
	vals := lookup(v, strings.Split(column, "."))
	parts := make([]string, 0, len(vals))
	for _, x := range vals {
		if column == "Timestamp" {
			if t, ok := microTime(x); ok {
				parts = append(parts, t)
				continue
			}
		}
		parts = append(parts, ValueText(x))
	}
	return sanitize(strings.Join(parts, ", "))
}

// Values returns the values at a dotted field path of a decoded event, fanning out over arrays
// as the evaluator does.
func Values(v any, column string) []any { return lookup(v, strings.Split(column, ".")) }

// lookup returns the values at path in v, fanning out over arrays (as the evaluator does).
func lookup(v any, path []string) []any {
	if arr, ok := v.([]any); ok {
		var out []any
		for _, e := range arr {
			out = append(out, lookup(e, path)...)
		}
		return out
	}
	if len(path) == 0 {
		return []any{v}
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil
	}
	c, ok := m[path[0]]
	if !ok {
		return nil
	}
	return lookup(c, path[1:])
}

// microTime reads a Timestamp (microseconds since the Unix epoch) as a readable UTC time.
func microTime(v any) (string, bool) {
	n, ok := v.(json.Number)
	if !ok {
		return "", false
	}
	us, err := strconv.ParseInt(string(n), 10, 64)
	if err != nil {
		return "", false
	}
	return time.UnixMicro(us).UTC().Format(timeLayout), true
}

// ValueText prints one decoded JSON value: strings bare, anything else as JSON.
func ValueText(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case json.Number:
		return string(x)
	case nil:
		return "null"
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

// sanitize replaces control characters, so that an event cannot move the cursor or change
// the terminal's colours.
func sanitize(s string) string {
	clean := true
	for _, r := range s {
		if isControl(r) {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		if isControl(r) {
			fmt.Fprintf(&b, "\\x%02x", r)
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

func isControl(r rune) bool { return r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) }

// TableWriter prints events as the REPL prints them, for commands that show events outside a
// session (hunt): a table aligned when flushed (or JSON, JSON lines, as opt.Format says) with
// the columns of the REPL for prog: time, type, host and the fields the filter reads.
type TableWriter struct{ p *printer }

// NewTableWriter returns a writer to opt.Out in opt.Format, with opt.Color and opt.Width;
// the other options do not matter.
func NewTableWriter(opt Options, prog *eval.Program) *TableWriter {
	return &TableWriter{p: New(opt).newPrinter(prog)}
}

// Write prints or collects one event.
func (t *TableWriter) Write(e Event) { t.p.event(e) }

// Flush prints the collected table.
func (t *TableWriter) Flush() { t.p.flush() }
