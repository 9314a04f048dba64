package lsp

import (
	"context"
	"encoding/json"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"go.lsp.dev/protocol"

	"github.com/katafilter/katafilter/rulefile"
)

// benchRules returns a YAML rule file of n rules, each with a name, a filter in one of the
// scalar styles people use and, for one in ten, a rule test.
func benchRules(n int) string {
	var b strings.Builder
	b.WriteString("rules:\n")
	for i := range n {
		fmt.Fprintf(&b, "  - name: rule %d\n", i)
		switch i % 4 {
		case 0:
			fmt.Fprintf(&b, "    filter: EventType == 'process' AND FileName == '*tool%d*'\n", i)
		case 1:
			fmt.Fprintf(&b, "    filter: \"EventType == 'connection' AND RemotePort in (4444, %d)\"\n", i)
		case 2:
			fmt.Fprintf(&b, "    filter: |\n      EventType == 'registry'\n        AND KeyName == '*\\\\Run%d*'\n", i)
		default:
			fmt.Fprintf(&b, "    filter: >-\n      UserName == 'CORP\\\\user%d' AND\n      HostName == 'WS-*'\n", i)
		}
		if i%10 == 0 {
			b.WriteString("    tests:\n      match:\n        - {EventType: process, FileName: x}\n")
		}
	}
	return b.String()
}

// keystrokeLine returns the 0-based line of the middle of text that starts with prefix.
func keystrokeLine(text, prefix string) int {
	lines := strings.Split(text, "\n")
	mid := len(lines) / 2
	for !strings.HasPrefix(lines[mid], prefix) {
		mid++
	}
	return mid
}

// BenchmarkKeystroke types 500 characters, one didChange each, into a filter in the middle of
// a document, each followed by a completion request at the cursor and a pull of the
// document's diagnostics, over a real JSON-RPC connection (net.Pipe). The client speaks as
// vscode-languageclient does: it says that it pulls diagnostics (so that none are pushed)
// and names the report it holds in each pull (previousResultId), keeping that report's items
// when the answer is "unchanged". It reports the p50 and
// p99 latency of each request in milliseconds and the memory allocated per keystroke (by the
// server and the test's client together, which share the process):
//
//	go test ./lsp -run '^$' -bench Keystroke -benchtime 1x
//
// Sizes: .kfl documents of 50, 5,000 and 50,000 filters, and a YAML file of 2,000 rules.
func BenchmarkKeystroke(b *testing.B) {
	type doc struct {
		name, langID, text, prefix string
		col                        int // where typing starts on the line
	}
	docs := []doc{
		{"kfl-50", "katafilter", benchDocument(50), "EventType == 'process' AND FileName", 0},
		{"kfl-5000", "katafilter", benchDocument(5000), "EventType == 'process' AND FileName", 0},
		{"kfl-50000", "katafilter", benchDocument(50000), "EventType == 'process' AND FileName", 0},
		{"yaml-2000", "yaml", benchRules(2000), "    filter: EventType == 'process'", 12},
	}
	typed := "EventType == 'process' AND FileName == 'x' AND "
	for _, d := range docs {
		b.Run(d.name, func(b *testing.B) {
			for range b.N {
				keystrokes(b, d.langID, d.text, keystrokeLine(d.text, d.prefix), d.col, typed)
			}
		})
	}
}

func keystrokes(b *testing.B, langID, text string, line, col int, typed string) {
	c := startServer(b)
	c.initializeAs(vscodeCapabilities)
	uri := "file:///bench/doc." + map[string]string{"katafilter": "kfl", "yaml": "yaml"}[langID]
	c.openAs(uri, langID, text)
	var held documentDiagnosticReport
	c.pullAsVSCode(uri, &held) // every filter analysed once: not part of the measure
	const n = 500
	var comp, pull []time.Duration
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	b.ResetTimer()
	for i := range n {
		ch := typed[i%len(typed) : i%len(typed)+1]
		at := map[string]any{"line": line, "character": col + i}
		c.notify("textDocument/didChange", map[string]any{"textDocument": map[string]any{"uri": uri, "version": i + 2},
			"contentChanges": []any{map[string]any{"range": map[string]any{"start": at, "end": at}, "text": ch}}})
		start := time.Now()
		var list protocol.CompletionList
		c.must("textDocument/completion", pos(uri, line, col+i+1), &list)
		comp = append(comp, time.Since(start))
		start = time.Now()
		c.pullAsVSCode(uri, &held)
		pull = append(pull, time.Since(start))
	}
	b.StopTimer()
	runtime.ReadMemStats(&after)
	pct := func(lat []time.Duration, p float64) float64 {
		slices.Sort(lat)
		return float64(lat[min(len(lat)-1, int(p*float64(len(lat))))].Microseconds()) / 1000
	}
	b.ReportMetric(pct(comp, 0.50), "completion-p50-ms")
	b.ReportMetric(pct(comp, 0.99), "completion-p99-ms")
	b.ReportMetric(pct(pull, 0.50), "diagnostic-p50-ms")
	b.ReportMetric(pct(pull, 0.99), "diagnostic-p99-ms")
	b.ReportMetric(float64(after.TotalAlloc-before.TotalAlloc)/n/1024, "KiB/keystroke")
	b.ReportMetric(float64(after.Mallocs-before.Mallocs)/n, "allocs/keystroke")
}

// BenchmarkKeystrokeServer is the server's share of a keystroke, without the connection and
// the client: the didChange applied to the document, a completion at the cursor and the
// pulled diagnostics encoded. Its B/op and allocs/op are the server's allocations per
// keystroke:
//
//	go test ./lsp -run '^$' -bench KeystrokeServer -benchtime 500x -benchmem
func BenchmarkKeystrokeServer(b *testing.B) {
	ck, err := rulefile.NewChecker(rulefile.DefaultConfig(b.TempDir()))
	if err != nil {
		b.Fatal(err)
	}
	typed := "EventType == 'process' AND FileName == 'x' AND "
	for _, d := range []struct {
		name string
		kind rulefile.Kind
		text string
		line int
		col  int
	}{
		{"kfl-50", rulefile.KFL, benchDocument(50), 0, 0},
		{"kfl-5000", rulefile.KFL, benchDocument(5000), 0, 0},
		{"kfl-50000", rulefile.KFL, benchDocument(50000), 0, 0},
		{"yaml-2000", rulefile.YAML, benchRules(2000), 0, 12},
	} {
		prefix := "EventType == 'process' AND FileName"
		if d.kind == rulefile.YAML {
			prefix = "    filter: EventType == 'process'"
		}
		line := keystrokeLine(d.text, prefix)
		b.Run(d.name, func(b *testing.B) {
			const uri = "file:///bench/doc"
			snap := newSnapshot(uri, 1, d.text, docInfo{kind: d.kind, selected: true, ck: ck}, nil)
			held := resultID(b, snap, "")
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				at := protocol.Position{Line: uint32(line), Character: uint32(d.col + i)}
				snap = snap.edit(int32(i+2), []contentChange{{Range: &protocol.Range{Start: at, End: at}, Text: typed[i%len(typed) : i%len(typed)+1]}})
				at.Character++
				params, _ := json.Marshal(protocol.TextDocumentPositionParams{TextDocument: protocol.TextDocumentIdentifier{URI: uri}, Position: at})
				if _, err := completion(context.Background(), nil, view{uri: snap}, params); err != nil {
					b.Fatal(err)
				}
				held = resultID(b, snap, held)
			}
		})
	}
}

// vscodeCapabilities are the client capabilities of vscode-languageclient 9 that matter to
// diagnostics: it pulls them, and shows a diagnostic's code as a link to its description.
var vscodeCapabilities = map[string]any{"textDocument": map[string]any{
	"diagnostic":         map[string]any{"dynamicRegistration": true, "relatedDocumentSupport": false},
	"publishDiagnostics": map[string]any{"relatedInformation": true, "versionSupport": false, "codeDescriptionSupport": true, "dataSupport": true},
}}

// pullAsVSCode pulls the diagnostics of uri as vscode-languageclient does: naming the report it
// holds, whose items it keeps when the answer is "unchanged".
func (c *client) pullAsVSCode(uri string, held *documentDiagnosticReport) {
	c.t.Helper()
	var rep documentDiagnosticReport
	c.must("textDocument/diagnostic", map[string]any{"textDocument": map[string]any{"uri": uri}, "previousResultId": held.ResultID}, &rep)
	switch {
	case rep.Kind == "full":
		*held = rep
	case rep.Kind != "unchanged" || rep.ResultID != held.ResultID:
		c.t.Fatalf("pulled report %q %q after %q", rep.Kind, rep.ResultID, held.ResultID)
	}
}

// resultID encodes the pulled report of snap for a client that holds report prev, and
// returns the id of the report the client then holds.
func resultID(b *testing.B, snap *snapshot, prev string) string {
	r, err := snap.pullReport(prev)
	if err != nil {
		b.Fatal(err)
	}
	var rep documentDiagnosticReport
	if err := json.Unmarshal(r[0], &rep); err == nil && rep.Kind == "unchanged" {
		return prev
	}
	_, id, _ := strings.Cut(string(r[0]), `"resultId":"`)
	id, _, _ = strings.Cut(id, `"`)
	return id
}
