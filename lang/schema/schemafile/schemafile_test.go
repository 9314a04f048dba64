package schemafile_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/katafilter/katafilter/lang/schema"
	"github.com/katafilter/katafilter/lang/schema/schemafile"
)

const extJSON = `{
  "version": 1,
  "fields": [
    {"name": "Custom.Score", "type": "integer", "description": "A score."},
    {"name": "Custom.Tag.", "type": "string", "aliases": ["Tag"], "values": [{"value": "red"}], "closed": true},
    {"name": "EventType", "values": [{"value": "custom_event", "description": "Ours."}, {"value": "process", "description": "Started."}]},
    {"name": "ProcessType", "values": [{"value": 7}, {"value": "8"}]},
    {"name": "HostName", "aliases": ["Host"], "description": "The host."}
  ]
}`

const extYAML = `# the same as extJSON
version: 1
fields:
  - name: Custom.Score
    type: integer
    description: A score.
  - name: Custom.Tag.
    type: string
    aliases: [Tag]
    values:
      - value: red
    closed: true
  - name: EventType
    values:
      - {value: custom_event, description: Ours.}
      - {value: process, description: Started.}
  - name: ProcessType
    values: [{value: 7}, {value: "8"}]
  - name: HostName
    aliases: [Host]
    description: The host.
`

// fields returns the schema file form of s, to compare two schemas.
func fields(t *testing.T, s *schema.Schema) []byte {
	t.Helper()
	b, err := schema.MarshalFields(s.Fields())
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestYAMLIsJSON: a YAML file extends the schema exactly as the JSON file of the same shape
// does, with or without a byte order mark, and JSON goes through unchanged.
func TestYAMLIsJSON(t *testing.T) {
	want, err := schema.Default().Extend([]byte(extJSON), "extra.json")
	if err != nil {
		t.Fatal(err)
	}
	for name, data := range map[string]string{"extra.json": extJSON, "extra.yaml": extYAML, "bom.yaml": "\ufeff" + extYAML, "bom.json": "\ufeff" + extJSON} {
		got, err := schemafile.Extend(schema.Default(), []byte(data), name)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if !bytes.Equal(fields(t, got), fields(t, want)) {
			t.Errorf("%s extends the schema otherwise than extra.json", name)
		}
	}
}

// TestErrors: YAML errors give the line and column in the YAML file, JSON errors theirs, and
// errors found after the conversion none (they would be the conversion's).
func TestErrors(t *testing.T) {
	tests := []struct{ data, want string }{
		{`just text`, `x: the file must hold an object with a "fields" list, not a JSON string`},
		{"fields:\n  - name: X\n    typo: string\n", `x: unknown field "typo" (a field takes name, type, description, aliases, values, closed, array, event_types)`},
		{"fields: 5\n", `x: "fields" must be a list of fields, not a JSON number`},
		{"fields:\n  - name: X\n    type: [1\n", "x: line 3, column 11: sequence end token ']' not found"},
		{"fields: [", "x: line 1, column 9: sequence end token ']' not found"},
		{"fields:\n  - name: X\n    closed: yes please\n", `x: "fields.closed" must be true or false, not a JSON string`},
		{"{\"fields\":[\n {\"name\":\"X\" \"type\": 5}]}", `x: line 2, column 15: invalid character '"' after object key:value pair`},
		{``, `x: the file is empty: want an object with a "fields" list`},
	}
	for _, tt := range tests {
		s, err := schemafile.Extend(schema.Default(), []byte(tt.data), "x")
		if err == nil || s != nil {
			t.Errorf("Extend(%q) = %v, %v; want only an error", tt.data, s, err)
			continue
		}
		if got := strings.SplitN(err.Error(), "\n", 2)[0]; got != tt.want {
			t.Errorf("Extend(%q)\n got %s\nwant %s", tt.data, got, tt.want)
		}
	}
}
