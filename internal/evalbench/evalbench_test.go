package evalbench

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/katafilter/katafilter/lang"
)

var events = [][]byte{
	[]byte(`{"EventType":"process","FileName":"a.exe","HostName":"h1"}`),
	[]byte(`{"EventType":"process","FileName":"b.dll"}`),
	[]byte(`{"EventType":"file","FileName":"c.exe"}`),
	[]byte(`{"EventType":"connection","RemotePort":4444}`),
}

func filters(t *testing.T, texts ...string) []Filter {
	t.Helper()
	var out []Filter
	for i, text := range texts {
		p, err := lang.Compile(text, lang.Config{})
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, Filter{Line: i + 1, Text: text, Program: p})
	}
	return out
}

// TestMeasure: the counts are right, every figure is there, a sample per run.
func TestMeasure(t *testing.T) {
	fs := filters(t, "EventType == 'process'", "FileName == '*.exe'", "HostName == 'none'")
	rep, err := Measure(events, fs, Options{Name: "ev", Runs: 3, CompileIters: 2})
	if err != nil {
		t.Fatal(err)
	}
	if rep.EventCount != 4 || rep.Bytes != int64(len(bytes.Join(events, []byte("\n")))+1) || rep.Events != "ev" {
		t.Errorf("report %+v", rep)
	}
	for i, want := range []int{2, 2, 0} {
		q := rep.Queries[i]
		if q.Matches != want || q.Line != i+1 || len(q.DecodedNsSamples) != 3 || len(q.RawNsSamples) != 3 || len(q.HotNsSamples) != 3 {
			t.Errorf("query %d: %+v, want %d matches and 3 samples a path", i, q, want)
		}
		if q.DecodedNs <= 0 || q.RawNs <= 0 || q.RawMBps <= 0 || q.CompileMicros <= 0 {
			t.Errorf("query %d: a figure is missing: %+v", i, q)
		}
	}
	var out strings.Builder
	rep.Print(&out)
	if !strings.Contains(out.String(), "ev: 4 events") || !strings.Contains(out.String(), "FileName == '*.exe'") {
		t.Errorf("printed:\n%s", out.String())
	}
}

// TestMeasureBadEvent names the event that cannot be decoded.
func TestMeasureBadEvent(t *testing.T) {
	bad := append(events[:2:2], []byte(`{"EventType":`))
	_, err := Measure(bad, filters(t, "EventType == 'process'"), Options{Runs: 1, CompileIters: 1})
	var ee *EventError
	if !errors.As(err, &ee) || ee.N != 3 {
		t.Errorf("err = %v, want an EventError of event 3", err)
	}
}
