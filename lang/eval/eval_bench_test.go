package eval_test

import (
	"fmt"
	"sync"
	"testing"

	sharedbench "github.com/katafilter/katafilter/internal/workload"
	"github.com/katafilter/katafilter/lang"
	"github.com/katafilter/katafilter/lang/check"
	"github.com/katafilter/katafilter/lang/eval"
	"github.com/katafilter/katafilter/lang/kfl"
	"github.com/katafilter/katafilter/lang/parser"
)

type workload struct {
	lines   [][]byte
	events  []eval.Event
	size    int64
	queries []kfl.Entry
}

var (
	wlOnce sync.Once
	wl     *workload
	wlErr  error
)

func loadWorkload(b *testing.B) *workload {
	b.Helper()
	set := sharedbench.ForBenchmark(b)
	wlOnce.Do(func() { wl, wlErr = readWorkload(set) })
	if wlErr != nil {
		b.Fatal(wlErr)
	}
	return wl
}

func readWorkload(set *sharedbench.Set) (*workload, error) {
	src, err := set.Queries()
	if err != nil {
		return nil, err
	}
	lines, err := set.EventLines()
	if err != nil {
		return nil, err
	}
	w := &workload{queries: kfl.Split(string(src))}
	for _, l := range lines {
		e, err := eval.DecodeEvent(l)
		if err != nil {
			return nil, err
		}
		w.lines = append(w.lines, l)
		w.events = append(w.events, *e)
		w.size += int64(len(l)) + 1
	}
	// Side by side in memory, in the order the benchmarks read them.
	eval.PackEvents(w.events)
	return w, nil
}

func benchQueries(b *testing.B, run func(b *testing.B, w *workload, src string, p *eval.Program)) {
	w := loadWorkload(b)
	for _, q := range w.queries {
		p, diags := lang.Compile(q.Text, lang.Config{})
		if p == nil {
			b.Fatalf("line %d: %v", q.Line, diags)
		}
		b.Run(fmt.Sprintf("line=%d", q.Line), func(b *testing.B) { run(b, w, q.Text, p) })
	}
}

// BenchmarkDecoded matches the events decoded and flattened once; one op is one event.
func BenchmarkDecoded(b *testing.B) {
	benchQueries(b, func(b *testing.B, w *workload, _ string, p *eval.Program) {
		b.ReportAllocs()
		evs := w.events
		i := 0
		for b.Loop() {
			p.MatchEvent(&evs[i])
			if i++; i == len(evs) {
				i = 0
			}
		}
	})
}

// BenchmarkDecodedAny matches the events decoded once into map[string]any (Program.Match).
func BenchmarkDecodedAny(b *testing.B) {
	benchQueries(b, func(b *testing.B, w *workload, _ string, p *eval.Program) {
		vs := make([]any, len(w.lines))
		for i, l := range w.lines {
			vs[i], _ = eval.Decode(l)
		}
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			p.Match(vs[i])
			if i++; i == len(vs) {
				i = 0
			}
		}
	})
}

// BenchmarkRaw matches the raw JSON lines; one op is one line, and MB/s counts the average
// line with its newline.
func BenchmarkRaw(b *testing.B) {
	benchQueries(b, func(b *testing.B, w *workload, _ string, p *eval.Program) {
		b.ReportAllocs()
		b.SetBytes(w.size / int64(len(w.lines)))
		lines := w.lines
		i := 0
		for b.Loop() {
			if _, err := p.MatchJSON(lines[i]); err != nil {
				b.Fatal(err)
			}
			if i++; i == len(lines) {
				i = 0
			}
		}
	})
}

// BenchmarkCompile is lang.Compile: parse, check and plan.
func BenchmarkCompile(b *testing.B) {
	benchQueries(b, func(b *testing.B, _ *workload, src string, _ *eval.Program) {
		b.ReportAllocs()
		for b.Loop() {
			lang.Compile(src, lang.Config{})
		}
	})
}

// BenchmarkDecodeEvent is the one-off cost of the decoded form: eval.DecodeEvent per line.
func BenchmarkDecodeEvent(b *testing.B) {
	w := loadWorkload(b)
	b.ReportAllocs()
	b.SetBytes(w.size / int64(len(w.lines)))
	i := 0
	for b.Loop() {
		if _, err := eval.DecodeEvent(w.lines[i]); err != nil {
			b.Fatal(err)
		}
		if i++; i == len(w.lines) {
			i = 0
		}
	}
}

// BenchmarkDecodedHot is BenchmarkDecoded over the first 256 events only, which stay in the
// caches: the evaluator's own cost without the memory latency.
func BenchmarkDecodedHot(b *testing.B) {
	benchQueries(b, func(b *testing.B, w *workload, _ string, p *eval.Program) {
		b.ReportAllocs()
		evs := w.events[:min(256, len(w.events))]
		i := 0
		for b.Loop() {
			p.MatchEvent(&evs[i])
			if i++; i == len(evs) {
				i = 0
			}
		}
	})
}

// BenchmarkCompileStages splits lang.Compile into its stages: parse, check and
// plan (eval.Compile), to show where compilation time goes.
func BenchmarkCompileStages(b *testing.B) {
	benchQueries(b, func(b *testing.B, _ *workload, src string, _ *eval.Program) {
		x, _ := parser.Parse(src)
		info, _ := check.Check(x, check.Options{})
		b.Run("stage=parse", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				parser.Parse(src)
			}
		})
		b.Run("stage=check", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				check.Check(x, check.Options{})
			}
		})
		b.Run("stage=plan", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := eval.Compile(x, info, eval.Options{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	})
}
