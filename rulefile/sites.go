package rulefile

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/goccy/go-yaml"
	yast "github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"
	"github.com/goccy/go-yaml/token"

	"github.com/katafilter/katafilter/lang/ast"
	"github.com/katafilter/katafilter/lang/diag"
	"github.com/katafilter/katafilter/lang/eval"
	"github.com/katafilter/katafilter/lang/kfl"
	"github.com/katafilter/katafilter/lang/schema"
)

// Kind is the kind of a linted file.
type Kind int

// The kinds of rule files.
const (
	KFL  Kind = iota + 1 // a .kfl filter file
	YAML                 // a YAML rule file
	JSON                 // a JSON rule file
)

// Site is one filter found in a file.
type Site struct {
	Key     string   // the key it sits under ("" in a .kfl file)
	KeyLine int      // the 1-based line of its key, or of its first line in a .kfl file
	Map     *TextMap // the filter's text, traced through the file
	Scalar  *Scalar  // YAML only: how the scalar is written
	// Start and End delimit the text a fix replaces: the scalar as written (quotes
	// included) in YAML and JSON, the filter's lines in a .kfl file.
	Start, End int
	Samples    []Sample // the rule's tests
	// TestsTypo is where the tests were looked for in vain: a key that looks like a
	// misspelling of tests ("test", "Tests") beside the filter or in a mapping around it.
	TestsTypo string
	// Ran is how many samples ran (set by [Findings]; a filter with errors runs none).
	Ran int
}

// testsTypo reports whether key looks like a misspelling of "tests" ("test", "Tests",
// "test_cases").
func testsTypo(key string) bool {
	k := strings.ToLower(key)
	switch {
	case key == "tests":
		return false
	case k == "tests", k == "testcases", k == "test_cases", k == "test-cases":
		return true
	}
	return len(k) >= 4 && schema.Distance(k, "tests") <= 1
}

// attachTests gives the samples of a tests section to the sites that have none: the filters
// of its own mapping (direct) or, when there are none, the filters under it (below), as in
// the Sigma layout where the filter sits under detection: and tests beside detection.
// A key that looks like a misspelled tests is remembered on the sites it would have served.
func attachTests(direct, below []*Site, samples []Sample, typo string) {
	targets := direct
	if len(targets) == 0 {
		targets = below
	}
	for _, s := range targets {
		if samples != nil && s.Samples == nil {
			s.Samples = samples
		}
		if typo != "" && s.TestsTypo == "" && s.Samples == nil {
			s.TestsTypo = typo
		}
	}
}

// PlainString reports whether a plain (unquoted) YAML scalar whose value is text reads as a
// string, as a filter must: not as a number, a boolean or null ("1", "0x1f", "true", "~").
func PlainString(text string) bool {
	return token.New(text, text, &token.Position{}).Type == token.StringType
}

// Shifted returns the site moved by delta bytes in the file (the text before it changed
// length), sharing what did not move.
func (s *Site) Shifted(delta int) *Site {
	c := *s
	c.Map = s.Map.Shifted(delta)
	c.Start += delta
	c.End += delta
	if s.Scalar != nil {
		sc := *s.Scalar
		sc.Map, sc.Start, sc.End = c.Map, sc.Start+delta, sc.End+delta
		c.Scalar = &sc
	}
	if len(s.Samples) > 0 {
		c.Samples = make([]Sample, len(s.Samples))
		for i, smp := range s.Samples {
			smp.Span = smp.Span.Shift(delta)
			c.Samples[i] = smp
		}
	}
	return &c
}

// Sample is one event of a rule test.
type Sample struct {
	Match bool     // under tests.match (else tests.nomatch)
	Index int      // 1-based within its list
	Event any      // decoded as the evaluator reads events
	Span  ast.Span // where it is written
}

// Problem is something wrong with a file that is not a filter's diagnostic.
type Problem struct {
	Span    ast.Span
	Code    diag.Code
	Message string
}

// kflSites returns the filters of a .kfl file.
func kflSites(src string) []*Site {
	var out []*Site
	for _, e := range kfl.Split(src) {
		out = append(out, KFLSite(e))
	}
	return out
}

// KFLSite returns the site of a filter of a .kfl file.
func KFLSite(e kfl.Entry) *Site {
	return &Site{KeyLine: e.Line, Map: identityMap(e.Text, e.Offset), Start: e.Offset, End: e.Offset + len(e.Text)}
}

// yamlSites finds the filters under the given keys in a YAML file, at any depth and in lists.
func yamlSites(src string, lines *ast.LineTable, keys map[string]bool) ([]*Site, []Problem) {
	if off, deep := flowTooDeep(src); deep {
		return nil, []Problem{{Span: ast.Span{Start: off, End: off + 1}, Code: InvalidFile,
			Message: fmt.Sprintf("not valid YAML: flow collections ([ ] { }) nest more than %d deep", maxFlowDepth)}}
	}
	// A byte order mark is not part of the first key; without it, the parser's line:column
	// positions are those of the line table, which skips the mark too.
	f, err := parser.ParseBytes([]byte(strings.TrimPrefix(src, ast.BOM)), parser.ParseComments)
	if err != nil {
		return nil, []Problem{yamlError(err, lines)}
	}
	y := &yamlWalker{src: src, lines: lines, keys: keys, anchors: map[string]yast.Node{}, traced: map[int]bool{}}
	for _, d := range f.Docs {
		yast.Walk(y, d) // the anchors, for the aliases
		y.node(d)
	}
	return y.sites, y.probs
}

// maxFlowDepth bounds the nesting of YAML flow collections. The YAML library's time and
// memory grow with the square of the depth (16,000 nested [ took 1.4 s and 430 MB, 100,000
// more than a minute), so a small hostile file could stall a lint; encoding/json stops at
// 10,000 for the same reason.
const maxFlowDepth = 1000

// flowTooDeep reports the offset of the first [ or { that opens a flow collection deeper than
// maxFlowDepth. It skips quoted scalars and comments; brackets inside plain scalars are
// counted too, which a real rule file, nested a few levels, is far from noticing.
func flowTooDeep(src string) (int, bool) {
	depth := 0
	var quote byte
	for i := 0; i < len(src); i++ {
		c := src[i]
		switch {
		case quote == '"':
			if c == '\\' {
				i++
			} else if c == '"' {
				quote = 0
			}
		case quote == '\'':
			if c == '\'' {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '#' && (i == 0 || src[i-1] == ' ' || src[i-1] == '\t' || src[i-1] == '\n'):
			for i < len(src) && src[i] != '\n' {
				i++
			}
		case c == '[' || c == '{':
			if depth++; depth > maxFlowDepth {
				return i, true
			}
		case c == ']' || c == '}':
			depth = max(0, depth-1)
		}
	}
	return 0, false
}

func yamlError(err error, lines *ast.LineTable) Problem {
	var p Problem
	p.Code = InvalidFile
	p.Message = "not valid YAML: " + err.Error()
	var te interface {
		GetToken() *token.Token
		GetMessage() string
	}
	if errors.As(err, &te) && te.GetToken() != nil && te.GetToken().Position != nil {
		pos := te.GetToken().Position
		off := lines.Offset(pos.Line, pos.Column)
		p.Span = ast.Span{Start: off, End: off}
		p.Message = "not valid YAML: " + te.GetMessage()
	}
	return p
}

type yamlWalker struct {
	src     string
	lines   *ast.LineTable
	keys    map[string]bool
	sites   []*Site
	probs   []Problem
	anchors map[string]yast.Node // the anchored values of the document, by name
	traced  map[int]bool         // the starts of the scalars already made sites
	flow    int                  // how many flow collections ({…} or […]) the walk is inside
}

// inFlow runs f one flow collection deeper if flow is set.
func (y *yamlWalker) inFlow(flow bool, f func()) {
	if flow {
		y.flow++
		defer func() { y.flow-- }()
	}
	f()
}

// Visit records the anchors of a document ([yast.Walk]).
func (y *yamlWalker) Visit(n yast.Node) yast.Visitor {
	if a, ok := n.(*yast.AnchorNode); ok && a.Name != nil {
		y.anchors[a.Name.GetToken().Value] = a.Value
	}
	return y
}

func (y *yamlWalker) offset(tk *token.Token) int {
	if tk == nil || tk.Position == nil {
		return 0
	}
	return y.lines.Offset(tk.Position.Line, tk.Position.Column)
}

func (y *yamlWalker) node(n yast.Node) {
	switch n := n.(type) {
	case *yast.DocumentNode:
		y.node(n.Body)
	case *yast.MappingNode:
		y.inFlow(n.IsFlowStyle, func() { y.mapping(n.Values) })
	case *yast.MappingValueNode:
		y.mapping([]*yast.MappingValueNode{n})
	case *yast.SequenceNode:
		y.inFlow(n.IsFlowStyle, func() {
			for _, v := range n.Values {
				y.node(v)
			}
		})
	case *yast.TagNode:
		y.node(n.Value)
	case *yast.AnchorNode:
		y.node(n.Value)
	}
}

func keyText(k yast.MapKeyNode) string {
	switch k := k.(type) {
	case *yast.StringNode:
		return k.Value
	case *yast.MappingKeyNode:
		if s, ok := k.Value.(*yast.StringNode); ok {
			return s.Value
		}
	}
	if tk := k.GetToken(); tk != nil {
		return tk.Value
	}
	return ""
}

func (y *yamlWalker) mapping(values []*yast.MappingValueNode) {
	var found []*Site
	var tests *yast.MappingValueNode
	typo := ""
	before := len(y.sites)
	for _, mv := range values {
		key := keyText(mv.Key)
		switch {
		case y.keys[key]:
			line, col := 0, 1
			if tk := mv.Key.GetToken(); tk != nil && tk.Position != nil {
				line, col = tk.Position.Line, tk.Position.Column
			}
			found = append(found, y.filterValue(key, line, col-1, mv.Value)...)
		case key == "tests":
			tests = mv
		default:
			if testsTypo(key) {
				typo = key
			}
			y.node(mv.Value)
		}
	}
	below := y.sites[before:]
	if tests != nil && len(found) == 0 && len(below) == 0 {
		y.node(tests.Value) // tests of something else: look inside as anywhere
		return
	}
	var samples []Sample
	if tests != nil {
		samples = y.tests(tests)
	}
	attachTests(found, below, samples, typo)
	y.sites = append(y.sites, found...)
}

func unwrap(n yast.Node) yast.Node {
	for {
		switch v := n.(type) {
		case *yast.TagNode:
			n = v.Value
		case *yast.AnchorNode:
			n = v.Value
		default:
			return n
		}
	}
}

// filterValue reads the value of a filter key: a string, or a list of strings. parent is the
// indentation of the key.
func (y *yamlWalker) filterValue(key string, line, parent int, n yast.Node) []*Site {
	n = unwrap(n)
	if a, ok := n.(*yast.AliasNode); ok && a.Value != nil {
		// An alias names a value written elsewhere: the filter is checked (and fixed) there,
		// once, however many aliases name it.
		name := a.Value.GetToken().Value
		target, ok := y.anchors[name]
		if !ok {
			off := y.offset(a.Start)
			y.probs = append(y.probs, Problem{Span: ast.Span{Start: off, End: off + 1 + len(name)}, Code: NotAString,
				Message: fmt.Sprintf("the alias *%s of %s names no anchor", name, key)})
			return nil
		}
		n = unwrap(target)
	}
	switch v := n.(type) {
	case *yast.StringNode:
		style := byte(0)
		switch v.Token.Type {
		case token.SingleQuoteType:
			style = '\''
		case token.DoubleQuoteType:
			style = '"'
		}
		pos := y.offset(v.Token)
		if y.traced[pos] {
			return nil
		}
		y.traced[pos] = true
		sc := traceScalar(y.src, pos, style, v.Value)
		if !sc.Map.Exact {
			// The YAML library (goccy/go-yaml v1.19.2) puts a tagged scalar (!!str x) at the
			// blank after the tag.
			p := pos
			for p < len(y.src) && (y.src[p] == ' ' || y.src[p] == '\t') {
				p++
			}
			if alt := traceScalar(y.src, p, style, v.Value); p != pos && alt.Map.Exact {
				sc = alt
			}
		}
		sc.Flow = y.flow > 0
		return []*Site{{Key: key, KeyLine: line, Map: sc.Map, Scalar: sc, Start: sc.Start, End: sc.End}}
	case *yast.LiteralNode:
		style := byte('|')
		if strings.HasPrefix(strings.TrimSpace(v.Start.Value), ">") {
			style = '>'
		}
		pos := y.offset(v.Start)
		sc := traceBlock(y.src, pos, style, parent)
		if sc != nil {
			// Our own reading of a block scalar is the one to trust: the YAML library
			// (goccy/go-yaml v1.19.2) repeats the content of a block with an explicit
			// indentation indicator or with a blank line holding extra spaces.
			sc.Map.Exact = true
		} else {
			sc = &Scalar{Style: style, Map: pointMap(v.Value.Value, pos, y.src), Start: pos, End: pos}
		}
		sc.Flow = y.flow > 0 // not YAML, but the library reads it
		return []*Site{{Key: key, KeyLine: line, Map: sc.Map, Scalar: sc, Start: sc.Start, End: sc.End}}
	case *yast.SequenceNode:
		var out []*Site
		y.inFlow(v.IsFlowStyle, func() {
			for _, e := range v.Values {
				out = append(out, y.filterValue(key, line, parent, e)...)
			}
		})
		return out
	case *yast.NullNode:
		off := y.offset(v.GetToken())
		y.probs = append(y.probs, Problem{Span: ast.Span{Start: off, End: off}, Code: NotAString,
			Message: fmt.Sprintf("the %s key has no filter", key)})
	case nil:
	default:
		off := y.offset(v.GetToken())
		y.probs = append(y.probs, Problem{Span: ast.Span{Start: off, End: off + len(v.GetToken().Value)}, Code: NotAString,
			Message: fmt.Sprintf("the value of %s is not a filter string", key)})
	}
	return nil
}

// tests reads tests: {match: [...], nomatch: [...]}.
func (y *yamlWalker) tests(mv *yast.MappingValueNode) []Sample {
	bad := func(n yast.Node, msg string) []Sample {
		off := y.offset(n.GetToken())
		y.probs = append(y.probs, Problem{Span: ast.Span{Start: off, End: off}, Code: BadTests, Message: msg})
		return nil
	}
	m, ok := unwrap(mv.Value).(*yast.MappingNode)
	var values []*yast.MappingValueNode
	if ok {
		values = m.Values
	} else if one, ok1 := unwrap(mv.Value).(*yast.MappingValueNode); ok1 {
		values = []*yast.MappingValueNode{one}
	} else {
		return bad(mv.Key, "tests must be a mapping with the lists match and nomatch")
	}
	var out []Sample
	for _, kv := range values {
		k := keyText(kv.Key)
		if k != "match" && k != "nomatch" {
			bad(kv.Key, fmt.Sprintf("unknown key %s in tests: only match and nomatch are allowed", k))
			continue
		}
		seq, ok := unwrap(kv.Value).(*yast.SequenceNode)
		if !ok {
			bad(kv.Key, fmt.Sprintf("tests.%s must be a list of events", k))
			continue
		}
		for i, e := range seq.Values {
			off := y.offset(e.GetToken())
			sp := ast.Span{Start: off, End: off + 1}
			ev, err := yamlEvent(e)
			if err != nil {
				y.probs = append(y.probs, Problem{Span: sp, Code: BadTests,
					Message: fmt.Sprintf("tests.%s[%d] is not an event: %v", k, i+1, err)})
				continue
			}
			out = append(out, Sample{Match: k == "match", Index: i + 1, Event: ev, Span: sp})
		}
	}
	return out
}

// yamlEvent turns a sample into the decoded form the evaluator reads: a mapping, or a string
// holding one JSON object.
func yamlEvent(n yast.Node) (any, error) {
	n = unwrap(n)
	if s, ok := n.(*yast.StringNode); ok {
		return stringEvent(s.Value)
	}
	if _, ok := n.(*yast.MappingNode); !ok {
		if _, ok := n.(*yast.MappingValueNode); !ok {
			return nil, errors.New("write it as a mapping or as a string holding a JSON object")
		}
	}
	var v any
	if err := yaml.NodeToValue(n, &v); err != nil {
		return nil, err
	}
	data, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	return eval.Decode(data)
}

// stringEvent decodes a sample written as a string holding a JSON object; its error says
// that the string is the problem, not the file.
func stringEvent(text string) (any, error) {
	ev, err := jsonEvent([]byte(text))
	if err != nil {
		shown := text
		if r := []rune(shown); len(r) > 40 {
			shown = string(r[:40]) + "…"
		}
		if errors.Is(err, errNotObject) {
			return nil, fmt.Errorf("the string %q does not hold a JSON object", shown)
		}
		return nil, fmt.Errorf("the string %q does not hold a JSON object (%s)", shown, strings.TrimPrefix(err.Error(), "eval: "))
	}
	return ev, nil
}

func jsonEvent(data []byte) (any, error) {
	v, err := eval.Decode(data)
	if err != nil {
		return nil, err
	}
	if _, ok := v.(map[string]any); !ok {
		return nil, errNotObject
	}
	return v, nil
}

// errNotObject is the error of a sample that is valid JSON but not an object.
var errNotObject = errors.New("not a JSON object")
