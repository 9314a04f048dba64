package server_test

import (
	"context"
	"io"
	"runtime"
	"runtime/metrics"
	"sync"
	"testing"
	"time"

	"github.com/katafilter/katafilter/eventsapi/client"
	"github.com/katafilter/katafilter/eventsapi/gen"
	"github.com/katafilter/katafilter/eventsapi/server"
	"github.com/katafilter/katafilter/eventsapi/wire"
)

// BenchmarkFetchFiltered measures one first request that scans 20000 stored events with a
// filter, over loopback TLS: the cost of a client catching up.
func BenchmarkFetchFiltered(b *testing.B) {
	ts := start(b, server.Config{MaxEventsLimit: 20000})
	g := gen.New(1, 200, nil)
	var evs [][]byte
	for range 20000 {
		evs = append(evs, g.Next())
	}
	if err := ts.srv.Add(evs); err != nil {
		b.Fatal(err)
	}
	c := ts.client(ts.approved())
	ctx := context.Background()
	for b.Loop() {
		r, err := c.Fetch(ctx, client.Request{Filter: "EventType == 'process' AND FileName == '*powershell*'", MaxEvents: 20000})
		if err != nil || len(r.Events) == 0 {
			b.Fatal(err)
		}
	}
}

// BenchmarkConcurrentAnswersMemory measures the server's heap while 20 clients each read an
// answer of up to 10000 generated events (about 9 MB) at once, over loopback TLS; the clients
// discard the bodies unread, so that the heap is the server's. "bounded" is the default
// budget for answers (Limits.AnswerBytes, 64 MiB); "unbounded" lifts it, as before the
// budget existed. It reports the peak of the live heap (sampled every millisecond) in MiB.
func BenchmarkConcurrentAnswersMemory(b *testing.B) {
	for _, bc := range []struct {
		name   string
		budget int64
	}{{"bounded", 0}, {"unbounded", 1 << 40}} {
		b.Run(bc.name, func(b *testing.B) {
			ts := start(b, server.Config{MaxEventsLimit: 10000, Limits: server.Limits{AnswerBytes: bc.budget}})
			g := gen.New(1, 200, nil)
			evs := make([][]byte, 10000)
			for i := range evs {
				evs[i] = g.Next()
			}
			if err := ts.srv.Add(evs); err != nil {
				b.Fatal(err)
			}
			id := ts.approved()
			hc := ts.httpClient(&id.cert)
			path := ts.url + wire.EventsPathPrefix + id.id + "/events?max_events=10000"
			var peak uint64
			for b.Loop() {
				runtime.GC()
				stop := make(chan struct{})
				sampled := make(chan uint64)
				go func() { sampled <- samplePeakHeap(stop) }()
				var wg sync.WaitGroup
				for range 20 {
					wg.Go(func() {
						resp, err := hc.Get(path)
						if err != nil {
							b.Error(err)
							return
						}
						io.Copy(io.Discard, resp.Body)
						resp.Body.Close()
					})
				}
				wg.Wait()
				close(stop)
				peak = max(peak, <-sampled)
			}
			b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MiB")
		})
	}
}

// samplePeakHeap returns the largest live heap seen until stop is closed.
func samplePeakHeap(stop chan struct{}) uint64 {
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	var peak uint64
	t := time.NewTicker(time.Millisecond)
	defer t.Stop()
	for {
		metrics.Read(sample)
		peak = max(peak, sample[0].Value.Uint64())
		select {
		case <-stop:
			return peak
		case <-t.C:
		}
	}
}
