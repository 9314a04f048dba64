package jsonl_test

import (
	"bytes"
	"testing"

	"github.com/katafilter/katafilter/internal/jsonl"
	"github.com/katafilter/katafilter/internal/workload"
)

// BenchmarkReader reads the workload's events (decompressed, in memory) with a Reader, each
// line checked to be one JSON object; one op is the whole file.
func BenchmarkReader(b *testing.B) {
	data, err := workload.ForBenchmark(b).Events()
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		r := jsonl.NewReader(bytes.NewReader(data), "events", jsonl.Options{})
		n := 0
		for r.Next() {
			n++
		}
		if r.Err() != nil || r.Skipped() != 0 || n == 0 {
			b.Fatalf("%d events, %d skipped, %v", n, r.Skipped(), r.Err())
		}
	}
}
