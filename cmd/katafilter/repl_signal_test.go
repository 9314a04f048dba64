//go:build unix

package main

import (
	"bufio"
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// testSignalsCleanUp checks that a REPL told to stop by a signal ends cleanly and removes the
// embedded server's temporary state directory: SIGTERM and SIGHUP (the terminal closed) at
// the prompt, and SIGINT without a terminal, while a .tail waits for events.
func testSignalsCleanUp(t *testing.T, bin string) {
	for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGHUP} {
		t.Run(sig.String(), func(t *testing.T) {
			tmp := t.TempDir()
			term := startBinary(t, bin, []string{"NO_COLOR=1", "TERM=xterm", "TMPDIR=" + tmp}, "repl", "--history", "none", "--generate", "0")
			term.waitFor(0, `kata> `)
			stateDirs(t, tmp, 1)
			if err := term.cmd.Process.Signal(sig); err != nil {
				t.Fatal(err)
			}
			if code := waitExit(t, term.cmd); code != 0 {
				t.Errorf("exit status %d, want 0:\n%s", code, term.screen(0))
			}
			stateDirs(t, tmp, 0)
		})
	}
	t.Run("interrupt piped", func(t *testing.T) {
		tmp := t.TempDir()
		cmd := exec.Command(bin, "repl", "--history", "none", "--format", "jsonl")
		cmd.Env = append(os.Environ(), "TMPDIR="+tmp)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		stdin, err := cmd.StdinPipe() // kept open: the REPL waits for more input
		if err != nil {
			t.Fatal(err)
		}
		defer stdin.Close()
		stdout, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { cmd.Process.Kill() })
		if _, err := stdin.Write([]byte(".tail EventType == 'process'\n")); err != nil {
			t.Fatal(err)
		}
		// The first event of the tail shows that the embedded server is up and the tail runs.
		if _, err := bufio.NewReader(stdout).ReadString('\n'); err != nil {
			t.Fatalf("no event from the tail: %v; stderr:\n%s", err, stderr.String())
		}
		stateDirs(t, tmp, 1)
		if err := cmd.Process.Signal(os.Interrupt); err != nil {
			t.Fatal(err)
		}
		go func() { // drain the rest of the tail, so that the REPL is never blocked writing it
			buf := make([]byte, 32<<10)
			for {
				if _, err := stdout.Read(buf); err != nil {
					return
				}
			}
		}()
		if code := waitExit(t, cmd); code != 1 {
			t.Errorf("exit status %d, want 1", code)
		}
		if !strings.Contains(stderr.String(), "katafilter repl: interrupted") {
			t.Errorf("stderr does not say it was interrupted:\n%s", stderr.String())
		}
		stateDirs(t, tmp, 0)
	})
}

// stateDirs checks that dir holds n temporary state directories of the embedded server.
func stateDirs(t *testing.T, dir string, n int) {
	t.Helper()
	got, err := filepath.Glob(filepath.Join(dir, "katafilter-events-*"))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != n {
		t.Errorf("%d embedded state directories in TMPDIR, want %d: %v", len(got), n, got)
	}
}

// waitExit waits for cmd to end and returns its exit status (-1 if a signal killed it).
func waitExit(t *testing.T, cmd *exec.Cmd) int {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			return exit.ExitCode()
		}
		if err != nil {
			t.Fatal(err)
		}
		return 0
	case <-time.After(30 * time.Second):
		t.Fatal("the REPL did not end after the signal")
		return 0
	}
}
