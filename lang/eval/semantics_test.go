package eval_test

import (
	"flag"
	"strings"
	"sync"
	"testing"

	"github.com/katafilter/katafilter/lang"
	"github.com/katafilter/katafilter/lang/eval"
)

func init() {
	// go test ./lang/... -update passes -update to every package.
	if flag.Lookup("update") == nil {
		flag.Bool("update", false, "accepted for go test ./lang/... -update; no golden files here")
	}
}

// semEvents are hand-written events, each showing some shape of JSON: nested objects, arrays
// of objects and of strings, missing fields, JSON null, values of the wrong JSON type, integers
// beyond 2^53 and beyond 64 bits, fractions, non-ASCII text.
var semEvents = []struct{ name, json string }{
	{"proc", `{"EventType":"process","FileName":"powershell.exe","FileSize":1048576,"UserName":"CORP\\Иванов",
		"HostName":"WS-FIN-001","Custom":{"Flag":true},
		"Ioa":{"Severity":"High","Rules":[{"Id":"r1","Name":"Encoded_PowerShell","Techniques":["T1059.001","T1027"]},
		{"Id":"r2","Name":"Download","Techniques":["T1105"]}]}}`},
	{"mod", `{"EventType":"module","DllName":"kernel32.dll","FileSize":-5,"UserName":"root","HostName":"ПК-БУХ-7",
		"Ioa":{"Severity":"Low","Rules":[]}}`},
	{"win", `{"EventType":"windowsevent","System":{"EventID":{"value":"4624"},"Channel":{"value":"Security"}},
		"FileSize":9007199254740993,"UserName":"NT AUTHORITY\\SYSTEM"}`},
	{"nulls", `{"EventType":"process","FileName":null,"FileSize":null,"UserName":null,"Ioa":null,"Custom":null}`},
	{"wrong", `{"EventType":"process","FileName":42,"FileSize":"1048576","UserName":{"Name":"root"},"HostName":true,
		"Ioa":"High","Custom":{"Flag":"true"}}`},
	{"frac", `{"EventType":"process","FileSize":1048576.5,"SystemPid":1e3,"ParentSystemPid":-0.0}`},
	{"empty", `{}`},
	{"arr", `{"EventType":["process","module"],"UserName":["root","admin"],"FileSize":[1,2,3]}`},
	{"big", `{"FileSize":9223372036854775807,"SystemPid":9223372036854775808,"ParentSystemPid":-9223372036854775809,
		"RemotePort":1e400}`},
}

// TestSemantics holds the evaluator to each rule of docs/language.md ("Semantics"): every
// filter lists the events it matches, and Program.Match on eval.Decode's output,
// Program.MatchJSON on the bytes and Program.MatchEvent on eval.DecodeEvent's flattened event
// must each give exactly that set.
func TestSemantics(t *testing.T) {
	tests := []struct {
		rule       string
		src        string
		ignoreCase bool
		want       string // names of the matching events, in semEvents order
	}{
		{"eq", `EventType == 'process'`, false, "proc nulls wrong frac arr"},
		{"ne-is-not-eq", `EventType != 'process'`, false, "mod win empty big"},
		{"ne-is-not-eq", `NOT EventType == 'process'`, false, "mod win empty big"},
		{"case", `FileName == 'POWERSHELL.EXE'`, false, ""},
		{"case", `FileName == 'POWERSHELL.EXE'`, true, "proc"},
		{"case", `UserName == 'corp\\иванов'`, false, ""},
		{"case", `UserName == 'corp\\иванов'`, true, "proc"},
		{"case", `HostName == 'пк-бух-?'`, true, "mod"},
		{"wildcards", `FileName == 'powershell.exe'`, false, "proc"},
		{"wildcards", `FileName == '*shell*'`, false, "proc"},
		{"wildcards", `FileName == 'power?hell.exe'`, false, "proc"},
		{"wildcards", `FileName == 'power\?hell.exe'`, false, ""},
		{"wildcards", `FileName == '*'`, false, "proc"},
		{"wildcards", `FileName != '*'`, false, "mod win nulls wrong frac empty arr big"},
		{"quest-code-point", `UserName == 'CORP\\??????'`, false, "proc"},
		{"quest-code-point", `UserName == 'CORP\\????????????'`, false, ""},
		{"quest-code-point", `HostName == 'ПК-БУХ-?'`, false, "mod"},
		{"escapes", `UserName == 'NT AUTHORITY\\SYSTEM'`, false, "win"},
		{"escapes", `UserName == '*\\*'`, false, "proc win"},
		{"arrays", `UserName == 'root'`, false, "mod arr"},
		{"arrays", `UserName != 'root'`, false, "proc win nulls wrong frac empty big"},
		{"in", `UserName in ('root', 'admin')`, false, "mod arr"},
		{"in", `in(UserName, 'root', 'admin')`, false, "mod arr"},
		{"in", `UserName in ('*SYSTEM', 'CORP\\*')`, false, "proc win"},
		{"in", `NOT UserName in ('*SYSTEM', 'CORP\\*')`, false, "mod nulls wrong frac empty arr big"},
		{"in", `FileSize in (2, 5)`, false, "arr"},
		{"integers", `FileSize == 1048576`, false, "proc"},
		{"integers", `FileSize > 1048576`, false, "win frac big"},
		{"integers", `FileSize >= 1048576`, false, "proc win frac big"},
		{"integers", `FileSize < 0`, false, "mod"},
		{"integers", `FileSize <= 3`, false, "mod arr"},
		{"integers", `FileSize < 9223372036854775807`, false, "proc mod win frac arr"},
		{"integers", `NOT FileSize < 9223372036854775807`, false, "nulls wrong empty big"},
		{"integers-exact", `FileSize == 9007199254740993`, false, "win"},
		{"integers-exact", `FileSize == 9007199254740992`, false, ""},
		{"integers-exact", `FileSize > 9007199254740992`, false, "win big"},
		{"integers-exact", `FileSize == 9223372036854775807`, false, "big"},
		{"integers-exact", `SystemPid >= 9223372036854775807`, false, "big"},
		{"integers-exact", `ParentSystemPid <= -9223372036854775808`, false, "big"},
		{"integers-exact", `RemotePort > 65535`, false, "big"},
		{"fractions", `FileSize > 1048576 AND FileSize < 1048577`, false, "frac"},
		{"fractions", `SystemPid == 1000`, false, "frac"},
		{"fractions", `ParentSystemPid == 0`, false, "frac"},
		{"wrong-type", `Custom.Flag == true`, false, "proc"},
		{"wrong-type", `Custom.Flag != false`, false, "proc mod win nulls wrong frac empty arr big"},
		{"nested", `Ioa.Severity == 'High'`, false, "proc"},
		{"nested", `System.EventID.value in ('4624', '4625')`, false, "win"},
		{"nested", `System.Channel.value != 'Security'`, false, "proc mod nulls wrong frac empty arr big"},
		{"arrays", `Ioa.Rules.Name == 'Download'`, false, "proc"},
		{"arrays", `Ioa.Rules.Name == 'Encoded_*' AND Ioa.Rules.Name == 'Download'`, false, "proc"},
		{"arrays", `Ioa.Rules.Techniques == 'T1105'`, false, "proc"},
		{"arrays", `Ioa.Rules.Techniques == 'T1059*'`, false, "proc"},
		{"arrays", `NOT Ioa.Rules.Name == '*'`, false, "mod win nulls wrong frac empty arr big"},
		{"arrays", `Ioa.Rules.Id != 'r1'`, false, "mod win nulls wrong frac empty arr big"},
		{"arrays", `EventType == 'process' AND EventType == 'module'`, false, "arr"},
		{"precedence", `EventType == 'module' OR EventType == 'windowsevent' AND FileSize < 0`, false, "mod arr"},
		{"precedence", `(EventType == 'module' OR EventType == 'windowsevent') AND FileSize < 10000000000000000`, false, "mod win arr"},
		{"precedence", `NOT EventType == 'module' AND FileSize < 0`, false, ""},
		{"queries", `HostName == 'WS-FIN-00?' AND NOT UserName in ('NT AUTHORITY\\SYSTEM', 'root') AND EventType != 'windowsevent'`, false, "proc"},
	}
	for _, tt := range tests {
		p, diags := lang.Compile(tt.src, lang.Config{IgnoreCase: tt.ignoreCase, AllowUnknownFields: true})
		if p == nil {
			t.Errorf("%s: %q does not compile:\n%s", tt.rule, tt.src, diags.String("", tt.src))
			continue
		}
		var viaDecode, viaJSON, viaEvent []string
		for _, ev := range semEvents {
			v, err := eval.Decode([]byte(ev.json))
			if err != nil {
				t.Fatalf("event %s: %v", ev.name, err)
			}
			if p.Match(v) {
				viaDecode = append(viaDecode, ev.name)
			}
			fe, err := eval.DecodeEvent([]byte(ev.json))
			if err != nil {
				t.Fatalf("event %s: %v", ev.name, err)
			}
			if p.MatchEvent(fe) {
				viaEvent = append(viaEvent, ev.name)
			}
			ok, err := p.MatchJSON([]byte(ev.json))
			if err != nil {
				t.Errorf("%s: MatchJSON on %s: %v", tt.src, ev.name, err)
			}
			if ok {
				viaJSON = append(viaJSON, ev.name)
			}
		}
		if got := strings.Join(viaDecode, " "); got != tt.want {
			t.Errorf("%s: %q (ignore case %v) via Match(Decode):\n got %q\nwant %q", tt.rule, tt.src, tt.ignoreCase, got, tt.want)
		}
		if got := strings.Join(viaJSON, " "); got != tt.want {
			t.Errorf("%s: %q (ignore case %v) via MatchJSON:\n got %q\nwant %q", tt.rule, tt.src, tt.ignoreCase, got, tt.want)
		}
		if got := strings.Join(viaEvent, " "); got != tt.want {
			t.Errorf("%s: %q (ignore case %v) via MatchEvent(DecodeEvent):\n got %q\nwant %q", tt.rule, tt.src, tt.ignoreCase, got, tt.want)
		}
	}
}

// TestMatchGoValues: Match also takes what encoding/json.Unmarshal produces (float64 numbers)
// and plain Go values; anything else simply does not match.
func TestMatchGoValues(t *testing.T) {
	p, diags := lang.Compile(`FileSize >= 10 AND UserName == 'r*'`, lang.Config{})
	if p == nil {
		t.Fatal(diags)
	}
	tests := []struct {
		v    any
		want bool
	}{
		{map[string]any{"FileSize": float64(10), "UserName": "root"}, true},
		{map[string]any{"FileSize": 11, "UserName": "root"}, true},
		{map[string]any{"FileSize": int64(9), "UserName": "root"}, false},
		{map[string]any{"FileSize": 10.5, "UserName": []any{"x", "root"}}, true},
		{map[string]any{"FileSize": "10", "UserName": "root"}, false},
		{map[string]any{}, false},
		{nil, false},
		{"a string", false},
		{42, false},
		{struct{ FileSize int }{10}, false},
	}
	for _, tt := range tests {
		if got := p.Match(tt.v); got != tt.want {
			t.Errorf("Match(%#v) = %v, want %v", tt.v, got, tt.want)
		}
	}
}

// TestMatchJSONErrors: input that is not one JSON value is an error, never a match.
func TestMatchJSONErrors(t *testing.T) {
	p, _ := lang.Compile(`FileName != 'x'`, lang.Config{})
	for _, bad := range []string{``, `{`, `{"FileName":`, `{"a":1} {"b":2}`, `{"a":1}x`, `{'a':1}`, `nul`} {
		ok, err := p.MatchJSON([]byte(bad))
		if err == nil || ok {
			t.Errorf("MatchJSON(%q) = %v, %v; want false and an error", bad, ok, err)
		}
	}
	for _, good := range []string{`{}`, ` {"FileName":"y"} `, "{\"FileName\":\"y\"}\n", `null`, `[]`, `"x"`, `3`} {
		if _, err := p.MatchJSON([]byte(good)); err != nil {
			t.Errorf("MatchJSON(%q): %v", good, err)
		}
	}
}

// TestConcurrentMatch runs one program from several goroutines (go test -race checks it).
func TestConcurrentMatch(t *testing.T) {
	p, _ := lang.Compile(`UserName in ('root', 'CORP\\*') OR Ioa.Rules.Name == 'D*'`, lang.Config{})
	var wg sync.WaitGroup
	counts := make([]int, 4)
	for g := range counts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 200 {
				for _, ev := range semEvents {
					if ok, _ := p.MatchJSON([]byte(ev.json)); ok {
						counts[g]++
					}
				}
			}
		}()
	}
	wg.Wait()
	for g, n := range counts {
		if n != 200*3 { // proc, mod, arr
			t.Errorf("goroutine %d counted %d matches, want %d", g, n, 200*3)
		}
	}
}

// TestJSONShapes pins down how paths meet less usual JSON, through both entry points.
func TestJSONShapes(t *testing.T) {
	tests := []struct {
		rule, src, event string
		want             bool
	}{
		{"nested-arrays", `FileName == 'a'`, `{"FileName":["b",["a"]]}`, true},
		{"nested-arrays", `Ioa.Rules.Name == 'a'`, `{"Ioa":{"Rules":[[{"Name":"a"}]]}}`, true},
		{"arrays", `FileName == 'a'`, `{"FileName":[]}`, false},
		{"arrays", `FileName != 'a'`, `{"FileName":[]}`, true},
		{"dotted-key", `Ioa.Severity == 'a'`, `{"Ioa.Severity":"a"}`, false},
		{"duplicate-keys", `EventType == 'process'`, `{"EventType":"x","EventType":"process"}`, true},
		{"duplicate-keys", `EventType == 'module'`, `{"EventType":"module","EventType":"process"}`, false},
		{"empty-string", `FileName == ''`, `{"FileName":""}`, true},
		{"empty-string", `FileName == '*'`, `{"FileName":""}`, true},
		{"empty-string", `FileName == '?*'`, `{"FileName":""}`, false},
		{"numbers", `FileSize == 1`, `{"FileSize":1.0}`, true},
		{"numbers", `FileSize == 1`, `{"FileSize":1e0}`, true},
		{"numbers", `FileSize == 100`, `{"FileSize":1E2}`, true},
		{"numbers", `FileSize == 1`, `{"FileSize":true}`, false},
		{"numbers", `FileSize == 0`, `{"FileSize":-0}`, true},
		{"numbers", `FileSize > 0`, `{"FileSize":1e-400}`, true},
		{"numbers", `FileSize < 1`, `{"FileSize":1e-400}`, true},
		{"booleans", `Flag == true`, `{"Flag":"true"}`, false},
		{"booleans", `Flag == false`, `{"Flag":0}`, false},
		{"booleans", `Flag == FALSE`, `{"Flag":false}`, true},
		{"strings", `FileName == '1'`, `{"FileName":1}`, false},
		{"escapes-in-json", `UserName == 'CORP\\*'`, `{"UserName":"CORP\u005cbob"}`, true},
		{"escapes-in-json", `UserName == 'é'`, `{"UserName":"\u00e9"}`, true},
	}
	for _, tt := range tests {
		p, diags := lang.Compile(tt.src, lang.Config{AllowUnknownFields: true})
		if p == nil {
			t.Fatalf("%s: %s", tt.src, diags.String("", tt.src))
		}
		ok, err := p.MatchJSON([]byte(tt.event))
		v, derr := eval.Decode([]byte(tt.event))
		if err != nil || derr != nil {
			t.Fatalf("%s on %s: %v %v", tt.src, tt.event, err, derr)
		}
		fe, _ := eval.DecodeEvent([]byte(tt.event))
		if ok != tt.want || p.Match(v) != tt.want || p.MatchEvent(fe) != tt.want {
			t.Errorf("%s: %s on %s: MatchJSON %v, Match %v, MatchEvent %v, want %v", tt.rule, tt.src, tt.event, ok, p.Match(v), p.MatchEvent(fe), tt.want)
		}
	}
}
