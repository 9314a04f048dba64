package main

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/katafilter/katafilter/archive"
	"github.com/katafilter/katafilter/archive/archivetest"
	"github.com/katafilter/katafilter/internal/testenv"
	"github.com/katafilter/katafilter/lang/kfl"
	"github.com/katafilter/katafilter/lang/sql"
)

// These tests run the real binary (katafilter archive, hunt) against the real databases:
// ClickHouse and PostgreSQL as .ci/run starts them (see archivetest), each test in a table of
// its own, dropped at the end.

var workloadDir = filepath.Join(repoRoot, "testdata", "workload")

// workloadCounts reads testdata/workload/counts-4k.txt and queries.kfl: each filter with its
// independently computed number of matches.
func workloadCounts(t *testing.T) []struct {
	filter string
	count  int
} {
	t.Helper()
	text, err := os.ReadFile(filepath.Join(workloadDir, "queries.kfl"))
	if err != nil {
		t.Fatal(err)
	}
	byLine := map[int]string{}
	for _, e := range kfl.Split(string(text)) {
		byLine[e.Line] = e.Text
	}
	counts, err := os.ReadFile(filepath.Join(workloadDir, "counts-4k.txt"))
	if err != nil {
		t.Fatal(err)
	}
	var out []struct {
		filter string
		count  int
	}
	for _, l := range strings.Split(string(counts), "\n") {
		a, b, ok := strings.Cut(l, ":")
		line, err1 := strconv.Atoi(strings.TrimSpace(a))
		n, err2 := strconv.Atoi(strings.TrimSpace(b))
		if strings.HasPrefix(l, "#") || !ok || err1 != nil || err2 != nil {
			continue
		}
		out = append(out, struct {
			filter string
			count  int
		}{byLine[line], n})
	}
	if len(out) != 10 {
		t.Fatalf("counts-4k.txt: %d counts", len(out))
	}
	return out
}

// TestArchiveAndHunt loads the workload slice into each database, twice (the second load
// stores nothing), and hunts the ten shared filters there: the counts are the independently
// computed ones, and the events printed are eval's, byte for byte and in the same order.
func TestArchiveAndHunt(t *testing.T) {
	events := filepath.Join(workloadDir, "events-4k.jsonl.gz")
	for _, dialect := range archivetest.Dialects {
		t.Run(dialect.String(), func(t *testing.T) {
			db := archivetest.Open(t, dialect)
			url, table := archivetest.URL(t, dialect), archivetest.Table(t, db)
			_, stderr, code := run1(t, nil, "archive", "--db", url, "--table", table, events)
			if code != 0 || !strings.Contains(stderr, "loaded 4000 events into "+table) || !strings.Contains(stderr, "0 already present, 0 malformed lines skipped") {
				t.Fatalf("archive: exit %d\n%s", code, stderr)
			}
			// Again, from standard input, in batches of 300: nothing new.
			f, err := os.Open(events)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			_, stderr, code = runStdin(t, nil, f, "archive", "--db", url, "--table", table, "--batch", "300")
			if code != 0 || !strings.Contains(stderr, "loaded 0 events into "+table) || !strings.Contains(stderr, "4000 already present") {
				t.Fatalf("archive again: exit %d\n%s", code, stderr)
			}
			var evals []string
			for _, q := range workloadCounts(t) {
				out, stderr, code := run1(t, nil, "hunt", "--db", url, "--table", table, "--count", "-e", q.filter)
				if code != 0 || strings.TrimSpace(out) != strconv.Itoa(q.count) {
					t.Errorf("hunt --count -e %q: exit %d, %q, want %d\n%s", q.filter, code, out, q.count, stderr)
				}
				want, _, _ := run1(t, nil, "eval", "-e", q.filter, events)
				got, stderr, code := run1(t, nil, "hunt", "--db", url, "--table", table, "-e", q.filter)
				if code != 0 || got != want {
					t.Errorf("hunt -e %q: exit %d, %d bytes, want eval's %d bytes\n%s", q.filter, code, len(got), len(want), stderr)
				}
				evals = append(evals, want)
			}
			huntRuleFile(t, url, table, events, evals)
		})
	}
}

// huntRuleFile hunts with the workload's queries.kfl, ten filters in one file: --count prints
// each filter's independently computed count on a line of its own, and the events printed are
// the union of eval's outputs of the ten filters (evals), each event once, in time order.
func huntRuleFile(t *testing.T, url, table, events string, evals []string) {
	t.Helper()
	queries := filepath.Join(workloadDir, "queries.kfl")
	var want strings.Builder
	for _, l := range strings.Split(mustRead(t, filepath.Join(workloadDir, "counts-4k.txt")), "\n") {
		if !strings.HasPrefix(l, "#") {
			fmt.Fprintf(&want, "%s:%s\n", queries, l)
		}
	}
	out, stderr, code := run1(t, nil, "hunt", "--db", url, "--table", table, "--count", queries)
	if code != 0 || out != want.String() {
		t.Errorf("hunt --count queries.kfl: exit %d\n%s\nwant\n%s\n%s", code, out, want.String(), stderr)
	}
	union := unionInFileOrder(t, events, evals)
	got, stderr, code := run1(t, nil, "hunt", "--db", url, "--table", table, queries)
	if code != 0 || got != union {
		t.Errorf("hunt queries.kfl: exit %d, %d lines, want the union of eval's outputs, %d lines\n%s",
			code, strings.Count(got, "\n"), strings.Count(union, "\n"), stderr)
	}
	got, stderr, code = run1(t, nil, "hunt", "--db", url, "--table", table, "--limit", "5", queries)
	if lines := strings.SplitAfter(union, "\n"); code != 0 || got != strings.Join(lines[:5], "") {
		t.Errorf("hunt --limit 5 queries.kfl: exit %d\n%s\nwant\n%s\n%s", code, got, strings.Join(lines[:5], ""), stderr)
	}
}

// unionInFileOrder returns the lines of the event file (in time order) that are in any of
// outputs, each event once (an event is its line: the same bytes are the same identity).
func unionInFileOrder(t *testing.T, events string, outputs []string) string {
	t.Helper()
	in := map[string]bool{}
	for _, o := range outputs {
		for _, l := range strings.Split(strings.TrimSuffix(o, "\n"), "\n") {
			if l != "" {
				in[l] = true
			}
		}
	}
	f, err := os.Open(events)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	all, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, l := range strings.SplitAfter(string(all), "\n") {
		if line := strings.TrimSuffix(l, "\n"); in[line] {
			b.WriteString(l)
			delete(in, line)
		}
	}
	return b.String()
}

// TestHuntBounds: --since, --until, --limit, --ignore-case, --strict, a filter file of one
// rule and of several, and --format table.
func TestHuntBounds(t *testing.T) {
	dir := t.TempDir()
	var lines []string
	for i := range 10 {
		lines = append(lines, fmt.Sprintf(`{"EventType":"process","HostName":"WS-%02d","FileName":"PowerShell.exe","Timestamp":%d}`, i, time.Date(2026, 12, 1, i, 0, 0, 0, time.UTC).UnixMicro()))
	}
	events := filepath.Join(dir, "events.jsonl")
	os.WriteFile(events, []byte(strings.Join(lines, "\n")+"\n"), 0o644)
	kflFile := filepath.Join(dir, "rule.kfl")
	os.WriteFile(kflFile, []byte("# one rule\nEventType == 'process'\n    AND FileName == 'powershell.exe'\n"), 0o644)
	rules := filepath.Join(dir, "rules.kfl")
	os.WriteFile(rules, []byte("# four rules, one on two lines\nEventType == 'process' AND HostName == 'WS-01'\nEventType == 'process'\n"+
		"    AND HostName in ('WS-03', 'WS-01')\nEventType == 'process' AND FileName == 'powershell.exe'\n\nEventType == 'filechange'\n"), 0o644)
	counts := func(n ...int) string {
		return fmt.Sprintf("%[1]s:2: %[2]d\n%[1]s:3: %[3]d\n%[1]s:5: %[4]d\n%[1]s:7: %[5]d\n", rules, n[0], n[1], n[2], n[3])
	}
	for _, dialect := range archivetest.Dialects {
		t.Run(dialect.String(), func(t *testing.T) {
			url, table := archived(t, dialect, events)
			hunt := func(args ...string) string {
				t.Helper()
				out, stderr, code := run1(t, nil, append([]string{"hunt", "--db", url, "--table", table}, args...)...)
				if code != 0 {
					t.Fatalf("hunt %v: exit %d\n%s", args, code, stderr)
				}
				return out
			}
			for _, tc := range []struct {
				args []string
				want string
			}{
				{[]string{"--count", "-e", "FileName == 'powershell.exe'"}, "0\n"},
				{[]string{"--count", "--ignore-case", "-e", "FileName == 'powershell.exe'"}, "10\n"},
				{[]string{"--count", "--ignore-case", kflFile}, "10\n"},
				{[]string{"--count", "--since", "2026-12-01T03:00:00Z", "--until", "2026-12-01T05:00:00+00:00", "-e", "EventType == 'process'"}, "2\n"},
				{[]string{"--count", "--since", "2026-12-01", "--until", "2026-12-02", "-e", "EventType == 'process'"}, "10\n"},
				{[]string{"--count", "--since", "-1h", "-e", "EventType == 'process'"}, "0\n"},
				{[]string{"--limit", "2", "--since", "2026-12-01T08:00:00Z", "-e", "EventType == 'process'"}, lines[8] + "\n" + lines[9] + "\n"},
				{[]string{"--limit", "1", "-e", "HostName == 'WS-0[5]'"}, ""},
				{[]string{"--limit", "1", "-e", "HostName == 'WS-0?' AND NOT HostName in ('WS-00', 'WS-01')"}, lines[2] + "\n"},
				{[]string{"--format", "table", "--limit", "2", "-e", "HostName == 'WS-0?'"},
					"#  Timestamp (UTC)          EventType  HostName\n1  2026-12-01 00:00:00.000  process    WS-00\n2  2026-12-01 01:00:00.000  process    WS-01\n"},
				// A file of several rules: a count for each, the union of their events
				// (--strict holds for each rule, not for their union of two event types).
				{[]string{"--count", "--strict", rules}, counts(1, 2, 0, 0)},
				{[]string{"--count", "--ignore-case", "--since", "2026-12-01T02:00:00Z", rules}, counts(0, 1, 8, 0)},
				{[]string{"--strict", rules}, lines[1] + "\n" + lines[3] + "\n"},
				{[]string{"--ignore-case", "--until", "2026-12-01T02:00:00Z", rules}, lines[0] + "\n" + lines[1] + "\n"},
				{[]string{"--ignore-case", "--limit", "3", "--since", "2026-12-01T01:00:00Z", rules}, strings.Join(lines[1:4], "\n") + "\n"},
				{[]string{"--format", "table", "--limit", "1", rules},
					"#  Timestamp (UTC)          EventType  HostName  FileName\n1  2026-12-01 01:00:00.000  process    WS-01     PowerShell.exe\n"},
			} {
				if got := hunt(tc.args...); got != tc.want {
					t.Errorf("hunt %q:\n%s\nwant:\n%s", tc.args, got, tc.want)
				}
			}
		})
	}
}

// TestArchiveMalformed: malformed lines are reported as file:line: message and skipped, the
// others loaded; gzip input is recognised whatever the file's name.
func TestArchiveMalformed(t *testing.T) {
	dir := t.TempDir()
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	zw.Write([]byte("{\"EventType\":\"file\",\"Timestamp\":1}\n\n{\"EventType\":\n[1,2]\n{\"EventType\":\"file\",\"Timestamp\":2}\n"))
	zw.Close()
	events := filepath.Join(dir, "events.txt")
	os.WriteFile(events, b.Bytes(), 0o644)
	for _, dialect := range archivetest.Dialects {
		t.Run(dialect.String(), func(t *testing.T) {
			db := archivetest.Open(t, dialect)
			url, table := archivetest.URL(t, dialect), archivetest.Table(t, db)
			_, stderr, code := run1(t, nil, "archive", "--db", url, "--table", table, events, filepath.Join(dir, "missing.jsonl"))
			for _, want := range []string{
				events + ":3: malformed JSON: unexpected end of JSON input",
				events + ":4: not a JSON object",
				"missing.jsonl: no such file or directory",
				"loaded 2 events into " + table,
				"2 malformed lines skipped",
			} {
				if !strings.Contains(stderr, want) {
					t.Errorf("stderr lacks %q:\n%s", want, stderr)
				}
			}
			if code != 1 {
				t.Errorf("exit %d, want 1", code)
			}
			if n := total(t, db, table); n != 2 {
				t.Errorf("%d events in the table, want 2", n)
			}
		})
	}
}

// archived loads the event files into a new table of the test server of dialect, with the
// archive command, and returns the server's URL and the table.
func archived(t *testing.T, dialect sql.Dialect, files ...string) (url, table string) {
	t.Helper()
	db := archivetest.Open(t, dialect)
	url, table = archivetest.URL(t, dialect), archivetest.Table(t, db)
	if _, stderr, code := run1(t, nil, append([]string{"archive", "--db", url, "--table", table}, files...)...); code != 0 {
		t.Fatalf("archive: exit %d\n%s", code, stderr)
	}
	return url, table
}

func total(t *testing.T, db *archive.DB, table string) int64 {
	t.Helper()
	n, err := db.Total(context.Background(), table)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// settledTotal returns the number of events in the table once it has not changed for a second
// (a killed client's last transaction may still be committing on the server).
func settledTotal(t *testing.T, db *archive.DB, table string) int64 {
	t.Helper()
	last, since := total(t, db, table), time.Now()
	for deadline := time.Now().Add(30 * time.Second); time.Since(since) < time.Second; {
		if time.Now().After(deadline) {
			t.Fatalf("the table %s still changes 30 s after the load was killed", table)
		}
		time.Sleep(100 * time.Millisecond)
		if n := total(t, db, table); n != last {
			last, since = n, time.Now()
		}
	}
	return last
}

// TestArchiveKilledAndRestarted kills a load (SIGKILL) once the test sees some of its batches
// committed, and runs it again: each event is in the table once.
func TestArchiveKilledAndRestarted(t *testing.T) {
	dir := t.TempDir()
	events := filepath.Join(dir, "events.jsonl")
	f, err := os.Create(events)
	if err != nil {
		t.Fatal(err)
	}
	w := bufio.NewWriter(f)
	const n = 6000
	for i := range n {
		fmt.Fprintf(w, `{"EventType":"process","HostName":"WS-%d","Timestamp":%d}`+"\n", i%97, 1764000000000000+int64(i))
	}
	w.Flush()
	f.Close()
	for _, dialect := range archivetest.Dialects {
		t.Run(dialect.String(), func(t *testing.T) {
			db := archivetest.Open(t, dialect)
			url, table := archivetest.URL(t, dialect), archivetest.Table(t, db)
			cmd := exec.Command("katafilter", "archive", "--db", url, "--table", table, "--batch", "100", events)
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			// Wait until some batches are committed, then kill the load where it is.
			deadline := time.Now().Add(60 * time.Second)
			for {
				if c, err := db.Total(context.Background(), table); err == nil && c > 0 {
					break
				}
				if time.Now().After(deadline) {
					cmd.Process.Kill()
					cmd.Wait()
					t.Fatalf("no batch committed in 60 s:\n%s", stderr.String())
				}
				time.Sleep(5 * time.Millisecond)
			}
			cmd.Process.Kill()
			cmd.Wait()
			// A COMMIT the load sent just before it died still completes on the server:
			// count what the killed load left once the table has stopped changing.
			partial := settledTotal(t, db, table)
			if partial >= n {
				t.Logf("the load finished before it was killed (%d events)", partial)
			}
			_, errOut, code := run1(t, nil, "archive", "--db", url, "--table", table, "--batch", "100", events)
			if code != 0 {
				t.Fatalf("archive again: exit %d\n%s", code, errOut)
			}
			if got := total(t, db, table); got != n {
				t.Errorf("%d events in the table after the restart, want %d (%d before it)", got, n, partial)
			}
			if !strings.Contains(errOut, fmt.Sprintf("%d already present", partial)) {
				t.Errorf("the summary does not count the %d events already present:\n%s", partial, errOut)
			}
			out, _, _ := run1(t, nil, "hunt", "--db", url, "--table", table, "--count", "-e", "HostName == 'WS-5'")
			if want := fmt.Sprint(n/97+1) + "\n"; out != want {
				t.Errorf("hunt --count: %q, want %q", out, want)
			}
		})
	}
}

// TestReplArchive runs the REPL over an archive (repl --db), script on standard input: each
// run of a filter shows the next page of its matches, in time order.
func TestReplArchive(t *testing.T) {
	dir := t.TempDir()
	var lines []string
	for i := range 8 {
		lines = append(lines, fmt.Sprintf(`{"EventType":"process","HostName":"WS-%02d","Timestamp":%d}`, i, 1764000000000000+int64(i)))
	}
	events := filepath.Join(dir, "events.jsonl")
	os.WriteFile(events, []byte(strings.Join(lines, "\n")+"\n"), 0o644)
	for _, dialect := range archivetest.Dialects {
		t.Run(dialect.String(), func(t *testing.T) {
			url, table := archived(t, dialect, events)
			script := "HostName == 'WS-0?' AND NOT HostName == 'WS-00'\nHostName == 'WS-0?' AND NOT HostName == 'WS-00'\nEventType == 'proces'\n"
			out, stderr, code := runStdin(t, nil, strings.NewReader(script), "repl", "--db", url, "--table", table, "--format", "jsonl", "--limit", "3")
			if want := strings.Join(lines[1:7], "\n") + "\n"; out != want {
				t.Errorf("repl --db printed\n%s\nwant\n%s\nstderr:\n%s", out, want, stderr)
			}
			if code != 1 || !strings.Contains(stderr, "'proces' is not a known value of EventType") {
				t.Errorf("exit %d, want 1 for the filter with an error:\n%s", code, stderr)
			}
		})
	}
}

// TestFetchArchiveKilledAndRestarted streams the events API into an archive (fetch
// --archive), kills fetch (SIGKILL) once the test sees answers committed, restarts it with
// the same --state, and at the end each event is in the archive once: the token is saved only
// after the answer's events are committed, and an event fetched again is not stored twice.
func TestFetchArchiveKilledAndRestarted(t *testing.T) {
	testenv.LookPath(t, "curl", "Debian: apt-get install curl; the test ingests events with it")
	for _, dialect := range archivetest.Dialects {
		t.Run(dialect.String(), func(t *testing.T) {
			db := archivetest.Open(t, dialect)
			url, table := archivetest.URL(t, dialect), archivetest.Table(t, db)
			dir := t.TempDir()
			p := startServe(t, dir, "--approve-all")
			me := newIdent(t)
			ingest(t, p, 0, 40, "process")
			state := filepath.Join(t.TempDir(), "state.json")
			args := append(fetchArgs(me, filepath.Join(dir, "server.crt"), p.url), "--max-events", "4", "--max-timeout", "1s",
				"--state", state, "--archive", url, "--table", table)
			follow := func(until int64, kill bool) {
				t.Helper()
				cmd := exec.Command("katafilter", append(args, "--follow")...)
				var stderr bytes.Buffer
				cmd.Stderr = &stderr
				if err := cmd.Start(); err != nil {
					t.Fatal(err)
				}
				deadline := time.Now().Add(90 * time.Second)
				for {
					if c, err := db.Total(context.Background(), table); err == nil && c >= until {
						break
					}
					if time.Now().After(deadline) {
						cmd.Process.Kill()
						cmd.Wait()
						t.Fatalf("fetch --archive did not store %d events in 90 s:\n%s", until, stderr.String())
					}
					time.Sleep(10 * time.Millisecond)
				}
				if kill {
					cmd.Process.Kill()
				} else {
					cmd.Process.Signal(syscall.SIGTERM)
				}
				cmd.Wait()
			}
			follow(8, true) // killed after two answers or more
			follow(40, false)
			if n := total(t, db, table); n != 40 {
				t.Fatalf("%d events in the archive, want 40", n)
			}
			// More events, fetched one answer per run, without --follow.
			ingest(t, p, 40, 44, "process")
			args = append(args, "--max-timeout", "0s")
			for range 20 {
				if total(t, db, table) == 44 {
					break
				}
				if _, stderr, code := run1(t, nil, args...); code != 0 {
					t.Fatalf("fetch --archive: exit %d\n%s", code, stderr)
				}
			}
			out, _, _ := run1(t, nil, "hunt", "--db", url, "--table", table, "--count", "-e", "EventType == 'process'")
			if n := total(t, db, table); n != 44 || out != "44\n" {
				t.Errorf("%d events in the archive, %q process events, want 44 of each", n, out)
			}
		})
	}
}

// TestHuntRefusedRule: a rule the database's dialect cannot translate exactly (U+0000 on
// PostgreSQL) is reported at its place in the file before anything is sent; ClickHouse takes
// it, so hunt goes on to connect (here to a port where nothing listens).
func TestHuntRefusedRule(t *testing.T) {
	rules := filepath.Join(t.TempDir(), "rules.kfl")
	os.WriteFile(rules, []byte("EventType == 'process'\n# a NUL in the second rule\nFileName == 'a\x00b'\n"), 0o644)
	_, stderr, code := run1(t, nil, "hunt", "--db", "postgres://u@127.0.0.1:1/x", "--count", rules)
	if code != 1 || !strings.Contains(stderr, rules+":3:13: error[KF0900]") || strings.Contains(stderr, "cannot connect") {
		t.Errorf("postgres: exit %d, want 1 and KF0900 at 3:13 before connecting:\n%s", code, stderr)
	}
	_, stderr, code = run1(t, nil, "hunt", "--db", "clickhouse://u@127.0.0.1:1/x", "--count", rules)
	if code != 1 || strings.Contains(stderr, "KF0900") || !strings.Contains(stderr, "cannot connect") {
		t.Errorf("clickhouse: exit %d, want 1 from connecting, not KF0900:\n%s", code, stderr)
	}
}
