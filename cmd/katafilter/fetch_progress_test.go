package main

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// TestRateWindow checks the rate of fetch's progress line: answers of a long poll arrive in
// batches (here 4 events every 2 seconds), and the rate over the window stays near 2 events/s
// between them instead of reading 0.
func TestRateWindow(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		span  time.Duration
		batch func(sec int) int64 // the count at second sec
		want  string              // the rates at seconds 1..14
	}{
		{10 * time.Second, func(s int) int64 { return int64(4 * (s / 2)) },
			"0.0 2.0 1.3 2.0 1.6 2.0 1.7 2.0 1.8 2.0 2.0 2.0 2.0 2.0"},
		{3 * time.Second, func(s int) int64 { return int64(4 * (s / 2)) },
			"0.0 2.0 1.3 2.7 1.3 2.7 1.3 2.7 1.3 2.7 1.3 2.7 1.3 2.7"},
		{10 * time.Second, func(s int) int64 { return 0 },
			"0.0 0.0 0.0 0.0 0.0 0.0 0.0 0.0 0.0 0.0 0.0 0.0 0.0 0.0"},
		{5 * time.Second, func(s int) int64 { return min(int64(10*s), 50) }, // the stream stops at 5 s
			"10.0 10.0 10.0 10.0 10.0 8.0 6.0 4.0 2.0 0.0 0.0 0.0 0.0 0.0"},
	} {
		w := rateWindow{span: tc.span}
		w.add(t0, 0)
		var got []string
		for s := 1; s <= 14; s++ {
			got = append(got, fmt.Sprintf("%.1f", w.add(t0.Add(time.Duration(s)*time.Second), tc.batch(s))))
		}
		if g := strings.Join(got, " "); g != tc.want {
			t.Errorf("span %v:\n got %s\nwant %s", tc.span, g, tc.want)
		}
		if len(w.samples) > int(tc.span/time.Second)+2 {
			t.Errorf("span %v: %d samples kept", tc.span, len(w.samples))
		}
	}
}
