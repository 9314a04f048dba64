//go:build unix

package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/katafilter/katafilter/archive/archivetest"
)

// TestReplTailArchive drives "katafilter repl --db" on a pseudo-terminal: .tail shows the
// archive's matches, then, as more events are loaded while it runs, the new matches (each
// once, the others not), until Ctrl-C stops it and the prompt returns.
func TestReplTailArchive(t *testing.T) {
	dir := t.TempDir()
	event := func(i int, host string) string {
		return fmt.Sprintf(`{"EventType":"process","HostName":%q,"Timestamp":%d}`, host, 1764000000000000+int64(i))
	}
	write := func(name string, lines ...string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	first := write("first.jsonl", event(0, "WS-00"), event(1, "SRV-01"), event(2, "WS-02"))
	// The second load: two new matches, one event that does not match, one already there.
	second := write("second.jsonl", event(3, "WS-03"), event(4, "SRV-04"), event(5, "WS-05"), event(0, "WS-00"))
	for _, dialect := range archivetest.Dialects {
		t.Run(dialect.String(), func(t *testing.T) {
			url, table := archived(t, dialect, first)
			term := startBinary(t, "katafilter", []string{"NO_COLOR=1", "TERM=xterm", "KATAFILTER_HISTORY=none"},
				"repl", "--db", url, "--table", table, "--format", "jsonl", "--limit", "2", "--poll", "100ms")
			term.waitFor(0, `kata> `)
			m := term.mark()
			term.send(".tail HostName == 'WS-*'\r")
			term.waitFor(m, `following HostName == 'WS-\*'; Ctrl-C stops`)
			term.waitFor(m, `"WS-02"`)
			if _, stderr, code := run1(t, nil, "archive", "--db", url, "--table", table, second); code != 0 {
				t.Fatalf("archive while tailing: %s", stderr)
			}
			term.waitFor(m, `"WS-05"`)
			term.send("\x03")
			s := term.waitFor(m, `4 events; stopped\r?\n.*kata> `)
			for _, host := range []string{"WS-00", "WS-02", "WS-03", "WS-05"} {
				if n := strings.Count(s, `"HostName":"`+host+`"`); n != 1 {
					t.Errorf("%s shown %d times, want once:\n%s", host, n, s)
				}
			}
			if strings.Contains(s, "SRV-") {
				t.Errorf("the tail shows events that do not match:\n%s", s)
			}
			if i, j := strings.Index(s, `"WS-02"`), strings.Index(s, `"WS-03"`); i > j {
				t.Errorf("the events are not in time order:\n%s", s)
			}
			term.send("\x04")
		})
	}
}
