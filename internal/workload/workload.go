// Package workload serves the benchmark workload to tests and benchmarks: the ten filters of
// queries.kfl, events as JSON lines, and the number of events each filter matches, computed
// by an implementation independent of katafilter.
//
// Two sets exist. [Slice] is the first 4,000 events of the shared workload, committed under
// testdata/workload with its counts (counts-4k.txt), so that tests run in a plain clone; the
// package-level functions serve it. [Full] is the whole shared workload (20,000 events in
// ../shared/bench beside the repository, counts in testdata/lang/workload-counts.txt), for
// benchmarks when it is there: [ForBenchmark] falls back to the slice when it is not.
package workload

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/katafilter/katafilter/internal/jsonl"
)

// root finds the repository root: the nearest directory upward holding go.mod.
var root = sync.OnceValues(func() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("workload: no go.mod above the working directory")
		}
		dir = parent
	}
})

// Set is one workload: where its files are, and their contents read once.
type Set struct {
	// Name says which set it is in messages: "the 4,000-event slice" or "the full workload".
	Name string
	// QueriesPath, EventsPath and CountsPath are the files, from the repository root.
	QueriesPath, EventsPath, CountsPath string

	events     func() ([]byte, error)
	eventLines func() ([][]byte, error)
}

func newSet(name, queries, events, counts string) (*Set, error) {
	r, err := root()
	if err != nil {
		return nil, err
	}
	s := &Set{Name: name, QueriesPath: filepath.Join(r, queries), EventsPath: filepath.Join(r, events), CountsPath: filepath.Join(r, counts)}
	s.events = sync.OnceValues(s.readEvents)
	s.eventLines = sync.OnceValues(s.readEventLines)
	return s, nil
}

var slice = sync.OnceValues(func() (*Set, error) {
	return newSet("the 4,000-event slice", "testdata/workload/queries.kfl", "testdata/workload/events-4k.jsonl.gz", "testdata/workload/counts-4k.txt")
})

// fullSet is the full workload, whether it is there or not.
var fullSet = sync.OnceValues(func() (*Set, error) {
	return newSet("the full workload", "../shared/bench/queries.kfl", "../shared/bench/events-20k.jsonl.gz", "testdata/lang/workload-counts.txt")
})

// Slice returns the committed 4,000-event slice. It is part of the repository: an error
// means a broken clone.
func Slice() (*Set, error) { return slice() }

// Full returns the full shared workload, or an error for which [IsAbsent] holds when it is
// not beside the repository.
func Full() (*Set, error) {
	s, err := fullSet()
	if err != nil {
		return nil, err
	}
	for _, p := range []string{s.QueriesPath, s.EventsPath} {
		if _, err := os.Stat(p); err != nil {
			return nil, fmt.Errorf("the shared benchmark workload is absent: %w", err)
		}
	}
	return s, nil
}

// IsAbsent reports whether err says that a workload file is missing.
func IsAbsent(err error) bool { return errors.Is(err, fs.ErrNotExist) }

// ForBenchmark returns the full workload when it is there, else the slice (and says so in the
// benchmark's log, since the figures then differ from docs/performance.md's).
func ForBenchmark(b testing.TB) *Set {
	b.Helper()
	s, err := Full()
	if err == nil {
		return s
	}
	if !IsAbsent(err) {
		b.Fatal(err)
	}
	if s, err = Slice(); err != nil {
		b.Fatal(err)
	}
	b.Logf("%v: benchmarking %s", err, s.Name)
	return s
}

// Queries returns the text of the set's queries.kfl.
func (s *Set) Queries() ([]byte, error) { return os.ReadFile(s.QueriesPath) }

// Events returns the set's events file, decompressed. The bytes are shared by every caller,
// which must not modify them.
func (s *Set) Events() ([]byte, error) { return s.events() }

func (s *Set) readEvents() ([]byte, error) {
	r, err := jsonl.OpenText(s.EventsPath, nil)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	return io.ReadAll(r)
}

// EventLines returns the events, one JSON object each, blank lines dropped. The slices are
// shared by every caller, which must not modify them.
func (s *Set) EventLines() ([][]byte, error) { return s.eventLines() }

func (s *Set) readEventLines() ([][]byte, error) {
	data, err := s.events()
	if err != nil {
		return nil, err
	}
	return jsonl.ReadAll(bytes.NewReader(data), s.EventsPath, jsonl.Options{Strict: true})
}

// Counts returns the independently computed number of matching events of each filter, by the
// line of the filter in queries.kfl.
func (s *Set) Counts() (map[int]int, error) {
	f, err := os.Open(s.CountsPath)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	out := map[int]int{}
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		a, b, ok := strings.Cut(line, ":")
		filter, err1 := strconv.Atoi(strings.TrimSpace(a))
		count, err2 := strconv.Atoi(strings.TrimSpace(b))
		if !ok || err1 != nil || err2 != nil {
			return nil, fmt.Errorf("%s:%d: want \"line: count\", got %q", s.CountsPath, n, line)
		}
		out[filter] = count
	}
	return out, sc.Err()
}

// Queries returns the slice's queries.kfl.
func Queries() ([]byte, error) { return call(func(s *Set) ([]byte, error) { return s.Queries() }) }

// EventLines returns the slice's events, one JSON object each.
func EventLines() ([][]byte, error) {
	return call(func(s *Set) ([][]byte, error) { return s.EventLines() })
}

func call[T any](f func(*Set) (T, error)) (T, error) {
	s, err := Slice()
	if err != nil {
		var zero T
		return zero, err
	}
	return f(s)
}
