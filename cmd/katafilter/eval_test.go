package main

import (
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/katafilter/katafilter/internal/workload"
	"github.com/katafilter/katafilter/lang/kfl"
)

// runInProcess runs the command with args and the given standard input.
func runInProcess(stdin io.Reader, args ...string) (code int, stdout, stderr string) {
	var out, errb bytes.Buffer
	env := &cmdEnv{stdin: stdin, stdout: &out, stderr: &errb, getenv: func(string) string { return "" }}
	code = run(env, args)
	return code, out.String(), errb.String()
}

// TestEvalBenchCounts runs eval --count for every filter of the benchmark workload on its
// committed 4,000-event slice (gzip-compressed, as the shared workload is) and compares with
// counts computed by an independent implementation (testdata/workload/counts-4k.txt).
func TestEvalBenchCounts(t *testing.T) {
	set, err := workload.Slice()
	if err != nil {
		t.Fatal(err)
	}
	queries, err := set.Queries()
	if err != nil {
		t.Fatal(err)
	}
	eventsPath := set.EventsPath
	want, err := set.Counts()
	if err != nil {
		t.Fatal(err)
	}
	entries := kfl.Split(string(queries))
	if len(entries) != len(want) {
		t.Errorf("queries.kfl has %d filters, the counts file %d counts", len(entries), len(want))
	}
	for _, e := range entries {
		t.Run(fmt.Sprintf("line%d", e.Line), func(t *testing.T) {
			t.Parallel()
			n, ok := want[e.Line]
			if !ok {
				t.Fatalf("no expected count for the filter on line %d: %s", e.Line, e.Text)
			}
			code, stdout, stderr := runInProcess(strings.NewReader(""), "eval", "--count", "-e", e.Text, eventsPath)
			if code != 0 {
				t.Fatalf("eval exited %d: %s", code, stderr)
			}
			if got := strings.TrimSpace(stdout); got != strconv.Itoa(n) {
				t.Errorf("line %d: %s\ngot %s matches, want %d", e.Line, e.Text, got, n)
			}
		})
	}
}

// TestEvalLongLines checks that events of several megabytes are read whole, and that a line
// over --max-line is reported as an error of that line while the next lines are still read.
func TestEvalLongLines(t *testing.T) {
	big := `{"EventType":"process","CommandLine":"` + strings.Repeat("x", 5<<20) + `"}`
	input := big + "\n" + `{"EventType":"module"}` + "\n" + big + "\n"

	code, stdout, stderr := runInProcess(strings.NewReader(input), "eval", "-e", "EventType == 'process'")
	if code != 0 || stderr != "" {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	if stdout != big+"\n"+big+"\n" {
		t.Errorf("the 5 MB events were not printed unchanged (got %d bytes)", len(stdout))
	}

	code, stdout, stderr = runInProcess(strings.NewReader(input), "eval", "--count", "--max-line", "1000000", "-e", "EventType == 'process' OR EventType == 'module'")
	if code != 1 {
		t.Errorf("exit %d, want 1", code)
	}
	if stdout != "1\n" {
		t.Errorf("stdout %q, want the module event counted", stdout)
	}
	wantErr := "<stdin>:1: line longer than 1000000 bytes (see --max-line); skipped\n" +
		"<stdin>:3: line longer than 1000000 bytes (see --max-line); skipped\n"
	if !strings.HasSuffix(stderr, wantErr) {
		t.Errorf("stderr %q, want it to end with %q", stderr, wantErr)
	}
}

// TestEvalGzip feeds gzip-compressed events on standard input, where no file name can hint at
// the compression, and checks that a damaged stream is an error.
func TestEvalGzip(t *testing.T) {
	var zb bytes.Buffer
	zw := gzip.NewWriter(&zb)
	for i := range 1000 {
		et := "process"
		if i%4 == 0 {
			et = "module"
		}
		fmt.Fprintf(zw, `{"EventType":%q,"UserName":"Пользователь %d"}`+"\n", et, i)
	}
	zw.Close()

	code, stdout, stderr := runInProcess(bytes.NewReader(zb.Bytes()), "eval", "--count", "-e", "EventType == 'module' AND UserName == '*6'")
	if code != 0 || stdout != "50\n" {
		t.Errorf("exit %d, stdout %q, stderr %q; want 0 and 50", code, stdout, stderr)
	}

	damaged := zb.Bytes()[:zb.Len()-10]
	code, _, stderr = runInProcess(bytes.NewReader(damaged), "eval", "--count", "-e", "EventType == 'module'")
	if code != 1 || !strings.Contains(stderr, "katafilter eval: <stdin>: after line") {
		t.Errorf("damaged gzip: exit %d, stderr %q; want 1 and an error", code, stderr)
	}
}

// eventSource generates n JSON lines of about 200 bytes without holding them in memory, and
// samples the heap as it goes.
type eventSource struct {
	n, i    int
	pending []byte
	maxHeap uint64
}

func (s *eventSource) Read(p []byte) (int, error) {
	if len(s.pending) == 0 {
		if s.i == s.n {
			return 0, io.EOF
		}
		if s.i%20000 == 0 {
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			s.maxHeap = max(s.maxHeap, ms.HeapInuse)
		}
		s.pending = fmt.Appendf(s.pending[:0], `{"EventType":"process","Seq":%d,"FileName":"C:\\Windows\\System32\\svchost.exe","UserName":"CORP\\user%d","Padding":"%0100d"}`+"\n", s.i, s.i%97, s.i)
		s.i++
	}
	n := copy(p, s.pending)
	s.pending = s.pending[n:]
	return n, nil
}

// TestEvalStreams checks that memory does not grow with the input: 60 MB of events go through
// eval while the heap in use stays small.
func TestEvalStreams(t *testing.T) {
	if testing.Short() {
		t.Skip("reads 60 MB of generated events")
	}
	runtime.GC()
	src := &eventSource{n: 300000}
	code, stdout, stderr := runInProcess(src, "eval", "--count", "-e", "UserName == 'CORP\\\\user7'")
	if code != 0 || stdout != "3093\n" {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	if src.maxHeap > 32<<20 {
		t.Errorf("the heap in use reached %d MB while streaming 60 MB of events", src.maxHeap>>20)
	}
	t.Logf("peak heap in use: %.1f MB", float64(src.maxHeap)/(1<<20))
}

// failingWriter accepts a few bytes, then fails as a full disk or a closed file would.
type failingWriter struct{ left int }

func (w *failingWriter) Write(p []byte) (int, error) {
	if len(p) > w.left {
		n := w.left
		w.left = 0
		return n, errors.New("no space left on device")
	}
	w.left -= len(p)
	return len(p), nil
}

// TestEvalWriteError: when the output fails, eval says so once, exits 1 and stops reading
// instead of evaluating the rest of the input for nothing.
func TestEvalWriteError(t *testing.T) {
	line := `{"EventType":"process","FileName":"cmd.exe"}` + "\n"
	input := strings.Repeat(line, 30<<20/len(line)) // 30 MB: many batches of lang/stream
	in := &countingReader{r: strings.NewReader(input)}
	var errb bytes.Buffer
	env := &cmdEnv{stdin: in, stdout: &failingWriter{left: 1000}, stderr: &errb,
		getenv: func(string) string { return "" }}
	code := run(env, []string{"eval", "-e", "EventType == 'process'", "-", "-"})
	if code != 1 {
		t.Errorf("exit %d, want 1", code)
	}
	if got := strings.Count(errb.String(), "writing the output: no space left on device"); got != 1 {
		t.Errorf("stderr %q: want the write error exactly once", errb.String())
	}
	if in.n > int64(len(input))/2 {
		t.Errorf("read %d of %d bytes after the output failed: want the run stopped", in.n, len(input))
	}
}

type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}
