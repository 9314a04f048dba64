package main

import (
	"bytes"
	"strings"
	"testing"
)

func runArgs(args ...string) (int, string, string) {
	var out, errb bytes.Buffer
	code := run(args, &out, &errb)
	return code, out.String(), errb.String()
}

// TestTable sets our figures beside the anchors' with the ratios.
func TestTable(t *testing.T) {
	code, out, stderr := runArgs("testdata/ours.json", "testdata/anchor.json")
	if code != 0 || stderr != "" {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	want := []string{
		"| line | matches | expr ns/event | cel-go ns/event | **ours ns/event** | ours ÷ expr (≤ 0.5) |",
		"| 2 | 2 | 300 | 330 | **30** | 0.10 | 40 | **10** | 0.25 | 8800 | **110** | **450** | 80.0× | 6.4 | 12.6 | **3.2** | 0.50 |",
		"| 5 | 1 | 300 | 330 | **60** | 0.20 | 40 | **20** | 0.50 | 8800 | **220** | **225** | 40.0× | 6.4 | 12.6 | **1.6** | 0.25 |",
		"| 7 | 0 | 300 | 330 | **15** | 0.05 | 40 | **5** | 0.12 | 8800 | **88** | **560** | 100.0× | 6.4 | 12.6 | **3.2** | 0.50 |",
	}
	for _, w := range want {
		if !strings.Contains(out, w) {
			t.Errorf("the table lacks\n%s\ngot:\n%s", w, out)
		}
	}
}

// TestBadInput: differing counts, a filter the anchors lack, an anchor file with one engine,
// a file that is not JSON, usage errors.
func TestBadInput(t *testing.T) {
	tests := []struct {
		args           []string
		code           int
		stdout, stderr string // substrings
	}{
		{[]string{"testdata/ours.json", "testdata/anchor-wrong.json"}, 1, "| 2 | 2 (expr 3, cel 2) |", "the match counts differ from testdata/anchor-wrong.json"},
		{[]string{"testdata/ours.json", "testdata/anchor-wrong.json"}, 1, "| 5 | 1 | (not in the anchor results) |", ""},
		{[]string{"testdata/ours.json", "testdata/anchor-one-engine.json"}, 1, "", "line 2: the results lack expr or cel"},
		{[]string{"testdata/anchor-wrong.json", "testdata/ours.json"}, 1, "", `testdata/anchor-wrong.json: not the output of katafilter bench --json: json: unknown field "expr"`},
		{[]string{"testdata/empty.json", "testdata/anchor.json"}, 1, "", "testdata/empty.json: no filters"},
		{[]string{"main.go", "testdata/anchor.json"}, 1, "", "main.go: not the output of katafilter bench --json"},
		{[]string{"testdata/absent.json", "testdata/anchor.json"}, 1, "", "testdata/absent.json: open"},
		{[]string{"testdata/ours.json"}, 2, "", "usage: go run ./internal/cmd/anchortable"},
		{[]string{"-x"}, 2, "", "flag provided but not defined: -x"},
		{[]string{"-h"}, 0, "", "usage:"},
	}
	for _, tt := range tests {
		code, out, stderr := runArgs(tt.args...)
		if code != tt.code || !strings.Contains(out, tt.stdout) || !strings.Contains(stderr, tt.stderr) {
			t.Errorf("%v: exit %d, stdout\n%s\nstderr\n%s\nwant exit %d, %q, %q", tt.args, code, out, stderr, tt.code, tt.stdout, tt.stderr)
		}
	}
}
