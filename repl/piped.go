package repl

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
)

// RunPiped runs a session over a script read from r, for use without a terminal: one filter or
// meta-command a line; a filter may go on over the following lines as at the prompt (while
// [NeedsMore] says so; a blank line ends it). Results go to the session's output, errors to its
// error writer, each error with its place in the script, name:line (name is the script's
// name in messages, such as "<stdin>"). It stops at the end of the input or at .quit and
// returns the number of inputs that failed, so that the caller can set the exit status. When
// ctx is done it returns ctx's error at once, even while waiting for input.
func RunPiped(ctx context.Context, s *Session, r io.Reader, name string) (failed int, err error) {
	in := readUntilDone(ctx, r)
	defer in.Close()
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 0, 64<<10), 16<<20)
	var pending []string
	line, first := 0, 0 // the line read last, and the first line of pending
	flush := func() error {
		text := strings.Join(pending, "\n")
		pending = nil
		if strings.TrimSpace(text) == "" {
			return nil
		}
		err := s.ExecuteAt(ctx, text, name, first)
		if err != nil && !errors.Is(err, ErrQuit) {
			failed++
		}
		return err
	}
	for sc.Scan() {
		if ctx.Err() != nil {
			return failed, ctx.Err()
		}
		text := sc.Text()
		line++
		if line == 1 {
			text = strings.TrimPrefix(text, "\ufeff") // a byte order mark
		}
		if t := strings.TrimSpace(text); len(pending) == 0 && strings.HasPrefix(t, "#") {
			continue // a comment, as in a .kfl file
		}
		if len(pending) > 0 && strings.TrimSpace(text) == "" {
			if errors.Is(flush(), ErrQuit) {
				return failed, nil
			}
			continue
		}
		if len(pending) == 0 {
			first = line
		}
		pending = append(pending, text)
		if NeedsMore(strings.Join(pending, "\n")) {
			continue
		}
		if errors.Is(flush(), ErrQuit) {
			return failed, nil
		}
	}
	if ctx.Err() != nil {
		return failed, ctx.Err()
	}
	if err := sc.Err(); err != nil {
		return failed, fmt.Errorf("reading input: %w", err)
	}
	if errors.Is(flush(), ErrQuit) {
		return failed, nil
	}
	return failed, nil
}

// readUntilDone returns a reader of r whose reads end with ctx's error when ctx is done, even
// one blocked on input that has not come (a pipe kept open): reading a file cannot be
// interrupted, so r is copied by a goroutine, which ends at r's end or at its next read after
// the returned reader is closed.
func readUntilDone(ctx context.Context, r io.Reader) io.ReadCloser {
	pr, pw := io.Pipe()
	go func() {
		_, err := io.Copy(pw, r)
		pw.CloseWithError(err)
	}()
	stop := context.AfterFunc(ctx, func() { pw.CloseWithError(ctx.Err()) })
	return &doneReader{PipeReader: pr, stop: stop}
}

type doneReader struct {
	*io.PipeReader
	stop func() bool
}

func (d *doneReader) Close() error {
	d.stop()
	return d.PipeReader.Close()
}
