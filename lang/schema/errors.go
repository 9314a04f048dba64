package schema

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"slices"
	"strings"
)

// describeJSONError rewords an error of encoding/json for a person editing a schema file: the
// line and column when the file is JSON (a YAML file is converted first, so offsets into the
// conversion would mislead), and the file's own terms rather than Go's types.
func describeJSONError(data []byte, err error, isJSON bool) error {
	at := func(off int64) string {
		if !isJSON {
			return ""
		}
		line := 1 + bytes.Count(data[:min(int(off), len(data))], []byte("\n"))
		col := int(off) - bytes.LastIndexByte(data[:min(int(off), len(data))], '\n')
		return fmt.Sprintf("line %d, column %d: ", line, col)
	}
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return fmt.Errorf("%s%s", at(syn.Offset), strings.TrimPrefix(syn.Error(), "json: "))
	case errors.As(err, &typ):
		want := map[string]string{"fields": "a list of fields", "values": "a list of values",
			"aliases": "a list of names", "event_types": "a list of event types", "version": "an integer"}
		key := typ.Field
		if i := strings.LastIndexByte(key, '.'); i >= 0 {
			key = key[i+1:]
		}
		w, ok := want[key]
		if !ok {
			switch typ.Type.Kind() {
			case reflect.Bool:
				w = "true or false"
			case reflect.String:
				w = "a string"
			case reflect.Slice:
				w = "a list"
			default:
				w = "an integer"
			}
		}
		if typ.Field == "" {
			return fmt.Errorf("%sthe file must hold an object with a \"fields\" list, not a JSON %s", at(typ.Offset), typ.Value)
		}
		return fmt.Errorf("%s%q must be %s, not a JSON %s", at(typ.Offset), typ.Field, w, typ.Value)
	case errors.Is(err, io.ErrUnexpectedEOF):
		return errors.New("the file ends in the middle of a value")
	}
	msg := strings.TrimPrefix(err.Error(), "json: ")
	if strings.HasPrefix(msg, "unknown field ") {
		msg += ` (a field takes name, type, description, aliases, values, closed, array, event_types)`
	}
	return errors.New(msg)
}

// checkEventTypes makes sure that every event type a field names is a value of EventType, so
// that a typo in a schema file does not hide a field from completion silently.
func (s *Schema) checkEventTypes() error {
	known := s.EventTypes()
	if len(known) == 0 {
		return nil
	}
	for _, f := range s.fields {
		for _, et := range f.EventTypes {
			if !slices.ContainsFunc(known, func(v Value) bool { return v.Text == et }) {
				msg := fmt.Sprintf("field %s: event type %q is not a value of %s", f.Name, et, EventTypeField)
				var texts []string
				for _, v := range known {
					texts = append(texts, v.Text)
				}
				if near := Closest(et, texts, 1); len(near) > 0 {
					msg += fmt.Sprintf("; did you mean %q?", near[0])
				}
				return errors.New(msg)
			}
		}
	}
	return nil
}
