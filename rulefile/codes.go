package rulefile

import (
	"strings"

	"github.com/katafilter/katafilter/lang/diag"
)

// The codes of the problems lint finds beyond those of the language (which are in
// [diag.Codes]); docs/lint.md documents each one.
const (
	InvalidFile       diag.Code = "KL0001" // a YAML or JSON file that does not parse
	NotAString        diag.Code = "KL0002" // a filter key whose value is not a string
	NoReason          diag.Code = "KL0003" // a suppression without a reason
	UnusedSuppression diag.Code = "KL0004" // a suppression that suppresses nothing
	BadSuppression    diag.Code = "KL0005" // a suppression that names no code or an unknown one
	TestFailed        diag.Code = "KL0006" // a rule test sample the filter gets wrong
	BadTests          diag.Code = "KL0007" // a tests section of the wrong shape
	ChangedFilter     diag.Code = "KL0008" // lint --base: how a filter changed since a revision
	MissingTests      diag.Code = "KL0009" // a filter without rule tests where they are required, or misspelled
)

// Codes describes the lint codes, as [diag.Codes] describes the language's.
var Codes = []diag.CodeInfo{
	{Code: InvalidFile, Name: "invalid-file", Severity: diag.Error, Summary: "A YAML or JSON rule file could not be parsed."},
	{Code: NotAString, Name: "filter-not-a-string", Severity: diag.Error, Summary: "A filter key holds something other than a string or a list of strings."},
	{Code: NoReason, Name: "suppression-without-reason", Severity: diag.Error, Summary: "A katafilter:ignore comment gives no reason after --; it suppresses nothing until it does."},
	{Code: UnusedSuppression, Name: "unused-suppression", Severity: diag.Warning, Summary: "A katafilter:ignore comment names a code that its filter does not have."},
	{Code: BadSuppression, Name: "bad-suppression", Severity: diag.Error, Summary: "A katafilter:ignore comment names no code, or a code that does not exist."},
	{Code: TestFailed, Name: "rule-test-failed", Severity: diag.Error, Summary: "A sample event under tests.match does not match the filter, or one under tests.nomatch does."},
	{Code: BadTests, Name: "bad-tests", Severity: diag.Error, Summary: "A tests section is not {match: [events], nomatch: [events]}."},
	{Code: ChangedFilter, Name: "changed-filter", Severity: diag.Info, Summary: "With lint --base: the filter changed since the revision, and this is how its matches changed (equivalent, broader, narrower, incomparable), with a witness event."},
	{Code: MissingTests, Name: "missing-tests", Severity: diag.Error, Summary: "No rule tests were found for the filter, where the configuration requires them (require-tests), or only a key that looks like a misspelled tests (a warning)."},
}

// DocsURL is where the lint codes are documented.
const DocsURL = "https://github.com/katafilter/katafilter/blob/main/docs/lint.md"

// AllCodes lists the language's codes followed by lint's.
func AllCodes() []diag.CodeInfo {
	return append(append([]diag.CodeInfo{}, diag.Codes...), Codes...)
}

// CodeURL returns the documentation link of any code lint reports.
func CodeURL(c diag.Code) string {
	if strings.HasPrefix(string(c), "KL") {
		return DocsURL + "#" + strings.ToLower(string(c))
	}
	return c.URL()
}

func KnownCode(c diag.Code) bool {
	for _, ci := range AllCodes() {
		if ci.Code == c {
			return true
		}
	}
	return false
}

func DefaultSeverity(c diag.Code) diag.Severity {
	for _, ci := range AllCodes() {
		if ci.Code == c {
			return ci.Severity
		}
	}
	return diag.Error
}
