package rulefile

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"reflect"
	"regexp"
	"sort"
	"strings"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/token"

	"github.com/katafilter/katafilter/lang/ast"
	"github.com/katafilter/katafilter/lang/diag"
)

// ConfigName is the name of the configuration file, looked for in the linted directory and
// its parents.
const ConfigName = ".katafilter.yaml"

// Config is the content of a .katafilter.yaml file:
//
//	keys: [filter, query]          # keys whose values are filters in YAML and JSON files
//	include: ["rules/**"]          # globs of files to lint (default: every .kfl .yaml .yml .json)
//	exclude: ["rules/legacy/**"]   # globs of files to skip
//	schema: fields.yaml            # a schema extension, relative to this file
//	severity: {KF0500: error, KF0402: off}
//	strict: true
//	allow-unknown-fields: false
//	ignore-case: false
//
// Globs are matched against paths relative to the directory of the configuration file, with
// forward slashes; * matches within one path segment and ** any number of segments.
type Config struct {
	Keys               []string          `yaml:"keys"`
	Include            []string          `yaml:"include"`
	Exclude            []string          `yaml:"exclude"`
	Schema             string            `yaml:"schema"`
	Severity           map[string]string `yaml:"severity"`
	Strict             bool              `yaml:"strict"`
	AllowUnknownFields bool              `yaml:"allow-unknown-fields"`
	IgnoreCase         bool              `yaml:"ignore-case"`
	RequireTests       bool              `yaml:"require-tests"`

	// Dir is the directory the configuration applies to (where the file sits); not read from
	// the file.
	Dir string `yaml:"-"`
	// File is the path of the configuration file, empty for the defaults.
	File string `yaml:"-"`

	severity map[diag.Code]diag.Severity // parsed Severity; 0 means off
}

// DefaultKeys are the keys looked in when the configuration names none.
var DefaultKeys = []string{"filter"}

// LoadConfig reads and validates a configuration file.
func LoadConfig(file string) (*Config, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	c := &Config{}
	data = bytes.TrimPrefix(data, []byte(ast.BOM))
	if len(bytes.TrimSpace(data)) > 0 {
		if err := yaml.UnmarshalWithOptions(data, c, yaml.DisallowUnknownField()); err != nil {
			return nil, configError(file, err)
		}
	}
	abs, err := filepath.Abs(file)
	if err != nil {
		return nil, err
	}
	c.File = file
	c.Dir = filepath.Dir(abs)
	if err := c.Validate(); err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	return c, nil
}

// configError reports a YAML error of a configuration file compiler-style, file:line:col:
// message, in the file's terms (its keys and the values they take) rather than Go's.
func configError(file string, err error) error {
	var te interface {
		GetToken() *token.Token
		GetMessage() string
	}
	if !errors.As(err, &te) || te.GetToken() == nil || te.GetToken().Position == nil {
		return fmt.Errorf("%s: %s", file, yaml.FormatError(err, false, false))
	}
	msg := te.GetMessage()
	if m := goTypeError.FindStringSubmatch(msg); m != nil {
		if f, ok := reflect.TypeFor[Config]().FieldByName(m[2]); ok {
			key, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
			want := map[string]string{"bool": "true or false", "[]string": "a list of strings", "string": "a string",
				"map[string]string": "a mapping of codes to off, warning or error"}[f.Type.String()]
			if want != "" {
				msg = fmt.Sprintf("%s must be %s", key, want)
			}
		}
	}
	p := te.GetToken().Position
	return fmt.Errorf("%s:%d:%d: %s", file, p.Line, p.Column, msg)
}

// goTypeError matches the decoder's message for a value of the wrong type.
var goTypeError = regexp.MustCompile(`^cannot unmarshal (.+) into Go struct field Config\.(\w+) of type (\S+)$`)

func (c *Config) Validate() error {
	if len(c.Keys) == 0 {
		c.Keys = DefaultKeys
	}
	for _, k := range c.Keys {
		if k == "" || k == "tests" {
			return fmt.Errorf("keys: %q cannot hold filters", k)
		}
	}
	for _, g := range append(append([]string{}, c.Include...), c.Exclude...) {
		if _, err := path.Match(strings.ReplaceAll(g, "**", "*"), ""); err != nil {
			return fmt.Errorf("bad glob %q: %v", g, err)
		}
	}
	c.severity = map[diag.Code]diag.Severity{}
	codes := make([]string, 0, len(c.Severity))
	for code := range c.Severity {
		codes = append(codes, code)
	}
	sort.Strings(codes)
	for _, code := range codes {
		level := c.Severity[code]
		if !KnownCode(diag.Code(code)) {
			return fmt.Errorf("severity: unknown code %s", code)
		}
		switch strings.ToLower(level) {
		case "off":
			c.severity[diag.Code(code)] = 0
		case "warning", "error":
			s, _ := diag.ParseSeverity(level)
			c.severity[diag.Code(code)] = s
		default:
			return fmt.Errorf("severity of %s: %q is not off, warning or error", code, level)
		}
	}
	return nil
}

// DefaultConfig is used where no configuration file is found: dir is the linted directory.
func DefaultConfig(dir string) *Config {
	c := &Config{Dir: dir}
	_ = c.Validate()
	return c
}

// FindConfig looks for [ConfigName] in dir and its parents; it returns "" when there is none.
func FindConfig(dir string) (string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	for {
		p := filepath.Join(abs, ConfigName)
		if _, err := os.Stat(p); err == nil {
			return p, nil
		} else if !errors.Is(err, fs.ErrNotExist) {
			return "", err
		}
		parent := filepath.Dir(abs)
		if parent == abs {
			return "", nil
		}
		abs = parent
	}
}

// SeverityOf returns the configured severity of a finding: the default sev, the configured
// one, or 0 for off.
func (c *Config) SeverityOf(code diag.Code, sev diag.Severity) diag.Severity {
	if s, ok := c.severity[code]; ok {
		return s
	}
	return sev
}

// selected reports whether the file at abs passes the include and exclude globs. They apply
// to files named on the command line too, so that a pre-commit hook, which names every
// changed YAML file, lints only the rule files.
func (c *Config) Selected(abs string) bool {
	rel, err := filepath.Rel(c.Dir, abs)
	if err != nil || strings.HasPrefix(rel, "..") {
		rel = abs
	}
	rel = filepath.ToSlash(rel)
	for _, g := range c.Exclude {
		if globMatch(g, rel) {
			return false
		}
	}
	if len(c.Include) == 0 {
		return true
	}
	for _, g := range c.Include {
		if globMatch(g, rel) {
			return true
		}
	}
	return false
}

// globMatch matches a slash-separated path against a glob in which ** stands for any number
// of whole segments (none included). A glob without a slash also matches the base name, so
// "*.kfl" matches files at any depth.
func globMatch(glob, name string) bool {
	if !strings.Contains(glob, "/") && !strings.Contains(glob, "**") {
		ok, _ := path.Match(glob, path.Base(name))
		return ok
	}
	return matchSegs(strings.Split(glob, "/"), strings.Split(name, "/"))
}

func matchSegs(glob, name []string) bool {
	for len(glob) > 0 {
		if glob[0] == "**" {
			for i := 0; i <= len(name); i++ {
				if matchSegs(glob[1:], name[i:]) {
					return true
				}
			}
			return false
		}
		if len(name) == 0 {
			return false
		}
		if ok, _ := path.Match(glob[0], name[0]); !ok {
			return false
		}
		glob, name = glob[1:], name[1:]
	}
	return len(name) == 0
}
