package jsonl

import (
	"bufio"
	"bytes"
	"io"
)

// lineReader reads lines of any length up to a limit, without letting memory grow with the
// input: the buffer grows to the longest line read (at most the limit), and a longer line is
// skipped and reported as [ErrLineTooLong] so that reading goes on with the next one.
type lineReader struct {
	r    *bufio.Reader
	max  int
	buf  []byte
	line int // the 1-based number of the line last returned
}

func newLineReader(r *bufio.Reader, max int) *lineReader {
	return &lineReader{r: r, max: max}
}

// next returns the next line without its "\n" (a "\r" before it is kept). The slice is valid
// until the following call. At the end of the input it returns io.EOF; a read error is returned
// as is; a line over the limit returns ErrLineTooLong, and the reader is then at the next line.
func (lr *lineReader) next() ([]byte, error) {
	frag, err := lr.r.ReadSlice('\n')
	if err == nil || (err == io.EOF && len(frag) > 0) {
		lr.line++
		line := bytes.TrimSuffix(frag, []byte{'\n'}) // a last line may have no "\n"
		if len(line) > lr.max {
			return nil, ErrLineTooLong
		}
		return line, nil
	}
	if err != bufio.ErrBufferFull {
		if len(frag) > 0 {
			lr.line++
		}
		return nil, err // io.EOF, or a read error
	}
	// A line longer than the bufio buffer: collect it.
	lr.buf = append(lr.buf[:0], frag...)
	tooLong := false
	for {
		frag, err = lr.r.ReadSlice('\n')
		if !tooLong {
			if len(lr.buf)+len(frag) > lr.max+1 {
				tooLong = true
				lr.buf = lr.buf[:0]
			} else {
				lr.buf = append(lr.buf, frag...)
			}
		}
		if err == bufio.ErrBufferFull {
			continue
		}
		if err != nil && err != io.EOF {
			return nil, err
		}
		break
	}
	lr.line++
	if tooLong {
		lr.shrink()
		return nil, ErrLineTooLong
	}
	line := lr.buf
	if n := len(line); n > 0 && line[n-1] == '\n' {
		line = line[:n-1]
	}
	if len(line) > lr.max {
		lr.shrink()
		return nil, ErrLineTooLong
	}
	return line, nil
}

// shrink drops a large buffer after an over-long line, so that one huge line does not keep
// its memory for the rest of the run.
func (lr *lineReader) shrink() {
	if cap(lr.buf) > 1<<20 {
		lr.buf = nil
	}
}
