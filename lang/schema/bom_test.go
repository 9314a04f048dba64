package schema_test

import (
	"testing"

	"github.com/katafilter/katafilter/lang/schema"
)

// TestExtendBOM: a schema file saved with a byte order mark (Notepad, PowerShell) is read like
// one without; a JSON decoder would otherwise see the mark as data.
func TestExtendBOM(t *testing.T) {
	for name, data := range map[string]string{
		"x.json": "\ufeff" + `{"fields": [{"name": "My.F", "type": "string"}]}`,
	} {
		s, err := schema.Default().Extend([]byte(data), name)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if _, ok := s.Lookup("My.F"); !ok {
			t.Errorf("%s: My.F not added", name)
		}
	}
}
