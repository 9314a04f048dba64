package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"slices"
	"strconv"

	"github.com/katafilter/katafilter/internal/jsonl"
	"github.com/katafilter/katafilter/lang/kfl"
)

// Names shown in messages for text that does not come from a named file.
const (
	filterName = "<filter>"      // the filter given with -e
	stdinName  = jsonl.StdinName // "-" as a file argument
)

// displayName is the name of a file argument in messages.
func displayName(arg string) string {
	if arg == "-" {
		return stdinName
	}
	return arg
}

// onceString is a string flag that may be given only once, so that a second -e is reported
// instead of silently replacing the first.
type onceString struct {
	value string
	set   bool
}

func (o *onceString) String() string { return o.value }

func (o *onceString) Set(s string) error {
	if o.set {
		return errors.New("given more than once")
	}
	o.value, o.set = s, true
	return nil
}

// addFilterFlag declares the -e flag of the subcommands that take a filter on the command line.
func addFilterFlag(fs *flag.FlagSet, usage string) *onceString {
	o := &onceString{}
	fs.Var(o, "e", usage)
	return o
}

// usageError reports a usage problem the way the flag package does and returns exit status 2.
func usageError(env *cmdEnv, name, format string, args ...any) int {
	fmt.Fprintf(env.stderr, "katafilter %s: %s\n", name, fmt.Sprintf(format, args...))
	fmt.Fprintf(env.stderr, "Run \"katafilter %s --help\" for usage.\n", name)
	return 2
}

// parseArgs parses flags and positional arguments in any order ("check a.kfl --strict" works
// too); "--" ends the flags. It returns the positional arguments, or the exit status to stop
// with and false.
func parseArgs(env *cmdEnv, fs *flag.FlagSet, args []string) ([]string, int, bool) {
	var after []string
	if i := slices.Index(args, "--"); i >= 0 {
		args, after = args[:i], args[i+1:]
	}
	if code, ok := parseFlags(env, fs, args); !ok {
		return nil, code, false
	}
	var pos []string
	for fs.NArg() > 0 {
		rest := fs.Args()
		pos = append(pos, rest[0])
		if err := fs.Parse(rest[1:]); err != nil {
			return nil, 2, false
		}
	}
	return append(pos, after...), 0, true
}

// readSource returns the text of a filter file argument: "-" reads standard input.
func readSource(env *cmdEnv, arg string) (string, error) {
	if arg == "-" {
		b, err := io.ReadAll(env.stdin)
		return string(b), err
	}
	b, err := os.ReadFile(arg)
	return string(b), err
}

// source is a text holding filters: a filter file, or the -e filter.
type source struct {
	name    string      // shown in messages
	arg     string      // the file argument ("-" for stdin), empty for -e
	text    string      // the whole text, to which the entries' offsets refer
	entries []kfl.Entry // the filters in text
}

// filterSource wraps the -e filter as a source of one filter.
func filterSource(filter string) *source {
	return &source{name: filterName, text: filter, entries: []kfl.Entry{{Text: filter, Offset: 0, Line: 1}}}
}

// fileSource reads a filter file (of any extension: every file is read as a .kfl file).
func fileSource(env *cmdEnv, arg string) (*source, error) {
	text, err := readSource(env, arg)
	if err != nil {
		return nil, err
	}
	return &source{name: displayName(arg), arg: arg, text: text, entries: kfl.Split(text)}, nil
}

// readSources returns the -e filter, when set, and the filter files named by files, in that
// order. A file that cannot be read is reported on stderr as "katafilter NAME: FILE: problem"
// and left out; ok is then false.
func readSources(env *cmdEnv, name string, filter *onceString, files []string) (sources []*source, ok bool) {
	ok = true
	if filter.set {
		sources = append(sources, filterSource(filter.value))
	}
	for _, arg := range files {
		src, err := fileSource(env, arg)
		if err != nil {
			fmt.Fprintf(env.stderr, "katafilter %s: %s: %v\n", name, displayName(arg), unwrapPath(err))
			ok = false
			continue
		}
		sources = append(sources, src)
	}
	return sources, ok
}

// unwrapPath drops the operation and path of an *os.PathError, which the message already names.
func unwrapPath(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// checkListenAddr reports what is wrong with a --listen address before anything listens on
// it: a host and a port, the port a number from 0 (any free port) to 65535. That is a usage
// error; an address of the right form that cannot be listened on (in use, not this machine's)
// is a failure found when listening.
func checkListenAddr(addr string) error {
	_, port, err := net.SplitHostPort(addr)
	if err != nil {
		return err
	}
	if n, err := strconv.ParseUint(port, 10, 16); err != nil || n > 65535 {
		return fmt.Errorf("the port %q is not a number from 0 to 65535", port)
	}
	return nil
}
