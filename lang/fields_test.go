package lang

import (
	"strings"
	"testing"
)

func TestSelectFields(t *testing.T) {
	for _, tc := range []struct{ pattern, want string }{
		{"*Pid", "SystemPid ParentSystemPid UniquePid UniqueParentPid"},
		{"*pid", "SystemPid ParentSystemPid UniquePid UniqueParentPid"},
		{"remoteport", "RemotePort"},
		{"hostname", "HostName RemoteHostName"}, // the alias hostName matches too, once
		{"Ioa.Rules.?d", "Ioa.Rules.Id"},
		{"zzz", ""},
		{"Ioa.*.*", "Ioa.Rules.Id Ioa.Rules.Name Ioa.Rules.Techniques Ioa.Rules.Tactics"},
	} {
		var names []string
		for _, f := range SelectFields(nil, tc.pattern) {
			names = append(names, f.Name)
		}
		if got := strings.Join(names, " "); got != tc.want {
			t.Errorf("SelectFields(%q) = %q, want %q", tc.pattern, got, tc.want)
		}
	}
	if n := len(SelectFields(nil, "")); n < 100 {
		t.Errorf("the empty pattern selected %d fields, want them all", n)
	}
}
