package main

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"

	"github.com/katafilter/katafilter/lang/kfl"
)

// Names shown in messages for text that does not come from a named file.
const (
	filterName = "<filter>" // the filter given with -e
	stdinName  = "<stdin>"  // "-" as a file argument
)

// displayName is the name of a file argument in messages.
func displayName(arg string) string {
	if arg == "-" {
		return stdinName
	}
	return arg
}

// onceString is a string flag that may be given only once, so that a second -e is reported
// instead of silently replacing the first.
type onceString struct {
	value string
	set   bool
}

func (o *onceString) String() string { return o.value }

func (o *onceString) Set(s string) error {
	if o.set {
		return errors.New("given more than once")
	}
	o.value, o.set = s, true
	return nil
}

// addFilterFlag declares the -e flag of the subcommands that take a filter on the command line.
func addFilterFlag(fs *flag.FlagSet, usage string) *onceString {
	o := &onceString{}
	fs.Var(o, "e", usage)
	return o
}

// usageError reports a usage problem the way the flag package does and returns exit status 2.
func usageError(env *cmdEnv, name, format string, args ...any) int {
	fmt.Fprintf(env.stderr, "katafilter %s: %s\n", name, fmt.Sprintf(format, args...))
	fmt.Fprintf(env.stderr, "Run \"katafilter %s --help\" for usage.\n", name)
	return 2
}

// parseArgs parses flags and positional arguments in any order ("check a.kfl --strict" works
// too); "--" ends the flags. It returns the positional arguments, or the exit status to stop
// with and false.
func parseArgs(env *cmdEnv, fs *flag.FlagSet, args []string) ([]string, int, bool) {
	var after []string
	if i := slices.Index(args, "--"); i >= 0 {
		args, after = args[:i], args[i+1:]
	}
	if code, ok := parseFlags(env, fs, args); !ok {
		return nil, code, false
	}
	var pos []string
	for fs.NArg() > 0 {
		rest := fs.Args()
		pos = append(pos, rest[0])
		if err := fs.Parse(rest[1:]); err != nil {
			return nil, 2, false
		}
	}
	return append(pos, after...), 0, true
}

// readSource returns the text of a filter file argument: "-" reads standard input.
func readSource(env *cmdEnv, arg string) (string, error) {
	if arg == "-" {
		b, err := io.ReadAll(env.stdin)
		return string(b), err
	}
	b, err := os.ReadFile(arg)
	return string(b), err
}

// source is a text holding filters: a filter file, or the -e filter.
type source struct {
	name    string      // shown in messages
	arg     string      // the file argument ("-" for stdin), empty for -e
	text    string      // the whole text, to which the entries' offsets refer
	entries []kfl.Entry // the filters in text
}

// filterSource wraps the -e filter as a source of one filter.
func filterSource(filter string) *source {
	return &source{name: filterName, text: filter, entries: []kfl.Entry{{Text: filter, Offset: 0, Line: 1}}}
}

// fileSource reads a filter file (of any extension: every file is read as a .kfl file).
func fileSource(env *cmdEnv, arg string) (*source, error) {
	text, err := readSource(env, arg)
	if err != nil {
		return nil, err
	}
	return &source{name: displayName(arg), arg: arg, text: text, entries: kfl.Split(text)}, nil
}

// readSources returns the -e filter, when set, and the filter files named by files, in that
// order. A file that cannot be read is reported on stderr as "katafilter NAME: FILE: problem"
// and left out; ok is then false.
func readSources(env *cmdEnv, name string, filter *onceString, files []string) (sources []*source, ok bool) {
	ok = true
	if filter.set {
		sources = append(sources, filterSource(filter.value))
	}
	for _, arg := range files {
		src, err := fileSource(env, arg)
		if err != nil {
			fmt.Fprintf(env.stderr, "katafilter %s: %s: %v\n", name, displayName(arg), unwrapPath(err))
			ok = false
			continue
		}
		sources = append(sources, src)
	}
	return sources, ok
}

// openEvents opens a file of JSON lines; "-" is standard input. Gzip-compressed input is
// recognised by its magic bytes, whatever the file is called.
func openEvents(env *cmdEnv, arg string) (io.Reader, func() error, error) {
	var r io.Reader
	closeFn := func() error { return nil }
	if arg == "-" {
		r = env.stdin
	} else {
		f, err := os.Open(arg)
		if err != nil {
			return nil, nil, err
		}
		if st, err := f.Stat(); err == nil && st.IsDir() {
			f.Close()
			return nil, nil, &os.PathError{Op: "read", Path: arg, Err: errors.New("is a directory")}
		}
		r, closeFn = f, f.Close
	}
	br := bufio.NewReaderSize(r, 256<<10)
	if magic, _ := br.Peek(2); len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			closeFn()
			return nil, nil, fmt.Errorf("gzip: %w", err)
		}
		inner := closeFn
		closeFn = func() error { zr.Close(); return inner() }
		return skipBOM(bufio.NewReaderSize(zr, 256<<10)), closeFn, nil
	}
	return skipBOM(br), closeFn, nil
}

// skipBOM drops a UTF-8 byte order mark at the start of r (PowerShell's Out-File writes one),
// which would otherwise make the first event "not a JSON object".
func skipBOM(r *bufio.Reader) *bufio.Reader {
	if b, _ := r.Peek(3); string(b) == "\ufeff" {
		r.Discard(3)
	}
	return r
}

// eachEvent reads the file argument arg as JSON lines and calls visit with the 1-based number
// of each line that is not blank and the line, or with a problem when the line cannot be an
// event: longer than maxLine bytes (line is then nil), or not starting with "{". The line is valid until visit
// returns; visit returns false to stop. The error is one of opening or reading the file,
// without the file's name.
func eachEvent(env *cmdEnv, arg string, maxLine int, visit func(n int, line []byte, problem string) bool) error {
	r, closeFn, err := openEvents(env, arg)
	if err != nil {
		return unwrapPath(err)
	}
	defer closeFn()
	lr := newLineReader(r, maxLine)
	for {
		line, err := lr.next()
		switch {
		case err == io.EOF:
			return nil
		case errors.Is(err, errLineTooLong):
			if !visit(lr.line, nil, fmt.Sprintf("line longer than %d bytes", maxLine)) {
				return nil
			}
			continue
		case err != nil:
			return fmt.Errorf("after line %d: %w", lr.line, err)
		}
		body := bytes.TrimSpace(line)
		if len(body) == 0 {
			continue
		}
		problem := ""
		if body[0] != '{' {
			problem = "not a JSON object"
		}
		if !visit(lr.line, line, problem) {
			return nil
		}
	}
}

// errLineTooLong is reported for a line longer than the reader's limit.
var errLineTooLong = errors.New("line too long")

// lineReader reads lines of any length up to a limit, without letting memory grow with the
// input: the buffer grows to the longest line read (at most the limit), and a longer line is
// skipped and reported as [errLineTooLong] so that reading goes on with the next one.
type lineReader struct {
	r    *bufio.Reader
	max  int
	buf  []byte
	line int // the 1-based number of the line last returned
}

func newLineReader(r io.Reader, max int) *lineReader {
	br, ok := r.(*bufio.Reader)
	if !ok {
		br = bufio.NewReaderSize(r, 256<<10)
	}
	return &lineReader{r: br, max: max}
}

// next returns the next line without its "\n" (a "\r" before it is kept). The slice is valid
// until the following call. At the end of the input it returns io.EOF; a read error is returned
// as is; a line over the limit returns errLineTooLong, and the reader is then at the next line.
func (lr *lineReader) next() ([]byte, error) {
	frag, err := lr.r.ReadSlice('\n')
	if err == nil || (err == io.EOF && len(frag) > 0) {
		lr.line++
		line := bytes.TrimSuffix(frag, []byte{'\n'}) // a last line may have no "\n"
		if len(line) > lr.max {
			return nil, errLineTooLong
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
		return nil, errLineTooLong
	}
	line := lr.buf
	if n := len(line); n > 0 && line[n-1] == '\n' {
		line = line[:n-1]
	}
	if len(line) > lr.max {
		lr.shrink()
		return nil, errLineTooLong
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

// unwrapPath drops the operation and path of an *os.PathError, which the message already names.
func unwrapPath(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
