package store_test

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/katafilter/katafilter/eventsapi/store"
)

func open(t *testing.T, path string) *store.Store {
	t.Helper()
	s, err := store.Open(path, 100*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestAppendScanDelete(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.db")
	s := open(t, path)
	t0 := time.Unix(1000, 0)
	var evs [][]byte
	for i := range 1200 { // more than one scan chunk
		evs = append(evs, fmt.Appendf(nil, `{"HostName":"H%d","N":%d}`, i%3, i))
	}
	first, last, err := s.Append(evs[:1000], t0)
	if err != nil || first != 1 || last != 1000 {
		t.Fatalf("append: %d..%d %v", first, last, err)
	}
	// An earlier arrival is raised to the newest one's: arrival never goes backwards.
	if _, _, err := s.Append(evs[1000:], t0.Add(-time.Hour)); err != nil {
		t.Fatal(err)
	}
	if s.HostCount() != 3 {
		t.Fatalf("hosts %d, want 3", s.HostCount())
	}
	n := 0
	lastSeen, err := s.Scan(5, func(e store.Event) bool {
		if want := fmt.Sprintf(`,"N":%d}`, e.Seq-1); !strings.HasSuffix(string(e.Raw), want) || !e.Arrival.Equal(t0) {
			t.Fatalf("event %d: %s at %v", e.Seq, e.Raw, e.Arrival)
		}
		n++
		return true
	})
	if err != nil || n != 1196 || lastSeen != 1200 {
		t.Fatalf("scan: %d events, last %d, %v", n, lastSeen, err)
	}
	// Stopping early reports the event it stopped at.
	lastSeen, _ = s.Scan(1, func(e store.Event) bool { return e.Seq < 700 })
	if lastSeen != 700 {
		t.Fatalf("stopped scan: last %d", lastSeen)
	}
	if n, err := s.DeleteBefore(t0); err != nil || n != 0 {
		t.Fatalf("delete nothing: %d %v", n, err)
	}
	if _, _, err := s.Append([][]byte{[]byte(`{"late":1}`)}, t0.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	if n, err := s.DeleteBefore(t0.Add(time.Second)); err != nil || n != 1200 {
		t.Fatalf("delete: %d %v", n, err)
	}
	oldest, next, _ := s.Bounds()
	if oldest != 1201 || next != 1202 {
		t.Fatalf("bounds %d %d", oldest, next)
	}
	// The file is locked while open.
	if _, err := store.Open(path, 50*time.Millisecond); !errors.Is(err, store.ErrLocked) {
		t.Fatalf("second open: %v", err)
	}
	s.Close()
	// Reopened: sequence numbers continue, hosts are remembered.
	s = open(t, path)
	defer s.Close()
	if first, _, _ := s.Append([][]byte{[]byte(`{}`)}, time.Now()); first != 1202 {
		t.Fatalf("after reopen, first %d", first)
	}
	if s.HostCount() != 3 {
		t.Fatalf("after reopen, hosts %d", s.HostCount())
	}
}

func TestRegistrations(t *testing.T) {
	s := open(t, filepath.Join(t.TempDir(), "state.db"))
	defer s.Close()
	now := time.Unix(2000, 0)
	const id = "0b5e36a4-6f5c-4a8e-9d43-1c2b3a4d5e6f"
	r, err := s.Seen(id, "aa11", "CN=x", now, store.Pending, 0)
	if err != nil || r.Status != store.Pending || r.Requests != 1 {
		t.Fatalf("%+v %v", r, err)
	}
	r, _ = s.Seen(id, "aa11", "CN=x", now.Add(time.Second), store.Approved, 0) // known: status kept
	if r.Status != store.Pending || r.Requests != 2 {
		t.Fatalf("%+v", r)
	}
	if _, err := s.Decide(id, "", store.Approved, now); err != nil {
		t.Fatal(err)
	}
	if r, ok, _ := s.Registration(id, "aa11"); !ok || r.Status != store.Approved {
		t.Fatalf("%+v", r)
	}
	s.Seen(id, "bb22", "", now, store.Pending, 0)
	tests := []struct{ fp, err string }{
		{"", "external system " + id + " has requests from 2 certificates; give the fingerprint of one"},
		{"cc", "no integration request from external system " + id + " with a certificate fingerprint starting cc"},
		{"bb", ""},
	}
	for _, tt := range tests {
		_, err := s.Decide(id, tt.fp, store.Rejected, now)
		if got := fmt.Sprint(err); (tt.err == "" && err != nil) || (tt.err != "" && !strings.HasPrefix(got, tt.err)) {
			t.Errorf("Decide(%q): got %v, want %q", tt.fp, err, tt.err)
		}
	}
	regs, _ := s.Registrations()
	if len(regs) != 2 || regs[0].Status != store.Approved || regs[1].Status != store.Rejected {
		t.Fatalf("%+v", regs)
	}
}

func TestFiltersAndLoaded(t *testing.T) {
	s := open(t, filepath.Join(t.TempDir(), "state.db"))
	defer s.Close()
	k, err := s.PutFilter("EventType == 'process'")
	if err != nil || k != store.FilterKey("EventType == 'process'") {
		t.Fatal(err)
	}
	if text, ok, _ := s.Filter(k); !ok || text != "EventType == 'process'" {
		t.Fatalf("%q %v", text, ok)
	}
	if _, ok, _ := s.Filter(store.FilterKey("other")); ok {
		t.Fatal("unknown filter found")
	}
	if n, done, _ := s.LoadProgress([]byte("x")); n != 0 || done {
		t.Fatalf("progress %d %v before any load", n, done)
	}
	_, next0, _ := s.Bounds()
	s.AppendLoaded([][]byte{[]byte(`{"HostName":"a"}`), []byte(`{"HostName":"b"}`)}, time.Now(), []byte("x"), 2, false)
	if n, done, _ := s.LoadProgress([]byte("x")); n != 2 || done {
		t.Fatalf("progress %d %v after 2 of the file's events", n, done)
	}
	s.AppendLoaded([][]byte{[]byte(`{"HostName":"c"}`)}, time.Now(), []byte("x"), 3, true)
	if n, done, _ := s.LoadProgress([]byte("x")); n != 3 || !done {
		t.Fatalf("progress %d %v after all 3", n, done)
	}
	if _, next, _ := s.Bounds(); next-next0 != 3 || s.HostCount() != 3 {
		t.Fatalf("bounds moved by %d, %d hosts", next-next0, s.HostCount())
	}
	k1, _ := s.SigningKey()
	k2, _ := s.SigningKey()
	if len(k1) != 32 || string(k1) != string(k2) {
		t.Fatal("the signing key is not stable")
	}
}

func TestSeenLimitsPending(t *testing.T) {
	s := open(t, filepath.Join(t.TempDir(), "state.db"))
	defer s.Close()
	now := time.Unix(2000, 0)
	for _, id := range []string{"a", "b"} {
		if _, err := s.Seen(id, "ff", "", now, store.Pending, 2); err != nil {
			t.Fatal(err)
		}
	}
	// A third unknown pair is refused and not recorded; the known ones are still counted.
	if _, err := s.Seen("c", "ff", "", now, store.Pending, 2); !errors.Is(err, store.ErrTooManyPending) {
		t.Fatalf("third pending: %v", err)
	}
	if r, err := s.Seen("a", "ff", "", now, store.Pending, 2); err != nil || r.Requests != 2 {
		t.Fatalf("known pair: %+v %v", r, err)
	}
	if _, ok, _ := s.Registration("c", "ff"); ok {
		t.Fatal("the refused request was recorded")
	}
	// Approved systems do not count (ApproveAll records them approved), decided ones neither.
	if _, err := s.Seen("d", "ff", "", now, store.Approved, 2); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Decide("a", "", store.Rejected, now); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Seen("c", "ff", "", now, store.Pending, 2); err != nil {
		t.Fatalf("after a decision: %v", err)
	}
}
