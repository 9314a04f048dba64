package archive

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// ParseTime reads a time bound of a hunt (--since, --until):
//
//	2026-12-01T08:00:00Z        RFC 3339, with a zone (Z or ±hh:mm), fractions allowed
//	2026-12-01                  a day, at 00:00 UTC
//	-24h, -90m, -30s, -7d, -2w  relative to now: Go durations, and d (24h) and w (7d)
//	now                         now
//
// A relative time must start with "-": it is in the past.
func ParseTime(s string, now time.Time) (time.Time, error) {
	s = strings.TrimSpace(s)
	switch {
	case s == "now":
		return now, nil
	case strings.HasPrefix(s, "-"):
		d, err := parseAgo(s[1:])
		if err != nil {
			return time.Time{}, fmt.Errorf("time %q: %v", s, err)
		}
		return now.Add(-d), nil
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, nil
	}
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return t, nil
	}
	return time.Time{}, fmt.Errorf("time %q: want RFC 3339 (2026-12-01T08:00:00Z), a day (2026-12-01), a time ago (-24h, -7d) or now", s)
}

// parseAgo reads a duration such as 24h, 1h30m, 7d or 2w.
func parseAgo(s string) (time.Duration, error) {
	for unit, size := range map[string]time.Duration{"d": 24 * time.Hour, "w": 7 * 24 * time.Hour} {
		if n, ok := strings.CutSuffix(s, unit); ok {
			v, err := strconv.ParseFloat(n, 64)
			if err != nil || v < 0 || v > 1e5 {
				return 0, fmt.Errorf("%q is not a number of %s", n, map[string]string{"d": "days", "w": "weeks"}[unit])
			}
			return time.Duration(v * float64(size)), nil
		}
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 {
		return 0, fmt.Errorf("%q is not a duration such as 24h, 90m, 7d or 2w", s)
	}
	return d, nil
}
