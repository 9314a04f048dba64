package rulefile

import (
	"fmt"
	"strings"
	"testing"

	"github.com/goccy/go-yaml"

	"github.com/katafilter/katafilter/lang/ast"
)

// TestYAMLPositions checks, for every scalar style, that the filter is found, that its text is
// traced exactly through the file, and where the field Foo of each filter lands (line:col).
func TestYAMLPositions(t *testing.T) {
	tests := []struct {
		name, yaml, want string
	}{
		{"plain", "filter: a == 1 AND Foo == 2\n", "1:20"},
		{"plain comment", "filter: Foo == 2  # note\n", "1:9"},
		{"plain multiline", "filter: a == 1\n  AND\n    Foo == 2\nx: 1\n", "3:5"},
		{"plain blank line", "filter: a == 1\n\n  AND Foo == 2\n", "3:7"},
		{"single", "filter: 'a == ''x'' AND Foo == 2'\n", "1:25"},
		{"single multiline", "filter: 'a == 1\n   AND Foo == 2'\n", "2:8"},
		{"double escapes", `filter: "a == '\t\x41\u00e9\"' AND Foo == 2"` + "\n", "1:36"},
		{"double escaped break", "filter: \"a == 1 AND \\\n    Foo == 2\"\n", "2:5"},
		{"double unicode", "filter: \"é == 'ж' AND Foo == 2\"\n", "1:23"},
		{"literal", "filter: |\n  a == 1\n  AND Foo == 2\n", "3:7"},
		{"literal strip", "filter: |-\n    a == 1\n\n    AND Foo == 2\nnext: 1\n", "4:9"},
		{"literal keep", "filter: |+\n  Foo == 2\n\n", "2:3"},
		{"literal comment", "filter: |  # katafilter:ignore X\n  Foo == 2\n", "2:3"},
		{"folded", "filter: >\n  a == 1\n  AND Foo == 2\n", "3:7"},
		{"folded strip blank", "filter: >-\n  a == 1\n\n  AND\n    Foo == 2\n", "5:5"},
		{"nested list", "rules:\n  - name: x\n    filter: Foo == 1\n  - {name: y, filter: 'Foo == 2'}\n", "3:13 4:24"},
		{"flow plain", "r: {filter: Foo == 1, x: 2}\n", "1:13"},
		{"list of filters", "filter:\n  - Foo == 1\n  - \"a == 1 OR Foo == 2\"\n", "2:5 3:16"},
		{"deep", "a:\n  b:\n    c:\n      filter: >-\n        x == 1 AND\n        Foo == 2\n", "6:9"},
		{"non-ascii key", "ключ:\n  filter: 'ё == 1 AND Foo == 2'\n", "2:23"},
		{"indentation indicator", "filter: |2\n    Foo == 1\n", "2:5"},
		{"indentation indicator nested", "- a: 1\n  filter: >1-\n    x == 1\n    AND Foo == 2\n", "4:9"},
		{"crlf", "filter: |\r\n  a == 1\r\n  AND Foo == 2\r\n", "3:7"},
		{"tagged plain", "filter: !!str a == 1 AND Foo == 2\n", "1:26"},
		{"tagged quoted", "filter: !!str 'a == 1 AND Foo == 2'\n", "1:27"},
		{"alias", "base: &f 'Foo == 1'\nrules:\n  - filter: *f\n", "1:11"},
		{"two aliases, one site", "base: &f Foo == 1\na: {filter: *f}\nb:\n  filter: *f\n", "1:10"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lines := ast.NewLineTable(tt.yaml)
			sites, probs := yamlSites(tt.yaml, lines, map[string]bool{"filter": true})
			if len(probs) > 0 {
				t.Fatalf("problems: %v", probs)
			}
			var got []string
			for _, s := range sites {
				if !s.Map.Exact {
					t.Errorf("%q was not traced exactly", s.Map.Text)
				}
				checkMap(t, tt.yaml, s.Map)
				i := strings.Index(s.Map.Text, "Foo")
				if i < 0 {
					t.Fatalf("no Foo in %q", s.Map.Text)
				}
				p := lines.Position(s.Map.Span(ast.Span{Start: i, End: i + 3}).Start)
				got = append(got, fmt.Sprintf("%d:%d", p.Line, p.Column))
			}
			if g := strings.Join(got, " "); g != tt.want {
				t.Errorf("Foo at %s, want %s", g, tt.want)
			}
		})
	}
}

// checkMap checks that every decoded byte that maps to one byte of the file is that byte.
func checkMap(t *testing.T, src string, m *TextMap) {
	t.Helper()
	if len(m.src) != len(m.Text) || len(m.srcEnd) != len(m.Text) {
		t.Fatalf("map of %q has %d/%d entries", m.Text, len(m.src), len(m.srcEnd))
	}
	for i := range m.Text {
		if m.srcEnd[i]-m.src[i] == 1 && m.Text[i] != ' ' && m.Text[i] != '\n' && src[m.src[i]] != m.Text[i] {
			t.Fatalf("byte %d of %q (%q) maps to %q", i, m.Text, m.Text[i], src[m.src[i]])
		}
	}
}

func TestUntraceableFallsBack(t *testing.T) {
	// A scalar whose text cannot be traced maps every position to its first character.
	src := "filter: abc\n"
	sc := traceScalar(src, 8, 0, "something else")
	if sc.Map.Exact {
		t.Fatal("traced a text that is not there")
	}
	if sp := sc.Map.Span(ast.Span{Start: 3, End: 7}); sp != (ast.Span{Start: 8, End: 9}) {
		t.Errorf("fallback span %v", sp)
	}
	if sc.Map.Text != "something else" {
		t.Errorf("fallback text %q, want the decoded text once", sc.Map.Text)
	}
}

// TestBlockAgreesWithLibrary checks our reading of block scalars against the YAML library's
// on the layouts where the library is right.
func TestBlockAgreesWithLibrary(t *testing.T) {
	bodies := []string{
		"|\n  a\n  b\n", "|-\n  a\n\n  b\n\n", "|+\n  a\n  b\n\n\n", ">\n  a\n  b\n\n  c\n",
		">-\n  a\n    b\n  c\n", ">+\n  a\n\n", "|\n\n  a\n", ">\n  a\n\n\n  b\n", "|\n  a  \n  b",
		">\n  a\n   b\n\n  c\n  d\n", "|-\n    deep\n    er\n",
	}
	for _, b := range bodies {
		src := "filter: " + b
		var doc map[string]string
		if err := yaml.Unmarshal([]byte(src), &doc); err != nil {
			t.Fatal(err)
		}
		want := doc["filter"]
		sc := traceBlock(src, 8, b[0], 0)
		if sc == nil {
			t.Errorf("%q: not traced", b)
			continue
		}
		if sc.Map.Text != want {
			t.Errorf("%q: we read %q, the library %q", b, sc.Map.Text, want)
		}
		checkMap(t, src, sc.Map)
	}
}

func TestYAMLProblems(t *testing.T) {
	tests := []struct{ yaml, want string }{
		{"filter: [a\n", "KL0001"},
		{"filter: 3\n", "KL0002 1:9"},
		{"filter:\n", "KL0002 1:8"},
		{"filter: a == 1\ntests: [1]\n", "KL0007 2:1"},
		{"filter: *nosuch\n", "KL0002 1:9"},
		{"filter: a == 1\ntests: {match: [3], other: []}\n", "KL0007 2:17 KL0007 2:21"},
		{"filter: a == 1\ntests: {match: ['{\"a\": 1}', {a: 1}]}\n", ""},
	}
	for _, tt := range tests {
		lines := ast.NewLineTable(tt.yaml)
		_, probs := yamlSites(tt.yaml, lines, map[string]bool{"filter": true})
		var got []string
		for _, p := range probs {
			s := string(p.Code)
			if p.Code != InvalidFile {
				pos := lines.Position(p.Span.Start)
				s += fmt.Sprintf(" %d:%d", pos.Line, pos.Column)
			}
			got = append(got, s)
		}
		if g := strings.Join(got, " "); g != tt.want {
			t.Errorf("%q: got %q, want %q", tt.yaml, g, tt.want)
		}
	}
}

func TestJSONPositions(t *testing.T) {
	src := "{\"rules\": [\n  {\"filter\": \"a == '\\u0041\\t' AND Foo == 1\"},\n  {\"x\": {\"filter\": [\"Foo == 2\"]}, \"tests\": {}}\n]}\n"
	lines := ast.NewLineTable(src)
	sites, probs := jsonSites(src, lines, map[string]bool{"filter": true})
	if len(probs) > 0 {
		t.Fatal(probs)
	}
	var got []string
	for _, s := range sites {
		checkMap(t, src, s.Map)
		i := strings.Index(s.Map.Text, "Foo")
		p := lines.Position(s.Map.Span(ast.Span{Start: i, End: i + 3}).Start)
		got = append(got, fmt.Sprintf("%q@%d:%d", s.Map.Text, p.Line, p.Column))
	}
	want := `"a == 'A\t' AND Foo == 1"@2:35 "Foo == 2"@3:22`
	if g := strings.Join(got, " "); g != want {
		t.Errorf("got %s, want %s", g, want)
	}
	for _, bad := range []string{`{"filter": "a`, `{"filter": 1}`, `[1,]`, `{"a" 1}`, `{"filter":"\q"}`, `nul`} {
		_, probs := jsonSites(bad, ast.NewLineTable(bad), map[string]bool{"filter": true})
		if len(probs) == 0 {
			t.Errorf("%s: no problem reported", bad)
		}
	}
}

func TestGlobMatch(t *testing.T) {
	tests := []struct {
		glob, name string
		want       bool
	}{
		{"*.kfl", "a/b/c.kfl", true},
		{"rules/**", "rules/a/b.yaml", true},
		{"rules/**/*.yaml", "rules/x.yaml", true},
		{"rules/**/*.yaml", "rules/a/b/x.yaml", true},
		{"rules/**/*.yaml", "other/x.yaml", false},
		{"rules/*.yaml", "rules/a/x.yaml", false},
		{"**/legacy/**", "a/legacy/b.kfl", true},
	}
	for _, tt := range tests {
		if got := globMatch(tt.glob, tt.name); got != tt.want {
			t.Errorf("globMatch(%q, %q) = %v", tt.glob, tt.name, got)
		}
	}
}

// TestJSONProblemMessages: a broken JSON rule file is reported with what was expected, at the
// character that is wrong.
func TestJSONProblemMessages(t *testing.T) {
	tests := []struct{ json, want string }{
		{`[1,]`, `1:4 not valid JSON: expected a value, found ']'`},
		{`{"x": [}`, `1:8 not valid JSON: expected a value, found '}'`},
		{`{"a":,}`, `1:6 not valid JSON: expected a value, found ','`},
		{`{"a": tru}`, `1:7 not valid JSON: invalid JSON value "tru"`},
		{`{"a":`, `1:6 not valid JSON: unexpected end of the JSON text`},
	}
	for _, tt := range tests {
		lines := ast.NewLineTable(tt.json)
		_, probs := jsonSites(tt.json, lines, map[string]bool{"filter": true})
		if len(probs) != 1 {
			t.Errorf("%s: %d problems, want 1", tt.json, len(probs))
			continue
		}
		pos := lines.Position(probs[0].Span.Start)
		if got := fmt.Sprintf("%d:%d %s", pos.Line, pos.Column, probs[0].Message); got != tt.want {
			t.Errorf("%s: got %q, want %q", tt.json, got, tt.want)
		}
	}
}

// TestYAMLFlowTooDeep: deeply nested flow collections are reported as an invalid file before
// the YAML library, whose cost grows with the square of the depth, sees them; brackets in
// quoted scalars and comments do not count.
func TestYAMLFlowTooDeep(t *testing.T) {
	deep := "filter: x\nlist: " + strings.Repeat("[", 5000) + strings.Repeat("]", 5000) + "\n"
	sites, probs := yamlSites(deep, newLines(deep), map[string]bool{"filter": true})
	if len(sites) != 0 || len(probs) != 1 || probs[0].Code != InvalidFile || probs[0].Span.Start != len("filter: x\nlist: ")+maxFlowDepth ||
		probs[0].Message != "not valid YAML: flow collections ([ ] { }) nest more than 1000 deep" {
		t.Errorf("deep: %d sites, problems %+v", len(sites), probs)
	}
	quoted := "a: '" + strings.Repeat("[", 2000) + "'\nb: \"\\\"" + strings.Repeat("{", 2000) + "\"\n# " + strings.Repeat("[", 2000) + "\nfilter: [\"EventType == 'process'\"]\n"
	sites, probs = yamlSites(quoted, newLines(quoted), map[string]bool{"filter": true})
	if len(sites) != 1 || len(probs) != 0 {
		t.Errorf("quoted: %d sites, problems %+v", len(sites), probs)
	}
}

// TestYAMLFlow: a filter inside a flow collection ({…} or […], at any depth) says so, one in
// block context does not (a plain scalar ends at , [ ] { } only in flow context).
func TestYAMLFlow(t *testing.T) {
	src := "a:\n  filter: x == 1\nb: {filter: x == 2, c: [1, {filter: x == 3}]}\nc:\n  - filter: [x == 4, 'x == 5']\n" +
		"d:\n  - e: {f: 1}\n    filter: x == 6\n  - filter:\n      - x == 7\n"
	sites, probs := yamlSites(src, newLines(src), map[string]bool{"filter": true})
	var got []string
	for _, s := range sites {
		got = append(got, fmt.Sprintf("%s:%v", s.Map.Text, s.Scalar.Flow))
	}
	if want := "x == 1:false x == 3:true x == 2:true x == 4:true x == 5:true x == 6:false x == 7:false"; strings.Join(got, " ") != want || len(probs) > 0 {
		t.Errorf("got %s, problems %v\nwant %s", strings.Join(got, " "), probs, want)
	}
}

// TestTextMapOffset: a file offset maps back to the decoded offset of the character it
// starts, an offset inside an escape to the character the escape decodes to, and the end of
// the text to its length.
func TestTextMapOffset(t *testing.T) {
	src := `filter: "a\tb\u00e9c"` + "\n"
	sites, _ := yamlSites(src, newLines(src), map[string]bool{"filter": true})
	m := sites[0].Map
	if m.Text != "a\tbéc" {
		t.Fatalf("text %q", m.Text)
	}
	start := strings.Index(src, `"`) + 1
	for _, tt := range []struct{ file, want int }{
		{start, 0}, {start + 1, 1}, {start + 2, 1}, {start + 3, 2}, {start + 4, 3},
		{start + 5, 3}, {start + 10, 5}, {start + 11, 6}, {start + 12, 6},
	} {
		if got := m.Offset(tt.file); got != tt.want {
			t.Errorf("Offset(%d) = %d, want %d", tt.file, got, tt.want)
		}
	}
	if !m.Contains(start) || !m.Contains(start+11) || m.Contains(start-1) || m.Contains(start+12) {
		t.Error("Contains is wrong at the ends")
	}
}

// TestPlainScalarTabs: goccy/go-yaml v1.19.2 drops the tabs of plain scalars (see noTabs);
// the filter is read from the file's bytes, tabs and positions kept, in block and flow context
// and over continuation lines. The first check fails once the library keeps tabs, so that the
// workaround can be removed.
func TestPlainScalarTabs(t *testing.T) {
	var m map[string]any
	if err := yaml.Unmarshal([]byte("k: a\tb\n"), &m); err != nil || m["k"] != "ab" {
		t.Errorf("goccy/go-yaml now decodes a plain a<TAB>b as %q (%v): the defect noTabs works around is gone", m["k"], err)
	}
	src := "a: EventType == 'process'\tAND x == 1\nb: [EventType == 'process'\tAND y == 2, z == 3]\nc: EventType == 1\n  AND\tw == 4  # comment\n"
	sites, probs := Extract(src, ast.NewLineTable(src), YAML, map[string]bool{"a": true, "b": true, "c": true})
	if len(probs) > 0 {
		t.Fatal(probs)
	}
	want := []string{"EventType == 'process'\tAND x == 1", "EventType == 'process'\tAND y == 2", "z == 3", "EventType == 1 AND\tw == 4"}
	if len(sites) != len(want) {
		t.Fatalf("%d sites", len(sites))
	}
	for i, s := range sites {
		if s.Map.Text != want[i] || !s.Map.Exact {
			t.Errorf("site %d: %q (exact %v), want %q", i, s.Map.Text, s.Map.Exact, want[i])
			continue
		}
		// Each character maps to itself in the file, but the folded line break.
		for j := range len(s.Map.Text) {
			at := s.Map.Span(ast.Span{Start: j, End: j + 1}).Start
			if c := s.Map.Text[j]; c != ' ' && src[at] != c {
				t.Errorf("site %d: byte %d %q maps to %q", i, j, c, src[at])
			}
		}
	}
}

// TestNotUTF8: a YAML or JSON rule file with bytes that are not UTF-8 is reported at them
// (KF0111), since its parser would hand the filter U+FFFD instead.
func TestNotUTF8(t *testing.T) {
	for _, tt := range []struct {
		kind Kind
		src  string
	}{
		{YAML, "filter: \"FileName == '\xc0\xaf'\"\n"},
		{JSON, "{\"filter\": \"FileName == '\xc0\xaf'\"}\n"},
	} {
		_, probs := Extract(tt.src, ast.NewLineTable(tt.src), tt.kind, map[string]bool{"filter": true})
		var got []string
		for _, p := range probs {
			got = append(got, fmt.Sprintf("%v %s %s", p.Span, p.Code, p.Message))
		}
		at := strings.Index(tt.src, "\xc0")
		want := fmt.Sprintf("%v KF0111 the file holds the bytes 0xC0 0xAF, which is not UTF-8: YAML and JSON are read as UTF-8, and a filter holding such bytes could never match an event", ast.Span{Start: at, End: at + 2})
		if strings.Join(got, "\n") != want {
			t.Errorf("%v: got\n%s\nwant\n%s", tt.kind, strings.Join(got, "\n"), want)
		}
	}
	if _, probs := Extract("filter: \"UserName == 'Иван'\"\n", ast.NewLineTable("filter: \"UserName == 'Иван'\"\n"), YAML, map[string]bool{"filter": true}); len(probs) > 0 {
		t.Errorf("UTF-8 reported: %v", probs)
	}
}
