package main

import (
	"encoding/json"
	"fmt"

	"github.com/katafilter/katafilter/internal/words"
	"github.com/katafilter/katafilter/lang"
	"github.com/katafilter/katafilter/lang/ast"
	"github.com/katafilter/katafilter/lang/diag"
	"github.com/katafilter/katafilter/lang/diag/jsondiag"
)

func init() {
	register(&command{name: "check", summary: "report the problems of filters (-e FILTER or .kfl files)", run: runCheck})
}

const checkSynopsis = `check [--format text|json] [--schema FILE] [--strict] [--ignore-case]
                  [--allow-unknown-fields] (-e FILTER | FILE...)

Check reports every problem of the filter given with -e, or of every filter of each FILE.
A FILE is read as a filter file (.kfl) whatever its name: one filter per line, indented
lines continue the filter above, blank lines and lines starting with # are skipped.
"-" reads standard input. Positions are line:column in the file (columns count characters).

Text output goes to stdout, compiler style, with a summary line on stderr. With
--format json, stdout is one JSON document listing every diagnostic.

Exit status: 0 when there is no error (warnings allowed), 1 when there is an error or a
file cannot be read, 2 on a usage error.`

func runCheck(env *cmdEnv, args []string) int {
	fs := newFlags(env, "check", checkSynopsis)
	filter := addFilterFlag(fs, "check this `filter` instead of files")
	format := fs.String("format", "text", "output `format`: text or json")
	lf := addLangFlags(fs, true)
	files, code, ok := parseArgs(env, fs, args)
	if !ok {
		return code
	}
	if *format != "text" && *format != "json" {
		return usageError(env, "check", "--format must be text or json, not %q", *format)
	}
	if filter.set == (len(files) > 0) {
		return usageError(env, "check", "give either -e FILTER or one or more FILEs")
	}
	cfg, err := lf.config()
	if err != nil {
		fmt.Fprintf(env.stderr, "katafilter check: %v\n", err)
		return 1
	}

	sources, ok := readSources(env, "check", filter, files)
	failed := !ok

	var all []checkedSource
	var total diag.List
	filters := 0
	for _, src := range sources {
		cs := checkedSource{src: src}
		for _, e := range src.entries {
			f := lang.Analyze(e.Text, cfg)
			cs.diags = append(cs.diags, f.Diagnostics.Shift(e.Offset)...)
			cs.lines = append(cs.lines, e.Line)
			cs.ends = append(cs.ends, len(cs.diags))
			filters++
		}
		total = append(total, cs.diags...)
		all = append(all, cs)
	}

	if *format == "json" {
		if err := writeCheckJSON(env, all, total, filters); err != nil {
			fmt.Fprintf(env.stderr, "katafilter check: %v\n", err)
			return 1
		}
	} else {
		for _, cs := range all {
			printDiags(env, env.stdout, cs.src.name, cs.src.text, cs.diags)
		}
		read := len(sources) // files read, or -1 for -e, whose summary counts filters only
		if filter.set {
			read = -1
		}
		fmt.Fprintln(env.stderr, words.Summary(total.Count, read, filters))
	}
	if failed || total.HasErrors() {
		return 1
	}
	return 0
}

// checkedSource is a source with the diagnostics of its filters, shifted into the source.
type checkedSource struct {
	src   *source
	diags diag.List
	lines []int // the first line of each filter
	ends  []int // diags[ends[i-1]:ends[i]] belong to filter i
}

// The JSON output of check: the diagnostics in the form lint's JSON output shares.
type checkReport struct {
	Diagnostics []jsondiag.Diagnostic `json:"diagnostics"`
	Summary     checkTotals           `json:"summary"`
	Files       []checkedFile         `json:"files"`
}

type checkedFile struct {
	File    string `json:"file"`
	Filters int    `json:"filters"`
}

type checkTotals struct {
	Filters  int `json:"filters"`
	Errors   int `json:"errors"`
	Warnings int `json:"warnings"`
	Infos    int `json:"infos"`
}

func writeCheckJSON(env *cmdEnv, all []checkedSource, total diag.List, filters int) error {
	rep := checkReport{
		Diagnostics: []jsondiag.Diagnostic{},
		Files:       []checkedFile{},
		Summary: checkTotals{Filters: filters, Errors: total.Count(diag.Error),
			Warnings: total.Count(diag.Warning), Infos: total.Count(diag.Info)},
	}
	for _, cs := range all {
		rep.Files = append(rep.Files, checkedFile{File: cs.src.name, Filters: len(cs.src.entries)})
		lt := ast.NewLineTable(cs.src.text)
		filter := 0
		for i, d := range cs.diags {
			for i >= cs.ends[filter] {
				filter++
			}
			jd := jsondiag.New(cs.src.name, lt, d, d.Code.URL())
			jd.FilterLine = cs.lines[filter]
			rep.Diagnostics = append(rep.Diagnostics, jd)
		}
	}
	enc := json.NewEncoder(env.stdout)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(rep)
}
