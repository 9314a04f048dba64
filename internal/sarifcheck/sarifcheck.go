// Package sarifcheck validates SARIF logs for the tests of the commands that write them: against
// the SARIF 2.1.0 JSON schema, with the schema's formats asserted, and with URIs held to RFC 3986
// itself (the schema library's own check lets a space or a bare % through, which code-scanning
// consumers reject).
package sarifcheck

import (
	"bytes"
	"fmt"
	"net/url"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// Validate checks the SARIF log data against the schema in schemaFile (a copy of
// sarif-schema-2.1.0.json).
func Validate(schemaFile string, data []byte) error {
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	for _, name := range []string{"uri", "uri-reference"} {
		c.RegisterFormat(&jsonschema.Format{Name: name, Validate: func(v any) error {
			s, ok := v.(string)
			if !ok {
				return nil
			}
			return CheckURIReference(s)
		}})
	}
	sch, err := c.Compile(schemaFile)
	if err != nil {
		return err
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		return err
	}
	return sch.Validate(inst)
}

// CheckURIReference reports whether s is a URI reference of RFC 3986: only its unreserved,
// reserved and percent-encoded characters, % always followed by two hexadecimal digits, at
// most one #, and a first segment without a colon unless s has a scheme.
func CheckURIReference(s string) error {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '%':
			if i+2 >= len(s) || !isHex(s[i+1]) || !isHex(s[i+2]) {
				return fmt.Errorf("%q: %% at %d is not followed by two hexadecimal digits", s, i)
			}
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9', strings.IndexByte("-._~:/?#[]@!$&'()*+,;=", c) >= 0:
		default:
			return fmt.Errorf("%q: character %q at %d must be percent-encoded", s, c, i)
		}
	}
	if strings.Count(s, "#") > 1 {
		return fmt.Errorf("%q: more than one #", s)
	}
	if _, err := url.Parse(s); err != nil {
		return err
	}
	return nil
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}
