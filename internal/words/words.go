// Package words holds the few phrases that several views of katafilter print alike, so that
// check, lint and the REPL count things in the same words.
package words

import (
	"strconv"
	"strings"

	"github.com/katafilter/katafilter/lang/diag"
)

// Plural writes n and the noun, with an s unless n is 1 ("1 error", "2 errors", "0 infos").
func Plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return strconv.Itoa(n) + " " + noun + "s"
}

// Counts is the severity part of a summary line, "2 errors, 1 warning", with the number of
// infos after them when there is one. count returns the number of diagnostics of a severity,
// as [diag.List.Count] does.
func Counts(count func(diag.Severity) int) string {
	parts := []string{Plural(count(diag.Error), "error"), Plural(count(diag.Warning), "warning")}
	if n := count(diag.Info); n > 0 {
		parts = append(parts, Plural(n, "info"))
	}
	return strings.Join(parts, ", ")
}

// Summary is the line that ends the text output of check and lint: the counts, then what was
// read, "1 error, 0 warnings in 2 files (5 filters)"; with files < 0 (a filter given on the
// command line), only the filters, "0 errors, 0 warnings in 1 filter".
func Summary(count func(diag.Severity) int, files, filters int) string {
	if files < 0 {
		return Counts(count) + " in " + Plural(filters, "filter")
	}
	return Counts(count) + " in " + Plural(files, "file") + " (" + Plural(filters, "filter") + ")"
}
