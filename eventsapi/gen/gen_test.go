package gen_test

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/katafilter/katafilter/eventsapi/gen"
	"github.com/katafilter/katafilter/lang"
	"github.com/katafilter/katafilter/lang/schema"
)

// flatten lists the dotted paths of an event's scalar values (arrays are crossed, as the
// filter language crosses them).
func flatten(prefix string, v any, out map[string]any) {
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			p := k
			if prefix != "" {
				p = prefix + "." + k
			}
			flatten(p, x, out)
		}
	case []any:
		for _, x := range v {
			flatten(prefix, x, out)
		}
	default:
		out[prefix] = v
	}
}

// stream returns n events of a generator with a fixed start, raw and decoded.
func stream(t testing.TB, seed uint64, n int) ([][]byte, []map[string]any) {
	t.Helper()
	g := gen.NewWith(gen.Options{Seed: seed, Start: time.Date(2026, 1, 12, 8, 0, 0, 0, time.UTC)})
	raw := make([][]byte, n)
	evs := make([]map[string]any, n)
	for i := range raw {
		raw[i] = g.Next()
		if err := json.Unmarshal(raw[i], &evs[i]); err != nil {
			t.Fatal(err)
		}
	}
	return raw, evs
}

func str(e map[string]any, path string) string {
	var v any = e
	for _, k := range strings.Split(path, ".") {
		m, ok := v.(map[string]any)
		if !ok {
			return ""
		}
		v = m[k]
	}
	s, _ := v.(string)
	return s
}

func num(e map[string]any, k string) int64 {
	f, _ := e[k].(float64)
	return int64(f)
}

// TestFieldsAreInTheSchema checks that every generated field is a field of the schema, with
// the schema's type, and that a field with closed values takes one of them.
func TestFieldsAreInTheSchema(t *testing.T) {
	_, evs := stream(t, 1, 5000)
	s := schema.Default()
	for _, ev := range evs {
		fields := map[string]any{}
		flatten("", ev, fields)
		for name, v := range fields {
			f, ok := s.Lookup(name)
			if !ok {
				t.Fatalf("%s: field %s is not in the schema", ev["EventType"], name)
			}
			_, isNum := v.(float64)
			if (f.Type == schema.Integer) != isNum {
				t.Fatalf("%s: field %s holds %T, the schema says %v", ev["EventType"], name, v, f.Type)
			}
			if len(f.Values) > 0 && !f.HasValue(fmt.Sprint(v)) {
				t.Errorf("%s: %s is %v, not one of the schema's values", ev["EventType"], name, v)
			}
		}
	}
}

// TestHostsAreConsistent checks that a host's OS decides its event types, paths and users.
func TestHostsAreConsistent(t *testing.T) {
	_, evs := stream(t, 3, 6000)
	windowsOnly := []string{"windowsevent", "amsiscan", "registry", "driver", "applock", "blockdocument"}
	hostOS := map[string]string{}
	for i, e := range evs {
		h, os := str(e, "HostName"), str(e, "OsFamily")
		if prev, ok := hostOS[h]; ok && prev != os {
			t.Fatalf("event %d: host %s is %s, earlier %s", i, h, os, prev)
		}
		hostOS[h] = os
		fields := map[string]any{}
		flatten("", e, fields)
		for k, v := range fields {
			s, _ := v.(string)
			if os == "Linux" && (strings.Contains(s, `C:\`) || strings.Contains(s, `NT AUTHORITY`) || strings.HasSuffix(strings.ToLower(s), ".exe")) {
				t.Errorf("event %d on Linux host %s: %s = %q", i, h, k, s)
			}
			if os == "Windows" && strings.HasSuffix(k, "FullName") && strings.HasPrefix(s, "/") {
				t.Errorf("event %d on Windows host %s: %s = %q", i, h, k, s)
			}
		}
		et := str(e, "EventType")
		if os == "Linux" && slices.Contains(windowsOnly, et) {
			t.Errorf("event %d: %s on Linux host %s", i, et, h)
		}
		if _, ok := e["LinuxEventType"]; ok && os != "Linux" {
			t.Errorf("event %d: LinuxEventType on Windows host %s", i, h)
		}
	}
	n := map[string]int{}
	for _, os := range hostOS {
		n[os]++
	}
	if n["Linux"] == 0 || n["Windows"] == 0 {
		t.Errorf("hosts by OS: %v; want both", n)
	}
}

// TestWindowsChannels checks each event ID's channel and provider as Windows writes them.
func TestWindowsChannels(t *testing.T) {
	_, evs := stream(t, 4, 6000)
	want := map[string]string{"4624": "Security", "4625": "Security", "4634": "Security", "4672": "Security", "4688": "Security", "4720": "Security", "7045": "System", "7036": "System"}
	seen := map[string]int{}
	for i, e := range evs {
		if str(e, "EventType") != "windowsevent" {
			continue
		}
		id, ch := str(e, "System.EventID.value"), str(e, "System.Channel.value")
		seen[id]++
		if w, ok := want[id]; !ok || w != ch {
			t.Errorf("event %d: event ID %s in channel %q", i, id, ch)
		}
		prov := str(e, "System.Provider.Name.value")
		if (ch == "System") != (prov == "Service Control Manager") {
			t.Errorf("event %d: event ID %s from provider %q", i, id, prov)
		}
	}
	for _, id := range []string{"4624", "4625", "4720", "7045"} {
		if seen[id] == 0 {
			t.Errorf("no event %s in %d events (seen %v)", id, len(evs), seen)
		}
	}
}

// proc is what the events say about one process.
type proc struct {
	host, image, cmdline string
	pid                  int64
	ended                bool
}

// TestProcessTrees checks that every event names its process consistently: one UniquePid is
// one host, PID and image; a process event's parent fields are those of the process named by
// UniqueParentPid; nothing is reported of a process after its process_terminate.
func TestProcessTrees(t *testing.T) {
	_, evs := stream(t, 5, 8000)
	procs := map[string]*proc{}
	children := 0
	for i, e := range evs {
		u := str(e, "UniquePid")
		if u == "" {
			continue
		}
		p, known := procs[u]
		here := proc{host: str(e, "HostName"), image: str(e, "FileFullName"), pid: num(e, "SystemPid")}
		if !known {
			p = &here
			procs[u] = p
		}
		if p.ended && str(e, "EventType") != "threatprocessingresult" {
			t.Errorf("event %d (%s): process %s reported after it ended", i, e["EventType"], u)
		}
		if p.host != here.host || p.pid != here.pid || (p.image != here.image && str(e, "EventType") != "threatdetect") {
			t.Errorf("event %d: UniquePid %s is %s/%d/%s, earlier %s/%d/%s", i, u, here.host, here.pid, here.image, p.host, p.pid, p.image)
		}
		switch str(e, "EventType") {
		case "process":
			p.cmdline = str(e, "StartupParameters")
			if p.cmdline == "" {
				t.Errorf("event %d: a process without StartupParameters", i)
			}
			if !cmdlineFits(p.image, p.cmdline) {
				t.Errorf("event %d: command line %q does not fit image %s", i, p.cmdline, p.image)
			}
			pu := str(e, "UniqueParentPid")
			parent, ok := procs[pu]
			if !ok {
				parent = &proc{host: p.host, image: str(e, "ParentFileFullName"), pid: num(e, "ParentSystemPid"), cmdline: str(e, "ParentStartupParameters")}
				procs[pu] = parent
				continue
			}
			children++
			if parent.host != p.host || parent.pid != num(e, "ParentSystemPid") || parent.image != str(e, "ParentFileFullName") {
				t.Errorf("event %d: parent %s is %s/%d/%s, the event says %d/%s", i, pu, parent.host, parent.pid, parent.image, num(e, "ParentSystemPid"), str(e, "ParentFileFullName"))
			}
			if parent.cmdline != "" && parent.cmdline != str(e, "ParentStartupParameters") {
				t.Errorf("event %d: parent's command line %q, the event says %q", i, parent.cmdline, str(e, "ParentStartupParameters"))
			}
			if parent.ended {
				t.Errorf("event %d: started by %s, which had ended", i, pu)
			}
		case "process_terminate":
			p.ended = true
		}
	}
	if children < 100 {
		t.Errorf("only %d processes started by a process seen before", children)
	}
}

// cmdlineFits reports whether a command line starts with its image's name (the path, the
// base name, quoted or not), or is one of the forms Linux daemons rename themselves to.
func cmdlineFits(image, cmdline string) bool {
	base := image[strings.LastIndexAny(image, `\/`)+1:]
	first := strings.ToLower(strings.Fields(cmdline)[0])
	if strings.HasPrefix(cmdline, `"`) {
		first, _, _ = strings.Cut(strings.ToLower(cmdline[1:]), `"`)
	}
	stem := strings.TrimSuffix(strings.ToLower(base), ".exe")
	if strings.HasSuffix(first, strings.ToLower(base)) || strings.HasSuffix(first, stem) || strings.HasSuffix(first, stem+".exe") {
		return true
	}
	if strings.HasPrefix(cmdline, "-") && strings.HasSuffix(image, "sh") { // a login shell
		return true
	}
	// sshd, postgres and nginx rename their processes; /bin/sh is dash.
	return strings.HasPrefix(cmdline, strings.TrimSuffix(base, "d")) || (base == "dash" && strings.HasPrefix(cmdline, "/bin/sh"))
}

// TestDetectionsReferToEvents checks that a detection names a process or file of an earlier
// event of its host, that its IOA rules carry MITRE techniques and tactics, and that each
// processing result follows its detection.
func TestDetectionsReferToEvents(t *testing.T) {
	_, evs := stream(t, 6, 8000)
	seenPid := map[string]bool{}  // host + UniquePid
	seenFile := map[string]bool{} // host + SHA-256
	detections := map[string]bool{}
	technique := regexp.MustCompile(`^T\d{4}(\.\d{3})?$`)
	tactic := regexp.MustCompile(`^TA\d{4}$`)
	var ndet, nioa int
	for i, e := range evs {
		h := str(e, "HostName")
		switch str(e, "EventType") {
		case "threatdetect":
			ndet++
			if u := str(e, "UniquePid"); u != "" && !seenPid[h+u] {
				t.Errorf("event %d: detection of process %s never seen on %s", i, u, h)
			}
			if !seenFile[h+str(e, "DetectedSha256")] && !knownBinary(evs[:i], h, str(e, "DetectedName")) {
				t.Errorf("event %d: detection of %s (%s) never seen on %s", i, str(e, "DetectedName"), str(e, "DetectedSha256"), h)
			}
			if ioa, ok := e["Ioa"].(map[string]any); ok {
				nioa++
				for _, r := range ioa["Rules"].([]any) {
					r := r.(map[string]any)
					for _, x := range r["Techniques"].([]any) {
						if !technique.MatchString(x.(string)) {
							t.Errorf("event %d: technique %q", i, x)
						}
					}
					for _, x := range r["Tactics"].([]any) {
						if !tactic.MatchString(x.(string)) {
							t.Errorf("event %d: tactic %q", i, x)
						}
					}
				}
			}
			detections[h+fmt.Sprint(num(e, "RecordId"))+str(e, "DetectedSha256")] = true
		case "threatprocessingresult":
			if !detections[h+fmt.Sprint(num(e, "RecordId"))+str(e, "DetectedSha256")] {
				t.Errorf("event %d: processing result without its detection", i)
			}
		}
		if u := str(e, "UniquePid"); u != "" {
			seenPid[h+u] = true
		}
		for _, k := range []string{"Sha256", "DroppedSha256", "DllSha256"} {
			if s := str(e, k); s != "" {
				seenFile[h+s] = true
			}
		}
	}
	if ndet < 20 || nioa < 5 {
		t.Errorf("%d detections, %d with IOA rules: want more", ndet, nioa)
	}
}

// knownBinary reports whether an earlier event of host h names the file full.
func knownBinary(evs []map[string]any, h, full string) bool {
	for _, e := range evs {
		if str(e, "HostName") == h && (str(e, "FileFullName") == full || str(e, "ParentFileFullName") == full || str(e, "EventData.Data.ProcessName.value") == full) {
			return true
		}
	}
	return false
}

// TestStories checks that the attack stories are there for the documentation's filters to
// find.
func TestStories(t *testing.T) {
	raw, _ := stream(t, 1, 3000)
	for _, tt := range []struct {
		filter string
		min    int
	}{
		{`EventType == 'process' AND FileName == 'powershell.exe' AND StartupParameters == '*-enc*' AND ParentFileFullName == '*\\WINWORD.EXE'`, 1},
		{`EventType == 'amsiscan' AND ObjectContent == '*DownloadString*'`, 1},
		{`EventType == 'windowsevent' AND System.EventID.value == '7045' AND System.Channel.value == 'System'`, 1},
		{`EventType == 'windowsevent' AND System.EventID.value == '4625' AND LogonRemoteHost == '203.0.113.*'`, 10},
		{`EventType == 'threatdetect' AND Ioa.Rules.Techniques == 'T1059.001'`, 1},
		{`EventType == 'threatdetect' AND OsFamily == 'Linux'`, 1},
		{`EventType == 'process' AND OsFamily == 'Linux' AND UniqueParentPid == '*'`, 50},
	} {
		p, diags := lang.Compile(tt.filter, lang.Config{})
		if p == nil {
			t.Fatalf("%s: %v", tt.filter, diags)
		}
		n := 0
		for _, e := range raw {
			if ok, err := p.MatchJSON(e); err != nil {
				t.Fatal(err)
			} else if ok {
				n++
			}
		}
		if n < tt.min {
			t.Errorf("%s: %d events in 3000, want at least %d", tt.filter, n, tt.min)
		}
	}
}

func TestAllTypesAndFilters(t *testing.T) {
	g := gen.New(2, 0, nil)
	counts := map[string]int{}
	var events [][]byte
	for range 2000 {
		e := g.Next()
		var ev struct{ EventType string }
		json.Unmarshal(e, &ev)
		counts[ev.EventType]++
		events = append(events, e)
	}
	var types []string
	for k := range counts {
		types = append(types, k)
	}
	sort.Strings(types)
	want := slices.Clone(gen.EventTypes)
	sort.Strings(want)
	if !slices.Equal(types, want) {
		t.Fatalf("types %v, want all 16", types)
	}
	for _, et := range gen.EventTypes {
		p, diags := lang.Compile(fmt.Sprintf("EventType == '%s'", et), lang.Config{})
		if p == nil {
			t.Fatal(diags)
		}
		n := 0
		for _, e := range events {
			if ok, err := p.MatchJSON(e); err != nil {
				t.Fatal(err)
			} else if ok {
				n++
			}
		}
		if n != counts[et] {
			t.Errorf("%s: the filter matches %d events, %d were made", et, n, counts[et])
		}
	}
}

func TestDeterministic(t *testing.T) {
	a, _ := stream(t, 5, 500)
	b, _ := stream(t, 5, 500)
	c, _ := stream(t, 6, 500)
	for i := range a {
		if string(a[i]) != string(b[i]) {
			t.Fatalf("same seed, different event %d:\n%s\n%s", i, a[i], b[i])
		}
	}
	if slices.EqualFunc(a, c, func(x, y []byte) bool { return string(x) == string(y) }) {
		t.Error("seeds 5 and 6 made the same events")
	}
}

// TestTimestamps checks that with a start time, events come 1/Rate apart from it.
func TestTimestamps(t *testing.T) {
	start := time.Date(2026, 1, 12, 8, 0, 0, 0, time.UTC)
	g := gen.NewWith(gen.Options{Seed: 1, Start: start, Rate: 4})
	for i := range 9 {
		var ev struct{ Timestamp int64 }
		json.Unmarshal(g.Next(), &ev)
		if want := start.Add(time.Duration(i) * 250 * time.Millisecond).UnixMicro(); ev.Timestamp != want {
			t.Fatalf("event %d: Timestamp %d, want %d", i, ev.Timestamp, want)
		}
	}
}

func ExampleNewWith() {
	g := gen.NewWith(gen.Options{Seed: 1, Hosts: 5, Start: time.Date(2026, 1, 12, 8, 0, 0, 0, time.UTC)})
	for range 3 {
		var ev struct {
			EventType, HostName, OsFamily, UniquePid string
			Timestamp                                int64
		}
		json.Unmarshal(g.Next(), &ev)
		fmt.Println(time.UnixMicro(ev.Timestamp).UTC().Format("15:04:05.0"), ev.EventType, ev.HostName, ev.OsFamily, ev.UniquePid)
	}
	// Output:
	// 08:00:00.0 process srv-db-05 Linux 0005C36400000005
	// 08:00:00.1 registry WS-FIN-002 Windows 0002C36400000007
	// 08:00:00.2 process WS-HR-001 Windows 0001C3640000000A
}
