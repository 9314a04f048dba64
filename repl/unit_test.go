package repl

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/katafilter/katafilter/lang"
)

func TestNeedsMore(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want bool
	}{
		{"", false},
		{"EventType == 'process'", false},
		{"EventType == 'process' AND", true},
		{"EventType == 'process' and", true},
		{"EventType == 'process' OR", true},
		{"NOT", true},
		{"EventType ==", true},
		{"RemotePort >=", true},
		{"RemotePort in", true},
		{"RemotePort in (1,", true},
		{"RemotePort in (1, 2)", false},
		{"(EventType == 'process'", true},
		{"(EventType == 'process' AND\n FileName == 'x')", false},
		{"in(", true},
		{"EventType == 'process')", false},
		{".limit 3", false},
		{".explain EventType == 'process' AND", false},
		{"help", false},
		{"EventType", false},
		{"EventType == 'process' AND FileName", true},
		{"EventType = 'process' AND", false},
		{"EventType == 'process' AND (FileName == 'x' OR\n FileName == 'y'", true},
	} {
		if got := NeedsMore(tc.in); got != tc.want {
			t.Errorf("NeedsMore(%q) = %v, want %v", tc.in, got, tc.want)
		}
	}
}

func TestParseTimeout(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"5s", "5s"},
		{"2m", "2m0s"},
		{"PT30S", "30s"},
		{"pt300s", "5m0s"},
		{"7", "7s"},
		{"5m1s", "error: timeout 5m1s out of range: from 1s to 5m (max_timeout)"},
		{"PT301S", "error: timeout 5m1s out of range: from 1s to 5m (max_timeout)"},
		{"0", "error: timeout 0s out of range: from 1s to 5m (max_timeout)"},
		{"-3s", "error: timeout -3s out of range: from 1s to 5m (max_timeout)"},
		{"1500ms", "error: timeout 1.5s: max_timeout is whole seconds"},
		{"PT", `error: bad timeout "PT": write 5s, 2m or PT30S`},
	} {
		d, err := ParseTimeout(tc.in)
		got := d.String()
		if err != nil {
			got = "error: " + err.Error()
		}
		if got != tc.want {
			t.Errorf("ParseTimeout(%q) = %s, want %s", tc.in, got, tc.want)
		}
	}
}

// render shows completions as "text@start-end".
func render(cs []Completion) string {
	var parts []string
	for _, c := range cs {
		parts = append(parts, fmt.Sprintf("%s@%d-%d", c.Text, c.Replace.Start, c.Replace.End))
	}
	return strings.Join(parts, " ")
}

func TestComplete(t *testing.T) {
	s, _ := newTestSession(t, nil)
	for _, tc := range []struct {
		in   string // | marks the cursor
		want string // a substring of the rendered completions, or "" for none
	}{
		{".li|", ".limit @0-3"},
		{".f|", ".fields @0-2 .format @0-2"},
		{".format j|", "json@8-9 jsonl@8-9"},
		{".describe HostN|", "HostName@10-15"},
		{".token r|", "reset@7-8"},
		{".nosuch x|", ""},
		{"EventType == 'process' AND FileNa|", "FileName@27-33"},
		{"EventType == 'pro|", "'process'@13-17"},
		{"EventType == 'process' AND\nFileNa|", "FileName@27-33"},
		{".tail EventType == 'process' AND FileNa|", "FileName@33-39"},
		{".explain RemotePort |", "==@20-20"},
	} {
		off := strings.Index(tc.in, "|")
		src := tc.in[:off] + tc.in[off+1:]
		got := render(s.Complete(src, off))
		if tc.want == "" {
			if got != "" {
				t.Errorf("Complete(%q) = %s, want nothing", tc.in, got)
			}
			continue
		}
		if !strings.Contains(got, tc.want) {
			t.Errorf("Complete(%q) = %s, want it to contain %s", tc.in, got, tc.want)
		}
	}
}

// TestLineCompleter checks the readline adapter: a suffix when the candidates extend what was
// typed, and a replacement applied on Tab when the case differs.
func TestLineCompleter(t *testing.T) {
	s, _ := newTestSession(t, nil)
	c := &lineCompleter{s: s}

	line := []rune("EventType == 'process' AND FileNa")
	sfx, n := c.Do(line, len(line))
	if n != 6 || !containsRunes(sfx, "me ") && !containsRunes(sfx, "me") {
		t.Errorf("Do(FileNa) = %q, %d; want the suffix of FileName after 6 runes", runesList(sfx), n)
	}

	line = []rune("EventType == 'process' AND filena")
	sfx, n = c.Do(line, len(line))
	if len(sfx) != 0 || n != 0 {
		t.Fatalf("Do(filena) = %q, %d; want no suffix (the case differs)", runesList(sfx), n)
	}
	got, pos, ok := c.onKey(line, len(line), '\t')
	if !ok || !strings.HasPrefix(string(got), "EventType == 'process' AND FileName") || pos != len([]rune("EventType == 'process' AND FileName")) {
		t.Errorf("onKey after Do(filena) = %q, %d, %v", string(got), pos, ok)
	}
	if _, _, ok := c.onKey(line, len(line), '\t'); ok {
		t.Error("a second Tab applied the replacement again")
	}

	// A filter going on from an earlier line completes in the context of the whole input.
	c.setPending([]string{"EventType == 'connection' AND"})
	line = []rune("RemotePort =")
	sfx, _ = c.Do(line, len(line))
	if !containsRunes(sfx, "= ") && !containsRunes(sfx, "=") {
		t.Errorf("Do(RemotePort =) after a pending line = %q; want ==", runesList(sfx))
	}
}

func containsRunes(list [][]rune, s string) bool {
	for _, r := range list {
		if string(r) == s {
			return true
		}
	}
	return false
}

func runesList(list [][]rune) []string {
	var out []string
	for _, r := range list {
		out = append(out, string(r))
	}
	return out
}

// blockingBackend answers nothing until its context ends, as a server does while it waits for
// events.
type blockingBackend struct {
	started chan struct{}
}

func (b *blockingBackend) Fetch(ctx context.Context, req Request) (*Answer, error) {
	close(b.started)
	<-ctx.Done()
	return nil, ctx.Err()
}
func (b *blockingBackend) Tokens() []NodeToken             { return nil }
func (b *blockingBackend) ResetToken()                     {}
func (b *blockingBackend) Describe() string                { return "a server that waits" }
func (b *blockingBackend) Status(context.Context) []string { return nil }
func (b *blockingBackend) Live() bool                      { return true }
func (b *blockingBackend) Close() error                    { return nil }

// TestCancel checks that cancelling the context (Ctrl-C) stops a running query, is not a
// failure, and leaves the session usable.
func TestCancel(t *testing.T) {
	b := &blockingBackend{started: make(chan struct{})}
	s, out := newTestSession(t, b)
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		<-b.started
		cancel()
	}()
	if err := s.Execute(ctx, "EventType == 'process'"); err != nil {
		t.Fatalf("a cancelled query returned %v", err)
	}
	if got := out.String(); got != "! cancelled\n" {
		t.Errorf("output %q, want the note that it was cancelled", got)
	}
	out.Reset()
	if err := s.Execute(context.Background(), ".limit"); err != nil || out.String() != "limit 3 (max_events)\n" {
		t.Errorf("after cancelling: %v, %q", err, out.String())
	}
}

// TestRunPiped checks the script front end: comments, continuation lines, a blank line ending a
// filter that would go on, the count of failures, and .quit.
func TestRunPiped(t *testing.T) {
	script := `# a comment
.limit 1
EventType == 'connection' AND
  RemotePort == 445
EventType == 'proces'
EventType == 'process' AND

.nosuch
.quit
EventType == 'module'
`
	var out, errw bytes.Buffer
	s := New(Options{Backend: NewMemoryBackend("test", loadTestEvents(t)), Out: &out, Err: &errw, Now: func() time.Time { return time.Time{} }})
	failed, err := RunPiped(context.Background(), s, strings.NewReader(script), "script")
	if err != nil {
		t.Fatal(err)
	}
	if failed != 3 {
		t.Errorf("failed = %d, want 3 (a bad value, a filter cut short, an unknown command)", failed)
	}
	wantOut := "limit 1 (max_events)\n" +
		"#  Timestamp (UTC)          EventType   HostName  RemotePort\n" +
		"1  2025-11-24 16:00:03.000  connection  SRV-DC    445\n" +
		"1 event in 0s (the limit, 1: run it again for the next ones)\n"
	if out.String() != wantOut {
		t.Errorf("stdout:\n%s\nwant:\n%s", out.String(), wantOut)
	}
	// Each error names its place in the script: the line of the input, and the column of a
	// filter's diagnostic.
	for _, want := range []string{"script:5:14: error[KF0400]", "script:5: error: the filter has 1 error",
		"script:6:27: error[KF0100]", "script:8: error: unknown command .nosuch"} {
		if !strings.Contains(errw.String(), want) {
			t.Errorf("stderr lacks %q:\n%s", want, errw.String())
		}
	}
	if strings.Contains(out.String()+errw.String(), "module") {
		t.Error("an input after .quit ran")
	}
}

func TestExecuteErrors(t *testing.T) {
	s, _ := newTestSession(t, nil)
	if err := s.Execute(context.Background(), ".quit"); !errors.Is(err, ErrQuit) {
		t.Errorf(".quit returned %v", err)
	}
	if err := s.Execute(context.Background(), "exit"); !errors.Is(err, ErrQuit) {
		t.Errorf("exit returned %v", err)
	}
	if err := s.Execute(context.Background(), "   "); err != nil {
		t.Errorf("a blank input returned %v", err)
	}
}

// TestTableFitsWidth: on a narrow terminal the table is cut to its width, the widest columns
// first and the Timestamp last; without a width, rows are whole.
func TestTableFitsWidth(t *testing.T) {
	run := func(width func() int) string {
		var out bytes.Buffer
		s := New(Options{Backend: NewMemoryBackend("test", loadTestEvents(t)), Out: &out, Limit: 1,
			Now: func() time.Time { return time.Time{} }, Width: width})
		if err := s.Execute(context.Background(), "EventType == 'process' AND StartupParameters == '*' AND UserName == '*'"); err != nil {
			t.Fatal(err)
		}
		return out.String()
	}
	want := "#  Timestamp (UTC)          EventTy…  HostName  Startup…  UserName\n" +
		"1  2025-11-24 16:00:00.000  process   WS-01     -nop -e…  CORP\\al…\n"
	if got := run(func() int { return 66 }); !strings.HasPrefix(got, want) {
		t.Errorf("width 66:\n%s\nwant:\n%s", got, want)
	}
	for _, line := range strings.Split(strings.TrimSpace(run(func() int { return 66 })), "\n")[:2] {
		if n := len([]rune(line)); n > 66 {
			t.Errorf("a line of %d characters on a terminal of 66: %q", n, line)
		}
	}
	whole := "#  Timestamp (UTC)          EventType  HostName  StartupParameters   UserName\n" +
		"1  2025-11-24 16:00:00.000  process    WS-01     -nop -enc SQBFAFgA  CORP\\alice\n"
	if got := run(nil); !strings.HasPrefix(got, whole) {
		t.Errorf("no width:\n%s\nwant:\n%s", got, whole)
	}
	if got := run(func() int { return 0 }); !strings.HasPrefix(got, whole) {
		t.Errorf("width 0:\n%s\nwant:\n%s", got, whole)
	}
}

// TestBannerWraps: on a narrow terminal the banner breaks between words, not inside them.
func TestBannerWraps(t *testing.T) {
	s := New(Options{Backend: NewMemoryBackend("events.jsonl (2 events, evaluated in process)", nil), Width: func() int { return 40 }})
	got := s.Banner()
	for _, line := range strings.Split(strings.TrimSuffix(got, "\n"), "\n") {
		if n := len([]rune(line)); n > 40 && strings.Contains(line, " ") {
			t.Errorf("a line of %d characters on a terminal of 40: %q", n, line)
		}
	}
	if strings.Join(strings.Fields(got), " ") != strings.Join(strings.Fields(New(Options{Backend: NewMemoryBackend("events.jsonl (2 events, evaluated in process)", nil)}).Banner()), " ") {
		t.Errorf("wrapping changed the words:\n%s", got)
	}
	if want := "katafilter repl: type a filter to run\nit, .help for commands, Ctrl-D or .quit\nto leave.\n"; !strings.HasPrefix(got, want) {
		t.Errorf("banner starts\n%s\nwant\n%s", got, want)
	}
}

// TestPipedExplainPositions: the diagnostics of a filter given to .explain in a script are at
// their line and column in the script.
func TestPipedExplainPositions(t *testing.T) {
	var out, errw bytes.Buffer
	s := New(Options{Backend: NewMemoryBackend("test", loadTestEvents(t)), Out: &out, Err: &errw})
	if _, err := RunPiped(context.Background(), s, strings.NewReader(".limit 1\n\n  .explain  EventType == 1\n"), "script"); err != nil {
		t.Fatal(err)
	}
	if want := "script:3:26: error[KF0300]"; !strings.Contains(errw.String(), want) {
		t.Errorf("stderr lacks %q:\n%s", want, errw.String())
	}
	// At the prompt, the filter is its own text.
	errw.Reset()
	s.Execute(context.Background(), ".explain EventType == 1")
	if want := "1:14: error[KF0300]"; !strings.HasPrefix(errw.String(), want) {
		t.Errorf("stderr does not start with %q:\n%s", want, errw.String())
	}
}

// TestMemoryStreams checks that streams over one memory backend keep positions of their own.
func TestMemoryStreams(t *testing.T) {
	var evs []Event
	for i := range 5 {
		e, err := NewEvent(fmt.Appendf(nil, `{"EventType":"process","N":%d}`, i))
		if err != nil {
			t.Fatal(err)
		}
		evs = append(evs, e)
	}
	b := NewMemoryBackend("test", evs)
	prog, _ := lang.Compile("EventType == 'process'", lang.Config{})
	req := Request{Filter: "EventType == 'process'", Program: prog, MaxEvents: 2}
	a, b2 := b.(Streamer).Stream(), b.(Streamer).Stream()
	for _, want := range []int{2, 2, 1, 0} {
		ans, err := a.Fetch(context.Background(), req)
		if err != nil || len(ans.Events) != want {
			t.Fatalf("stream a: %v events, %v; want %d", len(ans.Events), err, want)
		}
	}
	if ans, err := b2.Fetch(context.Background(), req); err != nil || len(ans.Events) != 2 || string(ans.Events[0].Raw) != string(evs[0].Raw) {
		t.Errorf("stream b starts at the first event: %v, %v", ans, err)
	}
	if toks := b.Tokens(); len(toks) != 0 {
		t.Errorf("the backend's own token moved: %v", toks)
	}
}
