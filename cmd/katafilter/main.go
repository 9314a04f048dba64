// Command katafilter checks, formats, evaluates and serves filters of the KATA events API.
// Run "katafilter help" for the list of subcommands; each has --help.
package main

import (
	"fmt"
	"io"
	"os"
	"slices"
	"sort"
)

// command is one subcommand. Each lives in a file of its own and registers itself in init.
type command struct {
	name    string
	summary string
	// run executes the subcommand with its arguments (the name excluded) and returns the exit
	// status: 0 success, 1 a finding or failure, 2 a usage error.
	run func(env *cmdEnv, args []string) int
}

// cmdEnv is the process environment a subcommand sees, so that tests can run subcommands in
// process with their own streams.
type cmdEnv struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	getenv         func(string) string
}

var commands = map[string]*command{}

func register(c *command) {
	if _, dup := commands[c.name]; dup {
		panic("katafilter: command registered twice: " + c.name)
	}
	commands[c.name] = c
}

func main() {
	os.Exit(run(&cmdEnv{stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr, getenv: os.Getenv}, os.Args[1:]))
}

func run(env *cmdEnv, args []string) int {
	if len(args) == 0 {
		usage(env.stderr)
		return 2
	}
	name := args[0]
	if slices.Contains([]string{"help", "-h", "-help", "--help"}, name) {
		if len(args) > 1 {
			if c, ok := commands[args[1]]; ok {
				return c.run(env, []string{"--help"})
			}
		}
		usage(env.stdout)
		return 0
	}
	c, ok := commands[name]
	if !ok {
		fmt.Fprintf(env.stderr, "katafilter: unknown command %q\n\n", name)
		usage(env.stderr)
		return 2
	}
	return c.run(env, args[1:])
}

func usage(w io.Writer) {
	fmt.Fprint(w, "katafilter: tools for the event filter language of the KATA events API\n\nUsage:\n  katafilter <command> [flags] [arguments]\n\nCommands:\n")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-9s %s\n", n, commands[n].summary)
	}
	fmt.Fprint(w, "\nRun \"katafilter <command> --help\" for a command's flags.\n")
}
