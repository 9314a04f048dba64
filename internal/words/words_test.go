package words_test

import (
	"fmt"
	"testing"

	"github.com/katafilter/katafilter/internal/words"
	"github.com/katafilter/katafilter/lang/diag"
)

func TestPlural(t *testing.T) {
	tests := []struct {
		n    int
		noun string
		want string
	}{
		{0, "error", "0 errors"},
		{1, "error", "1 error"},
		{2, "filter", "2 filters"},
		{1, "info", "1 info"},
		{3, "info", "3 infos"},
	}
	for _, tt := range tests {
		if got := words.Plural(tt.n, tt.noun); got != tt.want {
			t.Errorf("Plural(%d, %q) = %q, want %q", tt.n, tt.noun, got, tt.want)
		}
	}
}

func TestCounts(t *testing.T) {
	d := func(s diag.Severity) diag.Diagnostic { return diag.Diagnostic{Severity: s} }
	tests := []struct {
		list diag.List
		want string
	}{
		{nil, "0 errors, 0 warnings"},
		{diag.List{d(diag.Error)}, "1 error, 0 warnings"},
		{diag.List{d(diag.Warning), d(diag.Warning), d(diag.Error)}, "1 error, 2 warnings"},
		{diag.List{d(diag.Info)}, "0 errors, 0 warnings, 1 info"},
	}
	for _, tt := range tests {
		if got := words.Counts(tt.list.Count); got != tt.want {
			t.Errorf("Counts(%v) = %q, want %q", tt.list, got, tt.want)
		}
	}
}

func TestSummary(t *testing.T) {
	l := diag.List{{Severity: diag.Error}}
	if got, want := words.Summary(l.Count, 2, 5), "1 error, 0 warnings in 2 files (5 filters)"; got != want {
		t.Errorf("Summary(files) = %q, want %q", got, want)
	}
	if got, want := words.Summary(l.Count, -1, 1), "1 error, 0 warnings in 1 filter"; got != want {
		t.Errorf("Summary(-e) = %q, want %q", got, want)
	}
}

func ExampleCounts() {
	l := diag.List{{Severity: diag.Error}, {Severity: diag.Warning}, {Severity: diag.Warning}}
	fmt.Println(words.Counts(l.Count) + " in " + words.Plural(3, "filter"))
	// Output: 1 error, 2 warnings in 3 filters
}
