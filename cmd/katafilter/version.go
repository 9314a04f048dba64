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
	v := "(devel)"
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" {
		v = bi.Main.Version
	}
	fmt.Fprintf(env.stdout, "katafilter %s %s %s/%s\n", v, runtime.Version(), runtime.GOOS, runtime.GOARCH)
	return 0
}
