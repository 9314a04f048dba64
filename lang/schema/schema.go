// Package schema describes the fields a KATA event filter may name: each field's type, its
// description, the values it is known to take and the event types known to carry it. The
// default schema is the vendor's field table, kept as data (fields.json) and embedded in the
// binary; users extend it from a file of the same shape without a rebuild.
//
// The package reads JSON only, so that the checker and the evaluator, which import it, pull in
// no YAML parser; package schemafile reads schema files written in YAML too, for the views
// that take a --schema file.
package schema

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// Type is the type of a field.
type Type int

// The field types.
const (
	String Type = iota + 1
	Integer
	Boolean
)

func (t Type) String() string {
	switch t {
	case String:
		return "string"
	case Integer:
		return "integer"
	case Boolean:
		return "boolean"
	}
	return "invalid"
}

// ParseType reads "string", "integer" (or "int") and "boolean" (or "bool").
func ParseType(s string) (Type, bool) {
	switch strings.ToLower(s) {
	case "string":
		return String, true
	case "integer", "int":
		return Integer, true
	case "boolean", "bool":
		return Boolean, true
	}
	return 0, false
}

// Value is one value a field is known to take.
type Value struct {
	// Text is the value as a string: the string itself, or an integer in decimal.
	Text        string
	Description string
}

// Field is one field of the schema.
type Field struct {
	Name        string
	Aliases     []string // other spellings that name the same field, e.g. hostName
	Type        Type
	Description string
	Values      []Value  // the known values, if any
	Closed      bool     // Values lists every value the field can take
	Array       bool     // the path crosses a JSON array, so the field may hold several values
	EventTypes  []string // event types known to carry the field; empty means any
	Path        []string // Name split at the dots
	// NotInTable marks a field that real events carry but the events API's field table does
	// not list (UniquePid, Timestamp...): whether KATA's filter accepts it is not documented.
	NotInTable bool
}

// HasValue reports whether text is one of the known values.
func (f *Field) HasValue(text string) bool {
	return slices.ContainsFunc(f.Values, func(v Value) bool { return v.Text == text })
}

// CarriedBy reports whether events of type et are known to carry the field.
func (f *Field) CarriedBy(et string) bool {
	return len(f.EventTypes) == 0 || slices.Contains(f.EventTypes, et)
}

// Schema is an immutable set of fields. Share it freely between goroutines.
type Schema struct {
	fields []*Field
	byName map[string]*Field
	byFold map[string][]*Field
}

//go:embed fields.json
var defaultData []byte

var defaultSchema = sync.OnceValue(func() *Schema {
	s, err := (&Schema{}).Extend(defaultData, "fields.json")
	if err != nil {
		panic("schema: the embedded fields.json is invalid: " + err.Error())
	}
	return s
})

// Default returns the built-in schema: the fields of the vendor's table.
func Default() *Schema { return defaultSchema() }

// Fields returns the fields in schema order. The slice must not be modified.
func (s *Schema) Fields() []*Field { return s.fields }

// Lookup returns the field named exactly name, or by one of its aliases.
func (s *Schema) Lookup(name string) (*Field, bool) {
	f, ok := s.byName[name]
	return f, ok
}

// LookupFold returns the fields whose name or alias equals name without regard to case.
func (s *Schema) LookupFold(name string) []*Field { return s.byFold[strings.ToLower(name)] }

// EventTypeField is the name of the field that selects the event type.
const EventTypeField = "EventType"

// EventTypes returns the known event types.
func (s *Schema) EventTypes() []Value {
	if f, ok := s.Lookup(EventTypeField); ok {
		return f.Values
	}
	return nil
}

// file is the shape of fields.json and of a user's schema extension.
type file struct {
	Version int         `json:"version"`
	Fields  []fileField `json:"fields"`
}

type fileField struct {
	Name        string      `json:"name"`
	Aliases     []string    `json:"aliases,omitempty"`
	Type        string      `json:"type"`
	Description string      `json:"description"`
	Values      []fileValue `json:"values,omitempty"`
	Closed      *bool       `json:"closed,omitempty"`
	Array       *bool       `json:"array,omitempty"`
	EventTypes  []string    `json:"event_types,omitempty"`
	NotInTable  *bool       `json:"not_in_table,omitempty"`
}

type fileValue struct {
	Value       json.RawMessage `json:"value"`
	Description string          `json:"description,omitempty"`
}

// MarshalFields writes fields in the shape of a schema file (that of fields.json), indented, so
// that what a tool prints can be edited and given back to [Schema.Extend].
func MarshalFields(fields []*Field) ([]byte, error) {
	out := file{Version: 1, Fields: []fileField{}}
	yes := true
	for _, f := range fields {
		ff := fileField{Name: f.Name, Aliases: f.Aliases, Type: f.Type.String(), Description: f.Description,
			EventTypes: f.EventTypes}
		if f.Closed {
			ff.Closed = &yes
		}
		if f.Array {
			ff.Array = &yes
		}
		if f.NotInTable {
			ff.NotInTable = &yes
		}
		for _, v := range f.Values {
			raw, err := json.Marshal(v.Text)
			if err != nil {
				return nil, err
			}
			if f.Type == Integer {
				raw = []byte(v.Text) // integers are kept in decimal
			}
			ff.Values = append(ff.Values, fileValue{Value: raw, Description: v.Description})
		}
		out.Fields = append(out.Fields, ff)
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(out); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// Extend returns a new schema: s with the fields of data (JSON: an object with a "fields" list,
// the shape of fields.json) added. A field already in s gets the new values, aliases and event
// types added, and its description, closed and array flags replaced when given; its type
// cannot change. name is used in errors. A YAML file is read by package schemafile.
func (s *Schema) Extend(data []byte, name string) (*Schema, error) {
	return s.extend(data, name, true)
}

// ExtendConverted is [Schema.Extend] for JSON that a reader converted from another format
// (schemafile converts YAML): its errors then cite no JSON line and column, which would not
// be the file's.
func (s *Schema) ExtendConverted(data []byte, name string) (*Schema, error) {
	return s.extend(data, name, false)
}

func (s *Schema) extend(data []byte, name string, isJSON bool) (*Schema, error) {
	data = bytes.TrimPrefix(data, []byte("\ufeff")) // a byte order mark is not part of the data
	var f file
	if err := decode(data, &f, isJSON); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if f.Version > 1 {
		return nil, fmt.Errorf("%s: version %d is not supported: this katafilter reads version 1", name, f.Version)
	}
	out := &Schema{}
	for _, fd := range s.fields {
		c := *fd
		c.Aliases, c.Values, c.EventTypes = slices.Clone(fd.Aliases), slices.Clone(fd.Values), slices.Clone(fd.EventTypes)
		out.fields = append(out.fields, &c)
	}
	out.index()
	for i, ff := range f.Fields {
		ff.Name = strings.TrimSuffix(strings.TrimSpace(ff.Name), ".")
		where := fmt.Sprintf("%s: field %d (%s)", name, i+1, ff.Name)
		if !validName(ff.Name) {
			return nil, fmt.Errorf("%s: invalid field name %q", where, ff.Name)
		}
		fd, exists := out.byName[ff.Name]
		if !exists {
			t, ok := ParseType(ff.Type)
			if !ok {
				return nil, fmt.Errorf("%s: type must be string, integer or boolean, not %q", where, ff.Type)
			}
			fd = &Field{Name: ff.Name, Type: t, Path: strings.Split(ff.Name, ".")}
			out.fields = append(out.fields, fd)
		} else if ff.Type != "" {
			if t, ok := ParseType(ff.Type); !ok || t != fd.Type {
				return nil, fmt.Errorf("%s: the field already exists with type %s", where, fd.Type)
			}
		}
		if ff.Description != "" {
			fd.Description = ff.Description
		}
		if ff.Closed != nil {
			fd.Closed = *ff.Closed
		}
		if ff.Array != nil {
			fd.Array = *ff.Array
		}
		if ff.NotInTable != nil {
			fd.NotInTable = *ff.NotInTable
		}
		for _, a := range ff.Aliases {
			if !validName(a) {
				return nil, fmt.Errorf("%s: invalid alias %q", where, a)
			}
			if other, taken := out.byName[a]; taken && other != fd {
				return nil, fmt.Errorf("%s: alias %s already names the field %s", where, a, other.Name)
			}
			if !slices.Contains(fd.Aliases, a) {
				fd.Aliases = append(fd.Aliases, a)
			}
		}
		for _, et := range ff.EventTypes {
			if !slices.Contains(fd.EventTypes, et) {
				fd.EventTypes = append(fd.EventTypes, et)
			}
		}
		for _, v := range ff.Values {
			text, err := valueText(v.Value, fd.Type)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", where, err)
			}
			if i := slices.IndexFunc(fd.Values, func(x Value) bool { return x.Text == text }); i >= 0 {
				if v.Description != "" {
					fd.Values[i].Description = v.Description
				}
				continue
			}
			fd.Values = append(fd.Values, Value{Text: text, Description: v.Description})
		}
		out.index()
	}
	if err := out.checkEventTypes(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return out, nil
}

func (s *Schema) index() {
	s.byName = make(map[string]*Field, 2*len(s.fields))
	s.byFold = make(map[string][]*Field, 2*len(s.fields))
	for _, f := range s.fields {
		for _, n := range append([]string{f.Name}, f.Aliases...) {
			s.byName[n] = f
			k := strings.ToLower(n)
			if !slices.Contains(s.byFold[k], f) {
				s.byFold[k] = append(s.byFold[k], f)
			}
		}
	}
}

func decode(data []byte, v any, isJSON bool) error {
	trimmed := bytes.TrimSpace(data)
	if len(trimmed) == 0 {
		return errors.New("the file is empty: want an object with a \"fields\" list")
	}
	if isJSON && trimmed[0] != '{' {
		// YAML, say, which package schemafile reads.
		return errors.New("not a JSON object: want an object with a \"fields\" list")
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return describeJSONError(data, err, isJSON)
	}
	return nil
}

func valueText(raw json.RawMessage, t Type) (string, error) {
	var s string
	if err := json.Unmarshal(raw, &s); err == nil {
		if t == Integer {
			if _, err := strconv.ParseInt(s, 10, 64); err != nil {
				return "", fmt.Errorf("value %q is not an integer", s)
			}
		}
		return s, nil
	}
	var n json.Number
	if err := json.Unmarshal(raw, &n); err == nil {
		if _, err := strconv.ParseInt(n.String(), 10, 64); err != nil || t != Integer {
			return "", fmt.Errorf("value %s does not fit a %s field", n, t)
		}
		return n.String(), nil
	}
	return "", fmt.Errorf("value %s is neither a string nor a number", raw)
}

func validName(n string) bool {
	if n == "" {
		return false
	}
	for _, seg := range strings.Split(n, ".") {
		if seg == "" {
			return false
		}
		for i, c := range seg {
			if !(c == '_' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || i > 0 && '0' <= c && c <= '9') {
				return false
			}
		}
	}
	return true
}
