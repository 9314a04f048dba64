package sarifcheck

import (
	"strings"
	"testing"
)

func TestCheckURIReference(t *testing.T) {
	for _, tt := range []struct {
		uri string
		ok  bool
	}{
		{"rules/r.yaml", true},
		{"Lateral%20Movement/psexec.yaml", true},
		{"caf%C3%A9/100%25.yaml", true},
		{"https://github.com/katafilter/katafilter/blob/main/docs/lint.md#kl0006", true},
		{"Lateral Movement/psexec.yaml", false},
		{"100%.yaml", false},
		{"a#b#c.yaml", false},
		{"café.yaml", false},
		{`rules\r.yaml`, false},
	} {
		if err := CheckURIReference(tt.uri); (err == nil) != tt.ok {
			t.Errorf("CheckURIReference(%q) = %v, want ok %v", tt.uri, err, tt.ok)
		}
	}
}

// TestValidateRejects: a log whose artifact URI holds a space does not validate.
func TestValidateRejects(t *testing.T) {
	log := `{"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "x"}}, "results": [{"message": {"text": "m"},
	  "locations": [{"physicalLocation": {"artifactLocation": {"uri": "%s"}}}]}]}]}`
	for uri, ok := range map[string]bool{"a%20b.yaml": true, "a b.yaml": false} {
		err := Validate("../../testdata/lint/sarif-2.1.0-rtm.5.json", []byte(strings.Replace(log, "%s", uri, 1)))
		if (err == nil) != ok {
			t.Errorf("uri %q: %v", uri, err)
		}
	}
}
