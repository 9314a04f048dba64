package main

import (
	"fmt"
	"runtime"
	"runtime/debug"
)

func init() {
	register(&command{name: "version", summary: "print the version", run: runVersion})
}

func runVersion(env *cmdEnv, args []string) int {
	fs := newFlags(env, "version", "version")
	if code, ok := parseFlags(env, fs, args); !ok {
		return code
	}
	fmt.Fprintf(env.stdout, "katafilter %s %s %s/%s\n", buildVersion(), runtime.Version(), runtime.GOOS, runtime.GOARCH)
	return 0
}

// buildVersion is the module version the binary was built from, or "(devel)": what version
// prints and what lint writes into SARIF.
func buildVersion() string {
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" {
		return bi.Main.Version
	}
	return "(devel)"
}
