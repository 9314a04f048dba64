package ide

import (
	"fmt"
	"strings"
	"testing"

	"github.com/katafilter/katafilter/lang"
)

func TestHover(t *testing.T) {
	tests := []struct {
		src  string
		want string // span, then the first line of the text
	}{
		{"Event|Type == 'x'", "[0,9) `EventType`: string field"},
		{"EventType| == 'x'", "[0,9) `EventType`: string field"},
		{"ioa.severity| == 'x'", "[0,12) `Ioa.Severity`: string field (written `ioa.severity`)"},
		{"Ioa.Rules.Name| == 'x'", "[0,14) `Ioa.Rules.Name`: string (any element of an array) field"},
		{"Hots|Name == 'x'", "[0,8) `HotsName`: unknown field; did you mean HostName?"},
		{"EventType =|= 'x'", "[10,12) `==`: equal. Against a string, the constant is a pattern: `*` matches any run of characters, `?` one character; `\\*` and `\\?` are the characters themselves."},
		{"FileSize >|= 1", "[9,11) `>=`: greater than or equal (integer fields only)."},
		{"a == 'x' an|d b == 1", "[9,12) `AND`: both sides must hold. Binds tighter than `OR`, looser than `NOT`."},
		{"a i|n ('x')", "[2,4) `in`: `Field in (v1, v2, ...)` is true when the field equals any of the values (`==` against each, wildcards included). `in(Field, v1, ...)` means the same."},
		{"FileName == 'a\\*b*|'", "[12,19) `'a\\*b*'` matches \"a*b\" then anything (starts with \"a*b\")."},
		{"x == '*power*'|", "[5,14) `'*power*'` matches anything then \"power\" then anything (contains \"power\")."},
		{"x == '|*.exe'", "[5,12) `'*.exe'` matches anything then \".exe\" (ends with \".exe\")."},
		{"x == 'a?c|'", "[5,10) `'a?c'` matches \"a\" then any one character then \"c\"."},
		{"x == 'C:\\Win|dows'", "[5,17) `'C:\\Windows'` matches exactly \"C:\\Windows\"."},
		{"x == 'Иван|ов'", "[5,19) `'Иванов'` matches exactly \"Иванов\"."},
		{"a == 1|2", "[5,7) `12`: an integer constant"},
		{"a == tr|ue", "[5,9) `true`: a boolean constant (keywords are case-insensitive)"},
		{"a == 'ab|", "[5,8) `'ab` matches exactly \"ab\"."},
		{"a == '' |", "none"},
		{"a == \"it's|\"", "[5,11) `\"it's\"`: string constants are written in single quotes, as in `'it\\'s'`."},
		{"(| a == 1)", "none"},
	}
	for _, tc := range tests {
		src, off := cursor(tc.src)
		h, ok := HoverAt(src, off, lang.Config{})
		got := "none"
		if ok {
			got = fmt.Sprintf("%v %s", h.Span, strings.SplitN(h.Text, "\n", 2)[0])
		}
		if got != tc.want {
			t.Errorf("HoverAt(%q):\n got %s\nwant %s", tc.src, got, tc.want)
		}
	}
}

func TestHoverDetails(t *testing.T) {
	h, _ := HoverAt("EventType == 'x'", 1, lang.Config{})
	if !strings.Contains(h.Text, "Known values: `'process'`, `'process_terminate'`") || strings.Contains(h.Text, "others possible") {
		t.Errorf("EventType hover lacks its closed value list:\n%s", h.Text)
	}
	h, _ = HoverAt(`x == 'a\*b*'`, 7, lang.Config{})
	if !strings.Contains(h.Text, "The escape `\\*` is the character itself, not a wildcard.") {
		t.Errorf("escape not explained:\n%s", h.Text)
	}
	h, _ = HoverAt("UniqueParentPid == 'x'", 3, lang.Config{})
	if !strings.HasPrefix(h.Text, "`UniqueParentPid`: string field") || !strings.Contains(h.Text, "Not in the events API's field table") {
		t.Errorf("UniqueParentPid hover does not say it is outside the field table:\n%s", h.Text)
	}
	items := Complete("Timest", 6, lang.Config{})
	if len(items) == 0 || items[0].Label != "Timestamp" || !strings.Contains(items[0].Documentation, "(KF0203)") {
		t.Errorf("completing Timest: %+v", items)
	}
	h, _ = HoverAt(`x == 'C:\Windows'`, 7, lang.Config{})
	if !strings.Contains(h.Text, "invalid escape") {
		t.Errorf("bad escape not explained:\n%s", h.Text)
	}
	h, _ = HoverAt(`x == 'ab`, 7, lang.Config{})
	if !strings.Contains(h.Text, "no closing quote") {
		t.Errorf("unterminated string not explained:\n%s", h.Text)
	}
}

func TestSignature(t *testing.T) {
	tests := []struct{ src, want string }{
		{"EventType in (|", "EventType in (value, ...) [value ...] 0"},
		{"EventType in ('a', |", "EventType in (value, ...) [value ...] 1"},
		{"EventType in ('a', 'b', 'c|", "EventType in (value, ...) [value ...] 1"},
		{"in(|", "in(Field, value, ...) [Field value ...] 0"},
		{"in(EventType, |", "in(EventType, value, ...) [EventType value ...] 1"},
		{"in(FileName, 'a', |", "in(FileName, value, ...) [FileName value ...] 2"},
		{"(EventType == 'x') AND Pid in (1, |2)", "Pid in (value, ...) [value ...] 1"},
		{"EventType == |", "none"},
		{"EventType in ('a')|", "none"},
		{"(|", "none"},
	}
	for _, tc := range tests {
		src, off := cursor(tc.src)
		s, ok := SignatureAt(src, off, lang.Config{})
		got := "none"
		if ok {
			var params []string
			for i := range s.Params {
				params = append(params, s.ParamText(i))
			}
			got = fmt.Sprintf("%s %v %d", s.Label, params, s.Active)
		}
		if got != tc.want {
			t.Errorf("SignatureAt(%q):\n got %s\nwant %s", tc.src, got, tc.want)
		}
	}
	s, _ := SignatureAt("EventType in (", 14, lang.Config{})
	if !strings.Contains(s.Documentation, "`EventType`: string field. Event type.") {
		t.Errorf("documentation lacks the field: %s", s.Documentation)
	}
}
