// Package workload reads the shared benchmark workload for tests and benchmarks: the filters
// of ../shared/bench/queries.kfl, the events of ../shared/bench/events-20k.jsonl.gz (paths
// relative to the repository root), and the match counts that an implementation independent
// of katafilter computed for them (testdata/lang/workload-counts.txt). The workload lives
// beside the repository, not in it: callers skip when [Available] says it is absent.
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

// Dir returns the directory of the shared workload.
func Dir() (string, error) {
	r, err := root()
	if err != nil {
		return "", err
	}
	return filepath.Join(r, "..", "shared", "bench"), nil
}

// Path returns the path of a file of the shared workload.
func Path(name string) (string, error) {
	d, err := Dir()
	if err != nil {
		return "", err
	}
	return filepath.Join(d, name), nil
}

// Available reports whether the workload is there, and if not, why (for a Skip message).
func Available() (bool, string) {
	for _, name := range []string{"queries.kfl", "events-20k.jsonl.gz"} {
		p, err := Path(name)
		if err != nil {
			return false, err.Error()
		}
		if _, err := os.Stat(p); err != nil {
			return false, fmt.Sprintf("the shared benchmark workload is absent: %v", err)
		}
	}
	return true, ""
}

// Queries returns the text of queries.kfl.
func Queries() ([]byte, error) {
	p, err := Path("queries.kfl")
	if err != nil {
		return nil, err
	}
	return os.ReadFile(p)
}

// Events returns the decompressed events file.
func Events() ([]byte, error) { return events() }

var events = sync.OnceValues(func() ([]byte, error) {
	p, err := Path("events-20k.jsonl.gz")
	if err != nil {
		return nil, err
	}
	r, err := jsonl.OpenText(p, nil)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	return io.ReadAll(r)
})

// EventLines returns the events, one JSON object each, blank lines dropped. The slices are
// shared by every caller, which must not modify them.
func EventLines() ([][]byte, error) { return eventLines() }

var eventLines = sync.OnceValues(func() ([][]byte, error) {
	data, err := events()
	if err != nil {
		return nil, err
	}
	return jsonl.ReadAll(bytes.NewReader(data), "events-20k.jsonl.gz", jsonl.Options{Strict: true})
})

// IsAbsent reports whether err says that a workload file is missing.
func IsAbsent(err error) bool { return errors.Is(err, fs.ErrNotExist) }

// Counts returns the independently computed number of matching events of each filter, by the
// line of the filter in queries.kfl.
func Counts() (map[int]int, error) {
	r, err := root()
	if err != nil {
		return nil, err
	}
	path := filepath.Join(r, "testdata", "lang", "workload-counts.txt")
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	out := map[int]int{}
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		s := strings.TrimSpace(sc.Text())
		if s == "" || strings.HasPrefix(s, "#") {
			continue
		}
		a, b, ok := strings.Cut(s, ":")
		line, err1 := strconv.Atoi(strings.TrimSpace(a))
		count, err2 := strconv.Atoi(strings.TrimSpace(b))
		if !ok || err1 != nil || err2 != nil {
			return nil, fmt.Errorf("%s:%d: want \"line: count\", got %q", path, n, s)
		}
		out[line] = count
	}
	return out, sc.Err()
}
