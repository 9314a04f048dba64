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
// error writer. It stops at the end of the input or at .quit and returns the number of inputs
// that failed, so that the caller can set the exit status.
func RunPiped(ctx context.Context, s *Session, r io.Reader) (failed int, err error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), 16<<20)
	var pending []string
	flush := func() error {
		text := strings.Join(pending, "\n")
		pending = nil
		if strings.TrimSpace(text) == "" {
			return nil
		}
		err := s.Execute(ctx, text)
		if err != nil && !errors.Is(err, ErrQuit) {
			failed++
		}
		return err
	}
	for sc.Scan() {
		if ctx.Err() != nil {
			return failed, ctx.Err()
		}
		line := sc.Text()
		if t := strings.TrimSpace(line); len(pending) == 0 && strings.HasPrefix(t, "#") {
			continue // a comment, as in a .kfl file
		}
		if len(pending) > 0 && strings.TrimSpace(line) == "" {
			if errors.Is(flush(), ErrQuit) {
				return failed, nil
			}
			continue
		}
		pending = append(pending, line)
		if NeedsMore(strings.Join(pending, "\n")) {
			continue
		}
		if errors.Is(flush(), ErrQuit) {
			return failed, nil
		}
	}
	if err := sc.Err(); err != nil {
		return failed, fmt.Errorf("reading input: %w", err)
	}
	if errors.Is(flush(), ErrQuit) {
		return failed, nil
	}
	return failed, nil
}
