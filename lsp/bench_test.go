package lsp

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"go.lsp.dev/protocol"
)

// benchDocument returns a .kfl document of n filters of the shapes people write (one in ten
// spans two lines; one in fifty has a mistake), with a comment every hundred.
func benchDocument(n int) string {
	shapes := []string{
		"EventType == 'process' AND FileName == '*powershell%d*'",
		"EventType == 'connection' AND RemotePort in (4444, %d, 3389) AND NOT RemoteIp == '10.*'",
		"Ioa.Severity == 'High' OR Ioa.Rules.Techniques == 'T%d*'",
		"FileSize > %d AND FileSize <= 4000000 AND OsFamily == 'Windows'",
		"System.EventID.value in ('4624', '%d') AND LogonRemoteHost != '10.*'",
		"UserName == 'CORP\\\\user%d' AND (FileFullName == '*\\\\Temp\\\\*' OR DroppedFullName == '*\\\\Temp\\\\*')",
		"EventType == 'registry' AND\n  KeyName == '*\\\\CurrentVersion\\\\Run%d*'",
		"HostName == 'WS-FIN-%d?' AND NOT UserName in ('NT AUTHORITY\\\\SYSTEM', 'root')",
		"EventType == 'amsiscan' AND VerdictName == 'Трой%d*'",
		"EventType == 'proces' AND Pid == %d", // mistakes
	}
	var b strings.Builder
	for i := range n {
		if i%100 == 0 {
			fmt.Fprintf(&b, "# filters %d to %d\n", i, i+99)
		}
		s := shapes[i%len(shapes)]
		if i%len(shapes) == len(shapes)-1 && i%50 != 49 {
			s = shapes[0]
		}
		fmt.Fprintf(&b, s+"\n", i)
	}
	return b.String()
}

// BenchmarkLatency measures the latency of requests on a 5,000-filter document, over a real
// JSON-RPC connection (net.Pipe), and reports p50 and p99 in milliseconds:
//
//	go test ./lsp -run '^$' -bench Latency -benchtime 200x
//
// completion and hover ask about a filter in the middle of the document; diagnostics/open
// opens the document under a new URI and pulls its diagnostics (every filter analysed);
// diagnostics/edit changes one filter and pulls them (the others' analyses are reused).
func BenchmarkLatency(b *testing.B) {
	text := benchDocument(5000)
	lines := strings.Split(text, "\n")
	mid := len(lines) / 2
	for !strings.HasPrefix(lines[mid], "EventType == 'process' AND FileName") {
		mid++
	}
	run := func(b *testing.B, name string, setup func(c *client), req func(c *client, i int)) {
		b.Run(name, func(b *testing.B) {
			c := startServer(b)
			c.initialize(nil)
			c.open(testURI, text)
			c.waitVersion(testURI, 1) // the first publication is not part of the measure
			if setup != nil {
				setup(c)
			}
			var lat []time.Duration
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				start := time.Now()
				req(c, i)
				lat = append(lat, time.Since(start))
			}
			b.StopTimer()
			slices.Sort(lat)
			pct := func(p float64) float64 {
				return float64(lat[min(len(lat)-1, int(p*float64(len(lat))))].Microseconds()) / 1000
			}
			b.ReportMetric(pct(0.50), "p50-ms")
			b.ReportMetric(pct(0.99), "p99-ms")
		})
	}
	diag := func(c *client, uri string) {
		var rep documentDiagnosticReport
		c.must("textDocument/diagnostic", map[string]any{"textDocument": map[string]any{"uri": uri}}, &rep)
		if len(rep.Items) == 0 {
			c.t.Fatal("no diagnostics")
		}
	}
	run(b, "completion", nil, func(c *client, i int) {
		var list protocol.CompletionList
		c.must("textDocument/completion", pos(testURI, mid, 27), &list) // after "AND "
		if len(list.Items) == 0 {
			c.t.Fatal("no completion")
		}
	})
	run(b, "hover", nil, func(c *client, i int) {
		var h protocol.Hover
		c.must("textDocument/hover", pos(testURI, mid, 30), &h)
	})
	run(b, "diagnostics/open", nil, func(c *client, i int) {
		uri := fmt.Sprintf("file:///bench/%d.kfl", i)
		c.open(uri, text)
		diag(c, uri)
		c.notify("textDocument/didClose", map[string]any{"textDocument": map[string]any{"uri": uri}})
	})
	run(b, "diagnostics/edit", func(c *client) { diag(c, testURI) }, func(c *client, i int) {
		c.notify("textDocument/didChange", map[string]any{"textDocument": map[string]any{"uri": testURI, "version": i + 2},
			"contentChanges": []any{map[string]any{"range": map[string]any{"start": map[string]any{"line": mid, "character": 0},
				"end": map[string]any{"line": mid, "character": 0}}, "text": "NOT "}}})
		diag(c, testURI)
	})
}
