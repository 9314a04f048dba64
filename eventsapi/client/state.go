package client

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// State is what a consumer keeps between runs: the continuation token of each node (server),
// keyed by the node's URL. Save it only after the events of the answer that brought the token
// have been written out: then a crash at any point repeats at most that answer, and never skips
// one (at-least-once delivery).
type State struct {
	Version int               `json:"version"`
	Tokens  map[string]string `json:"tokens"`
}

// LoadState reads a state file; a missing file is an empty state. It first removes the
// temporary files that a [State.Save] interrupted by a crash left beside it.
func LoadState(path string) (*State, error) {
	removeStaleTemps(path)
	st := &State{Version: 1, Tokens: map[string]string{}}
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return st, nil
	}
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(data, st); err != nil {
		return nil, fmt.Errorf("%s: not a katafilter state file: %w", path, err)
	}
	if st.Version != 1 {
		return nil, fmt.Errorf("%s: state file version %d is not supported", path, st.Version)
	}
	if st.Tokens == nil {
		st.Tokens = map[string]string{}
	}
	return st, nil
}

// tempPrefix is the name, without its random end, of Save's temporary files for path.
func tempPrefix(path string) string { return "." + filepath.Base(path) + ".tmp-" }

// removeStaleTemps removes the temporary files of Save for path: a Save that completes leaves
// none, so any there is the remains of a crash.
func removeStaleTemps(path string) {
	entries, err := os.ReadDir(filepath.Dir(path))
	if err != nil {
		return
	}
	prefix := tempPrefix(path)
	for _, e := range entries {
		if e.Type().IsRegular() && strings.HasPrefix(e.Name(), prefix) {
			os.Remove(filepath.Join(filepath.Dir(path), e.Name()))
		}
	}
}

// Save writes the state atomically: to a temporary file in the same directory, synced to
// disk, then renamed over path (and the directory synced), so that path always holds either
// the old or the new state, whole.
func (st *State) Save(path string) error {
	data, err := json.MarshalIndent(st, "", "  ")
	if err != nil {
		return err
	}
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, tempPrefix(path)+"*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	_, err = f.Write(append(data, '\n'))
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
		return err
	}
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync() // not every file system can sync a directory
		d.Close()
	}
	return nil
}
