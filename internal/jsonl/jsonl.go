// Package jsonl reads events as JSON lines: one JSON object a line, from a file or standard
// input, plain or gzip-compressed (recognised by its magic bytes, whatever the file is called).
//
// A [Reader] hands back each well-formed event with its line number. A malformed line (not
// one JSON object, or longer than the limit) is skipped and counted, and reported as a
// [LineError] that prints as "file:line: message"; a strict reader stops at it instead. Lines
// of any length up to the limit are read without memory growing with the input. Blank lines
// are ignored, and a UTF-8 byte order mark at the start is dropped.
//
// Every reader of events in the project uses it: eval's neighbours in cmd/katafilter (bench,
// repl, archive), the events API server's ingest endpoint and --events files, and the
// benchmark workload.
package jsonl

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
)

// DefaultMaxLine is the limit on the length of one line when [Options.MaxLine] is zero.
const DefaultMaxLine = 64 << 20

// StdinName is the name of standard input in messages ("-" as a file argument of [Open]).
const StdinName = "<stdin>"

// ErrLineTooLong is the error of a [LineError] for a line longer than the limit.
var ErrLineTooLong = errors.New("line too long")

// Options configure a [Reader]. The zero value skips malformed lines silently (they are
// still counted) and uses [DefaultMaxLine].
type Options struct {
	// MaxLine is the longest line accepted, in bytes, without its newline; 0 means
	// DefaultMaxLine. A longer line is malformed; its bytes are dropped as they are read.
	MaxLine int
	// Strict makes the first malformed line end the reading: Next returns false and Err
	// returns its *LineError.
	Strict bool
	// Malformed, when set, is called with each malformed line that is skipped.
	Malformed func(*LineError)
	// Check, when set, replaces the reader's own test that a line (not blank, without
	// surrounding blanks, starting with "{") is one JSON object: a caller that decodes every
	// event passes its decoder, so that each line is parsed once, and a line it refuses is
	// malformed with its error as the message.
	Check func(line []byte) error
}

// LineError is a malformed line. It prints as "name:line: message".
type LineError struct {
	Name string // the input's name: the file argument, or StdinName
	Line int    // 1-based
	Err  error  // ErrLineTooLong, or what is wrong with the JSON
	max  int
}

func (e *LineError) Error() string {
	if errors.Is(e.Err, ErrLineTooLong) {
		return fmt.Sprintf("%s:%d: line longer than %d bytes", e.Name, e.Line, e.max)
	}
	return fmt.Sprintf("%s:%d: %v", e.Name, e.Line, e.Err)
}

func (e *LineError) Unwrap() error { return e.Err }

// Reader reads events from JSON lines. Call [Reader.Next] until it returns false, then
// [Reader.Err].
type Reader struct {
	name    string
	src     io.Reader
	closers []func() error
	opt     Options
	lines   *lineReader // nil until the first Next, which detects gzip
	event   []byte
	num     int
	count   int
	skipped int
	err     error
}

// NewReader returns a reader of the JSON lines of r; name is shown in messages. Nothing is read
// before the first call of Next.
func NewReader(r io.Reader, name string, opt Options) *Reader {
	if opt.MaxLine <= 0 {
		opt.MaxLine = DefaultMaxLine
	}
	return &Reader{name: name, src: r, opt: opt}
}

// Open returns a reader of the file arg, or of stdin when arg is "-" (named [StdinName] in
// messages). Its error is an *os.PathError; a directory is refused. Close the reader when done.
func Open(arg string, stdin io.Reader, opt Options) (*Reader, error) {
	if arg == "-" {
		return NewReader(stdin, StdinName, opt), nil
	}
	f, err := openFile(arg)
	if err != nil {
		return nil, err
	}
	r := NewReader(f, arg, opt)
	r.closers = append(r.closers, f.Close)
	return r, nil
}

// Close releases the file that Open opened, and the gzip decompressor. It does not close the
// io.Reader given to NewReader.
func (r *Reader) Close() error {
	var err error
	for i := len(r.closers) - 1; i >= 0; i-- {
		err = errors.Join(err, r.closers[i]())
	}
	r.closers = nil
	return err
}

// Next advances to the next well-formed event, skipping blank and malformed lines, and
// reports whether there is one.
func (r *Reader) Next() bool {
	r.event = nil
	if r.err != nil {
		return false
	}
	if r.lines == nil && !r.start() {
		return false
	}
	for {
		line, err := r.lines.next()
		r.num = r.lines.line
		switch {
		case err == io.EOF:
			return false
		case errors.Is(err, ErrLineTooLong):
			if !r.malformed(ErrLineTooLong) {
				return false
			}
			continue
		case err != nil:
			r.err = fmt.Errorf("%s: after line %d: %w", r.name, r.lines.line, err)
			return false
		}
		body := bytes.TrimSpace(line)
		if len(body) == 0 {
			continue
		}
		if err := r.check(body); err != nil {
			if !r.malformed(err) {
				return false
			}
			continue
		}
		r.event = body
		r.count++
		return true
	}
}

// start detects gzip and a byte order mark; it reports whether reading can go on.
func (r *Reader) start() bool {
	br, closeFn, err := text(r.src)
	if err != nil {
		r.err = fmt.Errorf("%s: %w", r.name, err)
		return false
	}
	r.closers = append(r.closers, closeFn)
	r.lines = newLineReader(br, r.opt.MaxLine)
	return true
}

// text returns the text of r: decompressed when it starts with gzip's magic bytes, without a
// UTF-8 byte order mark (PowerShell's Out-File writes one). closeFn releases the decompressor.
func text(r io.Reader) (br *bufio.Reader, closeFn func() error, err error) {
	br = bufio.NewReaderSize(r, 256<<10)
	closeFn = func() error { return nil }
	if magic, _ := br.Peek(2); len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "gzip: ") {
				err = fmt.Errorf("gzip: %w", err) // io.ErrUnexpectedEOF of a truncated header
			}
			return nil, nil, err
		}
		closeFn = zr.Close
		br = bufio.NewReaderSize(zr, 256<<10)
	}
	if b, _ := br.Peek(3); string(b) == "\ufeff" {
		br.Discard(3)
	}
	return br, closeFn, nil
}

// OpenText returns the text of the file arg, or of stdin when arg is "-": decompressed when
// gzip-compressed, without a byte order mark, for a caller that splits the lines itself (eval
// hands them to lang/stream). Its error is an *os.PathError, or the gzip header's. Closing it
// closes the file.
func OpenText(arg string, stdin io.Reader) (io.ReadCloser, error) {
	src, closeFile := stdin, func() error { return nil }
	if arg != "-" {
		f, err := openFile(arg)
		if err != nil {
			return nil, err
		}
		src, closeFile = f, f.Close
	}
	br, closeZ, err := text(src)
	if err != nil {
		closeFile()
		return nil, err
	}
	return textCloser{br, func() error { return errors.Join(closeZ(), closeFile()) }}, nil
}

type textCloser struct {
	*bufio.Reader
	close func() error
}

func (t textCloser) Close() error { return t.close() }

// openFile opens a file for reading, refusing a directory.
func openFile(path string) (*os.File, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	if st, err := f.Stat(); err == nil && st.IsDir() {
		f.Close()
		return nil, &os.PathError{Op: "read", Path: path, Err: errors.New("is a directory")}
	}
	return f, nil
}

// malformed counts and reports a malformed line; it reports whether reading goes on.
func (r *Reader) malformed(err error) bool {
	le := &LineError{Name: r.name, Line: r.num, Err: err, max: r.opt.MaxLine}
	if r.opt.Strict {
		r.err = le
		return false
	}
	r.skipped++
	if r.opt.Malformed != nil {
		r.opt.Malformed(le)
	}
	return true
}

// Event returns the current event: the line without surrounding blanks, one JSON object. It is
// valid until the next call of Next.
func (r *Reader) Event() []byte { return r.event }

// Line returns the 1-based number of the current event's line (after Next returned false, of
// the last line read).
func (r *Reader) Line() int { return r.num }

// Count returns how many events Next has handed back.
func (r *Reader) Count() int { return r.count }

// Skipped returns how many malformed lines were skipped.
func (r *Reader) Skipped() int { return r.skipped }

// Err returns the error that ended the reading: nil at the end of the input, a *LineError
// for a strict reader's malformed line, or a problem reading or decompressing the input
// (its message names the input and the last line read).
func (r *Reader) Err() error { return r.err }

// ReadAll reads every event of r into memory, each in its own copy, with the reader's
// options; a malformed line is an error when opt.Strict is set and skipped otherwise.
func ReadAll(r io.Reader, name string, opt Options) ([][]byte, error) {
	jr := NewReader(r, name, opt)
	defer jr.Close()
	var out [][]byte
	for jr.Next() {
		out = append(out, bytes.Clone(jr.Event()))
	}
	return out, jr.Err()
}

// check reports what keeps b (not blank, without surrounding blanks) from being an event.
func (r *Reader) check(b []byte) error {
	if b[0] != '{' {
		return errors.New("not a JSON object")
	}
	if r.opt.Check != nil {
		return r.opt.Check(b)
	}
	return CheckObject(b)
}

// CheckObject reports what keeps b, which starts with "{", from being one JSON object, worded
// as the reader words a malformed line: a caller that passes its own Check and reads the
// lines later words the ones it refuses with it.
func CheckObject(b []byte) error {
	if json.Valid(b) {
		return nil
	}
	var v json.RawMessage
	err := json.Unmarshal(b, &v)
	if err == nil { // json.Valid refuses, Unmarshal accepts: should not happen
		return errors.New("malformed JSON")
	}
	return fmt.Errorf("malformed JSON: %s", strings.TrimPrefix(err.Error(), "json: "))
}
