package stream_test

import (
	"bytes"
	"fmt"
	"runtime"
	"testing"
	"time"

	"github.com/katafilter/katafilter/internal/workload"
	"github.com/katafilter/katafilter/lang"
	"github.com/katafilter/katafilter/lang/stream"
)

// BenchmarkRun streams the workload (the full shared one when present, else the slice),
// repeated in memory to about 200 MB, through Run with one and two workers, and with
// GOMAXPROCS workers when that is more; one op is the whole input. Compare the MB/s of the
// workers=N runs: the speed-up from more cores.
func BenchmarkRun(b *testing.B) {
	data, err := workload.ForBenchmark(b).Events()
	if err != nil {
		b.Fatal(err)
	}
	// Repeat the file: a run long enough that starting and stopping the workers does not count.
	reps := max(1, (200<<20)/len(data))
	data = bytes.Repeat(data, reps)
	p, diags := lang.Compile(`EventType == 'process' AND StartupParameters == '*-enc*'`, lang.Config{})
	if p == nil {
		b.Fatal(diags)
	}
	workers := []int{1, 2}
	if n := runtime.GOMAXPROCS(0); n > 2 {
		workers = append(workers, n)
	}
	for _, workers := range workers {
		b.Run(fmt.Sprintf("workers=%d", workers), func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			cpu0, cpuOK := cpuTime()
			start := time.Now()
			for b.Loop() {
				n := 0
				err := stream.Run(bytes.NewReader(data), p, stream.Options{Workers: workers}, func(l *stream.Line) error {
					if l.Match {
						n++
					}
					return nil
				})
				if err != nil || n != 475*reps {
					b.Fatalf("%v, %d matches", err, n)
				}
			}
			// What the run got of the machine: cores = processor time / wall time, and
			// cpu-MB/s = input / processor time, which more workers leave about the same when
			// they add little overhead; MB/s then grows with the cores actually free.
			if cpu1, ok := cpuTime(); ok && cpuOK {
				cpu := (cpu1 - cpu0).Seconds()
				b.ReportMetric(cpu/time.Since(start).Seconds(), "cores")
				b.ReportMetric(float64(len(data))*float64(b.N)/1e6/cpu, "cpu-MB/s")
			}
		})
	}
}
