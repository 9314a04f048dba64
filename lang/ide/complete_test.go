package ide

import (
	"fmt"
	"strings"
	"testing"

	"github.com/katafilter/katafilter/lang"
	"github.com/katafilter/katafilter/lang/schema"
)

// cursor splits a test source at its "|" marker: the text without it and the offset.
func cursor(s string) (string, int) {
	i := strings.IndexByte(s, '|')
	if i < 0 {
		return s, len(s)
	}
	return s[:i] + s[i+1:], i
}

// render writes items as "insert[start,end)" separated by spaces, the first n only.
func render(items []Item, n int) string {
	var parts []string
	for i, it := range items {
		if i == n {
			parts = append(parts, fmt.Sprintf("...(%d)", len(items)))
			break
		}
		parts = append(parts, fmt.Sprintf("%s%v", it.InsertText, it.Replace))
	}
	return strings.Join(parts, " ")
}

func TestComplete(t *testing.T) {
	tests := []struct {
		src  string
		n    int
		want string
	}{
		// Term start: fields in schema order, then NOT and (.
		{"|", 3, "HostName[0,0) HostIp[0,0) EventType[0,0) ...(111)"},
		{"Event|", 2, "EventType[0,5) System.EventID.value[0,5) ...(7)"},
		{"NOT |", 1, "HostName[4,4) ...(111)"},
		{"no|", 10, "NOT[0,2)"},
		// After a field: the operators its type allows.
		{"EventType |", 10, "==[10,10) !=[10,10) in ([10,10)"},
		{"FileSize |", 10, "==[9,9) !=[9,9) >[9,9) >=[9,9) <[9,9) <=[9,9) in ([9,9)"},
		{"NoSuchField |", 10, "==[12,12) !=[12,12) >[12,12) >=[12,12) <[12,12) <=[12,12) in ([12,12)"},
		{"EventType =|", 10, "==[10,11)"},
		{"EventType !|", 10, "!=[10,11)"},
		{"EventType i|", 10, "in ([10,11)"},
		// Values: the 16 event types quoted, partial strings replaced whole.
		{"EventType == |", 2, "'process'[13,13) 'process_terminate'[13,13) ...(16)"},
		{"EventType==|", 1, "'process'[11,11) ...(16)"},
		{"EventType == 'thr|", 10, "'threatdetect'[13,17) 'threatprocessingresult'[13,17)"},
		{"EventType == 'thr|' AND x", 10, "'threatdetect'[13,18) 'threatprocessingresult'[13,18)"},
		{"eventtype == 'amsi|", 10, "'amsiscan'[13,18)"},
		{"Ioa.Severity != |", 10, "'High'[16,16) 'Medium'[16,16) 'Low'[16,16)"},
		{"FileName == |", 10, ""},
		{"FileSize > |", 10, ""},
		// in lists, infix and call form.
		{"EventType in |", 10, "([13,13)"},
		{"EventType in (|", 1, "'process'[14,14) ...(17)"},
		{"EventType in ('process', 'mod|", 10, "'module'[25,29)"},
		{"EventType in ('process', 'module', |", 2, "'process_terminate'[35,35) 'connection'[35,35) ...(14)"},
		{"(EventType == 'process') AND EventType in ('applock', |", 1, "'process'[54,54) ...(15)"},
		{"EventType in ('process'|", 10, ",[23,23) )[23,23)"},
		{"in(|", 1, "HostName[3,3) ...(109)"},
		{"in(EventType|", 10, "EventType[3,12)"},
		{"in(EventType |", 10, ",[13,13)"},
		{"in(EventType, 'applo|", 10, "'applock'[14,20)"},
		// After a complete comparison.
		{"EventType == 'process' |", 10, "AND[23,23) OR[23,23)"},
		{"(EventType == 'process'|", 10, "AND[23,23) OR[23,23) )[23,23)"},
		{"EventType == 'process' o|", 10, "OR[23,24)"},
		{"FileSize > 10 AND|", 10, "AND[14,17)"},
		// Dotted fields, segment by segment.
		{"Ioa.|", 10, "Rules.[4,4) Severity[4,4) Confidence[4,4)"},
		{"Ioa.Rules.|", 10, "Id[10,10) Name[10,10) Techniques[10,10) Tactics[10,10)"},
		{"Ioa.Rules.Ta|", 10, "Tactics[10,12)"},
		{"ioa.c|", 10, "Confidence[4,5)"},
		{"Ioa.Se|ver == 'High'", 10, "Severity[4,9)"},
		// A pinned event type ranks the fields it carries first.
		{"EventType == 'process' AND |", 3, "FileCreationTime[27,27) FileName[27,27) FilePath[27,27) ...(111)"},
		{"EventType in ('amsiscan') AND |", 1, "VerdictName[30,30) ...(111)"},
		// Nothing to offer.
		{"EventType == 'process' AND FileName == 'x' )|", 10, "AND[44,44) OR[44,44)"},
	}
	for _, tc := range tests {
		src, off := cursor(tc.src)
		got := render(Complete(src, off, lang.Config{}), tc.n)
		if got != tc.want {
			t.Errorf("Complete(%q):\n got %s\nwant %s", tc.src, got, tc.want)
		}
	}
}

func TestCompleteDetails(t *testing.T) {
	items := Complete("EventType == ", 13, lang.Config{})
	if len(items) != 16 {
		t.Fatalf("got %d event types, want 16", len(items))
	}
	if it := items[0]; it.Label != "'process'" || it.Kind != KindValue || it.Detail != "EventType" || it.Documentation != "Process started." {
		t.Errorf("first value = %+v", it)
	}
	items = Complete("Hos", 3, lang.Config{})
	if len(items) != 2 || items[0].Label != "HostName" || items[0].Kind != KindField || items[0].Detail != "string" || items[0].Documentation != "Host name." {
		t.Errorf("HostName item = %+v", items)
	}
	items = Complete("Ioa.", 4, lang.Config{})
	if items[0].Kind != KindSegment || items[1].Kind != KindField || items[1].Detail != "string" {
		t.Errorf("Ioa. items = %+v", items)
	}
	for _, it := range Complete("Ioa.Rules.", 10, lang.Config{}) {
		if !strings.HasPrefix(it.Detail, "string (any element of an array)") {
			t.Errorf("%s detail = %q", it.Label, it.Detail)
		}
	}
}

func TestCompleteExtendedSchema(t *testing.T) {
	s, err := schema.Default().Extend([]byte(`{"fields":[{"name":"Custom.Kind","type":"string","values":[{"value":"service","description":"A service."}]},
		{"name":"Custom.Flag","type":"boolean","description":"A flag."}]}`), "ext.json")
	if err != nil {
		t.Fatal(err)
	}
	cfg := lang.Config{Schema: s}
	if got := render(Complete("Custom.Kind == ", 15, cfg), 5); got != "'service'[15,15)" {
		t.Errorf("extended values: %s", got)
	}
	if got := render(Complete("Custom.Flag ", 12, cfg), 5); got != "==[12,12) !=[12,12) in ([12,12)" {
		t.Errorf("boolean operators: %s", got)
	}
	if got := render(Complete("Custom.Flag == ", 15, cfg), 5); got != "true[15,15) false[15,15)" {
		t.Errorf("boolean values: %s", got)
	}
	// Each schema has its own field texts, though completion keeps those of one at a time.
	other, err := schema.Default().Extend([]byte(`{"fields":[{"name":"Custom.Flag","type":"boolean","description":"Another flag."}]}`), "other.json")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		s    *schema.Schema
		want string
	}{{s, "A flag."}, {other, "Another flag."}, {s, "A flag."}} {
		items := Complete("Custom.F", 8, lang.Config{Schema: tc.s})
		if len(items) != 1 || items[0].Documentation != tc.want {
			t.Errorf("documentation of Custom.Flag: %v, want %q", items, tc.want)
		}
	}
}

func TestCompleteBadInput(t *testing.T) {
	for _, src := range []string{"", "\xff\xfe", "'", "((((", "EventType == '\\", "a.b.c.", "in(in(in(", strings.Repeat("(", 200)} {
		for off := -1; off <= len(src)+1; off++ {
			Complete(src, off, lang.Config{}) // must not panic
			HoverAt(src, off, lang.Config{})
			SignatureAt(src, off, lang.Config{})
		}
		Classify(src)
	}
}
