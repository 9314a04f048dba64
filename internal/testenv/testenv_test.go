package testenv

import (
	"strings"
	"testing"
)

// recorder is a testing.TB that records how the test was stopped.
type recorder struct {
	testing.TB
	skipped, failed string
}

func (r *recorder) Helper()                   {}
func (r *recorder) Skip(args ...any)          { r.skipped = strings.TrimSpace(sprint(args...)) }
func (r *recorder) Fatalf(f string, a ...any) { r.failed = sprintf(f, a...) }

func TestMissing(t *testing.T) {
	for _, tc := range []struct {
		ci         string
		skip, fail bool
	}{
		{ci: "", skip: true},
		{ci: "1", fail: true},
		{ci: "true", fail: true},
	} {
		t.Setenv("CI", tc.ci)
		r := &recorder{TB: t}
		Missing(r, "psql is %s", "absent")
		if (r.skipped != "") != tc.skip || (r.failed != "") != tc.fail {
			t.Errorf("CI=%q: skipped %q, failed %q", tc.ci, r.skipped, r.failed)
		}
		if got := r.skipped + r.failed; !strings.Contains(got, "psql is absent") {
			t.Errorf("CI=%q: message %q does not say what is missing", tc.ci, got)
		}
	}
}
