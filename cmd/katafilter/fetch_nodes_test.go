package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/katafilter/katafilter/internal/testenv"
)

// TestFetchSeveralNodesSetUp goes through what a new user of a PCN and an SCN meets: each
// node's 401 named at once, one --cacert per node, the full endpoint URL as --url, and a state
// file holding the tokens of another external system.
func TestFetchSeveralNodesSetUp(t *testing.T) {
	testenv.LookPath(t, "curl", "Debian: apt-get install curl; the ingest helper uses it")
	pcn, scn := startServe(t, t.TempDir(), "--node", "pcn"), startServe(t, t.TempDir(), "--node", "scn")
	me := newIdent(t)
	state := filepath.Join(t.TempDir(), "st.json")
	args := []string{"fetch", "--id", me.id, "--cert", me.cert, "--key", me.key,
		"--cacert", filepath.Join(pcn.dir, "server.crt"), "--cacert", filepath.Join(scn.dir, "server.crt"),
		"--url", "pcn=" + pcn.url,
		"--url", "scn=" + scn.url + "/kata/events_api/v1/" + me.id + "/events?max_events=5", // the full endpoint URL
		"--max-timeout", "0", "--state", state}

	// Neither node has approved the integration: both 401s are named.
	_, stderr, code := run1(t, nil, args...)
	if code != 1 || !strings.Contains(stderr, "katafilter fetch: pcn: events API: 401") || !strings.Contains(stderr, "katafilter fetch: scn: events API: 401") {
		t.Fatalf("unapproved: exit %d, stderr:\n%s", code, stderr)
	}

	for _, p := range []*serveProc{pcn, scn} {
		if _, stderr, code := run1(t, nil, "admin", "--state-dir", p.dir, "approve", me.id); code != 0 {
			t.Fatalf("approve: %s", stderr)
		}
	}
	ingest(t, pcn, 0, 3, "process")
	ingest(t, scn, 100, 102, "process")
	out, stderr, code := run1(t, nil, args...)
	if ids := recordIDs(t, out); code != 0 || len(ids) != 5 {
		t.Fatalf("approved: exit %d, events %v, stderr:\n%s", code, ids, stderr)
	}

	// Another external system with the first one's state file: the 400 says what to do.
	other := newIdent(t)
	args2 := append([]string{"fetch", "--id", other.id, "--cert", other.cert, "--key", other.key}, args[7:]...)
	run1(t, nil, args2...) // 401s: integration requests for the administrator
	for _, p := range []*serveProc{pcn, scn} {
		if _, stderr, code := run1(t, nil, "admin", "--state-dir", p.dir, "approve", other.id); code != 0 {
			t.Fatalf("approve: %s", stderr)
		}
	}
	_, stderr, code = run1(t, nil, args2...)
	if code != 1 || !strings.Contains(stderr, "issued to another external system") ||
		!strings.Contains(stderr, "the refused token is the one the state file "+state+" keeps for "+pcn.url) ||
		!strings.Contains(stderr, "delete "+state) {
		t.Fatalf("another ID's state: exit %d, stderr:\n%s", code, stderr)
	}
}
