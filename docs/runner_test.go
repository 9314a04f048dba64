package docs

import (
	"fmt"
	"strings"
	"testing"
)

// runDoc runs the blocks of a Markdown text as TestDocs does and returns what it reported.
func runDoc(t *testing.T, doc string) []string {
	blocks, err := parseBlocks(doc)
	if err != nil {
		t.Fatal(err)
	}
	var errs []string
	r := &runner{t: t, dir: t.TempDir(), doc: "test.md", errorf: func(f string, a ...any) { errs = append(errs, fmt.Sprintf(f, a...)) }}
	defer r.stopAll()
	for _, b := range blocks {
		r.run(b)
	}
	return errs
}

// TestRunnerCatchesDrift checks that a transcript whose shown output is not the program's
// fails, as docs/events-api.md's "did you mean EventType or LinuxEventType?" should have,
// while the true output, files, not-run blocks and "..." pass.
func TestRunnerCatchesDrift(t *testing.T) {
	const drifted = "```\n$ katafilter check -e \"EventTyp == 'process'\"\n" +
		"<filter>:1:1: error[KF0200]: unknown field EventTyp; did you mean EventType or LinuxEventType?\n...\n```\n"
	errs := runDoc(t, drifted)
	if len(errs) != 1 || !strings.Contains(errs[0], "test.md:1: $ katafilter check") {
		t.Errorf("a drifted transcript gave %q, want one error", errs)
	}
	const good = "<!-- file: f.kfl -->\n```\nEventTyp == 'process'\n```\n\n" +
		"<!-- not-run: needs a KATA -->\n```sh\nkatafilter fetch --url https://kata.example:443\n```\n\n" +
		"```\n$ katafilter check f.kfl\n" +
		"f.kfl:1:1: error[KF0200]: unknown field EventTyp; did you mean EventType?\n...\n$ echo $?\n1\n```\n" +
		"```sh\nkatafilter version > v.txt\ngrep -q katafilter v.txt\n```\n"
	if errs := runDoc(t, good); len(errs) > 0 {
		t.Errorf("a true document failed: %q", errs)
	}
	if errs := runDoc(t, "```sh\nfalse\necho unreachable\n```\n"); len(errs) != 1 {
		t.Errorf("a failing shell block gave %q, want one error", errs)
	}
}

func TestParseBlocks(t *testing.T) {
	doc := "text\n<!-- requires: clickhouse curl -->\n```sh\na\n```\n<!-- not-run: x -->\n\n```json\n{}\n```\n<!-- file: a.kfl -->\nprose breaks it\n```\nb\n```\n  ```console\n  $ c\n  out\n  ```\n"
	blocks, err := parseBlocks(doc)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, b := range blocks {
		got = append(got, fmt.Sprintf("%d %s %q file=%q notrun=%q req=%v run=%v", b.line, b.info, b.text, b.file, b.notRun, b.requires, b.runnable()))
	}
	want := []string{
		`3 sh "a\n" file="" notrun="" req=[clickhouse curl] run=true`,
		`8 json "{}\n" file="" notrun="x" req=[] run=false`,
		`13  "b\n" file="" notrun="" req=[] run=false`,
		`16 console "$ c\nout\n" file="" notrun="" req=[] run=true`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if _, err := parseBlocks("<!-- not-run: -->\n```\nx\n```\n"); err == nil {
		t.Error("not-run without a reason was accepted")
	}
}

func TestMatchLines(t *testing.T) {
	for _, tt := range []struct {
		want, got string
		ok        bool
	}{
		{"a\nb", "a\nb", true},
		{"a\n...\nd", "a\nb\nc\nd", true},
		{"a\n...", "a", true},
		{"a\nb", "a\nc", false},
		{"a", "a\nb", false},
	} {
		if matchLines(tt.want, tt.got) != tt.ok {
			t.Errorf("matchLines(%q, %q) = %v", tt.want, tt.got, !tt.ok)
		}
	}
}
