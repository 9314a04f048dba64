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
	"strings"
	"sync"

	"github.com/katafilter/katafilter/internal/fileutil"
	"github.com/katafilter/katafilter/lang"
	"github.com/katafilter/katafilter/lang/ast"
	"github.com/katafilter/katafilter/lang/diag"
	"github.com/katafilter/katafilter/lang/explain"
	"github.com/katafilter/katafilter/lang/schema"
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
}

// Finding is one reported problem.
type Finding struct {
	// File is the file's path relative to the base directory, with forward slashes.
	File string
	// Diagnostic is the problem; its spans are byte offsets into the file, its severity the
	// configured one.
	diag.Diagnostic
	// Start and End are the 1-based positions of the span in the file (columns count
	// characters).
	Start, End ast.Position
	// Filter is the text of the filter the finding is about, "" for a problem of the file.
	Filter string
	// Explanation is the per-clause explanation of a failed rule test.
	Explanation string

	site int // index of the site in its file, -1 for none
}

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
	// Findings are sorted by position.
	Findings []Finding
	// Fixed is set when fixes were written to the file.
	Fixed bool
	// Notes tell about fixes that were not applied.
	Notes []string
}

// Result is the outcome of a run: the files in path order.
type Result struct {
	Files []*File
}

// Findings returns every finding, in file order.
func (r *Result) Findings() []Finding {
	var out []Finding
	for _, f := range r.Files {
		out = append(out, f.Findings...)
	}
	return out
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
	cfg          *runConfig
}

// runConfig is a loaded configuration with what it implies.
type runConfig struct {
	*Config
	lang lang.Config
	keys map[string]bool
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
	loader := &configLoader{opts: opts, cache: map[string]*runConfig{}}
	var jobs []job
	seen := map[string]bool{}
	add := func(abs string, cfg *runConfig) {
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
			if kindOf(abs) == 0 {
				return nil, fmt.Errorf("%s: not a .kfl, YAML or JSON file", p)
			}
			if cfg.selected(abs) {
				add(abs, cfg)
			}
			continue
		}
		err = filepath.WalkDir(abs, func(q string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() {
				if q != abs && (strings.HasPrefix(d.Name(), ".") || d.Name() == "node_modules") {
					return filepath.SkipDir
				}
				return nil
			}
			if strings.HasPrefix(d.Name(), ".") || kindOf(q) == 0 || !d.Type().IsRegular() {
				return nil
			}
			if cfg.selected(q) {
				add(q, cfg)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	slices.SortFunc(jobs, func(a, b job) int { return cmp.Compare(a.display, b.display) })

	res := &Result{Files: make([]*File, len(jobs))}
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
				res.Files[i], errs[i] = lintFile(jobs[i], opts.Fix)
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
	cache map[string]*runConfig // by configuration file ("" for defaults at a directory)
}

func (l *configLoader) load(dir string) (*runConfig, error) {
	file := l.opts.ConfigFile
	if file == "" {
		var err error
		if file, err = FindConfig(dir); err != nil {
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
		c = defaultConfig(dir)
	} else {
		var err error
		if c, err = LoadConfig(file); err != nil {
			return nil, err
		}
	}
	if l.opts.Override != nil {
		l.opts.Override(c)
		if err := c.validate(); err != nil {
			return nil, err
		}
	}
	rc := &runConfig{Config: c, keys: map[string]bool{}}
	for _, k := range c.Keys {
		rc.keys[k] = true
	}
	rc.lang = lang.Config{Strict: c.Strict, AllowUnknownFields: c.AllowUnknownFields, IgnoreCase: c.IgnoreCase}
	if c.Schema != "" {
		sp := c.Schema
		if !filepath.IsAbs(sp) && c.File != "" {
			sp = filepath.Join(c.Dir, sp)
		}
		data, err := os.ReadFile(sp)
		if err != nil {
			return nil, fmt.Errorf("schema: %w", err)
		}
		s, err := schema.Default().Extend(data, sp)
		if err != nil {
			return nil, err
		}
		rc.lang.Schema = s
	}
	l.cache[key] = rc
	return rc, nil
}

func kindOf(name string) fileKind {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".kfl":
		return kindKFL
	case ".yaml", ".yml":
		return kindYAML
	case ".json":
		return kindJSON
	}
	return 0
}

// analysed is a site with its analysis.
type analysed struct {
	*site
	f *lang.Filter
}

// lintFile lints one file, fixing it first when asked.
func lintFile(j job, fix bool) (*File, error) {
	data, err := os.ReadFile(j.abs)
	if err != nil {
		return nil, err
	}
	src := string(data)
	out := &File{Path: j.display}
	if fix {
		fixed, notes, changed := fixFile(src, kindOf(j.abs), j.cfg)
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
	sites, probs := extract(src, out.Lines, kindOf(j.abs), j.cfg)
	out.Filters = len(sites)
	var findings []Finding
	addProblem := func(p problem, siteIdx int, filter string) {
		findings = append(findings, Finding{Diagnostic: diag.Diagnostic{Span: p.span, Severity: defaultSeverity(p.code),
			Code: p.code, Message: p.msg}, site: siteIdx, Filter: filter})
	}
	for _, p := range probs {
		addProblem(p, -1, "")
	}
	for i, a := range analyse(sites, j.cfg) {
		for _, d := range a.f.Diagnostics {
			d = mapDiagnostic(d, a.m)
			findings = append(findings, Finding{Diagnostic: d, site: i, Filter: a.m.text})
		}
		findings = append(findings, runTests(a, i)...)
	}
	// Configured severities; then the suppressions, which may be reported themselves.
	kept := findings[:0]
	for _, f := range findings {
		if s := j.cfg.severityOf(f.Code, f.Severity); s != 0 {
			f.Severity = s
			kept = append(kept, f)
		}
	}
	findings = kept
	if k := kindOf(j.abs); k == kindKFL || k == kindYAML {
		findings = applySuppressions(out.Lines, k, sites, findings, j.cfg)
	}
	for i := range findings {
		f := &findings[i]
		f.File = j.display
		f.Start = out.Lines.Position(f.Span.Start)
		f.End = out.Lines.Position(f.Span.End)
	}
	slices.SortStableFunc(findings, func(a, b Finding) int {
		return cmp.Or(cmp.Compare(a.Span.Start, b.Span.Start), cmp.Compare(a.Span.End, b.Span.End),
			cmp.Compare(a.Severity, b.Severity), cmp.Compare(a.Code, b.Code))
	})
	out.Findings = findings
	return out, nil
}

func extract(src string, lines *ast.LineTable, k fileKind, cfg *runConfig) ([]*site, []problem) {
	switch k {
	case kindKFL:
		return kflSites(src), nil
	case kindYAML:
		return yamlSites(src, lines, cfg.keys)
	case kindJSON:
		return jsonSites(src, lines, cfg.keys)
	}
	return nil, nil
}

func analyse(sites []*site, cfg *runConfig) []analysed {
	out := make([]analysed, len(sites))
	for i, s := range sites {
		out[i] = analysed{site: s, f: lang.Analyze(s.m.text, cfg.lang)}
	}
	return out
}

// mapDiagnostic moves a filter's diagnostic into the file.
func mapDiagnostic(d diag.Diagnostic, m *textMap) diag.Diagnostic {
	d.Span = m.span(d.Span)
	if len(d.Fixes) > 0 {
		fixes := make([]diag.Fix, len(d.Fixes))
		for i, f := range d.Fixes {
			edits := make([]diag.Edit, len(f.Edits))
			for k, e := range f.Edits {
				edits[k] = diag.Edit{Span: m.span(e.Span), NewText: e.NewText}
			}
			fixes[i] = diag.Fix{Title: f.Title, Edits: edits, Safe: f.Safe}
		}
		d.Fixes = fixes
	}
	return d
}

// runTests checks the rule's sample events; a filter with errors is not run.
func runTests(a analysed, siteIdx int) []Finding {
	if len(a.samples) == 0 {
		return nil
	}
	prog, err := a.f.Program()
	if err != nil {
		return nil
	}
	ex, err := explain.NewFilter(a.f)
	if err != nil {
		return nil
	}
	var out []Finding
	for _, s := range a.samples {
		if prog.Match(s.event) == s.match {
			continue
		}
		list, verb := "nomatch", "matches"
		if s.match {
			list, verb = "match", "does not match"
		}
		out = append(out, Finding{
			Diagnostic: diag.Diagnostic{Span: s.span, Severity: diag.Error, Code: TestFailed,
				Message: fmt.Sprintf("tests.%s[%d]: the filter %s this event", list, s.index, verb)},
			Filter: a.m.text, Explanation: ex.Explain(s.event).String(), site: siteIdx,
		})
	}
	return out
}
