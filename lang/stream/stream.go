// Package stream runs a compiled filter over a stream of JSON lines on all cores, keeping the
// order of the input and a flat memory footprint whatever its size: lines are read in
// batches, batches are matched by a pool of workers, and the results are handed back in input
// order. Only a bounded number of batches is ever in flight, and their buffers are reused.
package stream

import (
	"bytes"
	"errors"
	"io"
	"runtime"
	"slices"
	"sync"

	"github.com/katafilter/katafilter/lang/eval"
)

// ErrLineTooLong is the error of a line longer than Options.MaxLine.
var ErrLineTooLong = errors.New("line too long")

// Options tune [Run]; the zero value is good.
type Options struct {
	// Workers is the number of goroutines that match; 0 means runtime.GOMAXPROCS(0).
	Workers int
	// BatchBytes is about how many bytes of input one batch holds; 0 means 1 MiB.
	BatchBytes int
	// MaxLine is the longest line accepted, in bytes without the newline; 0 means 64 MiB.
	// A longer line is reported with ErrLineTooLong and its bytes are dropped.
	MaxLine int
}

// Line is one line of the input and its verdict.
type Line struct {
	// Num is the 1-based line number.
	Num int64
	// Data is the line without its "\n" (a "\r" before it is kept). It is valid only during
	// the callback; nil for a line that was too long.
	Data []byte
	// Blank is set for a line of white space only: it is not evaluated.
	Blank bool
	// Match reports whether the event matches.
	Match bool
	// Err is the line's problem: a JSON syntax error, or ErrLineTooLong.
	Err error
}

// Run reads JSON lines from r, matches each with p, and calls fn for every line in input
// order, from the goroutine that called Run. It returns the first read error, or the first
// error fn returns (which stops the run), or nil at the end of the input.
func Run(r io.Reader, p *eval.Program, opt Options, fn func(*Line) error) error {
	if opt.Workers <= 0 {
		opt.Workers = runtime.GOMAXPROCS(0)
	}
	if opt.BatchBytes <= 0 {
		opt.BatchBytes = 1 << 20
	}
	if opt.MaxLine <= 0 {
		opt.MaxLine = 64 << 20
	}
	inFlight := 2 * opt.Workers
	free := make(chan *batch, inFlight)
	for range inFlight {
		// Room for a batch and a line or so past it, so that buffers rarely grow.
		free <- &batch{done: make(chan struct{}, 1), buf: make([]byte, 0, opt.BatchBytes+opt.BatchBytes/4)}
	}
	work := make(chan *batch, inFlight)
	order := make(chan *batch, inFlight)
	quit := make(chan struct{})
	var readErr error

	var wg sync.WaitGroup
	for range opt.Workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for b := range work {
				b.match(p)
				b.done <- struct{}{}
			}
		}()
	}
	go func() {
		defer close(work)
		defer close(order)
		rd := &lineReader{r: r}
		for {
			var b *batch
			select {
			case b = <-free:
			case <-quit:
				return
			}
			done := rd.fill(b, opt.BatchBytes, opt.MaxLine)
			if len(b.lines) > 0 {
				select {
				case order <- b:
				case <-quit:
					return
				}
				work <- b
			}
			if done {
				readErr = rd.err
				return
			}
		}
	}()

	for b := range order {
		<-b.done
		for i := range b.lines {
			l := &b.lines[i]
			b.line = Line{Num: l.num, Blank: l.blank, Match: l.match, Err: l.err}
			if l.data[1] >= 0 {
				b.line.Data = b.buf[l.data[0]:l.data[1]]
			}
			if err := fn(&b.line); err != nil {
				// Stop: the reader quits at its next batch, the workers when it does.
				// Every channel has room for every batch, so nothing blocks on us.
				close(quit)
				return err
			}
		}
		b.line = Line{}
		free <- b
	}
	wg.Wait()
	return readErr
}

// batch is a run of lines read together.
type batch struct {
	buf   []byte
	lines []lineInfo
	done  chan struct{}
	line  Line // handed to the callback
}

type lineInfo struct {
	num   int64
	data  [2]int // offsets into buf; data[1] < 0 for a line too long
	blank bool
	match bool
	err   error
}

// lineReader cuts the input into batches of whole lines. It reads straight into the batch
// buffers: the bytes are copied once, from the reader, except for the start of a line that
// straddles two batches.
type lineReader struct {
	r     io.Reader
	carry []byte // the start of a line that the previous batch could not hold whole
	skip  bool   // inside a line longer than MaxLine, whose bytes are dropped
	num   int64  // the number of the last line cut
	eof   bool
	err   error // the read error that ended the input
}

// minRead is the least room offered to one Read.
const minRead = 32 << 10

// fill reads whole lines into b until they hold at least size bytes or the input ends, and
// reports whether it has ended (at the end of the input or on a read error, whose line in
// progress is dropped).
func (rd *lineReader) fill(b *batch, size, maxLine int) (done bool) {
	b.buf = append(b.buf[:0], rd.carry...)
	rd.carry = rd.carry[:0]
	b.lines = b.lines[:0]
	start, scan := 0, 0 // the line in progress starts at start; no '\n' before scan
	for {
		for {
			i := bytes.IndexByte(b.buf[scan:], '\n')
			if i < 0 {
				break
			}
			end := scan + i
			rd.add(b, start, end, maxLine)
			start, scan = end+1, end+1
		}
		scan = len(b.buf)
		if rd.skip || len(b.buf)-start > maxLine {
			rd.skip = true
			b.buf, scan = b.buf[:start], start
		}
		if rd.eof {
			if rd.skip || len(b.buf) > start {
				rd.add(b, start, len(b.buf), maxLine)
			}
			return true
		}
		if start >= size {
			rd.carry = append(rd.carry, b.buf[start:]...)
			b.buf = b.buf[:start]
			return false
		}
		if cap(b.buf)-len(b.buf) < minRead {
			b.buf = slices.Grow(b.buf, max(minRead, size/4))
		}
		n, err := rd.r.Read(b.buf[len(b.buf):cap(b.buf)])
		b.buf = b.buf[:len(b.buf)+n]
		if err == io.EOF {
			rd.eof = true
		} else if err != nil {
			rd.err = err
			b.buf = b.buf[:start]
			return true
		}
	}
}

// add records the line b.buf[start:end] (without its '\n').
func (rd *lineReader) add(b *batch, start, end, maxLine int) {
	rd.num++
	li := lineInfo{num: rd.num, data: [2]int{start, end}}
	if rd.skip || end-start > maxLine {
		li.data, li.err = [2]int{start, -1}, ErrLineTooLong
		rd.skip = false
	}
	b.lines = append(b.lines, li)
}

// match evaluates every line of the batch.
func (b *batch) match(p *eval.Program) {
	for i := range b.lines {
		l := &b.lines[i]
		if l.data[1] < 0 {
			continue
		}
		data := b.buf[l.data[0]:l.data[1]]
		if len(bytes.TrimSpace(data)) == 0 {
			l.blank = true
			continue
		}
		l.match, l.err = p.MatchJSON(data)
	}
}
