package server

import (
	"strconv"
	"strings"
	"testing"
)

// TestProgramCache: the cache of compiled filters holds short filters, not long ones, and
// never more than progCacheLen of them.
func TestProgramCache(t *testing.T) {
	s, err := New(Config{StateDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	short := "EventType == 'process'"
	long := short + strings.Repeat(" AND FileSize > 1", progCacheMaxSrc/16)
	for _, src := range []string{short, long, short, long} {
		if _, err := s.program(src); err != nil {
			t.Fatal(err)
		}
	}
	if _, ok := s.progs[long]; ok || len(s.progs) != 1 {
		t.Fatalf("%d filters cached, the long one among them: %v", len(s.progs), ok)
	}
	for i := range progCacheLen + 10 {
		if _, err := s.program(short + " AND FileSize > " + strconv.Itoa(i)); err != nil {
			t.Fatal(err)
		}
		if len(s.progs) > progCacheLen {
			t.Fatalf("%d filters cached", len(s.progs))
		}
	}
}
