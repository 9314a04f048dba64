package lang_test

import (
	"os/exec"
	"slices"
	"strings"
	"testing"

	"github.com/katafilter/katafilter/internal/testenv"
)

const module = "github.com/katafilter/katafilter/"

// depRule says what the non-standard dependencies of some packages may be: packages of this
// module under the allowed prefixes, and third-party modules under the allowed prefixes.
type depRule struct {
	pkgs       string   // a go list pattern, relative to the module
	own, third []string // allowed prefixes (own: relative to the module)
}

// core is what any package of the core may import of this module.
var core = []string{"lang"}

// participle is the library of the grammar's specification (package grammar), which only
// tests import: nothing in the product may pull it in.
const participle = "github.com/alecthomas/participle/v2"

var depRules = []depRule{
	// The evaluator needs the tree, the diagnostics, the schema and the checker's results:
	// no parser, no YAML, nothing else.
	{pkgs: "lang/eval", own: []string{"lang/ast", "lang/diag", "lang/schema", "lang/check", "lang/eval"}},
	{pkgs: "lang/check", own: []string{"lang/ast", "lang/diag", "lang/schema", "lang/check"}},
	// Comparing two filters reasons with the checker and confirms with the evaluator.
	{pkgs: "lang/relate", own: []string{"lang/ast", "lang/diag", "lang/schema", "lang/check", "lang/eval", "lang/relate"}},
	{pkgs: "lang/schema", own: []string{"lang/ast", "lang/diag", "lang/schema"}},
	{pkgs: "lang/ast", own: []string{"lang/ast"}},
	{pkgs: "lang/diag", own: []string{"lang/ast", "lang/diag"}},
	// The whole core: no view, no database driver, no YAML (schemafile, read by the views,
	// aside).
	{pkgs: "lang", own: core},
	{pkgs: "lang/explain", own: core},
	{pkgs: "lang/ide", own: core},
	{pkgs: "lang/parser", own: core},
	{pkgs: "lang/format", own: core},
	{pkgs: "lang/kfl", own: core},
	{pkgs: "lang/stream", own: core},
	// The SQL translator writes text: no database driver (the archive package has those).
	{pkgs: "lang/sql", own: core, third: []string{participle}},
	{pkgs: "lang/diag/jsondiag", own: core},
	{pkgs: "lang/schema/schemafile", own: core, third: []string{"github.com/goccy/go-yaml"}},
	// The events API client needs the language core to check filters, and its wire format.
	{pkgs: "eventsapi/client", own: []string{"lang", "eventsapi/wire", "eventsapi/certs", "eventsapi/client"}},
}

// TestDependencies fails when a package pulls in what its purpose does not need (a YAML
// parser in the evaluator, a view in the core), as `go list -deps` reports it.
func TestDependencies(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go list")
	}
	gobin := testenv.LookPath(t, "go", "the Go toolchain")
	// Every package of the core has a rule, so that a new one states what it may need.
	out, err := exec.Command(gobin, "list", module+"lang/...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	for _, p := range strings.Fields(string(out)) {
		if !slices.ContainsFunc(depRules, func(r depRule) bool { return module+r.pkgs == p }) {
			t.Errorf("%s has no rule in depRules: add one that says what it may depend on", p)
		}
	}
	// No view, no command, no events API package reads the grammar's specification.
	out, err = exec.Command(gobin, "list", "-deps", "-f", "{{if not .Standard}}{{.ImportPath}}{{end}}",
		module+"cmd/...", module+"lsp/...", module+"repl/...", module+"lint/...", module+"eventsapi/...").Output()
	if err != nil {
		t.Fatalf("go list -deps: %v", err)
	}
	for _, d := range strings.Fields(string(out)) {
		if strings.HasPrefix(d, participle) || d == module+"grammar" {
			t.Errorf("the product depends on the grammar's specification: %s", d)
		}
	}
	for _, r := range depRules {
		out, err := exec.Command(gobin, "list", "-deps", "-f", "{{if not .Standard}}{{.ImportPath}}{{end}}", module+r.pkgs).Output()
		if err != nil {
			t.Fatalf("go list -deps %s: %v", r.pkgs, err)
		}
		if bad := r.violations(strings.Fields(string(out))); len(bad) > 0 {
			t.Errorf("%s depends on what it should not: %s", r.pkgs, strings.Join(bad, ", "))
		}
	}
}

// violations returns the dependencies the rule does not allow.
func (r depRule) violations(deps []string) []string {
	var bad []string
	for _, d := range deps {
		allowed := r.third
		if rel, ok := strings.CutPrefix(d, module); ok {
			d, allowed = rel, r.own
		}
		if !slices.ContainsFunc(allowed, func(p string) bool { return d == p || strings.HasPrefix(d, p+"/") }) {
			bad = append(bad, d)
		}
	}
	return bad
}

// TestDepRule: the rule catches a YAML parser or a view, and allows what it lists.
func TestDepRule(t *testing.T) {
	r := depRule{own: []string{"lang/ast", "lang/eval"}, third: []string{participle}}
	deps := []string{module + "lang/ast", module + "lang/eval", participle + "/lexer", participle,
		"github.com/goccy/go-yaml", module + "lang/evaluator", module + "lsp", "github.com/alecthomas/participle"}
	got := strings.Join(r.violations(deps), " ")
	if want := "github.com/goccy/go-yaml lang/evaluator lsp github.com/alecthomas/participle"; got != want {
		t.Errorf("violations %q, want %q", got, want)
	}
}
