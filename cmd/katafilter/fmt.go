package main

import (
	"fmt"
	"slices"
	"strings"

	"github.com/katafilter/katafilter/internal/fileutil"
	"github.com/katafilter/katafilter/lang"
)

func init() {
	register(&command{name: "fmt", summary: "print filters in canonical form, or rewrite files with -w", run: runFmt})
}

const fmtSynopsis = `fmt [-w | --check] (-e FILTER | FILE...)

Fmt prints the canonical form of the filter given with -e, or of each FILE. A FILE is read
as a filter file (.kfl) whatever its name; "-" reads standard input. In a file, each filter
is replaced by its canonical form on one line (continuation lines are joined); comments,
blank lines and line endings stay exactly as they are.

A filter with a syntax error is reported on stderr and left unchanged, and the exit status
is 1; other problems (an unknown field, say) do not stop formatting: use check for them.

Exit status: 0 on success, 1 after a syntax error, an unreadable or unwritable file, or with
--check a file that is not canonical; 2 on a usage error.`

func runFmt(env *cmdEnv, args []string) int {
	fs := newFlags(env, "fmt", fmtSynopsis)
	filter := addFilterFlag(fs, "format this `filter` instead of files")
	write := fs.Bool("w", false, "rewrite each FILE in place when its canonical form differs")
	check := fs.Bool("check", false, "print the names of the inputs that are not canonical and exit 1 if there is one")
	files, code, ok := parseArgs(env, fs, args)
	if !ok {
		return code
	}
	if filter.set == (len(files) > 0) {
		return usageError(env, "fmt", "give either -e FILTER or one or more FILEs")
	}
	if *write && *check {
		return usageError(env, "fmt", "-w and --check cannot be used together")
	}
	if *write && (filter.set || slices.Contains(files, "-")) {
		return usageError(env, "fmt", "-w rewrites files: it cannot be used with -e or standard input")
	}

	sources, ok := readSources(env, "fmt", filter, files)
	failed := !ok

	for _, src := range sources {
		out, ok := formatSource(env, src)
		if !ok {
			failed = true
		}
		changed := out != src.text
		switch {
		case *check:
			if changed {
				fmt.Fprintln(env.stdout, src.name)
				failed = true
			}
		case *write:
			if changed {
				if err := fileutil.WriteAtomic(src.arg, []byte(out), 0o644); err != nil {
					fmt.Fprintf(env.stderr, "katafilter fmt: %v\n", err)
					failed = true
				}
			}
		default:
			if src.arg == "" { // -e: the filter on a line of its own, nothing after a syntax error
				if ok {
					fmt.Fprintln(env.stdout, out)
				}
			} else {
				fmt.Fprint(env.stdout, out)
			}
		}
	}
	if failed {
		return 1
	}
	return 0
}

// formatSource returns the text of src with every filter in canonical form. A filter with a
// syntax error is reported on stderr and kept as it is; ok is then false.
func formatSource(env *cmdEnv, src *source) (string, bool) {
	var b strings.Builder
	ok := true
	last := 0
	for _, e := range src.entries {
		out, diags := lang.Format(e.Text)
		if diags.HasErrors() {
			// The parser reports syntax errors only; it may still have built a tree (an
			// unterminated string, say), but formatting it would change what the user wrote.
			printDiags(env, env.stderr, src.name, src.text, diags.Shift(e.Offset))
			ok = false
			continue
		}
		b.WriteString(src.text[last:e.Offset])
		b.WriteString(out)
		last = e.Offset + len(e.Text)
	}
	b.WriteString(src.text[last:])
	return b.String(), ok
}
