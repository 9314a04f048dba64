package rulefile_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/katafilter/katafilter/rulefile"
)

// TestLoadConfigErrors: a bad configuration is reported as file:line:col: message, in the
// terms of the file; a byte order mark is not part of the first key.
func TestLoadConfigErrors(t *testing.T) {
	tests := []struct{ yaml, want string }{
		{"kees: [filter]\n", `:1:1: unknown field "kees"`},
		{"strict: maybe\n", `:1:9: strict must be true or false`},
		{"ignore-case: 1\n", `:1:14: ignore-case must be true or false`},
		{"keys: [a, [b]]\n", `:1:11: keys must be a list of strings`},
		{"a: [\n", `:1:4: sequence end token ']' not found`},
		{"severity:\n  KF0500: fatal\n", `: severity of KF0500: "fatal" is not off, warning or error`},
		{"\ufeffseverity:\n  KF0500: error\n", ""},
	}
	dir := t.TempDir()
	for _, tt := range tests {
		file := filepath.Join(dir, rulefile.ConfigName)
		if err := os.WriteFile(file, []byte(tt.yaml), 0o644); err != nil {
			t.Fatal(err)
		}
		_, err := rulefile.LoadConfig(file)
		got := ""
		if err != nil {
			got = strings.TrimPrefix(err.Error(), file)
		}
		if got != tt.want {
			t.Errorf("%q: got %q, want %q", tt.yaml, got, tt.want)
		}
	}
}
