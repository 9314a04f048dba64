package stream_test

import (
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"
	"testing"

	"github.com/katafilter/katafilter/lang"
	"github.com/katafilter/katafilter/lang/stream"
)

func compile(t testing.TB, src string) *lang.Filter {
	t.Helper()
	f := lang.Analyze(src, lang.Config{AllowUnknownFields: true})
	if f.Diagnostics.HasErrors() {
		t.Fatal(f.Diagnostics)
	}
	return f
}

func TestRunOrderAndVerdicts(t *testing.T) {
	f := compile(t, `n > 2 AND s == 'x*'`)
	p, err := f.Program()
	if err != nil {
		t.Fatal(err)
	}
	var in strings.Builder
	var want []string
	for i := range 3000 {
		switch i % 7 {
		case 3:
			in.WriteString("  \r\n")
			want = append(want, "blank")
		case 5:
			fmt.Fprintf(&in, "{\"n\":%d,\"s\":\"x\"\n", i) // malformed
			want = append(want, "error")
		default:
			fmt.Fprintf(&in, "{\"n\":%d,\"s\":\"x%d\"}\n", i%4, i)
			want = append(want, fmt.Sprint(i%4 > 2))
		}
	}
	in.WriteString(`{"n":9,"s":"xy"}`) // no final newline
	want = append(want, "true")
	for _, opt := range []stream.Options{{}, {Workers: 4, BatchBytes: 1}, {Workers: 3, BatchBytes: 100}} {
		var got []string
		var next int64 = 1
		err := stream.Run(strings.NewReader(in.String()), p, opt, func(l *stream.Line) error {
			if l.Num != next {
				t.Fatalf("%+v: line %d arrived when %d was due", opt, l.Num, next)
			}
			next++
			switch {
			case l.Blank:
				got = append(got, "blank")
			case l.Err != nil:
				got = append(got, "error")
			default:
				got = append(got, fmt.Sprint(l.Match))
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if strings.Join(got, " ") != strings.Join(want, " ") {
			t.Fatalf("%+v: verdicts differ\n got %v\nwant %v", opt, got[:20], want[:20])
		}
	}
}

func TestRunLongLinesAndStop(t *testing.T) {
	p, _ := compile(t, `s == 'x'`).Program()
	in := `{"s":"x"}` + "\n" + `{"s":"` + strings.Repeat("y", 5000) + `"}` + "\n" + `{"s":"x"}` + "\n"
	var got []string
	err := stream.Run(strings.NewReader(in), p, stream.Options{MaxLine: 100, BatchBytes: 10}, func(l *stream.Line) error {
		got = append(got, fmt.Sprintf("%d:%v:%v:%d", l.Num, l.Match, l.Err, len(l.Data)))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if g := strings.Join(got, " "); g != "1:true:<nil>:9 2:false:line too long:0 3:true:<nil>:9" {
		t.Errorf("got %s", g)
	}

	stop := errors.New("stop")
	n := 0
	err = stream.Run(strings.NewReader(strings.Repeat(`{"s":"x"}`+"\n", 10000)), p, stream.Options{BatchBytes: 64}, func(l *stream.Line) error {
		if n++; n == 5 {
			return stop
		}
		return nil
	})
	if err != stop || n != 5 {
		t.Errorf("after a callback error: %v, %d calls", err, n)
	}
}

type failingReader struct{ n int }

func (r *failingReader) Read(b []byte) (int, error) {
	if r.n > 0 {
		r.n--
		return copy(b, `{"s":"x"}`+"\n"), nil
	}
	return 0, io.ErrUnexpectedEOF
}

func TestRunReadError(t *testing.T) {
	p, _ := compile(t, `s == 'x'`).Program()
	n := 0
	err := stream.Run(&failingReader{n: 3}, p, stream.Options{}, func(l *stream.Line) error { n++; return nil })
	if err != io.ErrUnexpectedEOF || n != 3 {
		t.Errorf("got %v after %d lines", err, n)
	}
}

func Example() {
	p, _ := lang.Compile(`EventType == 'process'`, lang.Config{})
	in := strings.NewReader(`{"EventType":"process","FileName":"a.exe"}
{"EventType":"file"}
not json
`)
	err := stream.Run(in, p, stream.Options{}, func(l *stream.Line) error {
		switch {
		case l.Err != nil:
			fmt.Fprintf(os.Stdout, "line %d: error\n", l.Num)
		case l.Match:
			fmt.Printf("line %d: %s\n", l.Num, l.Data)
		}
		return nil
	})
	fmt.Println(err)
	// Output:
	// line 1: {"EventType":"process","FileName":"a.exe"}
	// line 3: error
	// <nil>
}

// lineGen produces n identical event lines without holding them in memory.
type lineGen struct {
	line []byte
	n    int
	off  int
}

func (g *lineGen) Read(b []byte) (int, error) {
	w := 0
	for w < len(b) {
		if g.off == len(g.line) {
			if g.n == 0 {
				break
			}
			g.n--
			g.off = 0
		}
		c := copy(b[w:], g.line[g.off:])
		g.off += c
		w += c
	}
	if w == 0 {
		return 0, io.EOF
	}
	return w, nil
}

// TestRunFlatMemory streams 32 MB through Run and checks that the heap stays far below the
// input size: the batches and their buffers are reused, nothing accumulates.
func TestRunFlatMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("streams 32 MB")
	}
	p, _ := compile(t, `s == 'x*'`).Program()
	line := []byte(`{"s":"x` + strings.Repeat("y", 250) + `","n":1}` + "\n")
	n := (32 << 20) / len(line)
	var peak uint64
	var ms runtime.MemStats
	count := 0
	err := stream.Run(&lineGen{line: line, n: n, off: len(line)}, p, stream.Options{BatchBytes: 256 << 10}, func(l *stream.Line) error {
		if l.Match {
			count++
		}
		if count%20000 == 0 {
			runtime.ReadMemStats(&ms)
			peak = max(peak, ms.HeapAlloc)
		}
		return nil
	})
	if err != nil || count != n {
		t.Fatalf("%v, %d matches of %d", err, count, n)
	}
	if peak > 16<<20 {
		t.Errorf("heap reached %d MB while streaming 32 MB", peak>>20)
	}
}
