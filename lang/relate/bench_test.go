package relate_test

import (
	"testing"

	"github.com/katafilter/katafilter/lang/relate"
)

// BenchmarkCompare compares a detection rule with a revision of it that adds an alternative
// and narrows a threshold: the work of one changed rule under lint --base.
func BenchmarkCompare(b *testing.B) {
	old := side(b, "EventType == 'process' AND (FileName in ('powershell.exe', 'pwsh.exe') OR StartupParameters == '*-enc*') AND FileSize > 1000 AND NOT UserName == 'SYSTEM'")
	new := side(b, "EventType == 'process' AND (FileName in ('powershell.exe', 'pwsh.exe', 'powershell_ise.exe') OR StartupParameters == '*-enc*' OR StartupParameters == '*-e *') AND FileSize > 5000 AND NOT UserName in ('SYSTEM', 'LOCAL SERVICE')")
	b.ReportAllocs()
	for b.Loop() {
		r, err := relate.Compare(old, new, relate.Options{})
		if err != nil || r.Relation != relate.Incomparable {
			b.Fatalf("%v %v", r.Relation, err)
		}
	}
}
