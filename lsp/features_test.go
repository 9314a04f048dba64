package lsp

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.lsp.dev/protocol"

	"github.com/katafilter/katafilter/lang/ast"
)

// doc is the test document: comments, a multi-line filter, Cyrillic and emoji in strings, and
// mistakes with fixes.
const doc = "# users\n" + // line 0
	"UserName == 'Иванов' AND FileName == 'no😀*'\n" + // line 1: a typo-free filter
	"EventType == 'proces'\n" + // line 2: unknown value
	"EventType == 'process' AND\n" + // line 3
	"  FileName == 'a\\*b*'\n" + // line 4: continuation
	"UserName == 'Ж' AND hostname == 'x'\n" // line 5: field case

func TestInitializeCapabilities(t *testing.T) {
	c := startServer(t)
	res := c.initialize(nil)
	caps := res["capabilities"].(map[string]any)
	for _, k := range []string{"textDocumentSync", "completionProvider", "hoverProvider", "signatureHelpProvider",
		"documentFormattingProvider", "documentRangeFormattingProvider", "codeActionProvider", "documentSymbolProvider",
		"foldingRangeProvider", "semanticTokensProvider", "diagnosticProvider"} {
		if caps[k] == nil {
			t.Errorf("capability %s missing", k)
		}
	}
	legend := caps["semanticTokensProvider"].(map[string]any)["legend"].(map[string]any)
	if got := fmt.Sprint(legend["tokenTypes"]); got != "[property keyword operator string regexp macro number comment]" {
		t.Errorf("legend = %s", got)
	}
	if si := res["serverInfo"].(map[string]any); si["name"] != "katafilter" || si["version"] != "test" {
		t.Errorf("serverInfo = %v", si)
	}
	if err := c.call("initialize", map[string]any{"capabilities": map[string]any{}}, nil); err == nil || !strings.Contains(err.Error(), "twice") {
		t.Errorf("second initialize: %v", err)
	}
}

// renderDiags writes diagnostics as "range severity code message href" lines.
func renderDiags(ds []protocol.Diagnostic) string {
	var b strings.Builder
	for _, d := range ds {
		href := ""
		if d.CodeDescription != nil {
			href = string(d.CodeDescription.Href)
		}
		fmt.Fprintf(&b, "%s %v %v %s | %s\n", rangeString(d.Range), d.Severity, d.Code, d.Message, href)
	}
	return b.String()
}

const wantDiags = `2:13-2:21 Error KF0400 'proces' is not a known value of EventType; did you mean 'process'? | https://github.com/katafilter/katafilter/blob/main/docs/diagnostics.md#kf0400
5:20-5:28 Error KF0201 field names are case-sensitive: hostname is written HostName | https://github.com/katafilter/katafilter/blob/main/docs/diagnostics.md#kf0201
`

func TestPublishDiagnostics(t *testing.T) {
	c := startServer(t)
	c.initialize(nil)
	c.open(testURI, doc)
	var p protocol.PublishDiagnosticsParams
	c.waitNote("textDocument/publishDiagnostics", 1, &p)
	if p.URI != testURI || p.Version != 1 {
		t.Errorf("published for %s version %d", p.URI, p.Version)
	}
	if got := renderDiags(p.Diagnostics); got != wantDiags {
		t.Errorf("diagnostics:\n%s\nwant:\n%s", got, wantDiags)
	}
	// Two quick changes: the latest version wins. The first removes line 2's mistake, the
	// second (incremental, inside the Cyrillic line) adds one at an exact UTF-16 range.
	c.notify("textDocument/didChange", map[string]any{"textDocument": map[string]any{"uri": testURI, "version": 2},
		"contentChanges": []any{map[string]any{"range": map[string]any{"start": map[string]any{"line": 2, "character": 20},
			"end": map[string]any{"line": 2, "character": 20}}, "text": "s"}}})
	c.notify("textDocument/didChange", map[string]any{"textDocument": map[string]any{"uri": testURI, "version": 3},
		"contentChanges": []any{map[string]any{"range": map[string]any{"start": map[string]any{"line": 1, "character": 44},
			"end": map[string]any{"line": 1, "character": 44}}, "text": " AND LocalPort > 'x'"}}})
	p = c.waitVersion(testURI, 3)
	want := "1:61-1:64 Error KF0300 > compares integers only, and 'x' is a string | https://github.com/katafilter/katafilter/blob/main/docs/diagnostics.md#kf0300\n" +
		"5:20-5:28 Error KF0201 field names are case-sensitive: hostname is written HostName | https://github.com/katafilter/katafilter/blob/main/docs/diagnostics.md#kf0201\n"
	if got := renderDiags(p.Diagnostics); got != want {
		t.Errorf("after changes:\n%s\nwant:\n%s", got, want)
	}
	// A whole-text change, then close: diagnostics are cleared.
	c.notify("textDocument/didChange", map[string]any{"textDocument": map[string]any{"uri": testURI, "version": 4},
		"contentChanges": []any{map[string]any{"text": "x =="}}})
	p = c.waitVersion(testURI, 4)
	if got := renderDiags(p.Diagnostics); !strings.HasPrefix(got, "0:4-0:4 Error KF0100 expected a value") {
		t.Errorf("after full change:\n%s", got)
	}
	c.notify("textDocument/didClose", map[string]any{"textDocument": map[string]any{"uri": testURI}})
	c.waitDiags(func(p protocol.PublishDiagnosticsParams) bool { return p.Version == 0 && len(p.Diagnostics) == 0 })
	// Versions never go back: a publication for an old version never follows a newer one.
	vs := c.versions()
	for i := 1; i < len(vs)-1; i++ {
		if vs[i] < vs[i-1] {
			t.Errorf("published versions %v go back", vs)
		}
	}
	if vs[len(vs)-2] != 4 {
		t.Errorf("published versions %v: the last before close should be 4", vs)
	}
}

func TestPullDiagnostics(t *testing.T) {
	c := startServer(t)
	c.initialize(nil)
	c.open(testURI, doc)
	var rep struct {
		Kind  string                `json:"kind"`
		Items []protocol.Diagnostic `json:"items"`
	}
	c.must("textDocument/diagnostic", map[string]any{"textDocument": map[string]any{"uri": testURI}}, &rep)
	if rep.Kind != "full" || renderDiags(rep.Items) != wantDiags {
		t.Errorf("pull diagnostics %s:\n%s", rep.Kind, renderDiags(rep.Items))
	}
	err := c.call("textDocument/diagnostic", map[string]any{"textDocument": map[string]any{"uri": "file:///nope.kfl"}}, &rep)
	if err == nil || !strings.Contains(err.Error(), "is not open") {
		t.Errorf("diagnostics of a closed document: %v", err)
	}
}

func renderItems(items []protocol.CompletionItem, n int) string {
	var parts []string
	for i, it := range items {
		if i == n {
			parts = append(parts, fmt.Sprintf("...(%d)", len(items)))
			break
		}
		parts = append(parts, fmt.Sprintf("%s@%s", it.TextEdit.NewText, rangeString(it.TextEdit.Range)))
	}
	return strings.Join(parts, " ")
}

func TestCompletion(t *testing.T) {
	c := startServer(t)
	c.initialize(nil)
	text := "UserName == 'Иванов' AND \n" +
		"EventType == 'proc\n" +
		"EventType in ('process', 'mod\n" +
		"FileSize \n" +
		"UserName == '😀' AND Ioa.\n" +
		"EventType == 'amsiscan' AND \n" +
		"FileName == 'x' \n"
	c.open(testURI, text)
	tests := []struct {
		line, char, n int
		want          string
	}{
		{0, 25, 2, "HostName@0:25-0:25 HostIp@0:25-0:25 ...(111)"},
		// The quote typed already is not replaced: the edit starts where the word does.
		{1, 18, 5, "process'@1:14-1:18 process_terminate'@1:14-1:18 process_interpretated_file_run'@1:14-1:18 process_console_interactive_input'@1:14-1:18"},
		{2, 29, 5, "module'@2:26-2:29"},
		{3, 9, 9, "==@3:9-3:9 !=@3:9-3:9 >@3:9-3:9 >=@3:9-3:9 <@3:9-3:9 <=@3:9-3:9 in (@3:9-3:9"},
		{4, 25, 5, "Rules.@4:25-4:25 Severity@4:25-4:25 Confidence@4:25-4:25"},
		{5, 28, 1, "VerdictName@5:28-5:28 ...(111)"},
		{6, 16, 5, "AND@6:16-6:16 OR@6:16-6:16"},
	}
	for _, tc := range tests {
		var list protocol.CompletionList
		c.must("textDocument/completion", pos(testURI, tc.line, tc.char), &list)
		if got := renderItems(list.Items, tc.n); got != tc.want {
			t.Errorf("completion at %d:%d:\n got %s\nwant %s", tc.line, tc.char, got, tc.want)
		}
	}
	var list protocol.CompletionList
	c.must("textDocument/completion", pos(testURI, 1, 13), &list)
	it := list.Items[0]
	doc, _ := it.Documentation.(map[string]any)
	if it.Label != "'process'" || it.Kind != protocol.CompletionItemKindEnumMember || it.Detail != "EventType" || doc["value"] != "Process started." {
		t.Errorf("event type item = %+v", it)
	}
	if it.FilterText != it.TextEdit.NewText {
		t.Errorf("filterText %q, newText %q", it.FilterText, it.TextEdit.NewText)
	}
	c.must("textDocument/completion", pos(testURI, 0, 26), &list) // beyond the line's end: clamped
	if len(list.Items) == 0 {
		t.Error("no completion at a column past the line's end")
	}
}

func TestHover(t *testing.T) {
	c := startServer(t)
	c.initialize(nil)
	c.open(testURI, doc)
	tests := []struct {
		line, char int
		want       string
	}{
		{1, 3, "1:0-1:8 `UserName`: string field"},
		{1, 14, "1:12-1:20 `'Иванов'` matches exactly \"Иванов\"."},
		{1, 40, "1:37-1:44 `'no😀*'` matches \"no😀\" then anything (starts with \"no😀\")."},
		{1, 9, "1:9-1:11 `==`: equal."},
		{4, 15, "4:14-4:21 `'a\\*b*'` matches \"a*b\" then anything (starts with \"a*b\")."},
		{0, 3, "null"},
		{7, 0, "null"},
	}
	for _, tc := range tests {
		var h *protocol.Hover
		c.must("textDocument/hover", pos(testURI, tc.line, tc.char), &h)
		got := "null"
		if h != nil {
			got = rangeString(*h.Range) + " " + strings.SplitN(h.Contents.Value, "\n", 2)[0]
			if h.Contents.Kind != protocol.Markdown {
				t.Errorf("hover kind %s", h.Contents.Kind)
			}
		}
		if !strings.HasPrefix(got, tc.want) {
			t.Errorf("hover at %d:%d:\n got %s\nwant %s...", tc.line, tc.char, got, tc.want)
		}
	}
}

func TestSignatureHelp(t *testing.T) {
	c := startServer(t)
	c.initialize(nil)
	c.open(testURI, "EventType in ('process', \nin(System.EventID.value, '1'")
	var sh signatureHelp
	c.must("textDocument/signatureHelp", pos(testURI, 0, 25), &sh)
	if len(sh.Signatures) != 1 || sh.Signatures[0].Label != "EventType in (value, ...)" || sh.ActiveParameter != 1 ||
		fmt.Sprint(sh.Signatures[0].Parameters) != "[{[14 19]} {[21 24]}]" {
		t.Errorf("signature help = %+v", sh)
	}
	c.must("textDocument/signatureHelp", pos(testURI, 1, 29), &sh)
	if s := sh.Signatures[0]; s.Label != "in(System.EventID.value, value, ...)" || sh.ActiveParameter != 1 ||
		fmt.Sprint(s.Parameters) != "[{[3 23]} {[25 30]} {[32 35]}]" {
		t.Errorf("call-form signature help = %+v", sh)
	}
	var none *signatureHelp
	c.must("textDocument/signatureHelp", pos(testURI, 0, 3), &none)
	if none != nil {
		t.Errorf("signature help outside in: %+v", none)
	}
}

func renderEdits(es []protocol.TextEdit) string {
	var parts []string
	for _, e := range es {
		parts = append(parts, fmt.Sprintf("%s %q", rangeString(e.Range), e.NewText))
	}
	return strings.Join(parts, "; ")
}

func TestFormatting(t *testing.T) {
	c := startServer(t)
	c.initialize(nil)
	c.open(testURI, "# c\nusername=='Ж'  and  not(x=='y')\nEventType == 'process' AND\n  FileName == 'a'\nx ==\n")
	var edits []protocol.TextEdit
	c.must("textDocument/formatting", map[string]any{"textDocument": map[string]any{"uri": testURI},
		"options": map[string]any{"tabSize": 4, "insertSpaces": true}}, &edits)
	want := `1:0-1:31 "username == 'Ж' AND NOT x == 'y'"; 2:0-3:17 "EventType == 'process' AND FileName == 'a'"`
	if got := renderEdits(edits); got != want {
		t.Errorf("formatting:\n got %s\nwant %s", got, want)
	}
	c.must("textDocument/rangeFormatting", map[string]any{"textDocument": map[string]any{"uri": testURI},
		"range":   map[string]any{"start": map[string]any{"line": 3, "character": 0}, "end": map[string]any{"line": 3, "character": 2}},
		"options": map[string]any{"tabSize": 4, "insertSpaces": true}}, &edits)
	if got := renderEdits(edits); got != `2:0-3:17 "EventType == 'process' AND FileName == 'a'"` {
		t.Errorf("range formatting: %s", got)
	}
}

func TestCodeActions(t *testing.T) {
	c := startServer(t)
	c.initialize(nil)
	c.open(testURI, doc)
	var actions []protocol.CodeAction
	c.must("textDocument/codeAction", map[string]any{"textDocument": map[string]any{"uri": testURI},
		"range":   map[string]any{"start": map[string]any{"line": 5, "character": 22}, "end": map[string]any{"line": 5, "character": 22}},
		"context": map[string]any{"diagnostics": []any{}}}, &actions)
	var got []string
	for _, a := range actions {
		got = append(got, fmt.Sprintf("%s %s preferred=%v diags=%d %s", a.Kind, a.Title, a.IsPreferred, len(a.Diagnostics), renderEdits(a.Edit.Changes[testURI])))
	}
	want := "quickfix write HostName preferred=true diags=1 5:20-5:28 \"HostName\"\n" +
		"refactor.rewrite format filter preferred=false diags=0 5:0-5:35 \"UserName == 'Ж' AND hostname == 'x'\""
	if strings.Join(got, "\n") == want {
		t.Errorf("the filter is canonical already; format filter should not be offered")
	}
	want = "quickfix write HostName preferred=true diags=1 5:20-5:28 \"HostName\""
	if strings.Join(got, "\n") != want {
		t.Errorf("code actions:\n%s\nwant:\n%s", strings.Join(got, "\n"), want)
	}
	// A fix on line 2, and format filter for line 4's filter; "only" filters by kind.
	c.must("textDocument/codeAction", map[string]any{"textDocument": map[string]any{"uri": testURI},
		"range":   map[string]any{"start": map[string]any{"line": 2, "character": 15}, "end": map[string]any{"line": 4, "character": 0}},
		"context": map[string]any{"diagnostics": []any{}}}, &actions)
	got = nil
	for _, a := range actions {
		got = append(got, fmt.Sprintf("%s %s %s", a.Kind, a.Title, renderEdits(a.Edit.Changes[testURI])))
	}
	want = "quickfix write 'process' 2:13-2:21 \"'process'\"\n" +
		"refactor.rewrite format filter 3:0-4:21 \"EventType == 'process' AND FileName == 'a\\\\*b*'\""
	if strings.Join(got, "\n") != want {
		t.Errorf("code actions:\n%s\nwant:\n%s", strings.Join(got, "\n"), want)
	}
	c.must("textDocument/codeAction", map[string]any{"textDocument": map[string]any{"uri": testURI},
		"range":   map[string]any{"start": map[string]any{"line": 2, "character": 15}, "end": map[string]any{"line": 4, "character": 0}},
		"context": map[string]any{"diagnostics": []any{}, "only": []string{"refactor"}}}, &actions)
	if len(actions) != 1 || actions[0].Title != "format filter" {
		t.Errorf("only refactor: %+v", actions)
	}
}

func TestSemanticTokens(t *testing.T) {
	c := startServer(t)
	c.initialize(nil)
	c.open(testURI, "# Ж\nUserName == 'Жё*\\?😀' AND\n  Pid > 1\n")
	var st protocol.SemanticTokens
	c.must("textDocument/semanticTokens/full", map[string]any{"textDocument": map[string]any{"uri": testURI}}, &st)
	var got []string
	for i := 0; i+4 < len(st.Data); i += 5 {
		got = append(got, fmt.Sprintf("%d,%d,%d:%s", st.Data[i], st.Data[i+1], st.Data[i+2], tokenTypes[st.Data[i+3]]))
	}
	// line delta, start delta, length (UTF-16), type.
	want := "0,0,3:comment 1,0,8:property 0,9,2:operator 0,3,3:string 0,3,1:regexp 0,1,2:macro 0,2,3:string 0,4,3:keyword 1,2,3:property 0,4,1:operator 0,2,1:number"
	if strings.Join(got, " ") != want {
		t.Errorf("semantic tokens:\n got %s\nwant %s", strings.Join(got, " "), want)
	}
}

func TestSymbolsAndFolding(t *testing.T) {
	c := startServer(t)
	c.initialize(nil)
	c.open(testURI, doc)
	var syms []protocol.DocumentSymbol
	c.must("textDocument/documentSymbol", map[string]any{"textDocument": map[string]any{"uri": testURI}}, &syms)
	var got []string
	for _, s := range syms {
		got = append(got, fmt.Sprintf("%s|%s|%s|%s|%v", s.Name, s.Detail, rangeString(s.Range), rangeString(s.SelectionRange), s.Kind))
	}
	want := "UserName == 'Иванов' AND FileName == 'no😀*'||1:0-1:44|1:0-1:44|Event\n" +
		"EventType == 'proces'||2:0-2:21|2:0-2:21|Event\n" +
		"EventType == 'process' AND FileName == 'a\\*b*'|process|3:0-4:21|3:0-3:26|Event\n" +
		"UserName == 'Ж' AND hostname == 'x'||5:0-5:35|5:0-5:35|Event"
	if strings.Join(got, "\n") != want {
		t.Errorf("symbols:\n%s\nwant:\n%s", strings.Join(got, "\n"), want)
	}
	var folds []protocol.FoldingRange
	c.must("textDocument/foldingRange", map[string]any{"textDocument": map[string]any{"uri": testURI}}, &folds)
	if len(folds) != 1 || folds[0].StartLine != 3 || folds[0].EndLine != 4 {
		t.Errorf("folds = %+v", folds)
	}
}

func TestSettings(t *testing.T) {
	dir := t.TempDir()
	schemaFile := filepath.Join(dir, "extra.yaml")
	if err := os.WriteFile(schemaFile, []byte("fields:\n  - name: Custom.Tag\n    type: string\n    description: A tag.\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	c := startServer(t)
	c.initialize(map[string]any{"strict": true})
	c.open(testURI, "FileName == 'x'\nCustom.Tag == 'a'\n")
	var p protocol.PublishDiagnosticsParams
	c.waitNote("textDocument/publishDiagnostics", 1, &p)
	got := renderDiags(p.Diagnostics)
	if !strings.Contains(got, "0:0-0:15 Error KF0500") || !strings.Contains(got, "1:0-1:10 Error KF0200 unknown field Custom.Tag") {
		t.Errorf("strict diagnostics:\n%s", got)
	}
	// New settings, nested under "katafilter": the schema file adds the field, strict is off.
	c.notify("workspace/didChangeConfiguration", map[string]any{"settings": map[string]any{"katafilter": map[string]any{"schemaFile": schemaFile}}})
	c.waitNote("textDocument/publishDiagnostics", 2, &p)
	if len(p.Diagnostics) != 0 {
		t.Errorf("diagnostics with the schema file:\n%s", renderDiags(p.Diagnostics))
	}
	var list protocol.CompletionList
	c.must("textDocument/completion", pos(testURI, 1, 7), &list)
	if renderItems(list.Items, 3) != "Tag@1:7-1:10" {
		t.Errorf("completion from the schema file: %s", renderItems(list.Items, 3))
	}
	// ignoreCase follows through to the value checks.
	c.notify("workspace/didChangeConfiguration", map[string]any{"settings": map[string]any{"ignoreCase": true}})
	c.notify("textDocument/didChange", map[string]any{"textDocument": map[string]any{"uri": testURI, "version": 2},
		"contentChanges": []any{map[string]any{"text": "EventType == 'PROCESS'"}}})
	p = c.waitVersion(testURI, 2)
	if len(p.Diagnostics) != 0 {
		t.Errorf("ignoreCase: version %d\n%s", p.Version, renderDiags(p.Diagnostics))
	}
	// A schema file that cannot be read is reported, and the built-in schema used.
	c.notify("workspace/didChangeConfiguration", map[string]any{"settings": map[string]any{"schemaFile": filepath.Join(dir, "missing.json")}})
	var msg protocol.ShowMessageParams
	c.waitNote("window/showMessage", 1, &msg)
	if msg.Type != protocol.MessageTypeWarning || !strings.Contains(msg.Message, "missing.json") {
		t.Errorf("message = %+v", msg)
	}
}

func TestSettingsRelativeSchemaFile(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "fields.json"), []byte(`{"fields":[{"name":"Site","type":"string","values":[{"value":"hq"}]}]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	c := startServer(t)
	var res map[string]any
	c.must("initialize", map[string]any{"capabilities": map[string]any{}, "rootUri": "file://" + filepath.ToSlash(dir),
		"initializationOptions": map[string]any{"katafilter": map[string]any{"schemaFile": "fields.json"}}}, &res)
	c.open(testURI, "Site == ")
	var list protocol.CompletionList
	c.must("textDocument/completion", pos(testURI, 0, 8), &list)
	if got := renderItems(list.Items, 3); got != "'hq'@0:8-0:8" {
		t.Errorf("values from the workspace's schema file: %s", got)
	}
	if c.noteCount("window/showMessage") != 0 {
		t.Error("the schema file was reported as a problem")
	}
}

// TestCodeActionsOnce: a fix that two diagnostics offer alike (the string's every lone
// backslash) is one action that lists both diagnostics.
func TestCodeActionsOnce(t *testing.T) {
	c := startServer(t)
	c.initialize(nil)
	c.open(testURI, `FileName == 'C:\Win\d'`+"\n")
	var actions []protocol.CodeAction
	c.must("textDocument/codeAction", map[string]any{"textDocument": map[string]any{"uri": testURI},
		"range":   map[string]any{"start": map[string]any{"line": 0, "character": 0}, "end": map[string]any{"line": 0, "character": 22}},
		"context": map[string]any{"diagnostics": []any{}}}, &actions)
	var got []string
	for _, a := range actions {
		got = append(got, fmt.Sprintf("%s diags=%d %s", a.Title, len(a.Diagnostics), renderEdits(a.Edit.Changes[testURI])))
	}
	want := `write the backslash as \\ diags=1 0:15-0:16 "\\\\"` + "\n" +
		`write every lone backslash of this string as \\ diags=2 0:15-0:16 "\\\\"; 0:19-0:20 "\\\\"` + "\n" +
		`write the backslash as \\ diags=1 0:19-0:20 "\\\\"`
	if g := strings.Join(got, "\n"); g != want {
		t.Errorf("code actions:\n%s\nwant:\n%s", g, want)
	}
}

// TestFromWordStart: a completion edit starts where the word before the cursor starts when
// what was typed before it begins the new text; otherwise it is left as it is.
func TestFromWordStart(t *testing.T) {
	tests := []struct {
		text          string
		cursor        int
		replace       ast.Span
		insert        string
		want, wantIns string
	}{
		{"EventType == 'pro", 17, ast.Span{Start: 13, End: 17}, "'process'", "14-17", "process'"},
		{"EventType == '", 14, ast.Span{Start: 13, End: 14}, "'process'", "14-14", "process'"},
		{"Ioa.Sev", 7, ast.Span{Start: 0, End: 7}, "Ioa.Severity", "4-7", "Severity"},
		{"x == 'Ив", 10, ast.Span{Start: 5, End: 10}, "'Иванов'", "6-10", "Иванов'"},
		{"EventType == \"pro", 17, ast.Span{Start: 13, End: 17}, "'process'", "13-17", "'process'"}, // a fix of the quote
		{"eventtype", 9, ast.Span{Start: 0, End: 9}, "EventType", "0-9", "EventType"},
		{"a == 'x", 6, ast.Span{Start: 5, End: 7}, "'x'", "6-7", "x'"}, // the cursor inside the word
	}
	for _, tt := range tests {
		sp, ins := fromWordStart(tt.text[tt.replace.Start:tt.cursor], tt.replace, tt.insert)
		if got := fmt.Sprintf("%d-%d", sp.Start, sp.End); got != tt.want || ins != tt.wantIns {
			t.Errorf("%q: %s %q, want %s %q", tt.text, got, ins, tt.want, tt.wantIns)
		}
	}
}

// TestPullUnchanged: a pull that names the report the client holds (previousResultId) gets
// "unchanged" exactly when a full report would hold the same diagnostics, in a .kfl file
// (encoded by parts), in one with a suppression comment (encoded whole) and in a YAML rule
// file.
func TestPullUnchanged(t *testing.T) {
	type edit struct {
		line, from, endLine, to int // the range replaced; endLine 0: line
		text                    string
		unchanged               bool
	}
	tests := []struct {
		name, uri, langID, text string
		edits                   []edit
	}{
		{"kfl", testURI, "katafilter", doc, []edit{
			{0, 7, 0, 7, "and groups", true},               // a comment
			{1, 24, 0, 24, " ", true},                      // a blank on a line without diagnostics
			{2, 13, 0, 13, "x", false},                     // the diagnostic's range and message change
			{2, 13, 0, 14, "", false},                      // back: the report of before
			{5, 0, 0, 0, "NOT ", false},                    // a diagnostic moves
			{1, 0, 0, 0, "# a filter\n", false},            // every line below moves
			{3, 0, 0, 0, "\n", false},                      // a blank line in the middle
			{3, 0, 4, 0, "", false},                        // the blank line goes
			{7, 0, 0, 0, "EventType == 'process'\n", true}, // a new filter, at the end
		}},
		{"suppressed", "file:///work/s.kfl", "katafilter", "# katafilter:ignore KF0400 -- the vendor's spelling\nEventType == 'proces'\nhostname == 'x'\n", []edit{
			{2, 13, 0, 13, "y", true},
			{2, 0, 0, 0, "NOT ", false},
		}},
		{"yaml", "file:///work/r.yaml", "yaml", "rules:\n  - name: a\n    filter: EventType == 'proces'\n  - name: b\n    filter: hostname == 'x'\n", []edit{
			{4, 25, 0, 25, "y", true},
			{1, 11, 0, 11, "aa", true},
			{4, 12, 0, 12, "NOT ", false},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := startServer(t)
			c.initializeAs(vscodeCapabilities)
			c.openAs(tt.uri, tt.langID, tt.text)
			var held documentDiagnosticReport
			c.pullAsVSCode(tt.uri, &held)
			if held.Kind != "full" || held.ResultID == "" || len(held.Items) == 0 {
				t.Fatalf("first pull: %q %q, %d items", held.Kind, held.ResultID, len(held.Items))
			}
			for i, e := range tt.edits {
				end := e.endLine
				if end == 0 {
					end = e.line
				}
				rng := map[string]any{"start": map[string]any{"line": e.line, "character": e.from}, "end": map[string]any{"line": end, "character": e.to}}
				c.notify("textDocument/didChange", map[string]any{"textDocument": map[string]any{"uri": tt.uri, "version": i + 2},
					"contentChanges": []any{map[string]any{"range": rng, "text": e.text}}})
				var rep documentDiagnosticReport
				c.must("textDocument/diagnostic", map[string]any{"textDocument": map[string]any{"uri": tt.uri}, "previousResultId": held.ResultID}, &rep)
				fresh := c.pull(tt.uri)
				switch {
				case e.unchanged && rep.Kind != "unchanged":
					t.Errorf("edit %d: %q, want unchanged", i, rep.Kind)
				case e.unchanged && renderDiags(fresh) != renderDiags(held.Items):
					t.Errorf("edit %d: unchanged, but the diagnostics are\n%s\nnot\n%s", i, renderDiags(fresh), renderDiags(held.Items))
				case !e.unchanged && (rep.Kind != "full" || rep.ResultID == held.ResultID):
					t.Errorf("edit %d: %q %q after %q, want a full report", i, rep.Kind, rep.ResultID, held.ResultID)
				case !e.unchanged && renderDiags(rep.Items) != renderDiags(fresh):
					t.Errorf("edit %d: the report\n%s\nis not what a pull without previousResultId gets:\n%s", i, renderDiags(rep.Items), renderDiags(fresh))
				}
				if rep.Kind == "full" {
					held = rep
				}
			}
		})
	}
}

// TestPullNothing: a document without diagnostics (a YAML file without filters, a .kfl file
// without mistakes) gets a full report of no items, and then "unchanged".
func TestPullNothing(t *testing.T) {
	c := startServer(t)
	c.initializeAs(vscodeCapabilities)
	for _, d := range []struct{ uri, langID, text string }{
		{"file:///work/config.yaml", "yaml", "a: 1\n"},
		{"file:///work/good.kfl", "katafilter", "EventType == 'process'\n"},
		{"file:///work/empty.kfl", "katafilter", ""},
	} {
		c.openAs(d.uri, d.langID, d.text)
		var held documentDiagnosticReport
		c.pullAsVSCode(d.uri, &held)
		if held.Kind != "full" || held.ResultID == "" || held.Items == nil || len(held.Items) != 0 {
			t.Errorf("%s: %q %q, items %v", d.uri, held.Kind, held.ResultID, held.Items)
		}
		var rep documentDiagnosticReport
		c.must("textDocument/diagnostic", map[string]any{"textDocument": map[string]any{"uri": d.uri}, "previousResultId": held.ResultID}, &rep)
		if rep.Kind != "unchanged" {
			t.Errorf("%s: then %q", d.uri, rep.Kind)
		}
	}
}
