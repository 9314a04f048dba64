package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/katafilter/katafilter/internal/words"
	"github.com/katafilter/katafilter/lang/diag"
	"github.com/katafilter/katafilter/lint"
)

func init() {
	register(&command{name: "lint", summary: "lint a repository of rule files (.kfl, YAML, JSON)", run: runLint})
}

func runLint(env *cmdEnv, args []string) int {
	fs := newFlags(env, "lint", "lint [flags] [PATH...]\n\n"+
		"Lint .kfl filter files and the filters in YAML and JSON rule files (under the keys\n"+
		"configured in .katafilter.yaml, by default \"filter\") under each PATH (default \".\").\n"+
		"Exit status: 0 clean, 1 findings at or above --fail-level or a PATH that does not exist,\n"+
		"2 usage or configuration error.")
	var lfl lintFlags
	lfl.register(fs)
	paths, code, ok := parseArgs(env, fs, args)
	if !ok {
		return code
	}
	fail, code := lfl.check(env)
	if code != 0 {
		return code
	}
	if !pathsExist(env, paths) {
		return 1
	}
	res, err := lint.Run(lfl.options(fs, paths))
	if err != nil {
		fmt.Fprintf(env.stderr, "katafilter lint: %v\n", err)
		return 2
	}
	if *lfl.writeBaseline {
		return writeLintBaseline(env, res, *lfl.baseline)
	}
	accepted := 0
	if *lfl.baseline != "" {
		b, err := lint.ReadBaseline(*lfl.baseline)
		if err != nil {
			fmt.Fprintf(env.stderr, "katafilter lint: %v\n", err)
			return 2
		}
		accepted = b.Filter(res)
	}
	if err := lint.Write(env.stdout, res, lint.WriteOptions{Format: *lfl.format, Color: useColor(env, env.stdout), Version: buildVersion()}); err != nil {
		fmt.Fprintf(env.stderr, "katafilter lint: %v\n", err)
		return 2
	}
	if *lfl.format == "text" {
		for _, n := range res.StaleNotes() {
			fmt.Fprintln(env.stderr, n)
		}
		fmt.Fprintln(env.stderr, lintSummary(res, accepted))
	}
	if res.Count(diag.Error) > 0 || fail == diag.Warning && res.Count(diag.Warning) > 0 {
		return 1
	}
	return 0
}

// lintFlags are the flags of lint.
type lintFlags struct {
	format, failLevel, baseline, config, keys, base *string
	writeBaseline, fix, requireTests                *bool
	workers                                         *int
	lang                                            *langFlags
}

func (l *lintFlags) register(fs *flag.FlagSet) {
	l.format = fs.String("format", "text", "output `format`: "+strings.Join(lint.Formats, ", "))
	l.failLevel = fs.String("fail-level", "error", "exit 1 on findings of this `level` or worse: error or warning")
	l.baseline = fs.String("baseline", "", "ignore the findings recorded in this baseline `file`")
	l.writeBaseline = fs.Bool("write-baseline", false, "record the current findings in the --baseline file and exit 0")
	l.fix = fs.Bool("fix", false, "apply safe fixes and canonical formatting to the files in place")
	l.config = fs.String("config", "", "use this configuration `file` instead of looking for .katafilter.yaml")
	l.keys = fs.String("keys", "", "comma-separated `keys` holding filters in YAML and JSON files (overrides the configuration)")
	l.workers = fs.Int("j", 0, "lint this many files at once (0: one per CPU)")
	l.requireTests = fs.Bool("require-tests", false, "report every filter without rule tests (overrides the configuration)")
	l.base = fs.String("base", "", "report how each filter changed since this git `revision` (equivalent, broader, narrower...)")
	l.lang = addLangFlags(fs, true)
}

// check validates the flags' values: the severity that fails the run, or a usage error's
// exit status.
func (l *lintFlags) check(env *cmdEnv) (fail diag.Severity, code int) {
	switch *l.failLevel {
	case "error":
		fail = diag.Error
	case "warning":
		fail = diag.Warning
	default:
		return 0, usageError(env, "lint", "--fail-level must be error or warning, not %q", *l.failLevel)
	}
	switch {
	case !validFormat(*l.format):
		return 0, usageError(env, "lint", "unknown --format %q (want one of %s)", *l.format, strings.Join(lint.Formats, ", "))
	case *l.workers < 0:
		return 0, usageError(env, "lint", "-j must be 0 (one per CPU) or more, not %d", *l.workers)
	case *l.writeBaseline && *l.baseline == "":
		return 0, usageError(env, "lint", "--write-baseline needs --baseline FILE")
	}
	return fail, 0
}

// options are the lint options of the flags; the flags given on the command line override
// the configuration file's settings.
func (l *lintFlags) options(fs *flag.FlagSet, paths []string) lint.Options {
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	opts := lint.Options{Paths: paths, ConfigFile: *l.config, Fix: *l.fix, Workers: *l.workers, Base: *l.base}
	if *l.baseline != "" {
		opts.Skip = []string{*l.baseline}
	}
	lf := l.lang
	opts.Override = func(c *lint.Config) {
		if set["keys"] {
			c.Keys = strings.Split(*l.keys, ",")
		}
		if set["schema"] {
			// A path given on the command line is relative to the working directory, not to
			// the configuration file.
			c.Schema = lf.schemaFile
			if abs, err := filepath.Abs(lf.schemaFile); err == nil {
				c.Schema = abs
			}
		}
		override(set, "strict", &c.Strict, lf.strict)
		override(set, "allow-unknown-fields", &c.AllowUnknownFields, lf.allowUnknown)
		override(set, "ignore-case", &c.IgnoreCase, lf.ignoreCase)
		override(set, "require-tests", &c.RequireTests, *l.requireTests)
	}
	return opts
}

// override sets *dst to v when the flag name was given.
func override(set map[string]bool, name string, dst *bool, v bool) {
	if set[name] {
		*dst = v
	}
}

// writeLintBaseline records the findings in the baseline file.
func writeLintBaseline(env *cmdEnv, res *lint.Result, file string) int {
	if err := lint.NewBaseline(res).Write(file); err != nil {
		fmt.Fprintf(env.stderr, "katafilter lint: %v\n", err)
		return 2
	}
	fmt.Fprintf(env.stdout, "wrote %d findings to %s\n", len(res.Findings()), file)
	return 0
}

// lintSummary is the last line of the text format: the findings, those the baseline
// accepted, and its stale entries.
func lintSummary(res *lint.Result, accepted int) string {
	summary := res.Summary()
	if accepted > 0 {
		summary += fmt.Sprintf("; %s accepted by the baseline", words.Plural(accepted, "finding"))
	}
	switch n := len(res.Stale); {
	case n == 1:
		summary += "; 1 baseline entry is stale"
	case n > 1:
		summary += fmt.Sprintf("; %d baseline entries are stale", n)
	}
	return summary
}

func validFormat(f string) bool {
	for _, x := range lint.Formats {
		if x == f {
			return true
		}
	}
	return false
}

// pathsExist reports whether every PATH exists, naming those that do not: a missing input is a
// failure (exit status 1), as for check and eval, not a usage error.
func pathsExist(env *cmdEnv, paths []string) bool {
	ok := true
	for _, p := range paths {
		if _, err := os.Stat(p); err != nil {
			fmt.Fprintf(env.stderr, "katafilter lint: %s: %v\n", p, unwrapPath(err))
			ok = false
		}
	}
	return ok
}
