package lint

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/katafilter/katafilter/rulefile"
)

func TestFixYAML(t *testing.T) {
	tests := []struct {
		name, in, want, note string
	}{
		{"plain", "a: 1 # c\nfilter: eventType=='process'  # keep\nb: 2\n", "a: 1 # c\nfilter: EventType == 'process'  # keep\nb: 2\n", ""},
		{"plain multiline", "filter: eventType == 'process'\n  AND FileName == 'x'\nnext: 1\n", "filter: EventType == 'process' AND FileName == 'x'\nnext: 1\n", ""},
		{"single", "filter: 'eventType == ''process'''\n", "filter: 'EventType == ''process'''\n", ""},
		{"double", `filter: "FileName == 'a\\d' AND eventType == \"x\""` + "\n", `filter: "FileName == 'a\\\\d' AND EventType == 'x'"` + "\n", ""},
		{"literal keeps layout", "filter: |\n  EventType == 'process'\n    AND filename == 'x'\nz: 1\n", "filter: |\n  EventType == 'process'\n    AND FileName == 'x'\nz: 1\n", ""},
		{"literal one line", "filter: |-\n    eventType  ==  'process'\n\nz: 1\n", "filter: |-\n    EventType == 'process'\n\nz: 1\n", ""},
		{"folded", "filter: >\n  eventType == 'process'\n  AND FileName == 'x'\n", "filter: >\n  EventType == 'process' AND FileName == 'x'\n", ""},
		{"flow", "- {filter: eventType == 'process', x: 1}\n", "- {filter: EventType == 'process', x: 1}\n", ""},
		{"list", "filter:\n  - eventType == 'process'\n  - \"EventType  ==  'process'\"\n", "filter:\n  - EventType == 'process'\n  - \"EventType == 'process'\"\n", ""},
		{"literal crlf", "filter: |\r\n  eventType == 1\r\n    AND a == 1\r\nz: 1\r\n", "filter: |\r\n  EventType == 1\r\n    AND a == 1\r\nz: 1\r\n", ""},
		{"clean", "filter: EventType == 'process'\n", "filter: EventType == 'process'\n", ""},
		{"unsafe only", "filter: EventType == 'proces'\n", "filter: EventType == 'proces'\n", ""},
		{"indentation indicator", "filter: |2\n  eventType == 'process'\n", "filter: |2\n  EventType == 'process'\n", ""},
		{"literal blank line with spaces", "filter: |\n  eventType == 1\n     \n  AND a == 1\n", "filter: |\n  EventType == 1\n     \n  AND a == 1\n", ""},
		{"single quoted over lines", "filter: 'eventType == ''process''\n\n  AND FileName == ''x'''\n", "filter: 'eventType == ''process''\n\n  AND FileName == ''x'''\n", "1: fix not applied: a line break cannot be kept"},
	}
	cfg := defaultRunConfig(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, notes, changed := fixFile(tt.in, rulefile.YAML, cfg)
			if got != tt.want {
				t.Errorf("got:\n%s\nwant:\n%s", got, tt.want)
			}
			if changed != (tt.in != tt.want) {
				t.Errorf("changed = %v", changed)
			}
			n := strings.Join(notes, "\n")
			if tt.note == "" && n != "" || !strings.HasPrefix(n, tt.note) {
				t.Errorf("notes %q, want %q", n, tt.note)
			}
		})
	}
}

func TestFixKFLAndJSON(t *testing.T) {
	cfg := defaultRunConfig(t)
	got, _, _ := fixFile("# c\neventType  == 'process'\nEventType == 'process'\n  AND filename == 'x'\n", rulefile.KFL, cfg)
	if want := "# c\nEventType == 'process'\nEventType == 'process'\n  AND FileName == 'x'\n"; got != want {
		t.Errorf("kfl: got %q", got)
	}
	got, _, _ = fixFile(`{"filter": "FileName == 'a\\d'", "x": "eventType == 1"}`, rulefile.JSON, cfg)
	if want := `{"filter": "FileName == 'a\\\\d'", "x": "eventType == 1"}`; got != want {
		t.Errorf("json: got %s", got)
	}
	// A file that does not parse is left alone.
	if got, _, changed := fixFile("filter: [eventType == 'x'\n", rulefile.YAML, cfg); changed || got != "filter: [eventType == 'x'\n" {
		t.Error("changed a broken file")
	}
}

func defaultRunConfig(t *testing.T) *rulefile.Checker {
	t.Helper()
	l := &configLoader{cache: map[string]*rulefile.Checker{}}
	rc, err := l.load(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return rc
}

// TestFixKeepsAcceptedFindings: --fix leaves alone a finding that a suppression with a reason
// accepts, or that the configuration turns off; a suppression without a reason accepts
// nothing, so its filter is fixed.
func TestFixKeepsAcceptedFindings(t *testing.T) {
	cfg := defaultRunConfig(t)
	tests := []struct {
		name    string
		k       rulefile.Kind
		in, out string
	}{
		{"kfl suppressed", rulefile.KFL,
			"# katafilter:ignore KF0402 -- generated\nEventType == 'process' AND FileName in ('a', 'a')\n",
			"# katafilter:ignore KF0402 -- generated\nEventType == 'process' AND FileName in ('a', 'a')\n"},
		{"kfl suppressed, other fix applied", rulefile.KFL,
			"# katafilter:ignore KF0402 -- generated\nEventType == 'process' AND filename in ('a', 'a')\n",
			"# katafilter:ignore KF0402 -- generated\nEventType == 'process' AND FileName in ('a', 'a')\n"},
		{"kfl no reason", rulefile.KFL,
			"# katafilter:ignore KF0402\nEventType == 'process' AND FileName in ('a', 'a')\n",
			"# katafilter:ignore KF0402\nEventType == 'process' AND FileName in ('a')\n"},
		{"kfl suppression of the filter above only", rulefile.KFL,
			"# katafilter:ignore KF0402 -- generated\nEventType == 'process' AND FileName in ('a', 'a')\nEventType == 'process' AND FileName in ('b', 'b')\n",
			"# katafilter:ignore KF0402 -- generated\nEventType == 'process' AND FileName in ('a', 'a')\nEventType == 'process' AND FileName in ('b')\n"},
		{"yaml end of line", rulefile.YAML,
			"- filter: EventType == 'process' AND FileName in ('a', 'a')  # katafilter:ignore KF0402 -- fine\n",
			"- filter: EventType == 'process' AND FileName in ('a', 'a')  # katafilter:ignore KF0402 -- fine\n"},
		{"yaml line above", rulefile.YAML,
			"# katafilter:ignore KF0201 -- legacy spelling\nfilter: EventType == 'process' AND filename == 'x'\n",
			"# katafilter:ignore KF0201 -- legacy spelling\nfilter: EventType == 'process' AND filename == 'x'\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, _, _ := fixFile(tt.in, tt.k, cfg)
			if got != tt.out {
				t.Errorf("got:\n%s\nwant:\n%s", got, tt.out)
			}
		})
	}

	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, ".katafilter.yaml"), []byte("severity:\n  KF0402: off\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	l := &configLoader{cache: map[string]*rulefile.Checker{}}
	off, err := l.load(dir)
	if err != nil {
		t.Fatal(err)
	}
	in := "EventType == 'process' AND filename in ('a', 'a')\n"
	if got, _, _ := fixFile(in, rulefile.KFL, off); got != "EventType == 'process' AND FileName in ('a', 'a')\n" {
		t.Errorf("severity off: got %q", got)
	}
}
