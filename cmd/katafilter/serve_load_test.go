package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/katafilter/katafilter/eventsapi/store"
)

// TestServeLoadKilledAndRestarted kills the real serve process (SIGKILL) while it loads a
// file of events, again and again at later and later moments, restarting it each time with
// the same arguments, until a run finishes the load; then the store must hold every event of
// the file exactly once. The kills must have hit at least one load in its middle.
func TestServeLoadKilledAndRestarted(t *testing.T) {
	bin := buildBinary(t)
	dir := t.TempDir()
	const n = 60000
	var data bytes.Buffer
	for i := range n {
		fmt.Fprintf(&data, `{"EventType":"process","HostName":"WS-%d","SystemPid":%d}`+"\n", i%50, i)
	}
	events := filepath.Join(dir, "events.jsonl")
	if err := os.WriteFile(events, data.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	for round := range 5 {
		state := filepath.Join(dir, fmt.Sprint("state", round))
		partial, kills := 0, 0
		for delay := time.Duration(0); ; delay += 4 * time.Millisecond {
			if finished := serveKilledAfter(t, bin, state, events, delay); finished {
				break
			}
			kills++
			if p := loadProgress(t, state, data.Bytes()); p > 0 && p < n {
				partial++
			}
		}
		if partial == 0 {
			t.Logf("round %d: %d kills, none in the middle of the load; again", round, kills)
			continue
		}
		checkLoadedOnce(t, state, n)
		t.Logf("round %d: %d kills, %d of them in the middle of the load", round, kills, partial)
		return
	}
	t.Fatal("no kill hit the middle of a load in 5 rounds")
}

// serveKilledAfter starts serve loading events into state and kills it after delay, or once it
// listens (its URL file appears), which means the load is finished; it reports which.
func serveKilledAfter(t *testing.T, bin, state, events string, delay time.Duration) (finished bool) {
	t.Helper()
	os.Remove(filepath.Join(state, "server.url"))
	cmd := exec.Command(bin, "serve", "--state-dir", state, "--listen", "127.0.0.1:0", "--events", events)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(delay)
	for {
		if _, err := os.Stat(filepath.Join(state, "server.url")); err == nil {
			finished = true
			break
		}
		if time.Now().After(deadline) {
			break
		}
		time.Sleep(time.Millisecond)
	}
	cmd.Process.Kill()
	cmd.Wait()
	return finished
}

// loadProgress opens the state the killed server left and returns how many events of the
// file it records as stored.
func loadProgress(t *testing.T, state string, content []byte) int {
	t.Helper()
	st, err := store.Open(filepath.Join(state, "state.db"), 10*time.Second)
	if os.IsNotExist(err) {
		return 0
	}
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	p, _, err := st.LoadProgress(content)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// checkLoadedOnce checks that the store holds the n events, each once.
func checkLoadedOnce(t *testing.T, state string, n int) {
	t.Helper()
	st, err := store.Open(filepath.Join(state, "state.db"), 10*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	seen := make([]int, n)
	total := 0
	if _, err := st.Scan(0, func(e store.Event) bool {
		var ev struct{ SystemPid int }
		if err := json.Unmarshal(e.Raw, &ev); err != nil {
			t.Fatal(err)
		}
		seen[ev.SystemPid]++
		total++
		return true
	}); err != nil {
		t.Fatal(err)
	}
	for pid, c := range seen {
		if c != 1 {
			t.Fatalf("event %d stored %d times (%d events in all, want %d)", pid, c, total, n)
		}
	}
}
