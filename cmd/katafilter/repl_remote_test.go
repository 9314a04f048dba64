package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// runReplScript runs "katafilter repl" with args and the script on stdin (piped mode).
func runReplScript(t *testing.T, script string, args ...string) (string, string, int) {
	t.Helper()
	return runStdin(t, []string{"NO_COLOR=1"}, strings.NewReader(script), append([]string{"repl"}, args...)...)
}

func writeEventsFile(t *testing.T, text string) string {
	t.Helper()
	f := filepath.Join(t.TempDir(), "events.jsonl")
	if err := os.WriteFile(f, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return f
}

// TestReplRemoteNodes runs the REPL against two katafilter servers as a PCN and an SCN, with
// --url NAME=URL: both are asked, their events merged, each row naming its node.
func TestReplRemoteNodes(t *testing.T) {
	pcn := startServe(t, t.TempDir(), "--approve-all", "--node", "pcn", "--events", writeEventsFile(t,
		`{"EventType":"process","HostName":"WS-1","Timestamp":1764000000000000,"FileName":"cmd.exe"}`+"\n"))
	scn := startServe(t, t.TempDir(), "--approve-all", "--node", "scn1", "--events", writeEventsFile(t,
		`{"EventType":"process","HostName":"WS-2","Timestamp":1764000001000000,"FileName":"cmd.exe"}`+"\n"+
			`{"EventType":"module","HostName":"WS-3","Timestamp":1764000002000000,"FileName":"cmd.exe"}`+"\n"))
	me := newIdent(t)
	ca := filepath.Join(t.TempDir(), "ca.pem")
	a, _ := os.ReadFile(filepath.Join(pcn.dir, "server.crt"))
	b, _ := os.ReadFile(filepath.Join(scn.dir, "server.crt"))
	os.WriteFile(ca, append(a, b...), 0o600)

	out, stderr, code := runReplScript(t, "EventType == 'process' AND FileName == 'cmd.exe'\n.token\n.status\n",
		"--url", "pcn="+pcn.url, "--url", "scn1="+scn.url, "--id", me.id, "--cert", me.cert, "--key", me.key, "--cacert", ca, "--timeout", "1s")
	if code != 0 || stderr != "" {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, out, stderr)
	}
	for _, re := range []string{
		`(?m)^#  Node  Timestamp \(UTC\)  +EventType  HostName  FileName$`,
		`(?m)^1  pcn   2025-11-24 16:00:00\.000  process    WS-1      cmd\.exe$`,
		`(?m)^2  scn1  2025-11-24 16:00:01\.000  process    WS-2      cmd\.exe$`,
		`(?m)^2 events in `,
		`(?m)^pcn: \S+$`,
		`(?m)^scn1: \S+$`,
		`(?m)^source: the KATA events API at pcn https://127\.0\.0\.1:\d+, scn1 https://127\.0\.0\.1:\d+$`,
		`(?m)^pcn: https://127\.0\.0\.1:\d+, external system ` + me.id,
	} {
		if !regexp.MustCompile(re).MatchString(out) {
			t.Errorf("stdout does not match %s:\n%s", re, out)
		}
	}
}

// TestReplRemoteUnauthorized shows the server's 401 with what the administrator must approve,
// and exits with status 1.
func TestReplRemoteUnauthorized(t *testing.T) {
	p := startServe(t, t.TempDir())
	me := newIdent(t)
	out, stderr, code := runReplScript(t, "EventType == 'process'\n",
		"--url", p.url, "--id", me.id, "--cert", me.cert, "--key", me.key, "--cacert", filepath.Join(p.dir, "server.crt"), "--timeout", "1s")
	if code != 1 || out != "" || !strings.Contains(stderr, "401") || !strings.Contains(stderr, "must approve") || !strings.Contains(stderr, me.id) {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, out, stderr)
	}
}
