package repl

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/rogpeppe/go-internal/txtar"
)

var update = flag.Bool("update", false, "rewrite the transcripts in testdata/session")

// loadTestEvents reads testdata/events.jsonl.
func loadTestEvents(t testing.TB) []Event {
	t.Helper()
	data, err := os.ReadFile("testdata/events.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	var events []Event
	for i, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		e, err := NewEvent([]byte(line))
		if err != nil {
			t.Fatalf("events.jsonl:%d: %v", i+1, err)
		}
		e.Origin = "events.jsonl:" + strconv.Itoa(i+1)
		events = append(events, e)
	}
	return events
}

// newTestSession returns a session over the test events with a frozen clock, so that every
// query takes 0s.
func newTestSession(t testing.TB, b Backend) (*Session, *bytes.Buffer) {
	if b == nil {
		b = NewMemoryBackend("testdata/events.jsonl", loadTestEvents(t))
	}
	var out bytes.Buffer
	frozen := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	s := New(Options{Backend: b, Out: &out, Err: &prefixWriter{w: &out, prefix: "! "}, Limit: 3, Timeout: time.Second, Now: func() time.Time { return frozen }})
	return s, &out
}

// prefixWriter marks each line written to it, so that a transcript shows which lines went to
// the error writer.
type prefixWriter struct {
	w      io.Writer
	prefix string
	mid    bool
}

func (p *prefixWriter) Write(b []byte) (int, error) {
	var out []byte
	for _, c := range b {
		if !p.mid {
			out = append(out, p.prefix...)
		}
		out = append(out, c)
		p.mid = c != '\n'
	}
	if _, err := p.w.Write(out); err != nil {
		return 0, err
	}
	return len(b), nil
}

// splitInputs cuts a script into inputs: one a line, lines starting with white space continue
// the input above (as in a .kfl file), blank lines are skipped.
func splitInputs(script string) []string {
	var out []string
	for _, l := range strings.Split(script, "\n") {
		switch {
		case strings.TrimSpace(l) == "":
		case (l[0] == ' ' || l[0] == '\t') && len(out) > 0:
			out[len(out)-1] += "\n" + l
		default:
			out = append(out, l)
		}
	}
	return out
}

// TestSessionTranscripts runs the scripts of testdata/session/*.txtar command by command and
// compares the transcript: each input after "> ", then what it printed (lines from the error
// writer marked "! "), and "[failed]" when Execute reported a failure. Files of the archive other
// than "input" and "transcript" are written to a temporary directory, $DIR in the input.
func TestSessionTranscripts(t *testing.T) {
	files, _ := filepath.Glob("testdata/session/*.txtar")
	if len(files) == 0 {
		t.Fatal("no transcripts")
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txtar"), func(t *testing.T) {
			ar, err := txtar.ParseFile(file)
			if err != nil {
				t.Fatal(err)
			}
			dir := t.TempDir()
			var input string
			want := ""
			for _, f := range ar.Files {
				switch f.Name {
				case "input":
					input = string(f.Data)
				case "transcript":
					want = string(f.Data)
				default:
					if err := os.WriteFile(filepath.Join(dir, f.Name), f.Data, 0o644); err != nil {
						t.Fatal(err)
					}
				}
			}
			s, out := newTestSession(t, nil)
			var tr strings.Builder
			for _, in := range splitInputs(input) {
				tr.WriteString("> " + strings.ReplaceAll(in, "\n", "\n> ") + "\n")
				out.Reset()
				err := s.Execute(context.Background(), strings.ReplaceAll(in, "$DIR", dir))
				tr.WriteString(strings.ReplaceAll(out.String(), dir, "$DIR"))
				switch {
				case errors.Is(err, ErrQuit):
					tr.WriteString("[quit]\n")
				case err != nil:
					if !errors.Is(err, ErrFailed) {
						t.Errorf("%q: error not marked as failed: %v", in, err)
					}
					tr.WriteString("[failed]\n")
				}
			}
			got := tr.String()
			if *update {
				for i := range ar.Files {
					if ar.Files[i].Name == "transcript" {
						ar.Files[i].Data = []byte(got)
						want = got
					}
				}
				if want != got {
					ar.Files = append(ar.Files, txtar.File{Name: "transcript", Data: []byte(got)})
				}
				if err := os.WriteFile(file, txtar.Format(ar), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("transcript differs (-want +got); run with -update to accept:\n%s", diff)
			}
		})
	}
}
