package workload

import "testing"

// TestCounts: the counts file reads, and names the ten filters of queries.kfl.
func TestCounts(t *testing.T) {
	c, err := Counts()
	if err != nil {
		t.Fatal(err)
	}
	if len(c) != 10 || c[3] != 2751 || c[12] != 2819 {
		t.Errorf("counts %v: want lines 3 to 12, with 2751 at 3 and 2819 at 12", c)
	}
}

// TestEventLines reads the events when the workload is there.
func TestEventLines(t *testing.T) {
	if ok, why := Available(); !ok {
		t.Skip(why)
	}
	lines, err := EventLines()
	if err != nil {
		t.Fatal(err)
	}
	if len(lines) != 20000 {
		t.Errorf("%d events, want 20000", len(lines))
	}
}
