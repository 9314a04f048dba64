// Package store keeps the state of an events API server in one bbolt file: the events with
// their sequence numbers and arrival times, the registrations of external systems, the filters
// that tokens refer to, the host names seen and the token signing key. bbolt lets one process
// open the file at a time; a second Open fails after its timeout with [ErrLocked].
package store

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"
)

var (
	bucketMeta    = []byte("meta")
	bucketEvents  = []byte("events")
	bucketSystems = []byte("systems")
	bucketFilters = []byte("filters")
	bucketHosts   = []byte("hosts")
	keySigning    = []byte("signing-key")
)

// ErrLocked reports that another process (usually a running server) holds the store.
var ErrLocked = errors.New("store: the state is in use by another process (is a server running?)")

// Store is an open state file. It is safe for concurrent use.
type Store struct {
	db *bolt.DB

	mu    sync.Mutex
	hosts map[string]bool
}

// Open opens or creates the bbolt file at path, waiting at most timeout for another process to
// release it.
func Open(path string, timeout time.Duration) (*Store, error) {
	if timeout <= 0 {
		timeout = time.Second
	}
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: timeout, FreelistType: bolt.FreelistMapType})
	if err != nil {
		if errors.Is(err, bolt.ErrTimeout) {
			return nil, fmt.Errorf("%w: %s", ErrLocked, path)
		}
		return nil, err
	}
	s := &Store{db: db, hosts: map[string]bool{}}
	err = db.Update(func(tx *bolt.Tx) error {
		for _, b := range [][]byte{bucketMeta, bucketEvents, bucketSystems, bucketFilters, bucketHosts} {
			if _, err := tx.CreateBucketIfNotExists(b); err != nil {
				return err
			}
		}
		return tx.Bucket(bucketHosts).ForEach(func(k, _ []byte) error {
			s.hosts[string(k)] = true
			return nil
		})
	})
	if err != nil {
		db.Close()
		return nil, err
	}
	return s, nil
}

// Close closes the file.
func (s *Store) Close() error { return s.db.Close() }

// SigningKey returns the key tokens are signed with, creating a random one on first use.
func (s *Store) SigningKey() ([]byte, error) {
	var key []byte
	err := s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketMeta)
		if k := b.Get(keySigning); k != nil {
			key = slices.Clone(k)
			return nil
		}
		key = make([]byte, 32)
		if _, err := rand.Read(key); err != nil {
			return err
		}
		return b.Put(keySigning, key)
	})
	return key, err
}

func seqKey(seq uint64) []byte { return binary.BigEndian.AppendUint64(nil, seq) }

// Append stores events (each the raw bytes of one JSON object) with the given arrival time and
// returns the sequence numbers of the first and last. Arrival times never go backwards: an
// arrival earlier than the newest stored event's is raised to it. Host names (the HostName or
// hostName key) are recorded.
func (s *Store) Append(events [][]byte, arrival time.Time) (first, last uint64, err error) {
	if len(events) == 0 {
		return 0, 0, nil
	}
	var newHosts []string
	err = s.db.Update(func(tx *bolt.Tx) error {
		first, last, newHosts, err = s.appendTx(tx, events, arrival)
		return err
	})
	if err != nil {
		return 0, 0, err
	}
	s.knowHosts(newHosts)
	return first, last, nil
}

func (s *Store) knowHosts(hosts []string) {
	s.mu.Lock()
	for _, h := range hosts {
		s.hosts[h] = true
	}
	s.mu.Unlock()
}

// appendTx is Append inside the transaction tx; it returns the host names seen for the first
// time.
func (s *Store) appendTx(tx *bolt.Tx, events [][]byte, arrival time.Time) (first, last uint64, newHosts []string, err error) {
	if len(events) == 0 {
		return 0, 0, nil, nil
	}
	err = func() error {
		b := tx.Bucket(bucketEvents)
		at := arrival.UnixNano()
		if k, v := b.Cursor().Last(); k != nil && len(v) >= 8 {
			if prev := int64(binary.BigEndian.Uint64(v)); prev > at {
				at = prev
			}
		}
		hb := tx.Bucket(bucketHosts)
		for i, ev := range events {
			seq, err := b.NextSequence()
			if err != nil {
				return err
			}
			if i == 0 {
				first = seq
			}
			last = seq
			v := make([]byte, 8, 8+len(ev))
			binary.BigEndian.PutUint64(v, uint64(at))
			if err := b.Put(seqKey(seq), append(v, ev...)); err != nil {
				return err
			}
			if h := hostOf(ev); h != "" {
				s.mu.Lock()
				known := s.hosts[h]
				s.mu.Unlock()
				if !known {
					if err := hb.Put([]byte(h), nil); err != nil {
						return err
					}
					newHosts = append(newHosts, h)
				}
			}
		}
		return nil
	}()
	return first, last, newHosts, err
}

// hostOf extracts the host name of an event without decoding all of it.
func hostOf(ev []byte) string {
	if !bytes.Contains(ev, []byte(`ostName"`)) {
		return ""
	}
	var h struct {
		HostName  string `json:"HostName"`
		HostName2 string `json:"hostName"`
	}
	if json.Unmarshal(ev, &h) != nil {
		return ""
	}
	if h.HostName != "" {
		return h.HostName
	}
	return h.HostName2
}

// HostCount returns the number of distinct host names seen in events, ever.
func (s *Store) HostCount() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.hosts)
}

// Bounds returns the sequence number of the oldest event held (0 when none is) and the sequence
// number the next appended event will get.
func (s *Store) Bounds() (oldest, next uint64, err error) {
	err = s.db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketEvents)
		next = b.Sequence() + 1
		if k, _ := b.Cursor().First(); k != nil {
			oldest = binary.BigEndian.Uint64(k)
		}
		return nil
	})
	return oldest, next, err
}

// Event is one stored event as [Store.Scan] shows it. Raw is only valid during the callback.
type Event struct {
	Seq     uint64
	Arrival time.Time
	Raw     []byte
}

// Scan calls fn for the events with sequence numbers from from on, in order, until fn returns
// false. It reads in short transactions so that a long scan does not hold up writers. It
// returns the sequence number of the last event shown (0 when none was).
func (s *Store) Scan(from uint64, fn func(Event) bool) (lastSeen uint64, err error) {
	const chunk = 512
	for {
		done := true
		err = s.db.View(func(tx *bolt.Tx) error {
			c := tx.Bucket(bucketEvents).Cursor()
			i := 0
			for k, v := c.Seek(seqKey(from)); k != nil; k, v = c.Next() {
				if i == chunk {
					done = false
					return nil
				}
				seq := binary.BigEndian.Uint64(k)
				i++
				lastSeen = seq
				from = seq + 1
				if len(v) < 8 {
					continue
				}
				ev := Event{Seq: seq, Arrival: time.Unix(0, int64(binary.BigEndian.Uint64(v))), Raw: v[8:]}
				if !fn(ev) {
					return nil
				}
			}
			return nil
		})
		if err != nil || done {
			return lastSeen, err
		}
	}
}

// DeleteBefore deletes the events that arrived before cutoff and returns how many it deleted.
func (s *Store) DeleteBefore(cutoff time.Time) (int, error) {
	total := 0
	for {
		n := 0
		err := s.db.Update(func(tx *bolt.Tx) error {
			c := tx.Bucket(bucketEvents).Cursor()
			for k, v := c.First(); k != nil && n < 4096; k, v = c.First() {
				if len(v) >= 8 && int64(binary.BigEndian.Uint64(v)) >= cutoff.UnixNano() {
					return nil
				}
				if err := c.Delete(); err != nil {
					return err
				}
				n++
			}
			return nil
		})
		total += n
		if err != nil || n < 4096 {
			return total, err
		}
	}
}

// FilterKey returns the key under which [Store.PutFilter] keeps a filter text.
func FilterKey(text string) [16]byte {
	h := sha256.Sum256([]byte(text))
	return [16]byte(h[:16])
}

// PutFilter records a filter text so that tokens can refer to it by its key.
func (s *Store) PutFilter(text string) ([16]byte, error) {
	key := FilterKey(text)
	err := s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketFilters)
		if b.Get(key[:]) != nil {
			return nil
		}
		return b.Put(key[:], []byte(text))
	})
	return key, err
}

// Filter returns the filter text recorded under key.
func (s *Store) Filter(key [16]byte) (string, bool, error) {
	var text string
	var ok bool
	err := s.db.View(func(tx *bolt.Tx) error {
		if v := tx.Bucket(bucketFilters).Get(key[:]); v != nil {
			text, ok = string(v), true
		}
		return nil
	})
	return text, ok, err
}

// Status is the state of an external system's integration request.
type Status string

// The statuses of a registration.
const (
	Pending  Status = "pending"
	Approved Status = "approved"
	Rejected Status = "rejected"
)

// Registration is what the server knows about one external system: the pair (ID, certificate
// fingerprint) and its status.
type Registration struct {
	ID          string    `json:"id"`
	Fingerprint string    `json:"fingerprint"`
	Subject     string    `json:"subject,omitempty"`
	Status      Status    `json:"status"`
	FirstSeen   time.Time `json:"firstSeen"`
	LastSeen    time.Time `json:"lastSeen"`
	Decided     time.Time `json:"decided,omitzero"`
	Requests    int64     `json:"requests"`
}

func regKey(id, fp string) []byte { return []byte(id + "/" + fp) }

// Registration returns the registration of the pair (id, fp).
func (s *Store) Registration(id, fp string) (Registration, bool, error) {
	var r Registration
	var ok bool
	err := s.db.View(func(tx *bolt.Tx) error {
		v := tx.Bucket(bucketSystems).Get(regKey(id, fp))
		if v == nil {
			return nil
		}
		ok = true
		return json.Unmarshal(v, &r)
	})
	return r, ok, err
}

// ErrTooManyPending is returned by [Store.Seen] for an unknown pair while the pending
// integration requests are at their limit.
var ErrTooManyPending = errors.New("too many integration requests are waiting for a decision")

// Seen records a request of the pair (id, fp): an unknown pair becomes a pending integration
// request with the given status (Pending, or Approved when the server approves everyone).
// It returns the registration as updated. When initial is Pending and maxPending (if not
// zero) requests are already pending, an unknown pair is not recorded: Seen returns
// [ErrTooManyPending], so that clients that keep changing their ID or certificate cannot
// fill the store.
func (s *Store) Seen(id, fp, subject string, now time.Time, initial Status, maxPending int) (Registration, error) {
	var r Registration
	err := s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketSystems)
		k := regKey(id, fp)
		if v := b.Get(k); v != nil {
			if err := json.Unmarshal(v, &r); err != nil {
				return err
			}
		} else {
			if initial == Pending && maxPending > 0 && countPending(b) >= maxPending {
				return ErrTooManyPending
			}
			r = Registration{ID: id, Fingerprint: fp, Subject: subject, Status: initial, FirstSeen: now}
			if initial != Pending {
				r.Decided = now
			}
		}
		r.LastSeen = now
		r.Requests++
		v, err := json.Marshal(r)
		if err != nil {
			return err
		}
		return b.Put(k, v)
	})
	return r, err
}

// pendingMark is how a pending registration's JSON records its status.
var pendingMark = []byte(`"status":"` + string(Pending) + `"`)

// countPending counts the pending registrations of the systems bucket b.
func countPending(b *bolt.Bucket) int {
	n := 0
	_ = b.ForEach(func(_, v []byte) error {
		if bytes.Contains(v, pendingMark) {
			n++
		}
		return nil
	})
	return n
}

// Registrations returns every registration, ordered by ID and fingerprint.
func (s *Store) Registrations() ([]Registration, error) {
	var out []Registration
	err := s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketSystems).ForEach(func(_, v []byte) error {
			var r Registration
			if err := json.Unmarshal(v, &r); err != nil {
				return err
			}
			out = append(out, r)
			return nil
		})
	})
	return out, err
}

// Decide sets the status of the registrations of external system id whose fingerprint starts
// with fpPrefix (any fingerprint when it is empty). When fpPrefix is empty and id has
// registrations for several certificates, it refuses: the caller must say which. It returns
// the registrations changed.
func (s *Store) Decide(id, fpPrefix string, status Status, now time.Time) ([]Registration, error) {
	var changed []Registration
	err := s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketSystems)
		var match []Registration
		c := b.Cursor()
		prefix := []byte(id + "/" + fpPrefix)
		for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
			var r Registration
			if err := json.Unmarshal(v, &r); err != nil {
				return err
			}
			match = append(match, r)
		}
		switch {
		case len(match) == 0 && fpPrefix == "":
			return fmt.Errorf("no integration request from external system %s", id)
		case len(match) == 0:
			return fmt.Errorf("no integration request from external system %s with a certificate fingerprint starting %s", id, fpPrefix)
		case len(match) > 1:
			var fps []string
			for _, r := range match {
				fps = append(fps, r.Fingerprint+" ("+string(r.Status)+")")
			}
			return fmt.Errorf("external system %s has requests from %d certificates; give the fingerprint of one:\n  %s", id, len(match), strings.Join(fps, "\n  "))
		}
		r := match[0]
		r.Status = status
		r.Decided = now
		v, err := json.Marshal(r)
		if err != nil {
			return err
		}
		changed = append(changed, r)
		return b.Put(regKey(r.ID, r.Fingerprint), v)
	})
	return changed, err
}

func loadedKey(content []byte) []byte {
	h := sha256.Sum256(content)
	return append([]byte("loaded:"), h[:]...)
}

// LoadProgress says how far the loading of a file with this content went: the number of its
// events stored, and whether all were (see [Store.AppendLoaded]).
func (s *Store) LoadProgress(content []byte) (stored int, complete bool, err error) {
	err = s.db.View(func(tx *bolt.Tx) error {
		v := tx.Bucket(bucketMeta).Get(loadedKey(content))
		switch {
		case v == nil:
		case len(v) == 9 && v[8] <= 1: // the count, then 1 when complete
			stored, complete = int(binary.BigEndian.Uint64(v)), v[8] == 1
		default: // a state of an earlier version: the time at which the file was loaded whole
			complete = true
		}
		return nil
	})
	return stored, complete, err
}

// AppendLoaded appends events of a file being loaded, as Append does, and records in the same
// transaction that stored of the file's events are now in the store (complete when that is all
// of them). A crash therefore leaves the store with a prefix of the file and its length, never
// with events that the progress does not count: loading again from LoadProgress's count
// neither loses nor repeats an event.
func (s *Store) AppendLoaded(events [][]byte, arrival time.Time, content []byte, stored int, complete bool) error {
	var newHosts []string
	err := s.db.Update(func(tx *bolt.Tx) error {
		var err error
		if _, _, newHosts, err = s.appendTx(tx, events, arrival); err != nil {
			return err
		}
		v := binary.BigEndian.AppendUint64(nil, uint64(stored))
		if complete {
			v = append(v, 1)
		} else {
			v = append(v, 0)
		}
		return tx.Bucket(bucketMeta).Put(loadedKey(content), v)
	})
	if err == nil {
		s.knowHosts(newHosts)
	}
	return err
}
