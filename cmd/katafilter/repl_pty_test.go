//go:build unix

package main

import (
	"bytes"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/creack/pty"
)

// terminal is the pseudo-terminal a test drives the binary through.
type terminal struct {
	t    *testing.T
	pty  *os.File
	cmd  *exec.Cmd
	mu   sync.Mutex
	out  bytes.Buffer
	done chan struct{}
}

// startBinary starts bin with args on a pseudo-terminal.
func startBinary(t *testing.T, bin string, env []string, args ...string) *terminal {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), env...)
	f, err := pty.StartWithSize(cmd, &pty.Winsize{Rows: 50, Cols: 200})
	if err != nil {
		t.Skipf("no pseudo-terminal: %v", err)
	}
	term := &terminal{t: t, pty: f, cmd: cmd, done: make(chan struct{})}
	go func() {
		defer close(term.done)
		buf := make([]byte, 4096)
		for {
			n, err := f.Read(buf)
			term.mu.Lock()
			term.out.Write(buf[:n])
			term.mu.Unlock()
			if err != nil {
				return
			}
		}
	}()
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
		f.Close()
	})
	return term
}

// buildBinary builds katafilter into the test's temporary directory.
func buildBinary(t *testing.T) string {
	bin := filepath.Join(t.TempDir(), "katafilter")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// ansi matches the escape sequences readline writes to redraw the line.
var ansi = regexp.MustCompile(`\x1b\[[0-9;?]*[a-zA-Z]`)

// screen returns what was written since mark, escape sequences removed.
func (term *terminal) screen(mark int) string {
	term.mu.Lock()
	defer term.mu.Unlock()
	return ansi.ReplaceAllString(term.out.String()[mark:], "")
}

// mark returns the current end of the output.
func (term *terminal) mark() int {
	term.mu.Lock()
	defer term.mu.Unlock()
	return term.out.Len()
}

// waitFor waits until the output since mark matches re.
func (term *terminal) waitFor(mark int, re string) string {
	term.t.Helper()
	rx := regexp.MustCompile(re)
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if s := term.screen(mark); rx.MatchString(s) {
			return s
		}
		time.Sleep(20 * time.Millisecond)
	}
	term.t.Fatalf("timed out waiting for %q; the terminal shows:\n%s", re, term.screen(mark))
	return ""
}

func (term *terminal) send(s string) {
	term.t.Helper()
	if _, err := io.WriteString(term.pty, s); err != nil {
		term.t.Fatal(err)
	}
}

// TestReplTerminal builds katafilter and drives "katafilter repl" through a pseudo-terminal.
func TestReplTerminal(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary on a pseudo-terminal; skipped with -short")
	}
	bin := buildBinary(t)
	t.Run("embedded", func(t *testing.T) { testTerminalEmbedded(t, bin) })
	t.Run("color", func(t *testing.T) { testTerminalColor(t, bin) })
	t.Run("signals", func(t *testing.T) { testSignalsCleanUp(t, bin) })
	t.Run("output piped", func(t *testing.T) { testTerminalOutputPiped(t, bin) })
}

// testTerminalOutputPiped types on a terminal while the output goes to a pipe (katafilter
// repl 2>&1 | tee log): Tab lists several candidates, which readline used to do with a width
// of -1 and a panic, and Ctrl-D leaves cleanly.
func testTerminalOutputPiped(t *testing.T, bin string) {
	ptmx, tty, err := pty.Open()
	if err != nil {
		t.Skipf("no pseudo-terminal: %v", err)
	}
	defer ptmx.Close()
	defer tty.Close()
	var out bytes.Buffer
	cmd := exec.Command(bin, "repl", "--timeout", "1s", "--generate", "5")
	cmd.Env = append(os.Environ(), "NO_COLOR=1", "TERM=xterm", "KATAFILTER_HISTORY=none")
	cmd.Stdin, cmd.Stdout, cmd.Stderr = tty, &out, &out
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go io.Copy(io.Discard, ptmx) // the echo of what is typed
	time.Sleep(3 * time.Second)  // the embedded server starts; typed-ahead keys wait for readline
	io.WriteString(ptmx, "Event\t")
	time.Sleep(time.Second)
	io.WriteString(ptmx, "\x15\x04") // Ctrl-U, Ctrl-D
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err = <-done:
	case <-time.After(30 * time.Second):
		cmd.Process.Kill()
		err = <-done
	}
	if err != nil || strings.Contains(out.String(), "panic") || !strings.Contains(out.String(), "EventData.Data.ProcessName.value") {
		t.Errorf("repl with its output piped: %v\n%s", err, out.String())
	}
}

// testTerminalEmbedded runs the REPL with the default embedded server: the banner, Tab
// completing a field, the table, a continued line, Ctrl-C stopping a tail, Ctrl-D leaving, and
// the history kept in the file given by the environment.
func testTerminalEmbedded(t *testing.T, bin string) {
	history := filepath.Join(t.TempDir(), "state", "history")
	term := startBinary(t, bin, []string{"NO_COLOR=1", "TERM=xterm", "KATAFILTER_HISTORY=" + history}, "repl", "--timeout", "1s", "--limit", "5", "--generate", "50")

	term.waitFor(0, `(?s)built-in emulator.*To use a real KATA instead: katafilter repl --url.*kata> `)

	// Tab completes the field name; then the filter runs and prints a table.
	m := term.mark()
	term.send("EventType == 'process' AND FileNa\t")
	term.waitFor(m, `FileName`)
	m = term.mark()
	term.send(" == '*.exe'\r")
	s := term.waitFor(m, `(?s)#  Timestamp \(UTC\) +EventType +HostName +FileName\r?\n.*\d+ events? in .*kata> `)
	if !regexp.MustCompile(`(?m)^ *1  20\d\d-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}  process +\S+ +\S+\.exe`).MatchString(strings.ReplaceAll(s, "\r", "")) {
		t.Errorf("no table row for the completed filter:\n%s", s)
	}

	// A line ending with AND continues on the next, with the continuation prompt.
	m = term.mark()
	term.send("EventType == 'connection' AND\r")
	term.waitFor(m, `\.\.\. `)
	m = term.mark()
	term.send("RemotePort > 0\r")
	term.waitFor(m, `(?s)RemotePort.*\d+ events? in .*kata> `)

	// Ctrl-C stops a tail and returns to the prompt.
	m = term.mark()
	term.send(".tail EventType == 'process'\r")
	term.waitFor(m, `following EventType == 'process'; Ctrl-C stops`)
	term.waitFor(m, `(?m)^ *1  20\d\d-`)
	m = term.mark()
	term.send("\x03")
	term.waitFor(m, `\d+ events?; stopped.*\r?\n.*kata> `)

	// Ctrl-D leaves with status 0.
	term.send("\x04")
	select {
	case <-term.done:
	case <-time.After(30 * time.Second):
		t.Fatal("Ctrl-D did not end the REPL")
	}
	err := term.cmd.Wait()
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		t.Fatalf("exit status %d:\n%s", exit.ExitCode(), term.screen(0))
	}

	data, err := os.ReadFile(history)
	if err != nil {
		t.Fatalf("no history: %v", err)
	}
	for _, want := range []string{
		"EventType == 'process' AND FileName == '*.exe'",
		"EventType == 'connection' AND RemotePort > 0",
		".tail EventType == 'process'",
	} {
		if !strings.Contains(string(data), want) {
			t.Errorf("history lacks %q:\n%s", want, data)
		}
	}
}

// testTerminalColor checks that the REPL colours a terminal unless NO_COLOR is set.
func testTerminalColor(t *testing.T, bin string) {
	for _, tc := range []struct {
		noColor string
		want    bool
	}{{"", true}, {"1", false}} {
		term := startBinary(t, bin, []string{"NO_COLOR=" + tc.noColor, "TERM=xterm", "KATAFILTER_HISTORY=none"}, "repl", "--events", "testdata/repl_events.jsonl")
		term.waitFor(0, `kata> `)
		m := term.mark()
		term.send("EventType == 'proces'\r")
		term.waitFor(m, `nothing was sent`)
		term.mu.Lock()
		raw := term.out.String()[m:]
		term.mu.Unlock()
		if got := strings.Contains(raw, "\x1b[1;31m"); got != tc.want {
			t.Errorf("NO_COLOR=%q: red error = %v, want %v:\n%q", tc.noColor, got, tc.want, raw)
		}
		term.send("\x04")
		<-term.done
	}
}
