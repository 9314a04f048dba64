package ide

import (
	"fmt"
	"strings"
	"testing"

	"github.com/katafilter/katafilter/lang"
)

// BenchmarkDocumentDiagnostics analyses a fresh 5,000-filter document:
//
//	go test ./lang/ide -run '^$' -bench DocumentDiagnostics
func BenchmarkDocumentDiagnostics(b *testing.B) {
	var sb strings.Builder
	for i := range 5000 {
		fmt.Fprintf(&sb, "EventType == 'process' AND (FileName == '*x%d*' OR UserName in ('a', 'b')) AND NOT FileSize > %d\n", i, i)
	}
	text := sb.String()
	for b.Loop() {
		NewDocument(text, lang.Config{}, nil).Diagnostics()
	}
}

// BenchmarkComplete completes after AND in a typical filter.
func BenchmarkComplete(b *testing.B) {
	src := "EventType == 'process' AND FileName == '*powershell*' AND "
	for b.Loop() {
		Complete(src, len(src), lang.Config{})
	}
}
