package lint

import (
	"cmp"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sync"

	"github.com/katafilter/katafilter/internal/fileutil"
	"github.com/katafilter/katafilter/lang/ast"
	"github.com/katafilter/katafilter/lang/diag"
	"github.com/katafilter/katafilter/rulefile"
)

// Options configures [Run].
type Options struct {
	// Paths are the files and directories to lint; none means ".".
	Paths []string
	// ConfigFile is a configuration to use instead of looking for .katafilter.yaml upward
	// from each path.
	ConfigFile string
	// Override changes each configuration after it is loaded (command-line flags win over
	// the file).
	Override func(*Config)
	// Fix applies safe fixes and canonical formatting to the files in place.
	Fix bool
	// Workers bounds how many files are linted at once; 0 means GOMAXPROCS.
	Workers int
	// BaseDir is the directory that reported paths are relative to; "" means the working
	// directory.
	BaseDir string
	// Skip lists files never to lint (the baseline, say).
	Skip []string
	// Base is a git revision: each filter changed since it is reported (KL0008) with how
	// its matches changed. "" reports nothing of the kind.
	Base string
}

// Finding is one reported problem.
type Finding struct {
	// File is the file's path relative to the base directory, with forward slashes.
	File string
	// Finding is the problem (its spans are byte offsets into the file, its severity the
	// configured one), with the text of its filter and the explanation of a failed rule test.
	rulefile.Finding
	// Start and End are the 1-based positions of the span in the file (columns count
	// characters).
	Start, End ast.Position
}

// Config is the content of a .katafilter.yaml file (see [rulefile.Config]).
type Config = rulefile.Config

// File is the outcome for one file.
type File struct {
	// Path is the file's path relative to the base directory, with forward slashes.
	Path string
	// Src is the file's text (after fixes, when they were applied).
	Src string
	// Lines indexes Src.
	Lines *ast.LineTable
	// Filters is the number of filters found in it.
	Filters int
	// Samples is the number of rule-test samples that ran.
	Samples int
	// Findings are sorted by position.
	Findings []Finding
	// Accepted are the findings a baseline accepted (see [Baseline.Filter]): not reported,
	// except in SARIF, as suppressed results.
	Accepted []Finding
	// Fixed is set when fixes were written to the file.
	Fixed bool
	// Notes tell about fixes that were not applied.
	Notes []string
}

// Result is the outcome of a run: the files in path order.
type Result struct {
	Files []*File
	// Notes tell about what the walk did not follow (a symbolic link loop, a broken link).
	Notes []string
	// Stale lists the baseline entries that accepted fewer findings than they count, with
	// the count left over (see [Baseline.Filter]).
	Stale []BaselineEntry
}

// Findings returns every finding, in file order.
func (r *Result) Findings() []Finding {
	var out []Finding
	for _, f := range r.Files {
		out = append(out, f.Findings...)
	}
	return out
}

// Samples returns the number of rule-test samples that ran.
func (r *Result) Samples() int {
	n := 0
	for _, f := range r.Files {
		n += f.Samples
	}
	return n
}

// Count returns the number of findings of severity s.
func (r *Result) Count(s diag.Severity) int {
	n := 0
	for _, f := range r.Files {
		for _, d := range f.Findings {
			if d.Severity == s {
				n++
			}
		}
	}
	return n
}

// job is one file to lint.
type job struct {
	abs, display string
	cfg          *rulefile.Checker
}

// Run lints the files under opts.Paths. Problems in the files are findings; an error is
// returned only for a path that does not exist, an unreadable file or a bad configuration.
func Run(opts Options) (*Result, error) {
	paths := opts.Paths
	if len(paths) == 0 {
		paths = []string{"."}
	}
	base := opts.BaseDir
	if base == "" {
		var err error
		if base, err = os.Getwd(); err != nil {
			return nil, err
		}
	}
	base, _ = filepath.Abs(base)
	skip := map[string]bool{}
	for _, s := range opts.Skip {
		if a, err := filepath.Abs(s); err == nil {
			skip[a] = true
		}
	}
	loader := &configLoader{opts: opts, cache: map[string]*rulefile.Checker{}}
	var jobs []job
	walk := newWalker(base)
	seen := map[string]bool{}
	add := func(abs string, cfg *rulefile.Checker) {
		if seen[abs] || skip[abs] {
			return
		}
		seen[abs] = true
		rel, err := filepath.Rel(base, abs)
		if err != nil {
			rel = abs
		}
		jobs = append(jobs, job{abs: abs, display: filepath.ToSlash(rel), cfg: cfg})
	}
	for _, p := range paths {
		abs, err := filepath.Abs(p)
		if err != nil {
			return nil, err
		}
		st, err := os.Stat(abs)
		if err != nil {
			var pe *fs.PathError
			if errors.As(err, &pe) {
				return nil, fmt.Errorf("%s: %w", p, pe.Err)
			}
			return nil, err
		}
		if !st.IsDir() && !st.Mode().IsRegular() {
			// Reading a named pipe or a device would wait for a writer or never end.
			return nil, fmt.Errorf("%s: not a regular file or a directory", p)
		}
		dir := abs
		if !st.IsDir() {
			dir = filepath.Dir(abs)
		}
		cfg, err := loader.load(dir)
		if err != nil {
			return nil, err
		}
		if !st.IsDir() {
			if rulefile.KindOf(abs) == 0 {
				return nil, fmt.Errorf("%s: not a .kfl, YAML or JSON file", p)
			}
			if cfg.Selected(abs) {
				add(abs, cfg)
			}
			continue
		}
		err = walk.walk(abs, func(q string) {
			if cfg.Selected(q) {
				add(q, cfg)
			}
		})
		if err != nil {
			return nil, err
		}
	}
	slices.SortFunc(jobs, func(a, b job) int { return cmp.Compare(a.display, b.display) })

	var since *rulefile.Since
	if opts.Base != "" {
		since = rulefile.NewSince(opts.Base)
		if err := since.Check(dirOf(paths[0])); err != nil {
			return nil, err
		}
	}
	res := &Result{Files: make([]*File, len(jobs)), Notes: walk.notes}
	errs := make([]error, len(jobs))
	workers := opts.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(workers, max(1, len(jobs))) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				res.Files[i], errs[i] = lintFile(jobs[i], opts.Fix, since)
			}
		}()
	}
	for i := range jobs {
		next <- i
	}
	close(next)
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return res, nil
}

type configLoader struct {
	opts  Options
	cache map[string]*rulefile.Checker // by configuration file ("" for defaults at a directory)
}

func (l *configLoader) load(dir string) (*rulefile.Checker, error) {
	file := l.opts.ConfigFile
	if file == "" {
		var err error
		if file, err = rulefile.FindConfig(dir); err != nil {
			return nil, err
		}
	}
	key := file
	if key == "" {
		key = "dir:" + dir
	}
	if rc, ok := l.cache[key]; ok {
		return rc, nil
	}
	var c *Config
	if file == "" {
		c = rulefile.DefaultConfig(dir)
	} else {
		var err error
		if c, err = rulefile.LoadConfig(file); err != nil {
			return nil, err
		}
	}
	if l.opts.Override != nil {
		l.opts.Override(c)
		if err := c.Validate(); err != nil {
			return nil, err
		}
	}
	rc, err := rulefile.NewChecker(c)
	if err != nil {
		return nil, err
	}
	l.cache[key] = rc
	return rc, nil
}

// dirOf is the directory of a PATH argument (itself when it is one).
func dirOf(p string) string {
	abs, err := filepath.Abs(p)
	if err != nil {
		return p
	}
	if st, err := os.Stat(abs); err == nil && !st.IsDir() {
		return filepath.Dir(abs)
	}
	return abs
}

// lintFile lints one file, fixing it first when asked, and reports how its filters changed
// since the revision of base (nil: not asked).
func lintFile(j job, fix bool, base *rulefile.Since) (*File, error) {
	data, err := os.ReadFile(j.abs)
	if err != nil {
		return nil, err
	}
	src := string(data)
	out := &File{Path: j.display}
	if fix {
		fixed, notes, changed := fixFile(src, rulefile.KindOf(j.abs), j.cfg)
		for _, n := range notes {
			out.Notes = append(out.Notes, j.display+":"+n)
		}
		if changed {
			if err := fileutil.WriteAtomic(j.abs, []byte(fixed), 0o644); err != nil {
				return nil, err
			}
			src = fixed
			out.Fixed = true
		}
	}
	out.Src = src
	out.Lines = ast.NewLineTable(src)
	sites, findings := rulefile.Check(src, out.Lines, rulefile.KindOf(j.abs), j.cfg)
	out.Filters = len(sites)
	for _, s := range sites {
		out.Samples += s.Ran
	}
	out.Findings = make([]Finding, len(findings))
	for i, f := range findings {
		out.Findings[i] = Finding{File: j.display, Finding: f,
			Start: out.Lines.Position(f.Span.Start), End: out.Lines.Position(f.Span.End)}
	}
	if base != nil {
		changes, err := sinceFindings(base, j, out.Lines, sites)
		if err != nil {
			return nil, err
		}
		out.Findings = append(out.Findings, changes...)
		slices.SortStableFunc(out.Findings, func(a, b Finding) int { return cmp.Compare(a.Span.Start, b.Span.Start) })
	}
	return out, nil
}
