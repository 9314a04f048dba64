// Package schemafile reads schema extension files, written in JSON or in YAML of the same
// shape, for the views that take one (katafilter's --schema, the language server's schemaFile
// setting, lint's .katafilter.yaml). It lives apart from package schema so that the core
// (checker, evaluator) reads JSON only and pulls in no YAML parser.
package schemafile

import (
	"bytes"
	"errors"
	"fmt"

	"github.com/goccy/go-yaml"

	"github.com/katafilter/katafilter/lang/schema"
)

// Extend returns s with the fields of data added: JSON when data is an object ("{" first),
// YAML otherwise. name is used in errors, which give the line and column in the file.
func Extend(s *schema.Schema, data []byte, name string) (*schema.Schema, error) {
	data = bytes.TrimPrefix(data, []byte("\ufeff")) // a byte order mark is not part of the data
	trimmed := bytes.TrimSpace(data)
	if len(trimmed) == 0 || trimmed[0] == '{' {
		return s.Extend(data, name)
	}
	j, err := yaml.YAMLToJSON(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, describeYAMLError(err))
	}
	return s.ExtendConverted(j, name)
}

// describeYAMLError puts a YAML library error on one line, "line L, column C: message", like
// the JSON errors, instead of its multi-line excerpt of the source.
func describeYAMLError(err error) error {
	var ye yaml.Error
	if errors.As(err, &ye) {
		if tok := ye.GetToken(); tok != nil && tok.Position != nil {
			return fmt.Errorf("line %d, column %d: %s", tok.Position.Line, tok.Position.Column, ye.GetMessage())
		}
		return errors.New(ye.GetMessage())
	}
	return err
}
