package testenv

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
)

// katafilterPkg is the import path of the command the end-to-end tests start.
const katafilterPkg = "github.com/katafilter/katafilter/cmd/katafilter"

// BuildKatafilter builds the katafilter command into dir and returns its path.
func BuildKatafilter(t testing.TB, dir string) string {
	t.Helper()
	bin := filepath.Join(dir, "katafilter")
	if out, err := exec.Command("go", "build", "-o", bin, katafilterPkg).CombinedOutput(); err != nil {
		t.Fatalf("go build %s: %v\n%s", katafilterPkg, err, out)
	}
	return bin
}

// The binary [Katafilter] builds, once for all the tests of a test binary.
var (
	shared    sync.Once
	sharedDir string
	sharedBin string
	sharedErr error
)

// Katafilter builds the katafilter command once for all the tests of this test binary and
// returns its path. The test binary's TestMain calls [RemoveKatafilter] after m.Run.
func Katafilter(t testing.TB) string {
	t.Helper()
	shared.Do(func() {
		if sharedDir, sharedErr = os.MkdirTemp("", "katafilter-test-bin-"); sharedErr != nil {
			return
		}
		sharedBin = filepath.Join(sharedDir, "katafilter")
		if out, err := exec.Command("go", "build", "-o", sharedBin, katafilterPkg).CombinedOutput(); err != nil {
			sharedErr = fmt.Errorf("go build %s: %v\n%s", katafilterPkg, err, out)
		}
	})
	if sharedErr != nil {
		t.Fatal(sharedErr)
	}
	return sharedBin
}

// RemoveKatafilter removes the binary [Katafilter] built, if it built one.
func RemoveKatafilter() {
	if sharedDir != "" {
		os.RemoveAll(sharedDir)
	}
}
