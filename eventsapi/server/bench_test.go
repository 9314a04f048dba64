package server_test

import (
	"context"
	"testing"

	"github.com/katafilter/katafilter/eventsapi/client"
	"github.com/katafilter/katafilter/eventsapi/gen"
	"github.com/katafilter/katafilter/eventsapi/server"
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
