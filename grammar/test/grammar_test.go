// Package test runs the scope assertions of the TextMate grammar (../katafilter.tmLanguage.json)
// with the npm package vscode-tmgrammar-test: each *.test.kfl file here is a .kfl document
// whose # lines under a filter say which scopes the characters marked ^ must (and, after -,
// must not) have. It has no Go code besides this test.
package test

import (
	"context"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/katafilter/katafilter/internal/testenv"
)

// networkError matches npm's messages for a registry it cannot reach.
var networkError = regexp.MustCompile(`E(AI_AGAIN|NOTFOUND|CONNREFUSED|CONNRESET|TIMEDOUT|NETUNREACH)|network|offline`)

// TestTextMateGrammar installs vscode-tmgrammar-test (npm ci, from package-lock.json) and runs
// every *.test.kfl file. When npm is not on PATH, or the packages are not installed and the
// registry cannot be reached, it skips (fails where CI is set: internal/testenv).
func TestTextMateGrammar(t *testing.T) {
	npm := testenv.LookPath(t, "npm", "install Node.js and npm to run the TextMate grammar tests")
	testenv.LookPath(t, "node", "install Node.js to run the TextMate grammar tests")
	// The deadline only keeps a stuck npm from hanging the test run.
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	run := func(args ...string) (string, error) {
		cmd := exec.CommandContext(ctx, npm, args...)
		cmd.Env = append(os.Environ(), "npm_config_audit=false", "npm_config_fund=false",
			"npm_config_update_notifier=false", "npm_config_progress=false")
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	if _, err := os.Stat("node_modules/.bin/vscode-tmgrammar-test"); err != nil {
		if out, err := run("ci", "--prefer-offline", "--no-audit", "--no-fund"); err != nil {
			if networkError.MatchString(out) {
				testenv.Missing(t, "npm ci could not reach the registry to install vscode-tmgrammar-test: %v\n%s", err, out)
			}
			t.Fatalf("npm ci: %v\n%s", err, out)
		}
	}
	out, err := run("test", "--silent")
	if err != nil {
		t.Fatalf("vscode-tmgrammar-test: %v\n%s", err, out)
	}
	for _, f := range []string{"basic.test.kfl", "strings.test.kfl"} {
		if !strings.Contains(out, "✓ "+f) {
			t.Errorf("%s was not run:\n%s", f, out)
		}
	}
}
