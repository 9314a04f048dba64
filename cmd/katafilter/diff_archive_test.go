package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/katafilter/katafilter/archive/archivetest"
)

// TestDiffArchive: diff --db counts each version's matches and each difference in the
// database, and they are the counts diff --events gives over the same events.
func TestDiffArchive(t *testing.T) {
	events := filepath.Join(workloadDir, "events-4k.jsonl.gz")
	pairs := [][2]string{
		{"EventType == 'process'", "EventType == 'process' AND FileName == 'powershell.exe'"},
		{"UserName == 'CORP\\\\*'", "UserName == 'CORP\\\\*' OR HostName == 'WS-FIN-00?'"},
		{"RemotePort in (4444, 8080)", "RemotePort in (8080, 3389) AND NOT RemoteIp == '10.*'"},
	}
	for _, dialect := range archivetest.Dialects {
		t.Run(dialect.String(), func(t *testing.T) {
			url, table := archived(t, dialect, events)
			for _, p := range pairs {
				want := diffCounts(t, "--events", events, "-e", p[0], "-e", p[1])
				got := diffCounts(t, "--db", url, "--table", table, "-e", p[0], "-e", p[1])
				if got.Total != 4000 || got.Old != want.Old || got.New != want.New || got.OnlyOld != want.OnlyOld || got.OnlyNew != want.OnlyNew {
					t.Errorf("diff --db %q %q: %+v, want the counts of --events %+v", p[0], p[1], got, want)
				}
				if !strings.Contains(got.Archive, table) || strings.Contains(got.Archive, "katafilter:katafilter@") {
					t.Errorf("archive named %q: want the table, and the URL without its password", got.Archive)
				}
			}
		})
	}
}

// diffCounts runs diff --format json with args and returns its counts of events.
func diffCounts(t *testing.T, args ...string) eventCounts {
	t.Helper()
	out, stderr, code := run1(t, nil, append([]string{"diff", "--format", "json"}, args...)...)
	if code == 2 || stderr != "" {
		t.Fatalf("diff %q: exit %d\n%s", args, code, stderr)
	}
	var rep diffReport
	if err := json.Unmarshal([]byte(out), &rep); err != nil || rep.Events == nil {
		t.Fatalf("diff %q: %v\n%s", args, err, out)
	}
	return *rep.Events
}
