//go:build linux || darwin

package lint

import (
	"path/filepath"
	"syscall"
	"testing"
)

// TestRunNamedFIFO: a named pipe named on the command line is refused at once; reading it
// would wait for a writer for ever. In a walk it is skipped.
func TestRunNamedFIFO(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "pipe.kfl")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	_, err := Run(Options{Paths: []string{fifo}, BaseDir: dir})
	if err == nil || err.Error() != fifo+": not a regular file or a directory" {
		t.Errorf("named fifo: err = %v", err)
	}
	res, err := Run(Options{Paths: []string{dir}, BaseDir: dir})
	if err != nil || len(res.Files) != 0 {
		t.Errorf("walk: %v, %d files", err, len(res.Files))
	}
}
