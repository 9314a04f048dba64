package lint

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"slices"
	"strings"

	"github.com/katafilter/katafilter/internal/fileutil"
	"github.com/katafilter/katafilter/lang"
	"github.com/katafilter/katafilter/lang/diag"
)

// Baseline is a record of accepted findings, so that a repository can adopt the lint and fail
// only on new problems. A finding is identified by its file, its code and the text of its
// filter in canonical form (white space collapsed when it does not parse), not by its line:
// editing other rules, moving or reformatting this one does not make it new.
type Baseline struct {
	Version  int             `json:"version"`
	Findings []BaselineEntry `json:"findings"`
}

// BaselineEntry is one accepted kind of finding and how many of it are accepted.
type BaselineEntry struct {
	File  string    `json:"file"`
	Code  diag.Code `json:"code"`
	Text  string    `json:"text"`
	Count int       `json:"count"`
}

type baselineKey struct {
	file string
	code diag.Code
	text string
}

func keyOf(f Finding) baselineKey {
	return baselineKey{file: f.File, code: f.Code, text: canonicalText(f.Filter)}
}

// canonicalText is the filter's canonical form, or its words joined by single spaces when it
// does not parse.
func canonicalText(filter string) string {
	if s, diags := lang.Format(filter); s != "" && !diags.HasErrors() {
		return s
	}
	return strings.Join(strings.Fields(filter), " ")
}

// NewBaseline records the findings of a run.
func NewBaseline(r *Result) *Baseline {
	counts := map[baselineKey]int{}
	for _, f := range r.Findings() {
		counts[keyOf(f)]++
	}
	b := &Baseline{Version: 1, Findings: []BaselineEntry{}}
	for k, n := range counts {
		b.Findings = append(b.Findings, BaselineEntry{File: k.file, Code: k.code, Text: k.text, Count: n})
	}
	slices.SortFunc(b.Findings, func(x, y BaselineEntry) int {
		return cmp.Or(cmp.Compare(x.File, y.File), cmp.Compare(x.Code, y.Code), cmp.Compare(x.Text, y.Text))
	})
	return b
}

// ReadBaseline reads a baseline file.
func ReadBaseline(file string) (*Baseline, error) {
	data, err := os.ReadFile(file)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("baseline %s does not exist: write it with --write-baseline", file)
	}
	if err != nil {
		return nil, err
	}
	var b Baseline
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&b); err != nil {
		return nil, fmt.Errorf("%s: not a baseline file: %v", file, err)
	}
	if b.Version != 1 {
		return nil, fmt.Errorf("%s: baseline version %d is not supported", file, b.Version)
	}
	return &b, nil
}

// Write writes the baseline as indented JSON.
func (b *Baseline) Write(file string) error {
	data, err := json.MarshalIndent(b, "", "  ")
	if err != nil {
		return err
	}
	if err := fileutil.WriteAtomic(file, append(data, '\n'), 0o644); err != nil {
		return fmt.Errorf("writing baseline %s: %w", file, err)
	}
	return nil
}

// Filter removes from r the findings the baseline accepts and returns how many it removed.
func (b *Baseline) Filter(r *Result) int {
	left := map[baselineKey]int{}
	for _, e := range b.Findings {
		left[baselineKey{file: e.File, code: e.Code, text: e.Text}] += e.Count
	}
	removed := 0
	for _, f := range r.Files {
		kept := f.Findings[:0]
		for _, d := range f.Findings {
			k := keyOf(d)
			if left[k] > 0 {
				left[k]--
				removed++
				continue
			}
			kept = append(kept, d)
		}
		f.Findings = kept
	}
	return removed
}
