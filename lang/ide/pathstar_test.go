package ide_test

import (
	"strings"
	"testing"

	"github.com/katafilter/katafilter/lang"
	"github.com/katafilter/katafilter/lang/ast"
	"github.com/katafilter/katafilter/lang/diag"
	"github.com/katafilter/katafilter/lang/ide"
)

// TestPathStarActions: in the editor, 'C:\Windows\*' shows KF0102 and KF0110, and none of
// their fixes is preferred (an editor's "fix all" applies preferred fixes without asking), while
// the first one offered is the likely intent, every backslash written as \\.
func TestPathStarActions(t *testing.T) {
	src := `EventType == 'process' AND FileFullName == 'C:\Windows\*'`
	d := ide.NewDocument(src, lang.Config{}, nil)
	codes := map[diag.Code]bool{}
	for _, dg := range d.Diagnostics() {
		codes[dg.Code] = true
	}
	if !codes[diag.UnknownEscape] || !codes[diag.PathStar] {
		t.Fatalf("diagnostics %v, want KF0102 and KF0110", codes)
	}
	acts := d.Actions(ast.Span{Start: 0, End: len(src)})
	first := ""
	for _, a := range acts {
		if a.Kind != ide.ActionFix {
			continue
		}
		if a.Preferred {
			t.Errorf("action %q is preferred", a.Title)
		}
		if first == "" {
			first = a.Title
		}
	}
	if !strings.HasPrefix(first, `write every backslash as \\, 'C:\\Windows\\*'`) {
		t.Errorf("first fix %q, want the likely intent", first)
	}
}
