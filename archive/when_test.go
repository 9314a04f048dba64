package archive

import (
	"testing"
	"time"
)

func TestParseTime(t *testing.T) {
	now := time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		in   string
		want time.Time
		bad  bool
	}{
		{in: "now", want: now},
		{in: "-24h", want: now.Add(-24 * time.Hour)},
		{in: "-1h30m", want: now.Add(-90 * time.Minute)},
		{in: "-7d", want: now.AddDate(0, 0, -7)},
		{in: "-1.5d", want: now.Add(-36 * time.Hour)},
		{in: "-2w", want: now.AddDate(0, 0, -14)},
		{in: "2026-12-01T08:00:00Z", want: time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC)},
		{in: "2026-12-01T08:00:00.5+01:00", want: time.Date(2026, 12, 1, 7, 0, 0, 5e8, time.UTC)},
		{in: "2026-12-01", want: time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)},
		{in: "24h", bad: true},
		{in: "-", bad: true},
		{in: "--1h", bad: true},
		{in: "-xd", bad: true},
		{in: "2026-12-01 08:00", bad: true},
		{in: "yesterday", bad: true},
	} {
		got, err := ParseTime(tc.in, now)
		if tc.bad {
			if err == nil {
				t.Errorf("ParseTime(%q) = %v, want an error", tc.in, got)
			}
			continue
		}
		if err != nil || !got.Equal(tc.want) {
			t.Errorf("ParseTime(%q) = %v, %v; want %v", tc.in, got, err, tc.want)
		}
	}
}
