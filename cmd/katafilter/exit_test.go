package main

import (
	"bytes"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// runIn runs the command line args in process and returns its exit status and stderr.
func runIn(t *testing.T, args ...string) (int, string) {
	t.Helper()
	var out, errs bytes.Buffer
	env := &cmdEnv{stdin: strings.NewReader(""), stdout: &out, stderr: &errs, getenv: func(string) string { return "" }}
	return run(env, args), errs.String()
}

// TestExitStatusEverySubcommand holds every subcommand to the README's rule: --help exits 0,
// an unknown flag exits 2.
func TestExitStatusEverySubcommand(t *testing.T) {
	var names []string
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if code, stderr := runIn(t, n, "--help"); code != 0 {
			t.Errorf("%s --help: exit %d, want 0\n%s", n, code, stderr)
		}
		if code, stderr := runIn(t, n, "--no-such-flag"); code != 2 {
			t.Errorf("%s --no-such-flag: exit %d, want 2\n%s", n, code, stderr)
		}
	}
}

// TestExitStatus checks the rule on the cases where subcommands used to disagree: a bad value
// or an extra argument is a usage error (2), found before anything is done; a missing input
// file is a failure (1).
func TestExitStatus(t *testing.T) {
	dir := t.TempDir()
	missing := filepath.Join(dir, "missing")
	const id = "6f1c1a4e-5c1b-4a6b-9d51-0a4c2a7b3e10"
	fetch := []string{"fetch", "--url", "https://127.0.0.1:1", "--id", id, "--cert", missing, "--key", missing}
	tests := []struct {
		args   []string
		want   int
		stderr string
	}{
		{[]string{"version", "extra"}, 2, `unexpected argument "extra"`},
		{[]string{"gen", "extra"}, 2, `unexpected argument "extra"`},
		{[]string{"gen", "-n", "-1"}, 2, "-n must not be negative"},
		{[]string{"fields", "a", "b"}, 2, "at most one PATTERN"},
		{[]string{"fields", "zzzz"}, 1, `no field matches "zzzz"`},
		{[]string{"check"}, 2, "give either -e FILTER or one or more FILEs"},
		{[]string{"check", missing}, 1, "no such file or directory"},
		{[]string{"fmt", missing}, 1, "no such file or directory"},
		{[]string{"eval", "-e", "EventType == 'process'", missing}, 1, "no such file or directory"},
		{[]string{"eval", "--max-line", "0", "-e", "EventType == 'process'"}, 2, "--max-line must be positive"},
		{[]string{"lint", missing}, 1, "missing: no such file or directory"},
		{[]string{"lint", "--fail-level", "info"}, 2, "--fail-level must be error or warning"},
		{[]string{"bench", "--events", missing, "--queries", missing}, 1, "no such file or directory"},
		{[]string{"repl", "--events", missing}, 1, "no such file or directory"},
		{[]string{"repl", "extra"}, 2, `unexpected argument "extra"`},
		{[]string{"admin", "--state-dir", missing, "list"}, 1, "holds no server state"},
		{[]string{"admin", "list"}, 2, "--state-dir is required"},
		{[]string{"certs", "new"}, 2, "--out is required"},
		{[]string{"serve"}, 2, "--state-dir is required"},
		{[]string{"serve", "--state-dir", dir, "--max-events-limit", "0"}, 2, "--max-events-limit must be at least 1"},
		{[]string{"serve", "--state-dir", dir, "--max-events-default", "-3"}, 2, "--max-events-default must be between 1"},
		{[]string{"serve", "--state-dir", dir, "--listen", "nonsense"}, 2, "--listen nonsense: address nonsense: missing port"},
		{[]string{"serve", "--state-dir", dir, "--listen", "127.0.0.1:99999"}, 2, `the port "99999" is not a number from 0 to 65535`},
		{[]string{"ui", "--allow-remote", "--listen", "host:http"}, 2, `the port "http" is not a number`},
		{[]string{"lsp", "--listen", "127.0.0.1:x"}, 2, `the port "x" is not a number`},
		{[]string{"serve", "--state-dir", dir, "--retention", "0s"}, 2, "--retention must be more than 0"},
		{[]string{"serve", "--state-dir", dir, "--generate", "-1"}, 2, "--generate must not be negative"},
		{[]string{"lsp", "extra"}, 2, `unexpected argument "extra"`},
		{[]string{"fetch"}, 2, "--url, --id, --cert and --key required"},
		{[]string{"fetch", "--url", "https://127.0.0.1:1", "--id", "notuuid", "--cert", missing, "--key", missing}, 2, `--id "notuuid" is not a UUID`},
		{[]string{"fetch", "--url", "http://127.0.0.1:1", "--id", id, "--cert", missing, "--key", missing}, 2, "the events API is served over HTTPS only"},
		{append(fetch, "--max-events", "0"), 2, "--max-events must be at least 1, not 0"},
		{append(fetch, "--max-events", "-5"), 2, "--max-events must be at least 1, not -5"},
		{append(fetch, "--max-timeout", "6m"), 2, "outside 0s..5m"},
		{append(fetch, "extra"), 2, `unexpected argument "extra"`},
		{fetch, 1, "no such file or directory"},
	}
	for _, tt := range tests {
		code, stderr := runIn(t, tt.args...)
		if code != tt.want || !strings.Contains(stderr, tt.stderr) {
			t.Errorf("katafilter %s: exit %d, stderr:\n%s\nwant exit %d and %q", strings.Join(tt.args, " "), code, stderr, tt.want, tt.stderr)
		}
	}
}
