package rulefile

import (
	"fmt"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/katafilter/katafilter/lang/ast"
)

// jnode is a JSON value with its place in the file.
type jnode struct {
	kind       byte // '{' '[' '"' or 'v' (number, true, false, null)
	start, end int
	keys       []jmember
	elems      []*jnode
	m          *TextMap // strings: the decoded text, traced
}

type jmember struct {
	name string
	line int
	val  *jnode
}

// jsonParser is a small JSON parser that keeps positions: encoding/json's Decoder knows
// offsets only between tokens, while a diagnostic must land inside a string.
type jsonParser struct {
	src   string
	i     int
	lines *ast.LineTable
	depth int
}

type jsonError struct {
	off int
	msg string
}

func (e *jsonError) Error() string { return e.msg }

func (p *jsonParser) fail(format string, args ...any) {
	panic(&jsonError{off: p.i, msg: fmt.Sprintf(format, args...)})
}

func (p *jsonParser) ws() {
	for p.i < len(p.src) {
		switch p.src[p.i] {
		case ' ', '\t', '\n', '\r':
			p.i++
		default:
			return
		}
	}
}

// parseJSON parses a whole JSON text.
func parseJSON(src string, lines *ast.LineTable) (n *jnode, err error) {
	p := &jsonParser{src: src, lines: lines}
	defer func() {
		if r := recover(); r != nil {
			je, ok := r.(*jsonError)
			if !ok {
				panic(r)
			}
			err = je
		}
	}()
	if len(src) >= 3 && src[:3] == "\xef\xbb\xbf" {
		p.i = 3
	}
	n = p.value()
	p.ws()
	if p.i < len(src) {
		p.fail("unexpected %q after the JSON value", src[p.i])
	}
	return n, nil
}

// open steps over the opening bracket of an object or array, whose closing bracket is close,
// and reports whether a member follows (false for an empty one, whose close it steps over).
func (p *jsonParser) open(close byte) bool {
	p.depth++
	if p.depth > 1000 {
		p.fail("JSON nested too deeply")
	}
	p.i++
	p.ws()
	if p.i < len(p.src) && p.src[p.i] == close {
		p.i++
		p.depth--
		return false
	}
	return true
}

// sep reads what follows a member of an object or array (in): a comma, when another member
// follows (true), or its closing bracket close (false).
func (p *jsonParser) sep(close byte, in string) bool {
	p.ws()
	if p.i < len(p.src) && p.src[p.i] == ',' {
		p.i++
		return true
	}
	if p.i < len(p.src) && p.src[p.i] == close {
		p.i++
		p.depth--
		return false
	}
	p.fail("expected , or %c in %s", close, in)
	return false
}

func (p *jsonParser) value() *jnode {
	p.ws()
	if p.i >= len(p.src) {
		p.fail("unexpected end of the JSON text")
	}
	start := p.i
	switch c := p.src[p.i]; c {
	case '{':
		n := &jnode{kind: '{', start: start}
		for more := p.open('}'); more; more = p.sep('}', "object") {
			p.ws()
			if p.i >= len(p.src) || p.src[p.i] != '"' {
				p.fail("expected a string as object key")
			}
			line := p.lines.Position(p.i).Line
			k := p.str()
			p.ws()
			if p.i >= len(p.src) || p.src[p.i] != ':' {
				p.fail("expected : after object key")
			}
			p.i++
			n.keys = append(n.keys, jmember{name: k.m.Text, line: line, val: p.value()})
		}
		n.end = p.i
		return n
	case '[':
		n := &jnode{kind: '[', start: start}
		for more := p.open(']'); more; more = p.sep(']', "array") {
			n.elems = append(n.elems, p.value())
		}
		n.end = p.i
		return n
	case '"':
		return p.str()
	default:
		for p.i < len(p.src) {
			c := p.src[p.i]
			if c == ',' || c == '}' || c == ']' || c == ' ' || c == '\t' || c == '\n' || c == '\r' {
				break
			}
			p.i++
		}
		word := p.src[start:p.i]
		if word != "true" && word != "false" && word != "null" {
			if _, err := strconv.ParseFloat(word, 64); err != nil || word == "" {
				p.i = start
				if word == "" && start < len(p.src) { // a closing bracket or a comma where a value belongs
					p.fail("expected a value, found %q", p.src[start])
				}
				p.fail("invalid JSON value %q", word)
			}
		}
		return &jnode{kind: 'v', start: start, end: p.i}
	}
}

// str reads a string, tracing each decoded byte to the bytes of the file it came from.
func (p *jsonParser) str() *jnode {
	start := p.i
	p.i++
	m := &TextMap{Exact: true}
	for {
		if p.i >= len(p.src) {
			p.i = start
			p.fail("unterminated string")
		}
		c := p.src[p.i]
		switch {
		case c == '"':
			p.i++
			return &jnode{kind: '"', start: start, end: p.i, m: m}
		case c < 0x20:
			p.fail("control character in string")
		case c == '\\':
			if p.i+1 >= len(p.src) {
				p.fail("unterminated escape")
			}
			e := p.src[p.i+1]
			if s, ok := map[byte]string{'"': "\"", '\\': "\\", '/': "/", 'b': "\b", 'f': "\f", 'n': "\n", 'r': "\r", 't': "\t"}[e]; ok {
				m.add(s, p.i, p.i+2)
				p.i += 2
				continue
			}
			if e != 'u' {
				p.fail("invalid escape \\%c", e)
			}
			r, n := p.hex4(p.i)
			if utf16.IsSurrogate(r) {
				if r2, n2 := p.hex4(p.i + n); n2 > 0 {
					if d := utf16.DecodeRune(r, r2); d != utf8.RuneError {
						m.add(string(d), p.i, p.i+n+n2)
						p.i += n + n2
						continue
					}
				}
				r = utf8.RuneError
			}
			m.add(string(r), p.i, p.i+n)
			p.i += n
		default:
			_, w := utf8.DecodeRuneInString(p.src[p.i:])
			m.add(p.src[p.i:p.i+w], p.i, p.i+w)
			p.i += w
		}
	}
}

// hex4 reads \uXXXX at i; n is 0 when there is none.
func (p *jsonParser) hex4(i int) (rune, int) {
	if i+6 > len(p.src) || p.src[i] != '\\' || p.src[i+1] != 'u' {
		if i == p.i {
			p.fail("invalid \\u escape")
		}
		return 0, 0
	}
	v, err := strconv.ParseUint(p.src[i+2:i+6], 16, 32)
	if err != nil {
		if i == p.i {
			p.fail("invalid \\u escape")
		}
		return 0, 0
	}
	return rune(v), 6
}

// jsonSites finds the filters under the given keys in a JSON file, at any depth and in lists.
func jsonSites(src string, lines *ast.LineTable, keys map[string]bool) ([]*Site, []Problem) {
	root, err := parseJSON(src, lines)
	if err != nil {
		je := err.(*jsonError)
		return nil, []Problem{{Span: ast.Span{Start: je.off, End: je.off}, Code: InvalidFile, Message: "not valid JSON: " + je.msg}}
	}
	w := &jsonWalker{src: src, keys: keys}
	w.node(root)
	return w.sites, w.probs
}

type jsonWalker struct {
	src   string
	keys  map[string]bool
	sites []*Site
	probs []Problem
}

func (w *jsonWalker) node(n *jnode) {
	switch n.kind {
	case '[':
		for _, e := range n.elems {
			w.node(e)
		}
	case '{':
		var found []*Site
		var tests *jnode
		typo := ""
		before := len(w.sites)
		for _, k := range n.keys {
			switch {
			case w.keys[k.name]:
				found = append(found, w.filterValue(k.name, k.line, k.val)...)
			case k.name == "tests":
				tests = k.val
			default:
				if testsTypo(k.name) {
					typo = k.name
				}
				w.node(k.val)
			}
		}
		below := w.sites[before:]
		if tests != nil && len(found) == 0 && len(below) == 0 {
			w.node(tests)
			return
		}
		var samples []Sample
		if tests != nil {
			samples = w.tests(tests)
		}
		attachTests(found, below, samples, typo)
		w.sites = append(w.sites, found...)
	}
}

func (w *jsonWalker) filterValue(key string, line int, n *jnode) []*Site {
	switch n.kind {
	case '"':
		return []*Site{{Key: key, KeyLine: line, Map: n.m, Start: n.start, End: n.end}}
	case '[':
		var out []*Site
		for _, e := range n.elems {
			out = append(out, w.filterValue(key, line, e)...)
		}
		return out
	}
	w.probs = append(w.probs, Problem{Span: ast.Span{Start: n.start, End: n.end}, Code: NotAString,
		Message: fmt.Sprintf("the value of %s is not a filter string", key)})
	return nil
}

func (w *jsonWalker) tests(n *jnode) []Sample {
	if n.kind != '{' {
		w.probs = append(w.probs, Problem{Span: ast.Span{Start: n.start, End: n.start + 1}, Code: BadTests,
			Message: "tests must be an object with the arrays match and nomatch"})
		return nil
	}
	var out []Sample
	for _, k := range n.keys {
		if k.name != "match" && k.name != "nomatch" {
			w.probs = append(w.probs, Problem{Span: ast.Span{Start: k.val.start, End: k.val.start + 1}, Code: BadTests,
				Message: fmt.Sprintf("unknown key %s in tests: only match and nomatch are allowed", k.name)})
			continue
		}
		if k.val.kind != '[' {
			w.probs = append(w.probs, Problem{Span: ast.Span{Start: k.val.start, End: k.val.start + 1}, Code: BadTests,
				Message: fmt.Sprintf("tests.%s must be an array of events", k.name)})
			continue
		}
		for i, e := range k.val.elems {
			sp := ast.Span{Start: e.start, End: e.start + 1}
			var ev any
			var err error
			if e.kind == '"' {
				ev, err = stringEvent(e.m.Text)
			} else {
				ev, err = jsonEvent([]byte(w.src[e.start:e.end]))
			}
			if err != nil {
				w.probs = append(w.probs, Problem{Span: sp, Code: BadTests,
					Message: fmt.Sprintf("tests.%s[%d] is not an event: %v", k.name, i+1, err)})
				continue
			}
			out = append(out, Sample{Match: k.name == "match", Index: i + 1, Event: ev, Span: sp})
		}
	}
	return out
}
