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
	"github.com/katafilter/katafilter/lang/diag"
	"github.com/katafilter/katafilter/rulefile"
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

// keyOf is the identity of finding d of file f: the text of its filter, or for a problem of
// the file itself (an unreadable file, a bad suppression) the text of the line it is on, so
// that no identity is empty: an empty one would accept any such finding of the file.
func keyOf(f *File, d Finding) baselineKey {
	text := rulefile.CanonicalText(d.Filter)
	if d.Filter == "" {
		text = "line: " + strings.Join(strings.Fields(f.Lines.Line(d.Start.Line)), " ")
		if text == "line: " {
			text = fmt.Sprintf("line %d", d.Start.Line)
		}
	}
	return baselineKey{file: d.File, code: d.Code, text: text}
}

// NewBaseline records the findings of a run.
func NewBaseline(r *Result) *Baseline {
	counts := map[baselineKey]int{}
	for _, f := range r.Files {
		for _, d := range f.Findings {
			counts[keyOf(f, d)]++
		}
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

// Filter moves the findings of r that the baseline accepts from each file's Findings to its
// Accepted, and records in r.Stale the entries that accepted fewer findings than they count
// (the problem was fixed, or the rule changed): the baseline should be written again. An entry
// without text accepts nothing and is stale: every finding has a text (see keyOf).
func (b *Baseline) Filter(r *Result) int {
	left := map[baselineKey]int{}
	for _, e := range b.Findings {
		if e.Text == "" {
			continue
		}
		left[baselineKey{file: e.File, code: e.Code, text: e.Text}] += e.Count
	}
	removed := 0
	for _, f := range r.Files {
		kept := f.Findings[:0]
		for _, d := range f.Findings {
			k := keyOf(f, d)
			if left[k] > 0 {
				left[k]--
				removed++
				f.Accepted = append(f.Accepted, d)
				continue
			}
			kept = append(kept, d)
		}
		f.Findings = kept
	}
	r.Stale = nil
	for _, e := range b.Findings {
		k := baselineKey{file: e.File, code: e.Code, text: e.Text}
		if n := left[k]; n > 0 || e.Text == "" {
			if e.Text == "" {
				n = e.Count
			}
			delete(left, k) // an identity listed twice is reported once
			r.Stale = append(r.Stale, BaselineEntry{File: e.File, Code: e.Code, Text: e.Text, Count: n})
		}
	}
	return removed
}

// Accepted returns how many findings the baseline accepted.
func (r *Result) Accepted() int {
	n := 0
	for _, f := range r.Files {
		n += len(f.Accepted)
	}
	return n
}

// StaleNotes describes the stale entries of the baseline, one line each.
func (r *Result) StaleNotes() []string {
	var out []string
	for _, e := range r.Stale {
		why := fmt.Sprintf("%d no longer found", e.Count)
		if e.Text == "" {
			why = "an entry without text accepts nothing"
		}
		out = append(out, fmt.Sprintf("baseline: stale entry %s %s %q (%s): write the baseline again with --write-baseline", e.File, e.Code, e.Text, why))
	}
	return out
}
