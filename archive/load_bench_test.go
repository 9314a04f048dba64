package archive

import (
	"testing"

	"github.com/katafilter/katafilter/internal/workload"
	"github.com/katafilter/katafilter/lang/sql"
)

// BenchmarkRow measures the rows of the workload's events (the loader's work before the
// database's), per event.
func BenchmarkRow(b *testing.B) {
	set := workload.ForBenchmark(b)
	events, err := set.EventLines()
	if err != nil {
		b.Fatal(err)
	}
	for _, d := range []sql.Dialect{sql.ClickHouse, sql.Postgres} {
		b.Run(d.String(), func(b *testing.B) {
			l := sql.Layout{Dialect: d}
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				if _, err := l.Row(events[i%len(events)]); err != nil {
					b.Fatal(err)
				}
				i++
			}
		})
	}
}
