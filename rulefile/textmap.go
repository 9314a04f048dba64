package rulefile

import (
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/katafilter/katafilter/lang/ast"
)

// TextMap ties every byte of a filter's decoded text to the bytes of the file it was decoded
// from: decoded byte i came from file bytes [from(i), to(i)). An escape such as \t or ” maps
// its one decoded byte to the whole escape; a space that YAML made of a folded line break maps
// to that line break.
type TextMap struct {
	Text        string // the decoded text
	src, srcEnd []int  // decoded byte i came from file bytes [src[i], srcEnd[i])
	// identity maps Text, which sits verbatim at offset base of the file, without tables.
	identity bool
	base     int
	shift    int // added to src and srcEnd: the text before the filter grew by shift bytes
	// Exact is false when the decoded text could not be traced through the file (a scalar
	// style the scanner does not follow): then every byte maps to the scalar's first character.
	Exact bool
}

func (m *TextMap) add(s string, from, to int) {
	m.Text += s
	for range len(s) {
		m.src = append(m.src, from)
		m.srcEnd = append(m.srcEnd, to)
	}
}

// Span maps a span of the decoded text to a span of the file.
func (m *TextMap) Span(s ast.Span) ast.Span {
	n := m.len()
	if n == 0 {
		return ast.Span{}
	}
	start := max(0, min(s.Start, n-1))
	if s.Start >= n { // just past the end: the end of the text
		p := m.to(n - 1)
		return ast.Span{Start: p, End: p}
	}
	a := m.from(start)
	if s.End <= s.Start {
		return ast.Span{Start: a, End: a}
	}
	end := min(s.End, n) - 1
	return ast.Span{Start: a, End: max(a, m.to(end))}
}

// Offset maps a byte offset of the file to the offset of the decoded text it falls in: the
// first decoded byte that comes from at or after off (so a cursor inside an escape is before
// the character it decodes to), len(Text) past the last one.
func (m *TextMap) Offset(off int) int {
	if m.identity {
		return max(0, min(off-m.base, len(m.Text)))
	}
	return sort.Search(m.len(), func(i int) bool { return m.to(i) > off })
}

// Contains reports whether byte offset off of the file lies inside the decoded text or at its
// end: where a cursor edits the filter.
func (m *TextMap) Contains(off int) bool {
	n := m.len()
	return n > 0 && m.Exact && off >= m.from(0) && off <= m.to(n-1)
}

// len, from and to read the map: decoded byte i came from file bytes [from(i), to(i)).
func (m *TextMap) len() int {
	if m.identity {
		return len(m.Text)
	}
	return len(m.src)
}

func (m *TextMap) from(i int) int {
	if m.identity {
		return m.base + i
	}
	return m.src[i] + m.shift
}

func (m *TextMap) to(i int) int {
	if m.identity {
		return m.base + i + 1
	}
	return m.srcEnd[i] + m.shift
}

// Shifted returns the map of the same text moved by delta bytes in the file, sharing its
// tables.
func (m *TextMap) Shifted(delta int) *TextMap {
	c := *m
	c.base += delta
	c.shift += delta
	return &c
}

// Splice returns the map after the file bytes [a, b) are replaced by ins, bytes that the
// scalar reads verbatim (no escape, quote, line break or blank that its style would read
// otherwise: the caller makes sure). a and b must fall on the edges of decoded characters
// (not inside an escape, not in the indentation of a line); ok is false otherwise.
func (m *TextMap) Splice(a, b int, ins string) (*TextMap, bool) {
	from := make([]int, len(ins))
	for i := range from {
		from[i] = a + i
	}
	return m.splice(a, b, ins, from, len(ins))
}

// SpliceBreak returns the map of a literal block scalar (|) after a line break and blanks
// spaces are inserted at file offset a, which must lie inside a line of the block's content,
// before a character of it: the line is cut in two, and the second part indented by blanks
// spaces. indent is the block's indentation; the spaces beyond it are content. ok is false
// when a is not inside a line or blanks is less than indent.
func (m *TextMap) SpliceBreak(a, blanks, indent int) (*TextMap, bool) {
	if blanks < indent {
		return nil, false
	}
	text := "\n" + strings.Repeat(" ", blanks-indent)
	from := make([]int, len(text))
	from[0] = a
	for i := 1; i < len(text); i++ {
		from[i] = a + indent + i
	}
	return m.splice(a, a, text, from, 1+blanks)
}

// splice returns the map after the file bytes [a, b) are replaced by n bytes that decode to
// text, whose byte i comes from the one file byte at from[i].
func (m *TextMap) splice(a, b int, text string, from []int, n int) (*TextMap, bool) {
	size := m.len()
	if !m.Exact || size == 0 || a > b {
		return nil, false
	}
	ka, kb := m.Offset(a), m.Offset(b)
	edge := func(k, off int) bool { return k < size && m.from(k) == off || k == size && m.to(size-1) == off }
	// The bytes just before a must be a decoded character's, or blanks that the style drops
	// (at the end of a line) could become text.
	if !edge(ka, a) || !edge(kb, b) || ka > 0 && m.to(ka-1) != a {
		return nil, false
	}
	for k := ka; k < kb; k++ { // what is deleted must be as verbatim as what is inserted
		if m.to(k)-m.from(k) != 1 {
			return nil, false
		}
	}
	delta := n - (b - a)
	grow := len(text) - (kb - ka)
	out := &TextMap{Text: m.Text[:ka] + text + m.Text[kb:], Exact: true, src: make([]int, 0, size+grow), srcEnd: make([]int, 0, size+grow)}
	for k := range ka {
		out.src, out.srcEnd = append(out.src, m.from(k)), append(out.srcEnd, m.to(k))
	}
	for _, f := range from {
		out.src, out.srcEnd = append(out.src, f), append(out.srcEnd, f+1)
	}
	for k := kb; k < size; k++ {
		out.src, out.srcEnd = append(out.src, m.from(k)+delta), append(out.srcEnd, m.to(k)+delta)
	}
	return out, true
}

// identityMap maps text that sits verbatim at offset off in the file (without a table).
func identityMap(text string, off int) *TextMap {
	return &TextMap{Text: text, Exact: true, identity: true, base: off}
}

// pointMap is the conservative map used when the decoded text cannot be traced: every byte
// maps to the single character at off.
func pointMap(text string, off int, src string) *TextMap {
	w := 0 // at the end of the file, an empty span
	if off < len(src) {
		_, w = utf8.DecodeRuneInString(src[off:])
	}
	m := &TextMap{}
	m.add(text, off, off+w)
	return m
}

// Scalar is a YAML string scalar traced through the file.
type Scalar struct {
	Style byte // 0 plain, '\'' single-quoted, '"' double-quoted, '|' literal, '>' folded
	Map   *TextMap
	// Start and End delimit the scalar's text in the file: the quotes included for quoted
	// scalars; for block scalars, the content lines from the first content character to the
	// end of the last non-blank line (header and trailing line break excluded).
	Start, End int
	Indent     int  // block scalars: the content's indentation
	Flow       bool // inside a flow collection ({…} or […]), where , [ ] { } end a plain scalar (and no block may be)
}

// traceScalar follows the scalar that starts at file offset pos in the given style and
// returns it with an exact map when its decoded text is want; otherwise it returns a scalar
// with a conservative map.
func traceScalar(src string, pos int, style byte, want string) *Scalar {
	var sc *Scalar
	switch style {
	case '\'', '"':
		sc = traceQuoted(src, pos, style)
	case '|', '>':
		sc = traceBlock(src, pos, style, 0)
	default:
		sc = tracePlain(src, pos, want)
		if sc != nil && sc.Map.Text != want && noTabs(sc.Map.Text) == noTabs(want) {
			// The library lost the scalar's tabs (see noTabs): the text is the file's.
			sc.Map.Exact = true
			return sc
		}
	}
	if sc == nil || sc.Map.Text != want {
		return &Scalar{Style: style, Map: pointMap(want, pos, src), Start: pos, End: pos}
	}
	sc.Map.Exact = true
	return sc
}

// lineEnd returns the offset of the line break ending the line that holds i (or len(src)).
func lineEnd(src string, i int) int {
	if j := strings.IndexByte(src[i:], '\n'); j >= 0 {
		return i + j
	}
	return len(src)
}

// plainContent cuts a line of a plain scalar at a comment and trims trailing blanks.
func plainContent(line string) string {
	for i := 1; i < len(line); i++ {
		if line[i] == '#' && (line[i-1] == ' ' || line[i-1] == '\t') {
			line = line[:i]
			break
		}
	}
	return strings.TrimRight(line, " \t\r")
}

// noTabs returns s without its tab characters.
//
// A defect of github.com/goccy/go-yaml v1.19.2, in the form of a report upstream:
//
//	Title: plain scalars lose their tab characters
//	Version: v1.19.2 (go 1.26, linux/amd64)
//	Input:  "k: a\tb\n"       (a tab between a and b; also "k: [a\tb]\n" and inside
//	                           continuation lines of a multi-line plain scalar)
//	Code:   var m map[string]any; yaml.Unmarshal([]byte(input), &m)
//	Got:    m["k"] == "ab"     (parser.ParseBytes prints the node as "k: ab" too)
//	Want:   m["k"] == "a\tb"   (YAML 1.2.2, 7.3.3: a tab is s-white; inside a plain scalar
//	                           white space between non-space characters is content, and only
//	                           leading and trailing white space of a line is dropped)
//	Quoted scalars keep the tab ("k: 'a\tb'" gives "a\tb").
//
// A filter written "EventType == 'process'<TAB>AND ..." would read "'process'AND", and its
// positions would be lost. The workaround: a plain scalar is read from the file's own bytes
// (tracePlain), and accepted when it equals the library's value once tabs are removed from
// both; the file's text, tabs included, is the filter. TestPlainScalarTabs fails if the
// library starts to keep tabs, so that the workaround can go.
func noTabs(s string) string { return strings.ReplaceAll(s, "\t", "") }

// tracePlain follows a plain scalar: its first line, then continuation lines that YAML folds
// into single spaces (blank lines become line breaks). want is the library's value, compared
// without tabs (see noTabs).
func tracePlain(src string, pos int, want string) *Scalar {
	m := &TextMap{}
	le := lineEnd(src, pos)
	first := plainContent(src[pos:le])
	if strings.HasPrefix(first, want) { // also a plain scalar inside a flow collection
		first = want
	} else if n := prefixNoTabs(first, want); n > 0 && n < len(first) { // the same, tabs lost
		first = first[:n]
	}
	m.add1(first, pos)
	end := pos + len(first)
	breaks := []int{}
	want = noTabs(want)
	for noTabs(m.Text) != want && len(noTabs(m.Text)) < len(want) && le < len(src) {
		breaks = append(breaks, le)
		ls := le + 1
		le = lineEnd(src, ls)
		line := src[ls:le]
		trimmed := strings.TrimLeft(line, " \t")
		content := plainContent(trimmed)
		if content == "" {
			if strings.HasPrefix(trimmed, "#") {
				return nil
			}
			continue
		}
		if len(breaks) == 1 {
			m.add(" ", breaks[0], breaks[0]+1)
		} else {
			for _, b := range breaks[1:] {
				m.add("\n", b, b+1)
			}
		}
		breaks = breaks[:0]
		cs := ls + len(line) - len(trimmed)
		m.add1(content, cs)
		end = cs + len(content)
	}
	return &Scalar{Map: m, Start: pos, End: end}
}

// prefixNoTabs returns the length of the shortest prefix of s that, without its tabs, is
// want without its tabs, or 0 when none is.
func prefixNoTabs(s, want string) int {
	want = noTabs(want)
	j := 0
	for i := 0; i < len(s); i++ {
		if j == len(want) {
			return i
		}
		if s[i] == '\t' {
			continue
		}
		if s[i] != want[j] {
			return 0
		}
		j++
	}
	if j == len(want) {
		return len(s)
	}
	return 0
}

// add1 adds text that sits verbatim at off.
func (m *TextMap) add1(text string, off int) {
	for i := range len(text) {
		m.Text += text[i : i+1]
		m.src = append(m.src, off+i)
		m.srcEnd = append(m.srcEnd, off+i+1)
	}
}

// traceQuoted follows a single- or double-quoted scalar starting at its opening quote.
func traceQuoted(src string, pos int, q byte) *Scalar {
	if pos >= len(src) || src[pos] != q {
		return nil
	}
	m := &TextMap{}
	i := pos + 1
	for i < len(src) {
		c := src[i]
		switch {
		case c == q && q == '\'' && i+1 < len(src) && src[i+1] == '\'':
			m.add("'", i, i+2)
			i += 2
		case c == q:
			return &Scalar{Style: q, Map: m, Start: pos, End: i + 1}
		case c == '\\' && q == '"':
			n, ok := doubleEscape(src, i, m)
			if !ok {
				return nil
			}
			i += n
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			j := i
			for j < len(src) && (src[j] == ' ' || src[j] == '\t' || src[j] == '\r') {
				j++
			}
			if j < len(src) && src[j] == '\n' {
				i = foldBreaks(src, j, m)
				continue
			}
			m.add1(src[i:j], i)
			i = j
		default:
			m.add1(src[i:i+1], i)
			i++
		}
	}
	return nil
}

// foldBreaks folds the line break at j and any blank lines after it inside a quoted scalar:
// one break becomes a space, n breaks become n-1 line breaks. It returns where the text goes on.
func foldBreaks(src string, j int, m *TextMap) int {
	var breaks []int
	for j < len(src) && src[j] == '\n' {
		breaks = append(breaks, j)
		j++
		for j < len(src) && (src[j] == ' ' || src[j] == '\t' || src[j] == '\r') {
			j++
		}
	}
	if len(breaks) == 1 {
		m.add(" ", breaks[0], breaks[0]+1)
	} else {
		for _, b := range breaks[1:] {
			m.add("\n", b, b+1)
		}
	}
	return j
}

var simpleEscapes = map[byte]string{
	'0': "\x00", 'a': "\a", 'b': "\b", 't': "\t", '\t': "\t", 'n': "\n", 'v': "\v", 'f': "\f",
	'r': "\r", 'e': "\x1b", ' ': " ", '"': "\"", '/': "/", '\\': "\\",
	'N': "\u0085", '_': "\u00a0", 'L': "\u2028", 'P': "\u2029",
}

// doubleEscape decodes the escape at src[i] (a backslash) in a double-quoted scalar into m and
// returns how many bytes it took.
func doubleEscape(src string, i int, m *TextMap) (int, bool) {
	if i+1 >= len(src) {
		return 0, false
	}
	c := src[i+1]
	if s, ok := simpleEscapes[c]; ok {
		m.add(s, i, i+2)
		return 2, true
	}
	if c == '\n' || c == '\r' { // an escaped line break joins the lines with nothing between
		j := i + 1
		if src[j] == '\r' {
			j++
		}
		if j >= len(src) || src[j] != '\n' {
			return 0, false
		}
		j++
		for j < len(src) && (src[j] == ' ' || src[j] == '\t') {
			j++
		}
		return j - i, true
	}
	digits := map[byte]int{'x': 2, 'u': 4, 'U': 8}[c]
	if digits == 0 || i+2+digits > len(src) {
		return 0, false
	}
	n, err := strconv.ParseUint(src[i+2:i+2+digits], 16, 32)
	if err != nil {
		return 0, false
	}
	m.add(string(rune(n)), i, i+2+digits)
	return 2 + digits, true
}

// traceBlock follows a literal (|) or folded (>) block scalar whose header starts at pos.
// parent is the indentation of the node that holds it, which an explicit indentation
// indicator is relative to.
func traceBlock(src string, pos int, style byte, parent int) *Scalar {
	le := lineEnd(src, pos)
	header := src[pos:le]
	if k := strings.Index(header, " #"); k >= 0 {
		header = header[:k]
	}
	header = strings.TrimRight(header, " \t\r")
	if len(header) == 0 || len(header) > 3 || header[0] != '|' && header[0] != '>' {
		return nil // not where the library said: a line break the library counts and we do not (a lone \r)
	}
	chomp := byte(0)
	indent := -1
	for _, c := range []byte(header[1:]) {
		switch {
		case c == '-' || c == '+':
			chomp = c
		case c >= '1' && c <= '9':
			indent = parent + int(c-'0')
		default:
			return nil
		}
	}
	type line struct {
		start, end int // content after the indentation; end excludes the line break
		brk        int // offset of the line break, or -1 at the end of the file
		blank      bool
	}
	var lines []line
	for ls := le + 1; le < len(src) && ls <= len(src); {
		e := lineEnd(src, ls)
		text := strings.TrimRight(src[ls:e], "\r")
		sp := len(text) - len(strings.TrimLeft(text, " "))
		blank := strings.TrimLeft(text, " \t") == ""
		if !blank {
			if indent < 0 {
				indent = sp
				if indent == 0 {
					break
				}
			} else if sp < indent {
				break
			}
		} else if indent >= 0 && sp < indent && len(text) > sp {
			break
		}
		brk := e
		if e == len(src) {
			brk = -1
		}
		cs := ls + min(sp, max(indent, 0))
		if indent < 0 {
			cs = ls + sp
		}
		lines = append(lines, line{start: cs, end: ls + len(text), brk: brk, blank: blank})
		if e == len(src) {
			break
		}
		ls = e + 1
	}
	last := len(lines) - 1
	for last >= 0 && lines[last].blank {
		last--
	}
	if last < 0 {
		return nil
	}
	m := &TextMap{}
	moreIndented := func(l line) bool {
		return l.start < len(src) && (src[l.start] == ' ' || src[l.start] == '\t')
	}
	prev := -1 // the last non-blank line written
	for k := 0; k <= last; k++ {
		l := lines[k]
		if l.blank {
			continue
		}
		// The breaks between the previous non-blank line (or the header) and this one, and
		// what blank lines between them hold beyond the indentation (kept by literal blocks).
		var brks []int
		if prev >= 0 {
			brks = append(brks, lines[prev].brk)
		}
		for _, b := range lines[prev+1 : k] {
			if b.end > b.start && style == '>' {
				return nil // a folded block's blank line with extra spaces: not traced
			}
			brks = append(brks, b.brk)
		}
		blankText := func(i int) { // the content of the i-th blank line of the gap
			if b := lines[prev+1+i]; b.end > b.start {
				m.add1(src[b.start:b.end], b.start)
			}
		}
		switch {
		case prev < 0 || style == '|' || moreIndented(lines[prev]) || moreIndented(l):
			for i, b := range brks {
				if prev < 0 {
					blankText(i)
				} else if i > 0 {
					blankText(i - 1)
				}
				m.add("\n", b, b+1)
			}
		case len(brks) == 1: // two normal lines of a folded scalar: the break folds to a space
			m.add(" ", brks[0], brks[0]+1)
		default: // blank lines between them: the first break is dropped
			for _, b := range brks[1:] {
				m.add("\n", b, b+1)
			}
		}
		m.add1(src[l.start:l.end], l.start)
		prev = k
	}
	// Chomping: strip keeps no final break, clip one, keep all.
	tail := lines[last].brk
	switch chomp {
	case '-':
	case '+':
		for _, l := range lines[last:] {
			if l.brk >= 0 {
				m.add("\n", l.brk, l.brk+1)
			}
		}
	default:
		if tail >= 0 {
			m.add("\n", tail, tail+1)
		}
	}
	return &Scalar{Style: style, Map: m, Start: lines[0].start, End: lines[last].end,
		Indent: indent}
}
