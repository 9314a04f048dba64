package repl

import (
	"context"
	"errors"
	"io"
	"strings"
	"testing"
)

// TestRunPipedEndsWithContext checks that RunPiped returns when its context ends while it
// waits for input that does not come (a pipe kept open by the writer).
func TestRunPipedEndsWithContext(t *testing.T) {
	var out, errs strings.Builder
	s := New(Options{Backend: NewMemoryBackend("no events", nil), Out: &out, Err: &errs})
	pr, pw := io.Pipe()
	defer pw.Close()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := RunPiped(ctx, s, pr, "<stdin>")
		done <- err
	}()
	if _, err := pw.Write([]byte(".limit 3\n")); err != nil { // once read, RunPiped waits for more
		t.Fatal(err)
	}
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Errorf("RunPiped returned %v, want context.Canceled", err)
	}
}
