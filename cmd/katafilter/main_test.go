package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/katafilter/katafilter/internal/sarifcheck"
)

// repoRoot is the repository's root, from this package's directory (where tests start).
var repoRoot = mustAbs(filepath.Join("..", ".."))

func mustAbs(p string) string {
	a, err := filepath.Abs(p)
	if err != nil {
		panic(err)
	}
	return a
}

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"katafilter": func() {
			os.Exit(run(&cmdEnv{stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr, getenv: os.Getenv}, os.Args[1:]))
		},
	})
}

// TestScript runs the command-line scripts in testdata/script. Run with -update to rewrite the
// expected output files in the scripts from the actual output.
func TestScript(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir:           "testdata/script",
		UpdateScripts: *update,
		Setup: func(e *testscript.Env) error {
			e.Setenv("NO_COLOR", "1")
			return nil
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"sarif-valid": sarifValid,
		},
	})
}

// sarifValid is the script command "sarif-valid FILE": FILE is a SARIF 2.1.0 log that
// validates against the schema (testdata/lint/sarif-2.1.0-rtm.5.json), URIs included.
func sarifValid(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 1 {
		ts.Fatalf("usage: sarif-valid FILE")
	}
	err := sarifcheck.Validate(filepath.Join(repoRoot, "testdata", "lint", "sarif-2.1.0-rtm.5.json"), []byte(ts.ReadFile(args[0])))
	if neg && err == nil {
		ts.Fatalf("%s validates", args[0])
	}
	if !neg && err != nil {
		ts.Fatalf("%s does not validate: %v", args[0], err)
	}
}
