package ide

import (
	"runtime"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"unicode/utf8"

	"github.com/katafilter/katafilter/lang"
	"github.com/katafilter/katafilter/lang/ast"
	"github.com/katafilter/katafilter/lang/diag"
	"github.com/katafilter/katafilter/lang/kfl"
)

// Document is one version of a .kfl file: its filters (see package kfl), each analysed on
// first use. A Document never changes once made and is safe for concurrent use; an editor
// makes a new one for each version of the text.
type Document struct {
	text    string
	cfg     lang.Config
	entries []kfl.Entry
	slots   []slot
}

type slot struct {
	mu     sync.Mutex
	filter *lang.Filter // nil until analysed
}

// NewDocument splits text into its filters. prev, the document's previous version (or nil),
// lends the analyses of filters whose text and configuration have not changed, so that an
// edit re-analyses only the filters it touched.
func NewDocument(text string, cfg lang.Config, prev *Document) *Document {
	d := &Document{text: text, cfg: cfg, entries: kfl.Split(text)}
	d.slots = make([]slot, len(d.entries))
	if prev != nil && prev.cfg == cfg {
		done := map[string]*lang.Filter{}
		for i := range prev.slots {
			if f := prev.analysed(i); f != nil {
				done[f.Source] = f
			}
		}
		for i, e := range d.entries {
			if f, ok := done[e.Text]; ok {
				d.slots[i].filter = f
			}
		}
	}
	return d
}

// analysed returns filter i if it has been analysed already, without analysing it.
func (d *Document) analysed(i int) *lang.Filter {
	s := &d.slots[i]
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.filter
}

// Text returns the document's text.
func (d *Document) Text() string { return d.text }

// Config returns the configuration the filters are analysed with.
func (d *Document) Config() lang.Config { return d.cfg }

// Entries returns the filters of the document. The slice must not be modified.
func (d *Document) Entries() []kfl.Entry { return d.entries }

// Filter returns the analysis of entry i (spans relative to the entry's text).
func (d *Document) Filter(i int) *lang.Filter {
	s := &d.slots[i]
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.filter == nil {
		s.filter = lang.Analyze(d.entries[i].Text, d.cfg)
	}
	return s.filter
}

// Diagnostics returns the diagnostics of every filter, with spans and fixes in file offsets.
// The filters not analysed yet are analysed in parallel.
func (d *Document) Diagnostics() diag.List {
	d.AnalyseAll()
	var out diag.List
	for i, e := range d.entries {
		out = append(out, d.Filter(i).Diagnostics.Shift(e.Offset)...)
	}
	return out
}

// AnalyseAll analyses every filter not analysed yet, spreading the work over the processors.
func (d *Document) AnalyseAll() {
	n := len(d.entries)
	workers := min(runtime.GOMAXPROCS(0), n/64)
	if workers <= 1 {
		return // Filter analyses on demand
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= n {
					return
				}
				d.Filter(i)
			}
		}()
	}
	wg.Wait()
}

// EntryAt returns the index of the filter whose text contains byte offset off (its end
// included), and false when off lies outside every filter.
func (d *Document) EntryAt(off int) (int, bool) {
	i := sort.Search(len(d.entries), func(i int) bool { return d.entries[i].Offset > off }) - 1
	if i < 0 {
		return 0, false
	}
	e := d.entries[i]
	return i, off <= e.Offset+len(e.Text)
}

// filterAt returns the text of the filter being written at off and its offset in the file.
// Inside a filter that is the filter; on an indented line just below a filter it is that
// filter continued up to off; on a line of its own it is that line. A # line has none.
func (d *Document) filterAt(off int) (string, int, bool) {
	off = clamp(off, len(d.text))
	lineStart := strings.LastIndexByte(d.text[:off], '\n') + 1
	if strings.HasPrefix(d.text[lineStart:], "#") {
		return "", 0, false
	}
	i, in := d.EntryAt(off)
	if in {
		e := d.entries[i]
		return e.Text, e.Offset, true
	}
	lineEnd := len(d.text)
	if j := strings.IndexByte(d.text[off:], '\n'); j >= 0 {
		lineEnd = off + j
	}
	before := d.text[lineStart:off]
	if i >= 0 && len(d.entries) > 0 && strings.TrimSpace(before) == "" && before != "" {
		e := d.entries[i]
		if end := e.Offset + len(e.Text); lineStart > 0 && strings.TrimRight(d.text[end:lineStart], "\r") == "\n" {
			return d.text[e.Offset:off], e.Offset, true
		}
	}
	return strings.TrimSuffix(d.text[lineStart:lineEnd], "\r"), lineStart, true
}

// Complete returns the completion items at byte offset off of the file, spans in file offsets.
func (d *Document) Complete(off int) []Item {
	text, base, ok := d.filterAt(off)
	if !ok {
		return nil
	}
	items := Complete(text, off-base, d.cfg)
	for i := range items {
		items[i].Replace = items[i].Replace.Shift(base)
	}
	return items
}

// Hover explains the token at byte offset off of the file.
func (d *Document) Hover(off int) (Hover, bool) {
	i, ok := d.EntryAt(off)
	if !ok {
		return Hover{}, false
	}
	e := d.entries[i]
	h, ok := HoverAt(e.Text, off-e.Offset, d.cfg)
	h.Span = h.Span.Shift(e.Offset)
	return h, ok
}

// Signature returns help for the in list around byte offset off of the file.
func (d *Document) Signature(off int) (Signature, bool) {
	text, base, ok := d.filterAt(off)
	if !ok {
		return Signature{}, false
	}
	return SignatureAt(text, off-base, d.cfg)
}

// Tokens returns the highlighting tokens of the file, comments included, in order.
func (d *Document) Tokens() []Token {
	var out []Token
	for off := 0; off < len(d.text); {
		end := strings.IndexByte(d.text[off:], '\n')
		next := len(d.text)
		if end < 0 {
			end = len(d.text)
		} else {
			end += off
			next = end + 1
		}
		if d.text[off] == '#' {
			out = append(out, Token{ast.Span{Start: off, End: off + len(strings.TrimSuffix(d.text[off:end], "\r"))}, TokenComment})
		}
		off = next
	}
	for _, e := range d.entries {
		for _, t := range Classify(e.Text) {
			t.Span = t.Span.Shift(e.Offset)
			out = append(out, t)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Span.Start < out[j].Span.Start })
	return out
}

// Symbol is one filter of the file, for an outline.
type Symbol struct {
	Name      string   // the filter's text on one line, shortened
	Detail    string   // the event types it selects, when it pins them
	Span      ast.Span // the whole filter
	Selection ast.Span // its first line
}

// Symbols returns one symbol per filter.
func (d *Document) Symbols() []Symbol {
	out := make([]Symbol, len(d.entries))
	for i, e := range d.entries {
		first := e.Text
		if j := strings.IndexByte(first, '\n'); j >= 0 {
			first = strings.TrimSuffix(first[:j], "\r")
		}
		sym := Symbol{Name: shorten(strings.Join(strings.Fields(e.Text), " "), 80), Span: e.Span(),
			Selection: ast.Span{Start: e.Offset, End: e.Offset + len(first)}}
		if f := d.Filter(i); f.Info != nil && f.Info.PinsEventType {
			sym.Detail = strings.Join(f.Info.EventTypes, ", ")
		}
		out[i] = sym
	}
	return out
}

func shorten(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

// Folds returns the spans of the filters that take more than one line.
func (d *Document) Folds() []ast.Span {
	var out []ast.Span
	for _, e := range d.entries {
		if strings.Contains(e.Text, "\n") {
			out = append(out, e.Span())
		}
	}
	return out
}

// FormatEdits returns the edits that write each filter overlapping span in canonical form
// (package format). Filters with a syntax error are left alone.
func (d *Document) FormatEdits(span ast.Span) []diag.Edit {
	var out []diag.Edit
	for _, e := range d.entries {
		es := e.Span()
		if es.End < span.Start || es.Start > span.End {
			continue
		}
		if text, ok := formatted(e.Text); ok {
			out = append(out, diag.Edit{Span: es, NewText: text})
		}
	}
	return out
}

// formatted returns the canonical text of a filter, and false when it cannot be formatted or
// is canonical already.
func formatted(src string) (string, bool) {
	text, diags := lang.Format(src)
	if text == "" && diags.HasErrors() {
		return "", false
	}
	return text, text != src
}

// ActionKind says what an action does.
type ActionKind int

// The kinds of action.
const (
	ActionFix    ActionKind = iota + 1 // applies a diagnostic's suggested fix
	ActionFormat                       // writes a filter in canonical form
)

// Action is a change an editor may offer: a diagnostic's fix, or formatting a filter.
type Action struct {
	Title      string
	Kind       ActionKind
	Diagnostic *diag.Diagnostic // the diagnostic fixed, for ActionFix (file offsets)
	Edits      []diag.Edit      // file offsets
	Preferred  bool             // a safe fix: the one to apply without asking
}

// Actions returns the fixes of the diagnostics that touch span and, for each filter that
// span touches and that is not in canonical form, "format filter".
func (d *Document) Actions(span ast.Span) []Action {
	var out []Action
	for _, dg := range d.Diagnostics() {
		if dg.Span.End < span.Start || dg.Span.Start > span.End {
			continue
		}
		dg := dg
		for _, f := range dg.Fixes {
			out = append(out, Action{Title: f.Title, Kind: ActionFix, Diagnostic: &dg, Edits: f.Edits, Preferred: f.Safe})
		}
	}
	for _, e := range d.FormatEdits(span) {
		out = append(out, Action{Title: "format filter", Kind: ActionFormat, Edits: []diag.Edit{e}})
	}
	return out
}
