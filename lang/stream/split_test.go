package stream_test

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/katafilter/katafilter/lang/stream"
)

// TestRunSplitsLikeLines: whatever the batch size and however the reader hands out its bytes
// (one at a time, or in larger reads that end anywhere), Run cuts the input into the lines a
// plain split at '\n' gives, in order, with the over-long ones reported and dropped.
func TestRunSplitsLikeLines(t *testing.T) {
	p, _ := compile(t, `s == 'x'`).Program()
	rng := rand.New(rand.NewPCG(1, 2))
	pieces := []string{`{"s":"x"}`, `{"s":"y"}`, `{"s":"x"}` + "\r", "", "  ", "nope", `{"s":"` + strings.Repeat("x", 40) + `"}`}
	for round := range 200 {
		var lines []string
		for range rng.IntN(30) {
			lines = append(lines, pieces[rng.IntN(len(pieces))])
		}
		in := strings.Join(lines, "\n")
		if rng.IntN(2) == 0 && len(lines) > 0 {
			in += "\n"
		}
		maxLine := 20 + rng.IntN(40)
		var want []string
		if in != "" {
			for i, l := range strings.Split(strings.TrimSuffix(in, "\n"), "\n") {
				want = append(want, describe(int64(i+1), l, maxLine))
			}
		}
		opt := stream.Options{Workers: 1 + rng.IntN(3), BatchBytes: 1 + rng.IntN(80), MaxLine: maxLine}
		for _, oneByte := range []bool{false, true} {
			var r = bytes.NewReader([]byte(in))
			var got []string
			run := func(l *stream.Line) error {
				s := describe(l.Num, string(l.Data), maxLine)
				if l.Err == stream.ErrLineTooLong {
					s = fmt.Sprintf("%d too long", l.Num)
				}
				got = append(got, s)
				return nil
			}
			var err error
			if oneByte {
				err = stream.Run(iotest.OneByteReader(r), p, opt, run)
			} else {
				err = stream.Run(iotest.HalfReader(r), p, opt, run)
			}
			if err != nil {
				t.Fatal(err)
			}
			if g, w := strings.Join(got, "|"), strings.Join(want, "|"); g != w {
				t.Fatalf("round %d (%+v, one byte %v) on %q:\ngot  %s\nwant %s", round, opt, oneByte, in, g, w)
			}
		}
	}
}

func describe(num int64, l string, maxLine int) string {
	if len(l) > maxLine {
		return fmt.Sprintf("%d too long", num)
	}
	return fmt.Sprintf("%d %q", num, l)
}
