package workload

import (
	"bytes"
	"testing"
)

// TestCounts: each set's counts file reads, and names the ten filters of queries.kfl.
func TestCounts(t *testing.T) {
	s, err := Slice()
	if err != nil {
		t.Fatal(err)
	}
	f, err := fullSet() // its counts are committed, its events need not be there
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		set         *Set
		first, last int
		name        string
	}{{s, 547, 619, "slice"}, {f, 2751, 2819, "full"}} {
		c, err := tt.set.Counts()
		if err != nil {
			t.Fatal(err)
		}
		if len(c) != 10 || c[3] != tt.first || c[12] != tt.last {
			t.Errorf("%s: counts %v: want lines 3 to 12, with %d at 3 and %d at 12", tt.name, c, tt.first, tt.last)
		}
	}
}

// TestSlice reads the committed slice: 4,000 events and the ten filters, in any clone.
func TestSlice(t *testing.T) {
	s, err := Slice()
	if err != nil {
		t.Fatal(err)
	}
	lines, err := EventLines()
	if err != nil {
		t.Fatal(err)
	}
	if len(lines) != 4000 {
		t.Errorf("%d events, want 4000", len(lines))
	}
	q, err := Queries()
	if err != nil || bytes.Count(q, []byte("\n")) < 10 {
		t.Errorf("queries of %s: %v\n%s", s.Name, err, q)
	}
}

// TestFullStartsWithSlice: when the full workload is there, it holds 20,000 events, its
// filters are the slice's, and the slice is its first 4,000 events.
func TestFullStartsWithSlice(t *testing.T) {
	f, err := Full()
	if IsAbsent(err) {
		t.Skipf("%v (the full workload is optional)", err)
	}
	if err != nil {
		t.Fatal(err)
	}
	full, err := f.EventLines()
	if err != nil {
		t.Fatal(err)
	}
	slice, err := EventLines()
	if err != nil {
		t.Fatal(err)
	}
	if len(full) != 20000 {
		t.Errorf("%d events, want 20000", len(full))
	}
	for i := range slice {
		if !bytes.Equal(slice[i], full[i]) {
			t.Fatalf("event %d of the slice differs from the full workload's", i+1)
		}
	}
	fq, err1 := f.Queries()
	sq, err2 := Queries()
	if err1 != nil || err2 != nil || !bytes.Equal(fq, sq) {
		t.Errorf("the filters differ: %v %v", err1, err2)
	}
}
