package lang_test

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/katafilter/katafilter/lang"
	"github.com/katafilter/katafilter/lang/eval"
	"github.com/katafilter/katafilter/lang/kfl"
)

// workloadDir is the shared benchmark workload, beside the repository.
var workloadDir = filepath.Join("..", "..", "shared", "bench")

// TestWorkloadCounts matches every filter of the shared workload's queries.kfl against its
// 20,000 events, through Program.Match on decoded events, Program.MatchEvent on flattened ones
// and Program.MatchJSON on the raw lines, and compares the counts with independently computed ones kept in
// testdata/lang/workload-counts.txt. It is skipped when the workload is absent.
func TestWorkloadCounts(t *testing.T) {
	queries, err := os.ReadFile(filepath.Join(workloadDir, "queries.kfl"))
	if err != nil {
		t.Skipf("the shared workload is not here (%v)", err)
	}
	lines := readEvents(t, filepath.Join(workloadDir, "events-20k.jsonl.gz"))
	want := readCounts(t, filepath.Join("..", "testdata", "lang", "workload-counts.txt"))

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

func readEvents(t *testing.T, path string) [][]byte {
	f, err := os.Open(path)
	if err != nil {
		t.Skipf("the shared workload is not here (%v)", err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	data, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	var lines [][]byte
	for l := range bytes.Lines(data) {
		if l = bytes.TrimSpace(l); len(l) > 0 {
			lines = append(lines, l)
		}
	}
	return lines
}

// readCounts reads "line: count" pairs; # lines are comments.
func readCounts(t *testing.T, path string) map[int]int {
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out := map[int]int{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		s := strings.TrimSpace(sc.Text())
		if s == "" || strings.HasPrefix(s, "#") {
			continue
		}
		a, b, ok := strings.Cut(s, ":")
		line, err1 := strconv.Atoi(strings.TrimSpace(a))
		n, err2 := strconv.Atoi(strings.TrimSpace(b))
		if !ok || err1 != nil || err2 != nil {
			t.Fatalf("%s: bad line %q", path, s)
		}
		out[line] = n
	}
	return out
}
