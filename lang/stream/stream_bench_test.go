package stream_test

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/katafilter/katafilter/lang"
	"github.com/katafilter/katafilter/lang/stream"
)

// BenchmarkRun streams the shared workload (../shared/bench from the repository root)
// through Run with one worker and with GOMAXPROCS workers; one op is the whole file.
func BenchmarkRun(b *testing.B) {
	f, err := os.Open(filepath.Join("..", "..", "..", "shared", "bench", "events-20k.jsonl.gz"))
	if err != nil {
		b.Skipf("the shared benchmark workload is not available: %v", err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		b.Fatal(err)
	}
	data, err := io.ReadAll(zr)
	if err != nil {
		b.Fatal(err)
	}
	p, diags := lang.Compile(`EventType == 'process' AND StartupParameters == '*-enc*'`, lang.Config{})
	if p == nil {
		b.Fatal(diags)
	}
	for _, workers := range []int{1, 0} {
		b.Run(fmt.Sprintf("workers=%d", workers), func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			for b.Loop() {
				n := 0
				err := stream.Run(bytes.NewReader(data), p, stream.Options{Workers: workers}, func(l *stream.Line) error {
					if l.Match {
						n++
					}
					return nil
				})
				if err != nil || n != 475 {
					b.Fatalf("%v, %d matches", err, n)
				}
			}
		})
	}
}
