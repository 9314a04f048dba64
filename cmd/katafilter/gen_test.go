package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// samplePath is the committed sample of generated events that the documentation uses.
var samplePath = filepath.Join("..", "..", "testdata", "events", "sample.jsonl")

// TestSample checks that the committed sample is what "katafilter gen -n 300" writes, so that
// the documentation's examples, which use either, agree. -update rewrites it.
func TestSample(t *testing.T) {
	var out, errs bytes.Buffer
	env := &cmdEnv{stdout: &out, stderr: &errs, getenv: func(string) string { return "" }}
	if code := run(env, []string{"gen", "-n", "300"}); code != 0 {
		t.Fatalf("gen: exit %d: %s", code, errs.String())
	}
	if *update {
		if err := os.WriteFile(samplePath, out.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(samplePath)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(out.Bytes(), want) {
		t.Errorf("%s is not the output of katafilter gen -n 300; run go test ./cmd/katafilter -run TestSample -update", samplePath)
	}
}
