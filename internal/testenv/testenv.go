// Package testenv decides what a test does when a tool, server or data file it needs is
// missing: on a developer's machine it skips, saying what to install; where the environment
// variable CI is set (as .ci/run sets it) it fails, so that a CI run cannot pass by skipping.
package testenv

import (
	"fmt"
	"os"
	"os/exec"
	"testing"
)

// InCI reports whether the tests run in CI: the environment variable CI is set and not empty.
func InCI() bool { return os.Getenv("CI") != "" }

// Missing stops the test because something it needs is absent: t.Skip on a developer's
// machine, t.Fatal in CI. The message says what is missing and how to get it.
func Missing(t testing.TB, format string, args ...any) {
	t.Helper()
	msg := fmt.Sprintf(format, args...)
	if InCI() {
		t.Fatalf("CI is set and this test cannot run: %s", msg)
		return
	}
	t.Skip(msg)
}

// LookPath returns the path of the program name, or stops the test with [Missing] (hint says
// how to install it).
func LookPath(t testing.TB, name, hint string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		Missing(t, "%s is not on PATH (%s)", name, hint)
	}
	return p
}
