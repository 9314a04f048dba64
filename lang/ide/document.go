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
// makes a new one for each version of the text: [Document.Edit] for an edit, which reads again
// and re-analyses only the filters around the edit, so that its cost does not grow with the
// document.
//
// The text is held in chunks of about chunkFilters filters (see chunks.go); a version shares
// the chunks an edit did not touch with the version before.
type Document struct {
	cfg    lang.Config
	chunks []*chunk
	start  []int // start[k]: the byte offset of chunk k; start[len(chunks)]: the text's length
	line   []int // line[k]: the 0-based line on which chunk k starts
	first  []int // first[k]: the index of chunk k's first filter; first[len(chunks)]: the count

	textOnce    sync.Once
	text        string
	entriesOnce sync.Once
	entries     []kfl.Entry
}

type slot struct {
	mu     sync.Mutex
	filter *lang.Filter // nil until analysed
}

// NewDocument splits text into its filters. prev, the document's previous version (or nil),
// lends the analyses of filters whose text and configuration have not changed, so that a new
// version re-analyses only the filters that changed.
func NewDocument(text string, cfg lang.Config, prev *Document) *Document {
	var reuse map[string]*lang.Filter
	if prev != nil && prev.cfg == cfg {
		reuse = map[string]*lang.Filter{}
		for _, c := range prev.chunks {
			c.analysedTo(reuse)
		}
	}
	return assemble(cfg, makeChunks(text, true, reuse))
}

// Edit returns the document with the bytes of span replaced by text. Only the chunks the
// edit touches are read again; their unchanged filters keep their analyses.
func (d *Document) Edit(span ast.Span, text string) *Document {
	n := d.Len()
	a, b := clamp(min(span.Start, span.End), n), clamp(max(span.Start, span.End), n)
	ka, kb := d.chunkAt(a), d.chunkAt(b)
	// An edit on the first line of a chunk may make it continue the filter above: read the
	// chunk before too.
	if c := d.chunks[ka]; ka > 0 && a-d.start[ka] <= c.lineEnd(0) {
		ka--
	}
	// A small chunk (what is left after a deletion) is read again with the next, so that
	// chunks do not crumble over many edits.
	if kb+1 < len(d.chunks) && d.first[kb+1]-d.first[ka] < chunkFilters/2 {
		kb++
	}
	var region strings.Builder
	for _, c := range d.chunks[ka : kb+1] {
		region.WriteString(c.text)
	}
	old := region.String()
	base := d.start[ka]
	reuse := map[string]*lang.Filter{}
	for _, c := range d.chunks[ka : kb+1] {
		c.analysedTo(reuse)
	}
	fresh := makeChunks(old[:a-base]+text+old[b-base:], ka == 0, reuse)
	chunks := make([]*chunk, 0, len(d.chunks)-(kb+1-ka)+len(fresh))
	chunks = append(append(append(chunks, d.chunks[:ka]...), fresh...), d.chunks[kb+1:]...)
	return assemble(d.cfg, chunks)
}

// analysed returns filter i if it has been analysed already, without analysing it.
func (d *Document) analysed(i int) *lang.Filter {
	k, j := d.filterChunk(i)
	s := &d.chunks[k].slots[j]
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.filter
}

// Text returns the document's text.
func (d *Document) Text() string {
	d.textOnce.Do(func() {
		var b strings.Builder
		b.Grow(d.Len())
		for _, c := range d.chunks {
			b.WriteString(c.text)
		}
		d.text = b.String()
	})
	return d.text
}

// Len returns the length of the document's text in bytes.
func (d *Document) Len() int { return d.start[len(d.chunks)] }

// Config returns the configuration the filters are analysed with.
func (d *Document) Config() lang.Config { return d.cfg }

// Entries returns the filters of the document. The slice must not be modified.
func (d *Document) Entries() []kfl.Entry {
	d.entriesOnce.Do(func() {
		d.entries = make([]kfl.Entry, 0, d.first[len(d.chunks)])
		for k := range d.chunks {
			for j := range d.chunks[k].entries {
				d.entries = append(d.entries, d.entry(k, j))
			}
		}
	})
	return d.entries
}

// entry returns filter j of chunk k with its offset and line in the file.
func (d *Document) entry(k, j int) kfl.Entry {
	e := d.chunks[k].entries[j]
	e.Offset += d.start[k]
	e.Line += d.line[k]
	return e
}

// entryAt returns filter i with its offset and line in the file.
func (d *Document) entryAt(i int) kfl.Entry { return d.entry(d.filterChunk(i)) }

// Filter returns the analysis of entry i (spans relative to the entry's text).
func (d *Document) Filter(i int) *lang.Filter {
	k, j := d.filterChunk(i)
	return d.chunks[k].filter(j, d.cfg)
}

// Diagnostics returns the diagnostics of every filter, with spans and fixes in file offsets.
// The filters not analysed yet are analysed in parallel.
func (d *Document) Diagnostics() diag.List {
	var out diag.List
	d.EachDiagnosed(func(e kfl.Entry, f *lang.Filter) {
		out = append(out, f.Diagnostics.Shift(e.Offset)...)
	})
	return out
}

// EachDiagnosed calls f, in file order, for each filter that has diagnostics, with its entry
// (file offsets) and analysis; the others cost nothing once their chunk has been seen, so
// that the diagnostics of a large document after an edit take time in proportion to the
// diagnostics, not to the document.
func (d *Document) EachDiagnosed(f func(e kfl.Entry, fl *lang.Filter)) {
	var todo []*chunk
	for _, c := range d.chunks {
		if !c.diagDone.Load() {
			todo = append(todo, c)
		}
	}
	analyse(todo, d.cfg)
	for k, c := range d.chunks {
		for _, j := range c.diagnosed(d.cfg) {
			f(d.entry(k, j), c.filter(j, d.cfg))
		}
	}
}

// Part is a run of the document's filters that the versions of the document share as long
// as edits do not touch it: the same Key, the same text and filters. Line and Offset are where
// it starts in this version.
type Part struct {
	Key          any
	Line, Offset int
}

// Parts returns the document's parts, in order.
func (d *Document) Parts() []Part {
	out := make([]Part, len(d.chunks))
	for k, c := range d.chunks {
		out[k] = Part{Key: c, Line: d.line[k], Offset: d.start[k]}
	}
	return out
}

// EachDiagnosedIn is [Document.EachDiagnosed] for the filters of part k only.
func (d *Document) EachDiagnosedIn(k int, f func(e kfl.Entry, fl *lang.Filter)) {
	c := d.chunks[k]
	for _, j := range c.diagnosed(d.cfg) {
		f(d.entry(k, j), c.filter(j, d.cfg))
	}
}

// Contains reports whether the text holds s (which must not hold a line break), chunk by
// chunk, remembering the answer of each chunk.
func (d *Document) Contains(s string) bool {
	for _, c := range d.chunks {
		if c.contains(s) {
			return true
		}
	}
	return false
}

// AnalyseAll analyses every filter not analysed yet, spreading the work over the processors.
func (d *Document) AnalyseAll() { analyse(d.chunks, d.cfg) }

// analyse analyses the filters of chunks not analysed yet, spreading the work over the
// processors.
func analyse(chunks []*chunk, cfg lang.Config) {
	var todo []func()
	for _, c := range chunks {
		for j := range c.slots {
			if c.analysedAt(j) == nil {
				todo = append(todo, func() { c.filter(j, cfg) })
			}
		}
	}
	workers := min(runtime.GOMAXPROCS(0), len(todo)/64)
	if workers <= 1 {
		for _, f := range todo {
			f()
		}
		return
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= len(todo) {
					return
				}
				todo[i]()
			}
		}()
	}
	wg.Wait()
}

// EntryAt returns the index of the filter whose text contains byte offset off (its end
// included), and false when off lies outside every filter.
func (d *Document) EntryAt(off int) (int, bool) {
	k := d.chunkAt(clamp(off, d.Len()))
	for ; k >= 0; k-- {
		c := d.chunks[k]
		j := sort.Search(len(c.entries), func(j int) bool { return c.entries[j].Offset > off-d.start[k] }) - 1
		if j >= 0 {
			e := d.entry(k, j)
			return d.first[k] + j, off <= e.Offset+len(e.Text)
		}
	}
	return 0, false
}

// slice returns the text between byte offsets a and b.
func (d *Document) slice(a, b int) string {
	a, b = clamp(a, d.Len()), clamp(b, d.Len())
	if k := d.chunkAt(a); b <= d.start[k+1] {
		return d.chunks[k].text[a-d.start[k] : b-d.start[k]]
	}
	return d.Text()[a:b]
}

// Slice returns the text between byte offsets a and b (clamped to the text).
func (d *Document) Slice(a, b int) string { return d.slice(a, max(a, b)) }

// LineCount returns the number of lines; a text that ends with a line break has an empty
// last line.
func (d *Document) LineCount() int {
	last := len(d.chunks) - 1
	return d.line[last] + d.chunks[last].breaks + 1
}

// LineStart returns the byte offset at which 0-based line l starts (the text's length for a
// line past the end).
func (d *Document) LineStart(l int) int {
	if l >= d.LineCount() {
		return d.Len()
	}
	k := sort.Search(len(d.chunks), func(k int) bool { return d.line[k] > l }) - 1
	c := d.chunks[k]
	if r := l - d.line[k]; r < len(c.lines) {
		return d.start[k] + c.lines[r]
	}
	return d.start[k] + len(c.text) // the empty line after a final line break
}

// LineOf returns the 0-based line that holds byte offset off.
func (d *Document) LineOf(off int) int {
	off = clamp(off, d.Len())
	k := d.chunkAt(off)
	c := d.chunks[k]
	rel := off - d.start[k]
	return d.line[k] + sort.Search(len(c.lines), func(i int) bool { return c.lines[i] > rel }) - 1 +
		boolInt(rel == len(c.text) && strings.HasSuffix(c.text, "\n"))
}

// Line returns the text of 0-based line l without its line break.
func (d *Document) Line(l int) string {
	start := d.LineStart(l)
	k := d.chunkAt(start)
	c := d.chunks[k]
	rel := start - d.start[k]
	if i := strings.IndexByte(c.text[rel:], '\n'); i >= 0 {
		return c.text[rel : rel+i]
	}
	return c.text[rel:]
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// filterAt returns the text of the filter being written at off and its offset in the file.
// Inside a filter that is the filter; on an indented line just below a filter it is that
// filter continued up to off; on a line of its own it is that line. A # line has none.
func (d *Document) filterAt(off int) (string, int, bool) {
	off = clamp(off, d.Len())
	l := d.LineOf(off)
	lineStart := d.LineStart(l)
	line := d.Line(l)
	if strings.HasPrefix(line, "#") {
		return "", 0, false
	}
	i, in := d.EntryAt(off)
	if in {
		e := d.entryAt(i)
		return e.Text, e.Offset, true
	}
	before := line[:off-lineStart]
	if strings.TrimSpace(before) == "" && before != "" && l > 0 {
		// On an indented line just below a filter: that filter, continued.
		if j, _ := d.EntryAt(lineStart - 1); d.first[len(d.chunks)] > 0 {
			e := d.entryAt(j)
			if end := e.Offset + len(e.Text); end <= lineStart && strings.TrimRight(d.slice(end, lineStart), "\r") == "\n" {
				return d.slice(e.Offset, off), e.Offset, true
			}
		}
	}
	return strings.TrimSuffix(line, "\r"), lineStart, true
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
	e := d.entryAt(i)
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
	text := d.Text()
	for off := 0; off < len(text); {
		end := strings.IndexByte(text[off:], '\n')
		next := len(text)
		if end < 0 {
			end = len(text)
		} else {
			end += off
			next = end + 1
		}
		if text[off] == '#' {
			out = append(out, Token{ast.Span{Start: off, End: off + len(strings.TrimSuffix(text[off:end], "\r"))}, TokenComment})
		}
		off = next
	}
	for _, e := range d.Entries() {
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
	out := make([]Symbol, len(d.Entries()))
	for i, e := range d.Entries() {
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
	for _, e := range d.Entries() {
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
	for _, e := range d.Entries() {
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
