package lang_test

import (
	"path/filepath"
	"slices"
	"testing"

	"github.com/rogpeppe/go-internal/txtar"

	"github.com/katafilter/katafilter/internal/workload"
	"github.com/katafilter/katafilter/lang"
	"github.com/katafilter/katafilter/lang/diag"
	"github.com/katafilter/katafilter/lang/eval"
	"github.com/katafilter/katafilter/lang/kfl"
)

// TestWorkloadCounts matches every filter of the workload's queries.kfl against its events,
// through Program.Match on decoded events, Program.MatchEvent on flattened ones and
// Program.MatchJSON on the raw lines, and compares the counts with independently computed
// ones: on the committed 4,000-event slice always (testdata/workload/counts-4k.txt), and on
// the full 20,000 events too when the shared workload is beside the repository
// (testdata/lang/workload-counts.txt).
func TestWorkloadCounts(t *testing.T) {
	sets := []*workload.Set{sliceSet(t)}
	if full, err := workload.Full(); err == nil {
		sets = append(sets, full)
	} else if !workload.IsAbsent(err) {
		t.Fatal(err)
	}
	for _, set := range sets {
		t.Run(set.Name, func(t *testing.T) { checkCounts(t, set) })
	}
}

// checkCounts is TestWorkloadCounts on one set.
func checkCounts(t *testing.T, set *workload.Set) {
	queries, lines := readSet(t, set)
	want, err := set.Counts()
	if err != nil {
		t.Fatal(err)
	}

	decoded := make([]any, len(lines))
	flat := make([]*eval.Event, len(lines))
	for i, l := range lines {
		v, err := eval.Decode(l)
		if err != nil {
			t.Fatalf("event %d: %v", i+1, err)
		}
		decoded[i] = v
		flat[i] = eval.NewEvent(v)
	}
	entries := kfl.Split(string(queries))
	if len(entries) != len(want) {
		t.Errorf("queries.kfl has %d filters, the counts file %d", len(entries), len(want))
	}
	for _, e := range entries {
		p, diags := lang.Compile(e.Text, lang.Config{})
		if p == nil {
			t.Errorf("line %d: %s:\n%s", e.Line, e.Text, diags.String("queries.kfl", e.Text))
			continue
		}
		viaDecode, viaJSON, viaEvent := 0, 0, 0
		for i := range lines {
			if p.Match(decoded[i]) {
				viaDecode++
			}
			if p.MatchEvent(flat[i]) {
				viaEvent++
			}
			ok, err := p.MatchJSON(lines[i])
			if err != nil {
				t.Fatalf("line %d, event %d: %v", e.Line, i+1, err)
			}
			if ok {
				viaJSON++
			}
		}
		w, ok := want[e.Line]
		if !ok {
			t.Errorf("line %d: no expected count for %s", e.Line, e.Text)
			continue
		}
		if viaDecode != w || viaJSON != w || viaEvent != w {
			t.Errorf("line %d: %s\n matches %d (Match), %d (MatchJSON) and %d (MatchEvent), want %d", e.Line, e.Text, viaDecode, viaJSON, viaEvent, w)
		}
	}
}

// TestEventTypesAgree holds the checker's event-type analysis to the evaluator: on the
// workload's events, a filter that compares EventType matches only events of the types the
// checker lists in Info.EventTypes, and one it calls never true (KF0501 on the whole filter)
// matches none. The filters are those of the checker corpus and queries.kfl.
func TestEventTypesAgree(t *testing.T) {
	queries, lines := readSet(t, sliceSet(t))
	events := make([]*eval.Event, len(lines))
	types := make([]string, len(lines))
	for i, l := range lines {
		v, err := eval.Decode(l)
		if err != nil {
			t.Fatal(err)
		}
		events[i] = eval.NewEvent(v)
		types[i], _ = v.(map[string]any)["EventType"].(string)
	}
	filters := []string{}
	for _, e := range kfl.Split(string(queries)) {
		filters = append(filters, e.Text)
	}
	for _, name := range []string{"valid", "logic", "values", "multiline"} {
		ar, err := txtar.ParseFile(filepath.Join(corpusDir, name+".txtar"))
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range kfl.Split(string(archiveFile(t, ar, "filters"))) {
			filters = append(filters, e.Text)
		}
	}
	checked := 0
	for _, src := range filters {
		f := lang.Analyze(src, lang.Config{})
		p, err := f.Program()
		if err != nil || !f.Info.PinsEventType {
			continue
		}
		checked++
		neverTrue := false
		for _, d := range f.Diagnostics {
			neverTrue = neverTrue || d.Code == diag.NeverTrue && d.Span == f.Expr.Span()
		}
		for i, e := range events {
			if !p.MatchEvent(e) {
				continue
			}
			if neverTrue {
				t.Errorf("%s: called never true, matches event %d", src, i+1)
				break
			}
			if !slices.Contains(f.Info.EventTypes, types[i]) {
				t.Errorf("%s: matches event %d of type %q, not among %v", src, i+1, types[i], f.Info.EventTypes)
				break
			}
		}
	}
	if checked < 50 {
		t.Errorf("only %d filters checked", checked)
	}
}

// sliceSet returns the committed slice of the workload.
func sliceSet(t *testing.T) *workload.Set {
	t.Helper()
	s, err := workload.Slice()
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// readSet returns a workload's filters and event lines.
func readSet(t *testing.T, s *workload.Set) ([]byte, [][]byte) {
	t.Helper()
	queries, err := s.Queries()
	if err != nil {
		t.Fatal(err)
	}
	lines, err := s.EventLines()
	if err != nil {
		t.Fatal(err)
	}
	return queries, lines
}
