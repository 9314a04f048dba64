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
	format := fs.String("format", "text", "output `format`: "+strings.Join(lint.Formats, ", "))
	failLevel := fs.String("fail-level", "error", "exit 1 on findings of this `level` or worse: error or warning")
	baseline := fs.String("baseline", "", "ignore the findings recorded in this baseline `file`")
	writeBaseline := fs.Bool("write-baseline", false, "record the current findings in the --baseline file and exit 0")
	fix := fs.Bool("fix", false, "apply safe fixes and canonical formatting to the files in place")
	config := fs.String("config", "", "use this configuration `file` instead of looking for .katafilter.yaml")
	keys := fs.String("keys", "", "comma-separated `keys` holding filters in YAML and JSON files (overrides the configuration)")
	workers := fs.Int("j", 0, "lint this many files at once (0: one per CPU)")
	requireTests := fs.Bool("require-tests", false, "report every filter without rule tests (overrides the configuration)")
	base := fs.String("base", "", "report how each filter changed since this git `revision` (equivalent, broader, narrower...)")
	lf := addLangFlags(fs, true)
	paths, code, ok := parseArgs(env, fs, args)
	if !ok {
		return code
	}
	var fail diag.Severity
	switch *failLevel {
	case "error":
		fail = diag.Error
	case "warning":
		fail = diag.Warning
	default:
		return usageError(env, "lint", "--fail-level must be error or warning, not %q", *failLevel)
	}
	if !validFormat(*format) {
		return usageError(env, "lint", "unknown --format %q (want one of %s)", *format, strings.Join(lint.Formats, ", "))
	}
	if *workers < 0 {
		return usageError(env, "lint", "-j must be 0 (one per CPU) or more, not %d", *workers)
	}
	if *writeBaseline && *baseline == "" {
		return usageError(env, "lint", "--write-baseline needs --baseline FILE")
	}
	if !pathsExist(env, paths) {
		return 1
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	opts := lint.Options{Paths: paths, ConfigFile: *config, Fix: *fix, Workers: *workers, Base: *base}
	if *baseline != "" {
		opts.Skip = []string{*baseline}
	}
	opts.Override = func(c *lint.Config) {
		if set["keys"] {
			c.Keys = strings.Split(*keys, ",")
		}
		if set["schema"] {
			// A path given on the command line is relative to the working directory, not to
			// the configuration file.
			if abs, err := filepath.Abs(lf.schemaFile); err == nil {
				c.Schema = abs
			} else {
				c.Schema = lf.schemaFile
			}
		}
		if set["strict"] {
			c.Strict = lf.strict
		}
		if set["allow-unknown-fields"] {
			c.AllowUnknownFields = lf.allowUnknown
		}
		if set["ignore-case"] {
			c.IgnoreCase = lf.ignoreCase
		}
		if set["require-tests"] {
			c.RequireTests = *requireTests
		}
	}
	res, err := lint.Run(opts)
	if err != nil {
		fmt.Fprintf(env.stderr, "katafilter lint: %v\n", err)
		return 2
	}
	if *writeBaseline {
		b := lint.NewBaseline(res)
		if err := b.Write(*baseline); err != nil {
			fmt.Fprintf(env.stderr, "katafilter lint: %v\n", err)
			return 2
		}
		fmt.Fprintf(env.stdout, "wrote %d findings to %s\n", len(res.Findings()), *baseline)
		return 0
	}
	accepted := 0
	if *baseline != "" {
		b, err := lint.ReadBaseline(*baseline)
		if err != nil {
			fmt.Fprintf(env.stderr, "katafilter lint: %v\n", err)
			return 2
		}
		accepted = b.Filter(res)
	}
	if err := lint.Write(env.stdout, res, lint.WriteOptions{Format: *format, Color: useColor(env, env.stdout), Version: buildVersion()}); err != nil {
		fmt.Fprintf(env.stderr, "katafilter lint: %v\n", err)
		return 2
	}
	if *format == "text" {
		for _, n := range res.StaleNotes() {
			fmt.Fprintln(env.stderr, n)
		}
		summary := res.Summary()
		if accepted > 0 {
			summary += fmt.Sprintf("; %s accepted by the baseline", words.Plural(accepted, "finding"))
		}
		if len(res.Stale) > 0 {
			stale := "1 baseline entry is stale"
			if n := len(res.Stale); n > 1 {
				stale = fmt.Sprintf("%d baseline entries are stale", n)
			}
			summary += "; " + stale
		}
		fmt.Fprintln(env.stderr, summary)
	}
	if res.Count(diag.Error) > 0 || fail == diag.Warning && res.Count(diag.Warning) > 0 {
		return 1
	}
	return 0
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
