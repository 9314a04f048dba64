package lint

import (
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/katafilter/katafilter/lang"
	"github.com/katafilter/katafilter/lang/diag"
	"github.com/katafilter/katafilter/lang/eval"
)

// The property that makes --fix safe to run unattended (and the katafilter-lint-fix
// pre-commit hook safe to install): a fix never changes what a rule matches. Filters are
// generated as their authors meant them, then written with the mistakes authors make
// (single backslashes in paths, = for ==, && for AND, field names in the wrong case, double
// quotes, duplicates in an in list). Whatever --fix makes of such a text, if the result is clean
// it must match exactly the events the intended filter matches, on sample events built from
// the filters' own constants. A mistake whose intent is uncertain ('C:\Windows\*': the folder
// followed by anything, or the literal name "Windows*"?) must be left as an error.

var fixFields = []string{"FileName", "FileFullName", "UserName", "HostName", "StartupParameters"}

var fixValues = []string{
	`'C:\\Windows\\*'`, `'C:\\Windows\\System32\\cmd.exe'`, `'cmd.exe'`, `'*.exe'`,
	`'NT AUTHORITY\\SYSTEM'`, `'C:\\Users\\*\\AppData\\?'`, `'powershell*'`, `'C:\\Temp\\\*'`,
	`'\\\\server\\share\\*'`, `'a\'b'`, `'WS-*'`,
}

// fixSampleStrings are field values of the sample events: the decoded forms of the constants
// and the near misses that tell their readings apart.
var fixSampleStrings = []string{
	`C:\Windows\cmd.exe`, `C:\Windows*`, `C:\Windows\*`, `C:\Windows\System32\cmd.exe`, `C:\WindowsX`,
	`cmd.exe`, `CMD.EXE`, `x.exe`, `NT AUTHORITY\SYSTEM`, `C:\Users\bob\AppData\x`,
	`C:\Users\bob\AppDataX`, `powershell.exe`, `C:\Temp\*`, `C:\Temp\x`, `\\server\share\x`,
	`a'b`, `WS-1`, ``,
}

func genIntended(r *rand.Rand, depth int) string {
	if depth > 0 && r.IntN(3) == 0 {
		op := []string{" AND ", " OR "}[r.IntN(2)]
		x := genIntended(r, depth-1) + op + genIntended(r, depth-1)
		if r.IntN(2) == 0 {
			x = "(" + x + ")"
		}
		if r.IntN(4) == 0 {
			x = "NOT (" + x + ")"
		}
		return x
	}
	f := fixFields[r.IntN(len(fixFields))]
	v := fixValues[r.IntN(len(fixValues))]
	switch r.IntN(4) {
	case 0:
		return f + " != " + v
	case 1:
		w := fixValues[r.IntN(len(fixValues))]
		return f + " in (" + v + ", " + w + ", " + v + ")"
	}
	return f + " == " + v
}

// mistake writes intended the way a hurried author might.
func mistake(r *rand.Rand, s string) string {
	if r.IntN(2) == 0 {
		s = strings.Replace(s, " == ", " = ", 1)
	}
	if r.IntN(3) == 0 {
		s = strings.ReplaceAll(s, " AND ", " && ")
	}
	if r.IntN(3) == 0 {
		s = strings.ReplaceAll(s, " OR ", " || ")
	}
	if r.IntN(2) == 0 {
		f := fixFields[r.IntN(len(fixFields))]
		s = strings.ReplaceAll(s, f, strings.ToLower(f))
	}
	if r.IntN(2) == 0 {
		// Single backslashes: every \\ becomes \ (which may turn \\* into \*).
		s = strings.ReplaceAll(s, `\\`, `\`)
	}
	if r.IntN(4) == 0 {
		s = strings.ReplaceAll(s, "'cmd.exe'", `"cmd.exe"`)
	}
	return s
}

func sampleEvents(r *rand.Rand, n int) []map[string]any {
	evs := make([]map[string]any, n)
	for i := range evs {
		ev := map[string]any{"EventType": "process"}
		for _, f := range fixFields {
			if r.IntN(4) != 0 {
				ev[f] = fixSampleStrings[r.IntN(len(fixSampleStrings))]
			}
		}
		evs[i] = ev
	}
	return evs
}

func matches(p *eval.Program, evs []map[string]any) string {
	var b strings.Builder
	for _, ev := range evs {
		if p.Match(ev) {
			b.WriteByte('1')
		} else {
			b.WriteByte('0')
		}
	}
	return b.String()
}

func TestFixKeepsIntent(t *testing.T) {
	r := rand.New(rand.NewPCG(14, 1))
	cfg := lang.Config{}
	repaired, left := 0, 0
	for i := range 1500 {
		intended := "EventType == 'process' AND (" + genIntended(r, 3) + ")"
		want, diags := lang.Compile(intended, cfg)
		if want == nil {
			t.Fatalf("generated filter %q has errors: %v", intended, diags)
		}
		written := mistake(r, intended)
		body, trailing := fixText(written, cfg, nil)
		fixed := body + trailing
		got, _ := lang.Compile(fixed, cfg)
		if got == nil {
			left++
			continue
		}
		repaired++
		evs := sampleEvents(r, 200)
		if w, g := matches(want, evs), matches(got, evs); w != g {
			t.Errorf("#%d: --fix changed what the rule matches\nmeant:   %s\nwritten: %s\nfixed:   %s", i, intended, written, fixed)
		}
	}
	t.Logf("%d written filters repaired and checked, %d left with errors", repaired, left)
	if repaired < 500 || left < 50 {
		t.Errorf("the generator covers too little: %d repaired, %d left", repaired, left)
	}
}

// TestSafeFixKeepsMatches holds each fix marked safe, one at a time, to the evaluator: the
// filter as the checker reads it (bad escapes are a literal backslash, a field in the wrong
// case is the field) matches the same sample events before and after.
func TestSafeFixKeepsMatches(t *testing.T) {
	r := rand.New(rand.NewPCG(14, 2))
	cfg := lang.Config{}
	tried := 0
	for range 1500 {
		written := mistake(r, "EventType == 'process' AND ("+genIntended(r, 3)+")")
		f := lang.Analyze(written, cfg)
		if f.Expr == nil {
			continue
		}
		before, err := eval.Compile(f.Expr, f.Info, eval.Options{})
		if err != nil {
			continue
		}
		evs := sampleEvents(r, 100)
		for _, d := range f.Diagnostics {
			for _, fx := range d.Fixes {
				if !fx.Safe {
					continue
				}
				text, err := diag.ApplyEdits(written, fx.Edits)
				if err != nil {
					t.Fatal(err)
				}
				g := lang.Analyze(text, cfg)
				if g.Expr == nil {
					t.Errorf("safe fix %q of %s breaks the filter: %s", fx.Title, written, text)
					continue
				}
				after, err := eval.Compile(g.Expr, g.Info, eval.Options{})
				if err != nil {
					t.Fatal(err)
				}
				tried++
				if matches(before, evs) != matches(after, evs) {
					t.Errorf("safe fix %q (%s) changes what %s matches: %s", fx.Title, d.Code, written, text)
				}
			}
		}
	}
	if tried < 300 {
		t.Errorf("only %d safe fixes tried", tried)
	}
}

func TestFixLeavesAmbiguousPathStar(t *testing.T) {
	for _, in := range []string{
		`EventType == 'process' AND FileFullName == 'C:\Windows\*'`,
		`EventType == 'process' AND FileFullName == 'C:\Windows\System32\?md.exe'`,
		`EventType == 'process' AND FileFullName == 'C:\\Windows\*'`,
	} {
		body, _ := fixText(in, lang.Config{}, nil)
		if body != in {
			t.Errorf("fixText(%s) = %s, want it unchanged", in, body)
		}
	}
	// Without an escaped wildcard the backslashes are fixed.
	in := `EventType == 'process' AND FileFullName == 'C:\Windows\cmd.exe'`
	if body, _ := fixText(in, lang.Config{}, nil); body != `EventType == 'process' AND FileFullName == 'C:\\Windows\\cmd.exe'` {
		t.Errorf("fixText(%s) = %s", in, body)
	}
}
