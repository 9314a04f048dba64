package schema_test

import (
	"flag"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/katafilter/katafilter/lang/schema"
)

func init() {
	if flag.Lookup("update") == nil {
		flag.Bool("update", false, "accepted for go test ./lang/... -update; no golden files here")
	}
}

func values(f *schema.Field) string {
	var vs []string
	for _, v := range f.Values {
		vs = append(vs, v.Text)
	}
	return strings.Join(vs, ",")
}

func TestDefault(t *testing.T) {
	s := schema.Default()
	if n := len(s.Fields()); n < 100 {
		t.Errorf("the default schema has %d fields, want the vendor's 100-odd", n)
	}
	tests := []struct{ name, want string }{
		{"EventType", "EventType string closed process,process_terminate,module,connection,applock,blockdocument,filechange,windowsevent,registry,portlisten,driver,threatdetect,threatprocessingresult,amsiscan,process_interpretated_file_run,process_console_interactive_input"},
		{"hostName", "HostName string open "},
		{"HostName", "HostName string open "},
		{"Ioa.Severity", "Ioa.Severity string open High,Medium,Low"},
		{"Ioa.Confidence", "Ioa.Confidence string open High,Medium,Low"},
		{"Ioa.Rules.Name", "Ioa.Rules.Name string open "},
		{"SystemPid", "SystemPid integer open "},
		{"ParentFileFullName", "ParentFileFullName string open "},
		{"Method", "Method string open "},
		{"Direction", "Direction string open Inbound,Outbound"},
		{"FileSize", "FileSize integer open "},
		{"System.EventID.value", "System.EventID.value string open "},
	}
	for _, tt := range tests {
		f, ok := s.Lookup(tt.name)
		if !ok {
			t.Errorf("Lookup(%q) failed", tt.name)
			continue
		}
		closed := "open"
		if f.Closed {
			closed = "closed"
		}
		if got := fmt.Sprintf("%s %s %s %s", f.Name, f.Type, closed, values(f)); got != tt.want {
			t.Errorf("Lookup(%q)\n got %s\nwant %s", tt.name, got, tt.want)
		}
	}
	if f, _ := s.Lookup("Ioa.Rules.Name"); !f.Array || !slices.Equal(f.Path, []string{"Ioa", "Rules", "Name"}) {
		t.Errorf("Ioa.Rules.Name: array %v, path %v", f.Array, f.Path)
	}
	// the table's stray trailing dots are not part of any name
	for _, f := range s.Fields() {
		if strings.HasSuffix(f.Name, ".") || f.Description == "" {
			t.Errorf("field %q: trailing dot or no description", f.Name)
		}
	}
	for _, name := range []string{"SystemPid.", "hostname", "Nope", ""} {
		if _, ok := s.Lookup(name); ok {
			t.Errorf("Lookup(%q) succeeded", name)
		}
	}
	if got := s.LookupFold("HOSTNAME"); len(got) != 1 || got[0].Name != "HostName" {
		t.Errorf("LookupFold(HOSTNAME) = %v", got)
	}
}

func TestSuggest(t *testing.T) {
	s := schema.Default()
	tests := []struct{ name, want string }{
		{"FielName", "FileName"},
		{"UserNmae", "UserName"},
		{"EvenType", "EventType"},
		{"RemotePrt", "RemotePort"},
		{"Zzzzzzzz", ""},
	}
	for _, tt := range tests {
		if got := strings.Join(s.Suggest(tt.name), ","); got != tt.want && !strings.HasPrefix(got, tt.want+",") {
			t.Errorf("Suggest(%q) = %q, want %q first", tt.name, got, tt.want)
		}
	}
	if d := schema.Distance("Иванов", "Ивонов"); d != 1 {
		t.Errorf("Distance counts characters: got %d, want 1", d)
	}
	if d := schema.Distance("ab", "ba"); d != 1 {
		t.Errorf("a transposition is one edit: got %d", d)
	}
}

const extJSON = `{
  "version": 1,
  "fields": [
    {"name": "Custom.Score", "type": "integer", "description": "A score.", "event_types": ["custom_event"]},
    {"name": "Custom.Tag.", "type": "string", "aliases": ["Tag"], "values": [{"value": "red"}], "closed": true},
    {"name": "EventType", "values": [{"value": "custom_event", "description": "Ours."}, {"value": "process", "description": "Started."}]},
    {"name": "ProcessType", "values": [{"value": 7}, {"value": "8"}]},
    {"name": "HostName", "aliases": ["Host"], "description": "The host."}
  ]
}`

func TestExtend(t *testing.T) {
	for _, tc := range []struct{ name, data string }{{"extra.json", extJSON}} {
		s, err := schema.Default().Extend([]byte(tc.data), tc.name)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		var got []string
		for _, name := range []string{"Custom.Score", "Tag", "Custom.Tag", "Host", "hostName"} {
			f, ok := s.Lookup(name)
			if !ok {
				got = append(got, name+"=?")
				continue
			}
			got = append(got, fmt.Sprintf("%s=%s/%s/%s/%v", name, f.Name, f.Type, values(f), f.Closed))
		}
		et, _ := s.Lookup("EventType")
		pt, _ := s.Lookup("ProcessType")
		hn, _ := s.Lookup("HostName")
		got = append(got, fmt.Sprintf("EventTypes=%d last=%s ProcessType=%s HostName=%q",
			len(et.Values), et.Values[len(et.Values)-1].Text, values(pt), hn.Description))
		want := "Custom.Score=Custom.Score/integer//false Tag=Custom.Tag/string/red/true Custom.Tag=Custom.Tag/string/red/true " +
			"Host=HostName/string//false hostName=HostName/string//false EventTypes=17 last=custom_event ProcessType=0,1,2,3,7,8 HostName=\"The host.\""
		if g := strings.Join(got, " "); g != want {
			t.Errorf("%s:\n got %s\nwant %s", tc.name, g, want)
		}
		// the default schema is untouched
		if _, ok := schema.Default().Lookup("Custom.Score"); ok {
			t.Fatal("Extend changed the default schema")
		}
		if et, _ := schema.Default().Lookup("EventType"); len(et.Values) != 16 {
			t.Fatal("Extend changed the default EventType values")
		}
	}
}

func TestExtendErrors(t *testing.T) {
	tests := []struct{ data, want string }{
		{``, `x: the file is empty: want an object with a "fields" list`},
		{"fields:\n  - name: X\n", `x: not a JSON object: want an object with a "fields" list`}, // YAML: package schemafile reads it
		{`"just a string"`, `x: not a JSON object: want an object with a "fields" list`},
		{`{"fields":[{"name":"X","type":"string"}`, `x: the file ends in the middle of a value`},
		{"{\"fields\":[\n {\"name\":\"X\" \"type\": 5}]}", `x: line 2, column 15: invalid character '"' after object key:value pair`},
		{"{\"fields\":\n {\"name\":\"X\"}}", `x: line 2, column 3: "fields" must be a list of fields, not a JSON object`},
		{"{\"fields\":[\n {\"name\":\"X\", \"closed\": \"yes\"}]}", `x: line 2, column 30: "fields.closed" must be true or false, not a JSON string`},
		{`{"fields":[{"name":"X","type":"string","colour":"red"}]}`, `x: unknown field "colour" (a field takes name, type, description, aliases, values, closed, array, event_types)`},
		{`{"version":2,"fields":[]}`, `x: version 2 is not supported: this katafilter reads version 1`},
		{`{"fields":[{"name":"X","type":"float"}]}`, `x: field 1 (X): type must be string, integer or boolean, not "float"`},
		{`{"fields":[{"name":"X"}]}`, `x: field 1 (X): type must be string, integer or boolean, not ""`},
		{`{"fields":[{"name":"FileSize","type":"string"}]}`, `x: field 1 (FileSize): the field already exists with type integer`},
		{`{"fields":[{"name":"A..B","type":"string"}]}`, `x: field 1 (A..B): invalid field name "A..B"`},
		{`{"fields":[{"name":"9A","type":"string"}]}`, `x: field 1 (9A): invalid field name "9A"`},
		{`{"fields":[{"name":"X","type":"string","aliases":["1bad"]}]}`, `x: field 1 (X): invalid alias "1bad"`},
		{`{"fields":[{"name":"X","type":"string","aliases":["HostName"]}]}`, `x: field 1 (X): alias HostName already names the field HostName`},
		{`{"fields":[{"name":"X","type":"integer","values":[{"value":"abc"}]}]}`, `x: field 1 (X): value "abc" is not an integer`},
		{`{"fields":[{"name":"X","type":"string","values":[{"value":5}]}]}`, `x: field 1 (X): value 5 does not fit a string field`},
		{`{"fields":[{"name":"X","type":"string","values":[{"value":true}]}]}`, `x: field 1 (X): value true is neither a string nor a number`},
		{`{"fields":[{"name":"X","type":"string","event_types":["proces"]}]}`, `x: field X: event type "proces" is not a value of EventType; did you mean "process"?`},
		{`{"fields":[{"name":"FileName","event_types":["nothing_like_it"]}]}`, `x: field FileName: event type "nothing_like_it" is not a value of EventType`},
	}
	for _, tt := range tests {
		s, err := schema.Default().Extend([]byte(tt.data), "x")
		if err == nil {
			t.Errorf("Extend(%q) succeeded", tt.data)
			continue
		}
		if s != nil {
			t.Errorf("Extend(%q) returned a schema beside the error", tt.data)
		}
		if got := strings.SplitN(err.Error(), "\n", 2)[0]; got != tt.want {
			t.Errorf("Extend(%q)\n got %s\nwant %s", tt.data, got, tt.want)
		}
	}
}

// TestDistanceAtLeastLengths: the distance of two words is at least the difference of their
// lengths in characters, which Closest relies on to skip candidates without computing their
// distance; checked for words made by mistyping the schema's field names (and a few others)
// against every field name.
func TestDistanceAtLeastLengths(t *testing.T) {
	var names []string
	for _, f := range schema.Default().Fields() {
		names = append(names, f.Name)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	words := []string{"", "a", "Ev", "Иванов", "process", "Name", "NAME", "zzzzzzzzzzzzzzzzzzzzzzzzzz"}
	for range 2000 {
		w := []rune(names[rng.IntN(len(names))])
		for range rng.IntN(6) {
			i := rng.IntN(len(w) + 1)
			switch rng.IntN(3) {
			case 0: // insert
				w = slices.Insert(w, i, rune('a'+rng.IntN(26)))
			case 1: // delete
				if i < len(w) {
					w = slices.Delete(w, i, i+1)
				}
			default: // cut the word
				w = w[:i]
			}
		}
		words = append(words, string(w))
	}
	for _, w := range words {
		for _, c := range names {
			d, diff := schema.Distance(w, c), utf8.RuneCountInString(w)-utf8.RuneCountInString(c)
			if d < diff || d < -diff {
				t.Fatalf("Distance(%q, %q) = %d, less than the difference of their lengths", w, c, d)
			}
		}
	}
}
