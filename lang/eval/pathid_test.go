package eval

import (
	"fmt"
	"strings"
	"testing"
)

// TestPathIDs: paths without an id (too long to intern, or first seen once the table is
// full) are kept in the entries and compared byte by byte, beside paths that have one, and
// every form of an event still agrees.
func TestPathIDs(t *testing.T) {
	long := strings.Repeat("k", maxInternLen+10)
	check := func(t *testing.T, fields ...string) {
		t.Helper()
		for _, f := range fields {
			p := compileTest(t, f+` == 'x' OR `+f+`.n > 2`, Options{})
			for _, ev := range []string{
				`{"` + f + `":"x"}`,
				`{"` + f + `":"y","other":"x"}`,
				`{"` + f + `":{"n":3},"b":"x"}`,
				`{"` + f + `":[{"n":1},{"n":5}]}`,
				`{"a":"x","` + f + `x":"x","` + f + `":["y","x"]}`,
			} {
				agree(t, p, f, []byte(ev))
			}
			if got := agree(t, p, f, []byte(`{"`+f+`":"x"}`)); got != "true" {
				t.Errorf("%s: %s", f, got)
			}
		}
	}
	check(t, "a", long)
	if id := pathID([]byte(appendPath(nil, []string{long}))); id != noPathID {
		t.Errorf("a path of %d bytes got id %d", len(long)+2, id)
	}

	// Fill the table. Every test that runs after this one in the process sees it full; they
	// must pass all the same, only slower.
	before := pathID(appendPath(nil, []string{"a"}))
	for i := 0; ; i++ {
		if pathID(fmt.Appendf(nil, "\x09filler%03d", i)) == noPathID {
			break
		}
	}
	if id := pathID(appendPath(nil, []string{"a"})); id != before {
		t.Errorf("a changed its id from %d to %d", before, id)
	}
	if id := pathID(appendPath(nil, []string{"brandnew"})); id != noPathID {
		t.Errorf("a new path got id %d in a full table", id)
	}
	check(t, "a", "brandnew", long)
}

// TestPackEvents: packed events give the answers of the events they were copied from, and the
// originals are left alone.
func TestPackEvents(t *testing.T) {
	p := compileTest(t, `a == 'x' OR b > 2`, Options{})
	lines := []string{`{"a":"x"}`, `{}`, `{"b":3}`, `{"a":"y","b":[1,2]}`, `{"a":["q","x"],"b":"3"}`}
	var evs, orig []Event
	for _, l := range lines {
		e, err := DecodeEvent([]byte(l))
		if err != nil {
			t.Fatal(err)
		}
		evs, orig = append(evs, *e), append(orig, *e)
	}
	evs = append(evs, Event{}) // the zero Event packs too
	PackEvents(evs)
	got := ""
	for i := range evs {
		got += fmt.Sprint(p.MatchEvent(&evs[i])) + " "
	}
	if want := "true false true false true false "; got != want {
		t.Errorf("packed: %s, want %s", got, want)
	}
	for i := range orig {
		if &orig[i].head[0] == &evs[i].head[0] || len(orig[i].body) > 0 && &orig[i].body[0] == &evs[i].body[0] {
			t.Errorf("event %d was not copied", i)
		}
	}
	if cap(evs[0].head) != len(evs[0].head) || cap(evs[0].body) != len(evs[0].body) {
		t.Errorf("a packed event can grow into the next one")
	}
}
