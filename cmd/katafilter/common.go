package main

import (
	"crypto/x509"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"strings"

	"golang.org/x/term"

	"github.com/katafilter/katafilter/eventsapi/certs"
	"github.com/katafilter/katafilter/eventsapi/wire"
	"github.com/katafilter/katafilter/lang"
	"github.com/katafilter/katafilter/lang/ast"
	"github.com/katafilter/katafilter/lang/diag"
	"github.com/katafilter/katafilter/lang/schema"
	"github.com/katafilter/katafilter/lang/schema/schemafile"
)

// newFlags returns a flag set for subcommand name that prints its usage (synopsis, then the
// flags) to stdout on --help and reports errors to stderr.
func newFlags(env *cmdEnv, name, synopsis string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(env.stderr)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: katafilter %s\n\nFlags:\n", synopsis)
		fs.PrintDefaults()
	}
	return fs
}

// parseFlags parses args; it returns the exit status to stop with (0 after --help, 2 after a
// usage error) and false, or true to go on.
func parseFlags(env *cmdEnv, fs *flag.FlagSet, args []string) (int, bool) {
	for _, a := range args {
		if a == "--" {
			break
		}
		if a == "-h" || a == "-help" || a == "--help" {
			fs.SetOutput(env.stdout)
			fs.Usage()
			return 0, false
		}
	}
	if err := fs.Parse(args); err != nil {
		return 2, false
	}
	return 0, true
}

// langFlags are the flags that configure the language core, shared by every subcommand that
// checks or evaluates filters.
type langFlags struct {
	schemaFile     string
	strict         bool
	ignoreCase     bool
	allowUnknown   bool
	withIgnoreCase bool
}

func addLangFlags(fs *flag.FlagSet, withIgnoreCase bool) *langFlags {
	lf := &langFlags{withIgnoreCase: withIgnoreCase}
	fs.StringVar(&lf.schemaFile, "schema", "", "extend the built-in field schema with this JSON or YAML `file`")
	fs.BoolVar(&lf.strict, "strict", false, "make a filter that does not select exactly one event type an error")
	fs.BoolVar(&lf.allowUnknown, "allow-unknown-fields", false, "report fields missing from the schema as warnings, not errors")
	if withIgnoreCase {
		fs.BoolVar(&lf.ignoreCase, "ignore-case", false, "compare strings without regard to case")
	}
	return lf
}

// config builds the language configuration, loading the schema extension if one was given.
func (lf *langFlags) config() (lang.Config, error) {
	cfg := lang.Config{Strict: lf.strict, IgnoreCase: lf.ignoreCase, AllowUnknownFields: lf.allowUnknown}
	if lf.schemaFile != "" {
		s, err := loadSchema(lf.schemaFile)
		if err != nil {
			return cfg, err
		}
		cfg.Schema = s
	}
	return cfg, nil
}

// loadSchema reads the schema extension given with --schema; its errors name the flag and the
// file ("--schema rules.yaml: no such file or directory").
func loadSchema(path string) (*schema.Schema, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("--schema %s: %w", path, unwrapPath(err))
	}
	return schemafile.Extend(schema.Default(), data, path)
}

// useColor reports whether output to w may be coloured: only on a terminal, and never with
// NO_COLOR set.
func useColor(env *cmdEnv, w io.Writer) bool {
	if env.getenv("NO_COLOR") != "" {
		return false
	}
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// printDiags renders diagnostics compiler-style. src is the whole text the spans refer to.
func printDiags(env *cmdEnv, w io.Writer, filename, src string, diags diag.List) {
	_ = diag.Render(w, ast.NewLineTable(src), diags, diag.RenderOptions{Filename: filename, Color: useColor(env, w)})
}

// nodeURL is one --url of fetch and repl: the URL of a KATA node, and the name it was given
// as NAME=URL ("" when none) or its host.
type nodeURL struct{ name, url, host string }

// parseNodeURLs reads the --url values of fetch and repl, NAME=URL or URL, each URL once. A URL
// may be the server's (https://kata.example:443) or the full events endpoint
// (https://kata.example:443/kata/events_api/v1/ID/events?...): the server part is kept.
func parseNodeURLs(urls []string) ([]nodeURL, error) {
	var out []nodeURL
	seen := map[string]bool{}
	for _, u := range urls {
		n := nodeURL{url: u}
		if name, rest, ok := strings.Cut(u, "="); ok && !strings.Contains(name, "/") {
			if name == "" {
				return nil, fmt.Errorf("--url %q: the node name before = is empty", u)
			}
			n.name, n.url = name, rest
		}
		p, err := url.Parse(n.url)
		if err != nil || p.Host == "" {
			return nil, fmt.Errorf("--url %q is not a URL", u)
		}
		if p.Scheme != "https" {
			return nil, fmt.Errorf("--url %q: the events API is served over HTTPS only: write https://HOST:PORT", u)
		}
		// The full endpoint URL, as the vendor's pages show it, names the server too: keep
		// what comes before the endpoint's path.
		if i := strings.Index(p.Path, wire.EventsPathPrefix); i >= 0 {
			p.Path, p.RawPath, p.RawQuery, p.Fragment = p.Path[:i], "", "", ""
			n.url = strings.TrimRight(p.String(), "/")
		}
		if seen[n.url] {
			return nil, fmt.Errorf("--url %s given twice", n.url)
		}
		seen[n.url] = true
		n.host = p.Host
		out = append(out, n)
	}
	return out, nil
}

// caPool reads the --cacert files (each node of a deployment may have its own certificate)
// into one pool; nil when there is none, for the system's roots.
func caPool(files []string) (*x509.CertPool, error) {
	if len(files) == 0 {
		return nil, nil
	}
	var all []byte
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return nil, fmt.Errorf("--cacert %s: %w", f, unwrapPath(err))
		}
		all = append(append(all, data...), '\n')
	}
	pool, err := certs.CertPool(all)
	if err != nil {
		return nil, fmt.Errorf("--cacert %s: %w", strings.Join(files, ", "), err)
	}
	return pool, nil
}
