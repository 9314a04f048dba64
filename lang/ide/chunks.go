package ide

import (
	"sort"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/katafilter/katafilter/lang"
	"github.com/katafilter/katafilter/lang/kfl"
)

// chunkFilters is about how many filters a chunk holds: an edit reads again the chunk or two
// it touches, and a new version copies one pointer per chunk.
const chunkFilters = 64

// chunk is a run of whole lines of a document that starts on a line whose meaning does not
// depend on the lines above it: a line that does not start with a blank (a filter, a
// comment), or a line of blanks only. An indented line continues the filter above it, so it
// never starts a chunk. A chunk never changes once made.
type chunk struct {
	text    string
	entries []kfl.Entry // offsets and 1-based lines relative to the chunk
	slots   []slot      // slots[j] analyses entries[j]
	lines   []int       // the offsets of the starts of its lines, lines[0] == 0
	breaks  int         // its line breaks

	diagOnce sync.Once
	diagDone atomic.Bool // diag is made
	diag     []int       // the entries with diagnostics, once all are analysed

	mu  sync.Mutex
	has map[string]bool // contains's answers
}

// makeChunks cuts text into chunks. atStart is set when text starts the document (a byte
// order mark is not part of its first filter). reuse lends analyses by filter text.
func makeChunks(text string, atStart bool, reuse map[string]*lang.Filter) []*chunk {
	entries := kfl.Split(text)
	var out []*chunk
	cut, line := 0, 0 // where the current chunk starts: offset, 0-based line
	first := 0        // its first entry
	emit := func(end, next int) {
		c := &chunk{text: text[cut:end], entries: make([]kfl.Entry, next-first)}
		for j, e := range entries[first:next] {
			e.Offset -= cut
			e.Line -= line
			c.entries[j] = e
		}
		c.index(reuse)
		out = append(out, c)
		line += c.breaks
		cut, first = end, next
	}
	for i, e := range entries {
		if i-first >= chunkFilters && startsChunk(text, e.Offset, atStart) {
			emit(e.Offset, i)
		}
	}
	emit(len(text), len(entries))
	return out
}

// startsChunk reports whether the line at off may start a chunk.
func startsChunk(text string, off int, atStart bool) bool {
	if off == 0 {
		return atStart
	}
	if text[off-1] != '\n' {
		return false
	}
	c := text[off]
	return c != ' ' && c != '\t' && c != 0xEF // not indented, not a byte order mark
}

// index finds the chunk's lines and lends it the analyses it can reuse.
func (c *chunk) index(reuse map[string]*lang.Filter) {
	c.lines = []int{0}
	for i := 0; i < len(c.text); i++ {
		if c.text[i] == '\n' {
			c.breaks++
			if i+1 < len(c.text) {
				c.lines = append(c.lines, i+1)
			}
		}
	}
	c.slots = make([]slot, len(c.entries))
	for j, e := range c.entries {
		if f, ok := reuse[e.Text]; ok {
			c.slots[j].filter = f
		}
	}
}

// lineEnd returns the offset of the end of line r of the chunk (before its line break).
func (c *chunk) lineEnd(r int) int {
	if i := strings.IndexByte(c.text[c.lines[r]:], '\n'); i >= 0 {
		return c.lines[r] + i
	}
	return len(c.text)
}

// analysedAt returns the analysis of filter j if it has been made.
func (c *chunk) analysedAt(j int) *lang.Filter {
	s := &c.slots[j]
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.filter
}

// filter returns the analysis of filter j, making it on first use.
func (c *chunk) filter(j int, cfg lang.Config) *lang.Filter {
	s := &c.slots[j]
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.filter == nil {
		s.filter = lang.Analyze(c.entries[j].Text, cfg)
	}
	return s.filter
}

// analysedTo adds the analyses made so far to m, by filter text.
func (c *chunk) analysedTo(m map[string]*lang.Filter) {
	for j := range c.slots {
		if f := c.analysedAt(j); f != nil {
			m[f.Source] = f
		}
	}
}

// diagnosed returns the filters of the chunk that have diagnostics (analysing them all).
func (c *chunk) diagnosed(cfg lang.Config) []int {
	c.diagOnce.Do(func() {
		for j := range c.entries {
			if len(c.filter(j, cfg).Diagnostics) > 0 {
				c.diag = append(c.diag, j)
			}
		}
		c.diagDone.Store(true)
	})
	return c.diag
}

func (c *chunk) contains(s string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	v, ok := c.has[s]
	if !ok {
		if c.has == nil {
			c.has = map[string]bool{}
		}
		v = strings.Contains(c.text, s)
		c.has[s] = v
	}
	return v
}

// assemble makes a document of chunks.
func assemble(cfg lang.Config, chunks []*chunk) *Document {
	d := &Document{cfg: cfg, chunks: chunks, start: make([]int, len(chunks)+1), line: make([]int, len(chunks)+1),
		first: make([]int, len(chunks)+1)}
	for k, c := range chunks {
		d.start[k+1] = d.start[k] + len(c.text)
		d.line[k+1] = d.line[k] + c.breaks
		d.first[k+1] = d.first[k] + len(c.entries)
	}
	return d
}

// chunkAt returns the chunk that holds byte offset off (the last one for the text's end).
func (d *Document) chunkAt(off int) int {
	k := sort.Search(len(d.chunks), func(k int) bool { return d.start[k] > off }) - 1
	return max(0, k)
}

// filterChunk returns the chunk of filter i and its index there.
func (d *Document) filterChunk(i int) (int, int) {
	k := sort.Search(len(d.chunks), func(k int) bool { return d.first[k+1] > i })
	k = min(k, len(d.chunks)-1)
	return k, i - d.first[k]
}
