package lint

import (
	"testing"

	"github.com/katafilter/katafilter/rulefile"
)

// FuzzFix checks that fixing the filters of any YAML, JSON or .kfl text never panics.
func FuzzFix(f *testing.F) {
	// Filters with safe fixes, in each scalar style (the corpus in testdata adds more).
	for _, s := range []string{
		"filter: eventType=='x'\n", "filter: |\n  filename == 'a'\n    AND x = 1\n", "filter: >-\n  a && b\n\n  c\n",
		"filter: 'FileName == \"a\"'\n", "- {filter: [FileName == 'a\\d']}\n", `{"filter": "eventType == 1"}`, "eventType == 1\n  OR x = 2\n",
	} {
		f.Add(s)
	}
	cfg, err := rulefile.NewChecker(rulefile.DefaultConfig("."))
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, src string) {
		for _, k := range []rulefile.Kind{rulefile.YAML, rulefile.JSON, rulefile.KFL} {
			fixFile(src, k, cfg)
		}
	})
}
