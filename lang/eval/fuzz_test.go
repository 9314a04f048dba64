package eval_test

import (
	"testing"

	"github.com/katafilter/katafilter/lang"
	"github.com/katafilter/katafilter/lang/eval"
)

// FuzzEval: any filter that compiles, on any bytes, never panics, and Program.Match on
// eval.Decode's result, Program.MatchEvent on eval.DecodeEvent's and Program.MatchJSON agree:
// the same answer, and an error from MatchJSON exactly when Decode fails. Seeds: testdata/fuzz/FuzzEval.
func FuzzEval(f *testing.F) {
	for _, ev := range semEvents {
		f.Add(`UserName == 'CORP\\*' OR Ioa.Rules.Name in ('D*', 'x') OR FileSize > 9007199254740992`, ev.json, false)
		f.Add(`NOT EventType == 'process' AND HostName == 'ПК-?*'`, ev.json, true)
	}
	f.Add(`a.b.c == 1`, `{"a":[{"b":[{"c":1.0}]}]}`, false)
	f.Add(`a == 'x'`, `{"a":"\ud800x","a":"x"}`, false)
	f.Fuzz(func(t *testing.T, src, data string, ignoreCase bool) {
		p, _ := lang.Compile(src, lang.Config{IgnoreCase: ignoreCase, AllowUnknownFields: true})
		if p == nil {
			return
		}
		got, err := p.MatchJSON([]byte(data))
		v, derr := eval.Decode([]byte(data))
		if (err == nil) != (derr == nil) {
			t.Fatalf("%s on %q: MatchJSON error %v, Decode error %v", src, data, err, derr)
		}
		if derr != nil {
			if got {
				t.Fatalf("%s on %q: a match despite the error %v", src, data, err)
			}
			return
		}
		if want := p.Match(v); got != want {
			t.Fatalf("%s on %q: MatchJSON %v, Match(Decode) %v", src, data, got, want)
		}
		e, err := eval.DecodeEvent([]byte(data))
		if err != nil {
			t.Fatalf("%q: Decode succeeds but DecodeEvent fails: %v", data, err)
		}
		if ev := p.MatchEvent(e); ev != got {
			t.Fatalf("%s on %q: MatchJSON %v, MatchEvent(DecodeEvent) %v", src, data, got, ev)
		}
	})
}
