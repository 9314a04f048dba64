package main

import (
	"fmt"
	"runtime"
)

func init() {
	register(&command{name: "version", summary: "print the version", run: runVersion})
}

func runVersion(env *cmdEnv, args []string) int {
	fs := newFlags(env, "version", "version")
	if code, ok := parseFlags(env, fs, args); !ok {
		return code
	}
	if fs.NArg() > 0 {
		return usageError(env, "version", "unexpected argument %q", fs.Arg(0))
	}
	fmt.Fprintf(env.stdout, "katafilter %s %s %s/%s\n", buildVersion(), runtime.Version(), runtime.GOOS, runtime.GOARCH)
	return 0
}
