package lsp

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/goccy/go-yaml"
	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"

	"github.com/katafilter/katafilter/internal/testenv"
	"github.com/katafilter/katafilter/lang/ast"
	"github.com/katafilter/katafilter/lint"
	"github.com/katafilter/katafilter/rulefile"
)

// ruleYAML holds filters in every scalar style, a rule test, a suppression and keys that are
// not filters. Line numbers (0-based) in the comments.
const ruleYAML = `rules:
  - name: plain
    filter: EventType == 'proces'
  - filter: "FileName == 'a\\d' AND hostname == 'x\ty'"
  - filter: 'UserName == ''Ж'' AND eventType == ''process'''
  - filter: |
      EventType == 'process'
        AND filename == 'x'
  - filter: >-
      EventType == 'process' AND
      Pid > 'x'
  - {name: flow, filter: hostname == 'y'}
  - filter: 5
  # katafilter:ignore KF0201 -- legacy spelling
  - filter: EventType == 'process' AND filename == 'z'
  - filter: EventType == 'process' AND FileSize > 10
    tests:
      match:
        - {EventType: process, FileSize: 5}
  - filter: EventType in ('process', 'filechange')  # katafilter:ignore KF0402 -- nothing to suppress
other: EventType == 'proces'
`

const ruleJSON = `{"rules": [
  {"filter": "EventType == \"process\" AND hostname == 'x\\u00e9'"},
  {"filter": "FileName == 'a\\\\d'", "tests": {"nomatch": [{"EventType": "x", "FileName": "a\\d"}]}}
]}
`

const ruleKFL = `# katafilter:ignore KF0201 -- legacy
EventType == 'process' AND filename == 'x'
EventType == 'process' AND filename == 'y'
# katafilter:ignore KF0400
EventType == 'proces'
`

// writeRules writes the rule files and a configuration into a new directory and returns it.
func writeRules(t *testing.T, config string) string {
	t.Helper()
	dir := t.TempDir()
	for name, text := range map[string]string{"rules.yaml": ruleYAML, "rules.json": ruleJSON, "rules.kfl": ruleKFL,
		rulefile.ConfigName: config} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func fileURI(path string) string { return string(uri.File(path)) }

func (c *client) openAs(u, langID, text string) {
	c.t.Helper()
	c.notify("textDocument/didOpen", map[string]any{"textDocument": map[string]any{
		"uri": u, "languageId": langID, "version": 1, "text": text}})
}

func (c *client) pull(u string) []protocol.Diagnostic {
	c.t.Helper()
	var rep struct {
		Items []protocol.Diagnostic `json:"items"`
	}
	c.must("textDocument/diagnostic", map[string]any{"textDocument": map[string]any{"uri": u}}, &rep)
	return rep.Items
}

// TestRuleFilesSameVerdictAsLint: for YAML, JSON and .kfl files under a .katafilter.yaml
// that changes severities, the server reports exactly what lint reports: the same codes,
// severities and places, the suppressions and rule tests included.
func TestRuleFilesSameVerdictAsLint(t *testing.T) {
	dir := writeRules(t, "severity:\n  KF0500: error\n  KF0402: off\n  KL0004: error\n")
	res, err := lint.Run(lint.Options{Paths: []string{dir}, BaseDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	c := startServer(t)
	c.initialize(nil)
	for _, f := range res.Files {
		langID := map[string]string{".yaml": "yaml", ".json": "json", ".kfl": "katafilter"}[filepath.Ext(f.Path)]
		u := fileURI(filepath.Join(dir, f.Path))
		c.openAs(u, langID, f.Src)
		var want, got []string
		for _, d := range f.Findings {
			// Lint counts from 1, the protocol from 0; the files are ASCII where findings are.
			want = append(want, fmt.Sprintf("%d:%d-%d:%d %s %s", d.Start.Line-1, d.Start.Column-1, d.End.Line-1, d.End.Column-1, d.Severity, d.Code))
		}
		for _, d := range c.pull(u) {
			sev := map[protocol.DiagnosticSeverity]string{1: "error", 2: "warning", 3: "info"}[d.Severity]
			got = append(got, fmt.Sprintf("%s %s %v", rangeString(d.Range), sev, d.Code))
		}
		if len(want) < 3 {
			t.Errorf("%s: lint found only %v: the test files should hold more", f.Path, want)
		}
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Errorf("%s: the server reports\n%s\nlint reports\n%s", f.Path, strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
	}
}

// TestRuleFileDiagnostics checks a few places by hand: a filter's diagnostic lands on its
// token inside each scalar style, a failed rule test carries its explanation, a key that is
// not a filter key gets nothing.
func TestRuleFileDiagnostics(t *testing.T) {
	dir := writeRules(t, "")
	c := startServer(t)
	c.initialize(nil)
	u := fileURI(filepath.Join(dir, "rules.yaml"))
	c.openAs(u, "yaml", ruleYAML)
	byCode := map[string][]string{}
	for _, d := range c.pull(u) {
		byCode[fmt.Sprint(d.Code)] = append(byCode[fmt.Sprint(d.Code)], rangeString(d.Range))
		if d.Code == string(rulefile.TestFailed) && !strings.Contains(d.Message, "FileSize > 10  (FileSize: 5)") {
			t.Errorf("rule test message without its explanation: %q", d.Message)
		}
	}
	want := map[string]string{
		"KF0400": "2:25-2:33",                                 // plain: 'proces'
		"KF0201": "3:36-3:44 4:35-4:44 7:12-7:20 11:25-11:33", // double-quoted after \\d, single-quoted after ''Ж'', literal, flow
		"KL0002": "12:12-12:13",
		"KL0006": "18:10-18:11",
	}
	for code, w := range want {
		if got := strings.Join(byCode[code], " "); got != w {
			t.Errorf("%s at %s, want %s", code, got, w)
		}
	}
	if got := byCode["KF0300"]; len(got) != 1 || !strings.HasPrefix(got[0], "10:") {
		t.Errorf("folded block: the type error should be on line 10, got %v (all: %v)", got, byCode)
	}
}

// edit applies protocol edits to text.
func applyEditsTo(t *testing.T, text string, edits []protocol.TextEdit) string {
	t.Helper()
	m := newMapper(text)
	slices.SortFunc(edits, func(a, b protocol.TextEdit) int { return m.offset(b.Range.Start) - m.offset(a.Range.Start) })
	for _, e := range edits {
		sp := m.span(e.Range)
		text = text[:sp.Start] + e.NewText + text[sp.End:]
	}
	return text
}

// filtersOf reads the filters of a YAML or JSON text as lint does, and checks that the text is
// valid for the YAML library too.
func filtersOf(t *testing.T, text string, k rulefile.Kind) []string {
	t.Helper()
	var v any
	if err := yaml.Unmarshal([]byte(text), &v); err != nil {
		t.Fatalf("not valid YAML any more: %v\n%s", err, text)
	}
	sites, probs := rulefile.Extract(text, ast.NewLineTable(text), k, map[string]bool{"filter": true})
	for _, p := range probs {
		if p.Code == rulefile.InvalidFile {
			t.Fatalf("%s\n%s", p.Message, text)
		}
	}
	var out []string
	for _, s := range sites {
		out = append(out, s.Map.Text)
	}
	return out
}

// TestRuleFileFormatting: formatting writes each filter in canonical form in its own scalar
// style (quotes, escapes, block headers); the file stays valid and reads back the formatted
// filters; a multi-line literal block keeps its layout.
func TestRuleFileFormatting(t *testing.T) {
	c := startServer(t)
	c.initialize(nil)
	const u = "file:///rules/f.yaml"
	text := "a: 1 # keep\n" +
		"filter: eventType=='process'  and  FileName=='x'\n" +
		"q: {filter: \"a  ==  'b\\\\\\\\c' and x==\\\"y\\\"\"}\n" +
		"s: {filter: 'a  ==  ''b'''}\n" +
		"l:\n  filter: |-\n    a == 1\n      and b == 2\n" +
		"f:\n  filter: >\n    a==1\n    and b==2\n\nz: 2\n"
	c.openAs(u, "yaml", text)
	var edits []protocol.TextEdit
	c.must("textDocument/formatting", map[string]any{"textDocument": map[string]any{"uri": u},
		"options": map[string]any{"tabSize": 2, "insertSpaces": true}}, &edits)
	out := applyEditsTo(t, text, edits)
	want := []string{`a == 'b\\c' AND x == 'y'`, "a == 'b'", "a == 1\n  and b == 2", "a == 1 AND b == 2\n",
		"eventType == 'process' AND FileName == 'x'"} // in the order rulefile finds them
	if got := filtersOf(t, out, rulefile.YAML); !slices.Equal(got, want) {
		t.Errorf("formatted filters %q, want %q\n%s", got, want, out)
	}
	for _, keep := range []string{"a: 1 # keep\n", "q: {filter: \"", "s: {filter: 'a == ''b'''}", "filter: |-\n", "filter: >\n    a == 1 AND b == 2\n\nz: 2\n"} {
		if !strings.Contains(out, keep) {
			t.Errorf("the style or the rest of the file changed: no %q in\n%s", keep, out)
		}
	}
	// JSON too.
	const uj = "file:///rules/f.json"
	jtext := `{"filter": "a==1   and b=='\u00e9'"}`
	c.openAs(uj, "json", jtext)
	c.must("textDocument/formatting", map[string]any{"textDocument": map[string]any{"uri": uj},
		"options": map[string]any{"tabSize": 2, "insertSpaces": true}}, &edits)
	if out := applyEditsTo(t, jtext, edits); out != `{"filter": "a == 1 AND b == 'é'"}` {
		t.Errorf("JSON formatted to %s", out)
	}
}

// TestRuleFileFeatures: completion, hover, signature help, semantic tokens and code actions
// inside filter values, with positions in the file through quotes and escapes; nothing
// outside them.
func TestRuleFileFeatures(t *testing.T) {
	c := startServer(t)
	c.initialize(nil)
	const u = "file:///rules/g.yaml"
	text := "name: x\n" + // 0
		"filter: \"FileName == 'a\\\\d' AND EventType == 'pro\"\n" + // 1
		"other: EventType == \n" + // 2
		"more:\n" + // 3
		"  - filter: 'x == ''y'' AND EventType in ('\n" + // 4
		"  - filter: |\n      EventType ==\n" // 5, 6
	c.openAs(u, "yaml", text)
	var list protocol.CompletionList
	c.must("textDocument/completion", pos(u, 1, 49), &list)
	if got := renderItems(list.Items, 2); got != "process'@1:46-1:49 process_terminate'@1:46-1:49 ...(4)" {
		t.Errorf("completion in a double-quoted scalar: %s", got)
	}
	c.must("textDocument/completion", pos(u, 2, 20), &list)
	if len(list.Items) != 0 {
		t.Errorf("completion outside a filter value: %d items", len(list.Items))
	}
	c.must("textDocument/completion", pos(u, 6, 18), &list)
	if got := renderItems(list.Items, 1); got != "'process'@6:18-6:18 ...(16)" {
		t.Errorf("completion in a literal block: %s", got)
	}
	var sig signatureHelp
	c.must("textDocument/signatureHelp", pos(u, 4, 42), &sig) // before the closing quote
	if len(sig.Signatures) != 1 || !strings.HasPrefix(sig.Signatures[0].Label, "EventType in (") {
		t.Errorf("signature help in a single-quoted scalar: %+v", sig)
	}
	var h protocol.Hover
	c.must("textDocument/hover", pos(u, 1, 24), &h)
	if rangeString(*h.Range) != "1:21-1:27" || !strings.Contains(h.Contents.Value, `a\d`) {
		t.Errorf("hover on the escaped string: %s %q", rangeString(*h.Range), h.Contents.Value)
	}
	var none *protocol.Hover
	c.must("textDocument/hover", pos(u, 0, 2), &none)
	if none != nil {
		t.Errorf("hover outside a filter value: %+v", none)
	}
	var st protocol.SemanticTokens
	c.must("textDocument/semanticTokens/full", map[string]any{"textDocument": map[string]any{"uri": u}}, &st)
	if len(st.Data) < 5 || st.Data[0] != 1 || st.Data[1] != 9 || st.Data[2] != 8 || tokenTypes[st.Data[3]] != "property" {
		t.Errorf("the first token should be FileName at 1:9, got %v", st.Data[:min(5, len(st.Data))])
	}
	// A fix inside a double-quoted scalar is written with the scalar's escapes.
	var actions []protocol.CodeAction
	c.must("textDocument/codeAction", map[string]any{"textDocument": map[string]any{"uri": u},
		"range":   map[string]any{"start": map[string]any{"line": 1, "character": 24}, "end": map[string]any{"line": 1, "character": 24}},
		"context": map[string]any{"diagnostics": []any{}}}, &actions)
	found := false
	for _, a := range actions {
		if a.Kind != protocol.QuickFix {
			continue
		}
		out := applyEditsTo(t, text, a.Edit.Changes[u])
		if slices.Contains(filtersOf(t, out, rulefile.YAML), `FileName == 'a\\d' AND EventType == 'pro`) {
			found = true
		}
	}
	if !found {
		t.Errorf("no quick fix writes 'a\\\\d' in the double-quoted scalar: %+v", actions)
	}
}

// TestRuleDocEdit: typing inside filter values, in every scalar style, takes the fast path
// when it keeps the file's structure, and the document it makes reads exactly as the file
// read again: the same filters, the same map from each filter's bytes to the file, the same
// findings. Edits that could change the structure (a quote, a colon in a plain scalar, a
// line break) are refused and read the file again.
func TestRuleDocEdit(t *testing.T) {
	ck, err := rulefile.NewChecker(rulefile.DefaultConfig(t.TempDir()))
	if err != nil {
		t.Fatal(err)
	}
	t.Run("yaml", func(t *testing.T) {
		// A rule with two filters and tests after both: an edit of the second moves the
		// tests, and the failures, of the first.
		listed := "listed:\n  - filter:\n      - |\n        EventType == 'process'\n      - |\n        FileName == 'x'\n" +
			"    tests:\n      match:\n        - {EventType: module, FileName: y}\n"
		ruleDocEdits(t, ck, rulefile.YAML, ruleYAML+listed+strings.Replace(benchRules(20), "rules:", "more:", 1), 1000, 300)
	})
	t.Run("json", func(t *testing.T) { ruleDocEdits(t, ck, rulefile.JSON, ruleJSON, 300, 100) })
}

func ruleDocEdits(t *testing.T, ck *rulefile.Checker, kind rulefile.Kind, text string, wantFast, wantSlow int) {
	d := newRuleDoc(text, kind, ck, true, nil)
	inserts := []string{"x", "A", " ", "Ж", "==", "'", `"`, ":", "\\", "\n", "#", "", ",", "[", "}", "' '",
		"\n      ", "\n        ", "\n          ", "\n  "}
	fast, slow := 0, 0
	for i := range 3000 {
		s := d.sites[i%len(d.sites)]
		if !s.Map.Exact || s.Map.Text == "" {
			continue
		}
		span := s.Map.Span(ast.Span{Start: i % (len(s.Map.Text) + 1), End: i%(len(s.Map.Text)+1) + i%3})
		ins := inserts[(i/7)%len(inserts)]
		next, ok := d.edit(span.Start, span.End, ins)
		want := text[:span.Start] + ins + text[span.End:]
		if !ok {
			slow++
			if again := newRuleDoc(want, kind, ck, true, d); i%5 == 0 && len(again.sites) == len(d.sites) {
				text, d = want, again // go on from the file read again, sometimes
			}
			continue
		}
		fast++
		sameAsReadAgain(t, next, want, kind, ck, fmt.Sprintf("edit %d (%q at %v)", i, ins, span))
		text, d = want, next
	}
	if fast < wantFast || slow < wantSlow {
		t.Errorf("%d edits took the fast path, %d read the file again", fast, slow)
	}
}

// sameAsReadAgain fails t unless next, a document made on the fast path, has the text want
// and the filters, maps, tests and findings of want read again.
func sameAsReadAgain(t *testing.T, next *ruleDoc, want string, kind rulefile.Kind, ck *rulefile.Checker, what string) {
	t.Helper()
	if next.text != want {
		t.Fatalf("%s: the text differs", what)
	}
	ref := newRuleDoc(want, kind, ck, true, nil)
	if len(ref.sites) != len(next.sites) {
		t.Fatalf("%s: %d filters, read again %d", what, len(next.sites), len(ref.sites))
	}
	for j, rs := range ref.sites {
		ns := next.sites[j]
		if ns.Map.Text != rs.Map.Text || ns.Start != rs.Start || ns.End != rs.End || ns.KeyLine != rs.KeyLine ||
			fmt.Sprint(ns.Samples) != fmt.Sprint(rs.Samples) {
			t.Fatalf("%s: filter %d is %q [%d,%d) line %d, read again %q [%d,%d) line %d", what, j,
				ns.Map.Text, ns.Start, ns.End, ns.KeyLine, rs.Map.Text, rs.Start, rs.End, rs.KeyLine)
		}
		for o := 0; o <= len(rs.Map.Text); o++ {
			if a, b := ns.Map.Span(ast.Span{Start: o, End: o + 1}), rs.Map.Span(ast.Span{Start: o, End: o + 1}); a != b {
				t.Fatalf("%s: filter %d byte %d maps to %v, read again %v", what, j, o, a, b)
			}
		}
	}
	if g, w := fmt.Sprint(next.Findings()), fmt.Sprint(ref.Findings()); g != w {
		t.Fatalf("%s: findings differ:\n%s\nread again:\n%s", what, g, w)
	}
}

// FuzzRuleDocEdit checks every edit that takes the fast path against the file read again, on
// any YAML or JSON text and edit.
func FuzzRuleDocEdit(f *testing.F) {
	ck, err := rulefile.NewChecker(rulefile.DefaultConfig(f.TempDir()))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(ruleYAML, 60, 60, "x", false)
	f.Add(ruleYAML, 200, 200, "\n      ", false)
	f.Add(benchRules(4), 70, 70, "' ,", false)
	f.Add("a: [{filter: x == 'y'}, {filter: |\n    a == 1\n    b == 2\n}]\n", 18, 19, ",", false)
	f.Add(ruleJSON, 30, 31, "a", true)
	f.Fuzz(func(t *testing.T, text string, a, b int, ins string, isJSON bool) {
		kind := rulefile.YAML
		if isJSON {
			kind = rulefile.JSON
		}
		a, b = max(0, min(a, len(text))), max(0, min(b, len(text)))
		d := newRuleDoc(text, kind, ck, true, nil)
		if next, ok := d.edit(min(a, b), max(a, b), ins); ok {
			sameAsReadAgain(t, next, text[:min(a, b)]+ins+text[max(a, b):], kind, ck, fmt.Sprintf("%q at [%d,%d) of %q", ins, a, b, text))
		}
	})
}

// TestHoverSinceHead: in a rule file of a git work tree, the hover on a filter says how the
// editor's version changed the rule's matches since the last commit, as lint --base HEAD does.
func TestHoverSinceHead(t *testing.T) {
	gitBin := testenv.LookPath(t, "git", "apt-get install git")
	dir := t.TempDir()
	committed := "rules:\n  - filter: EventType == 'process' AND FileSize > 1000\n  - filter: EventType == 'module'\n"
	if err := os.WriteFile(filepath.Join(dir, "rules.yaml"), []byte(committed), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"init", "-q"}, {"add", "rules.yaml"}, {"-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-q", "-m", "rules"}} {
		if out, err := exec.Command(gitBin, append([]string{"-C", dir}, args...)...).CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	c := startServer(t)
	c.initialize(nil)
	u := fileURI(filepath.Join(dir, "rules.yaml"))
	c.openAs(u, "yaml", "rules:\n  - filter: EventType == 'process' AND FileSize > 100\n  - filter: EventType == 'module'\n")
	var h *protocol.Hover
	c.must("textDocument/hover", pos(u, 1, 50), &h)
	if h == nil || !strings.Contains(h.Contents.Value, `**changed since HEAD: broader: it matches every event it matched before, and more, such as {"EventType":"process","FileSize":101}**`) {
		t.Errorf("hover on the changed filter: %+v", h)
	}
	c.must("textDocument/hover", pos(u, 2, 14), &h)
	if h == nil || strings.Contains(h.Contents.Value, "since HEAD") {
		t.Errorf("hover on the unchanged filter: %+v", h)
	}
}

// TestPullAfterEdits: after edits anywhere in a large .kfl document (lines added and removed,
// filters broken and mended), the pulled diagnostics, encoded part by part and partly kept
// from the versions before, are those of the same text opened afresh.
func TestPullAfterEdits(t *testing.T) {
	c := startServer(t)
	c.initialize(nil)
	text := benchDocument(400)
	const u = "file:///edits/a.kfl"
	c.openAs(u, "katafilter", text)
	c.pull(u)
	m := newMapper(text)
	edits := []struct {
		off, del int
		ins      string
	}{{100, 0, "x"}, {5000, 3, ""}, {9000, 0, "\nEventType == 'proces'\n"}, {20, 40, ""}, {15000, 0, "\n\n"}, {12000, 1, "#"}}
	for i, e := range edits {
		off := min(e.off, len(text))
		end := min(off+e.del, len(text))
		r := m.rng(ast.Span{Start: off, End: end})
		c.notify("textDocument/didChange", map[string]any{"textDocument": map[string]any{"uri": u, "version": i + 2},
			"contentChanges": []any{map[string]any{"range": r, "text": e.ins}}})
		text = text[:off] + e.ins + text[end:]
		m = newMapper(text)
		got := c.pull(u)
		fresh := fmt.Sprintf("file:///edits/fresh%d.kfl", i)
		c.openAs(fresh, "katafilter", text)
		want := c.pull(fresh)
		gj, _ := json.Marshal(got)
		wj, _ := json.Marshal(want)
		if g, w := string(gj), string(wj); g != w || len(want) == 0 {
			t.Fatalf("edit %d: pulled %d diagnostics, afresh %d:\n%s\n%s", i, len(got), len(want), g, w)
		}
	}
}

// TestRuleDocEditTyping: typing a filter at the end of a value, spaces and quotes included,
// stays on the fast path in the styles that keep the spaces; a plain scalar, which drops a
// trailing space, reads the file again for it and for the character after it, and inside a
// flow collection for a comma (not typed: it would end the filter); a single-quoted one for a
// quote (which it doubles).
func TestRuleDocEditTyping(t *testing.T) {
	ck, err := rulefile.NewChecker(rulefile.DefaultConfig(t.TempDir()))
	if err != nil {
		t.Fatal(err)
	}
	const typed = " AND Pid in (1, 2) AND FileName == 'x'"
	for _, tt := range []struct {
		name, text string
		slow       string // what may read the file again: a blank (at the end of a plain scalar), a quote (in a single-quoted one)
	}{
		{"double", "a:\n  filter: \"EventType == 'process'\"\n", ""},
		{"single", "a:\n  filter: 'EventType == ''process'''\n", "'"},
		{"literal", "a:\n  filter: |\n    EventType == 'process'\nb: 1\n", ""},
		{"plain", "a:\n  filter: EventType == 'process'\nb: 1\n", " "},
		{"plain in flow", "a: [{filter: EventType == 'process'}, {b: 1}]\n", " "}, // (no comma: it would end the filter)
	} {
		d := newRuleDoc(tt.text, rulefile.YAML, ck, true, nil)
		s := d.sites[0]
		at := s.Map.Span(ast.Span{Start: len(strings.TrimRight(s.Map.Text, "\n"))}).Start
		prev := 'x'
		typing, want := typed, typed
		switch tt.name {
		case "single":
			typing = strings.ReplaceAll(typed, "'", "''")
		case "plain in flow":
			typing = strings.ReplaceAll(typed, ", ", " AND ")
			want = typing
		}
		for _, ch := range typing {
			next, ok := d.edit(at, at, string(ch))
			if !ok && !strings.ContainsRune(tt.slow, ch) && (ch == ' ' || !strings.ContainsRune(tt.slow, prev)) {
				t.Fatalf("%s: typing %q after %q at the end read the file again", tt.name, ch, prev)
			}
			if !ok {
				next = newRuleDoc(d.text[:at]+string(ch)+d.text[at:], rulefile.YAML, ck, true, d)
			}
			d, at, prev = next, at+1, ch
		}
		if len(d.sites) != 1 {
			t.Fatalf("%s: typed into %q: %d filters", tt.name, d.text, len(d.sites))
		}
		if got := strings.TrimRight(d.sites[0].Map.Text, "\n"); got != "EventType == 'process'"+want {
			t.Errorf("%s: typed %q", tt.name, got)
		}
	}
}

// TestRuleDocEditListedFilters: in a rule with a list of filters and tests after them, an edit
// of the second filter on the fast path (a character; a line break in its literal block) moves
// the tests of the first, and the failure reported there, as reading the file again does.
func TestRuleDocEditListedFilters(t *testing.T) {
	ck, err := rulefile.NewChecker(rulefile.DefaultConfig(t.TempDir()))
	if err != nil {
		t.Fatal(err)
	}
	text := "listed:\n  - filter:\n      - |\n        EventType == 'process'\n      - |\n        FileName == 'x'\n" +
		"    tests:\n      match:\n        - {EventType: module, FileName: y}\n"
	d := newRuleDoc(text, rulefile.YAML, ck, true, nil)
	at := d.sites[1].Map.Span(ast.Span{Start: 3}).Start
	for _, ins := range []string{"x", "\n        ", "\n          "} {
		next, ok := d.edit(at, at, ins)
		if !ok {
			t.Fatalf("%q: read the file again", ins)
		}
		ref := newRuleDoc(next.text, rulefile.YAML, ck, true, nil)
		if g, w := fmt.Sprint(next.Findings()), fmt.Sprint(ref.Findings()); g != w || !strings.Contains(w, "KL0006") {
			t.Errorf("%q: findings\n%s\nread again:\n%s", ins, g, w)
		}
		for i, s := range ref.sites {
			if g, w := fmt.Sprint(next.sites[i].Samples), fmt.Sprint(s.Samples); g != w || next.sites[i].KeyLine != s.KeyLine {
				t.Errorf("%q: filter %d: tests %s line %d, read again %s line %d", ins, i, g, next.sites[i].KeyLine, w, s.KeyLine)
			}
		}
	}
}
