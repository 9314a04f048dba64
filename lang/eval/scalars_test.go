package eval_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/katafilter/katafilter/lang/eval"
)

// scalars lists what WalkScalars reports on data, one "path kind value" each, sorted.
func scalars(t testing.TB, data string) ([]string, error) {
	var out []string
	compact, err := eval.WalkScalars(data, func(path []byte, v eval.Scalar) {
		out = append(out, describeScalar(string(path), v))
	})
	if compact {
		var b bytes.Buffer
		if err := json.Compact(&b, []byte(data)); err != nil || b.String() != data {
			t.Fatalf("%q: compact, but Compact makes %q of it (%v)", data, b.String(), err)
		}
	}
	slices.Sort(out)
	return out, err
}

func describeScalar(path string, v eval.Scalar) string {
	switch v.Kind {
	case eval.ScalarString:
		return fmt.Sprintf("%s string %+q", path, v.Text)
	case eval.ScalarNumber:
		return fmt.Sprintf("%s number %s", path, v.Text)
	}
	return fmt.Sprintf("%s bool %v", path, v.Bool)
}

// decodedScalars is the reference: the scalars of Decode's value, walked as the package
// documentation says.
func decodedScalars(v any, path string, out []string) []string {
	switch x := v.(type) {
	case []any:
		for _, e := range x {
			out = decodedScalars(e, path, out)
		}
	case map[string]any:
		for k, e := range x {
			if k == "" || strings.Trim(k, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_") != "" {
				continue
			}
			p := k
			if path != "" {
				p = path + "." + k
			}
			out = decodedScalars(e, p, out)
		}
	case string:
		if path != "" {
			out = append(out, describeScalar(path, eval.Scalar{Kind: eval.ScalarString, Text: x}))
		}
	case bool:
		if path != "" {
			out = append(out, describeScalar(path, eval.Scalar{Kind: eval.ScalarBool, Bool: x}))
		}
	case fmt.Stringer: // json.Number
		if path != "" {
			out = append(out, describeScalar(path, eval.Scalar{Kind: eval.ScalarNumber, Text: x.String()}))
		}
	}
	return out
}

func TestWalkScalars(t *testing.T) {
	for _, tc := range []struct {
		name, data string
		want       []string
	}{
		{"flat", `{"a":"x","n":-1.5e3,"b":true,"z":null}`, []string{`a string "x"`, `b bool true`, `n number -1.5e3`}},
		{"nested", `{"a":{"b":{"c":1}}}`, []string{`a.b.c number 1`}},
		{"arrays crossed", `{"a":[{"b":[1,[2,{"c":3}]]},"s",[[false]]]}`, []string{`a bool false`, `a string "s"`, `a.b number 1`, `a.b number 2`, `a.b.c number 3`}},
		{"last duplicate wins", `{"a":1,"b":{"c":"x","c":"y"},"a":{"d":2},"a":[3,4]}`, []string{`a number 3`, `a number 4`, `b.c string "y"`}},
		{"duplicate inside a replaced value", `{"a":{"b":1,"b":2},"a":{"c":3}}`, []string{`a.c number 3`}},
		{"same key in other objects", `{"a":[{"k":1},{"k":2}],"k":3}`, []string{`a.k number 1`, `a.k number 2`, `k number 3`}},
		{"escapes", `{"a\u0062":"\u00e9\n\"","c":"\ud800"}`, []string{`ab string "\u00e9\n\""`, `c string "\ufffd"`}},
		{"invalid UTF-8", "{\"a\":\"x\xffy\"}", []string{`a string "x\ufffdy"`}},
		{"keys no filter can name", `{"a.b":1,"":2,"é":3,"ok_1":{"x-y":4,"z":5}}`, []string{`ok_1.z number 5`}},
		{"top-level scalar", ` "x" `, nil},
		{"top-level array", `[{"a":1},2]`, []string{`a number 1`}},
		{"empty", `{}`, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := scalars(t, tc.data)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("got  %q\nwant %q", got, tc.want)
			}
			checkWalkAgainstDecode(t, tc.data)
		})
	}
}

func TestWalkScalarsBadInput(t *testing.T) {
	for _, data := range []string{``, `{`, `{"a":}`, `{"a":1,}`, `{"a" 1}`, `{"a":1}x`, `{"a":"\x01"}`, `{"a":"\q"}`, `{"a":01}`, `[1,]`, `{"a":tru}`,
		strings.Repeat("[", 10001) + strings.Repeat("]", 10001), `{"a":` + strings.Repeat(`{"b":`, 10000) + `1` + strings.Repeat("}", 10001)} {
		got, err := scalars(t, data)
		if err == nil {
			t.Errorf("%.40q: no error, scalars %q", data, got)
		}
		if len(got) != 0 {
			t.Errorf("%.40q: scalars %q despite the error", data, got)
		}
		checkWalkAgainstDecode(t, data)
	}
}

// checkWalkAgainstDecode fails when WalkScalars and Decode disagree on data: on the error,
// or on the values.
func checkWalkAgainstDecode(t *testing.T, data string) {
	t.Helper()
	got, err := scalars(t, data)
	v, derr := eval.Decode([]byte(data))
	if (err == nil) != (derr == nil) || err != nil && err.Error() != derr.Error() {
		t.Fatalf("%q: WalkScalars error %v, Decode error %v", data, err, derr)
	}
	if derr != nil {
		return
	}
	want := decodedScalars(v, "", nil)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Fatalf("%q:\nWalkScalars     %q\nDecode, walked  %q", data, got, want)
	}
}

func FuzzWalkScalars(f *testing.F) {
	for _, ev := range semEvents {
		f.Add(ev.json)
	}
	f.Add(`{"a":1,"b":{"c":"x","c":"y"},"a":{"d":2},"a":[3,4]}`)
	f.Add(`{"a\u0062":"\u00e9\n\"","c":"\ud800\udc00","d":"\udc00"}`)
	f.Add("{\"a\":\"x\xffy\",\"b\":[[[null]]]}")
	f.Fuzz(func(t *testing.T, data string) {
		checkWalkAgainstDecode(t, data)
	})
}

func ExampleWalkScalars() {
	event := `{"EventType":"process","Ioa":{"Rules":[{"Techniques":["T1059","T1086"]}]},"FileSize":1e3,"Note":null}`
	var lines []string
	_, _ = eval.WalkScalars(event, func(path []byte, v eval.Scalar) {
		lines = append(lines, fmt.Sprintf("%s = %s", path, v.Text))
	})
	slices.Sort(lines)
	fmt.Println(strings.Join(lines, "\n"))
	// Output:
	// EventType = process
	// FileSize = 1e3
	// Ioa.Rules.Techniques = T1059
	// Ioa.Rules.Techniques = T1086
}

// TestWalkScalarsManyKeys: an object of many keys, some of them repeated, is read as Decode
// reads it, and in linear time (quadratic, this test would take minutes).
func TestWalkScalarsManyKeys(t *testing.T) {
	var b strings.Builder
	b.WriteString(`{"a":{`)
	const n = 200000
	for i := range n {
		fmt.Fprintf(&b, `"k%d":%d,`, i, i)
	}
	b.WriteString(`"k7":"again","k150000":[true]},"k7":1}`)
	got, err := scalars(t, b.String())
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != n+1 || !slices.Contains(got, `a.k7 string "again"`) || slices.Contains(got, `a.k7 number 7`) ||
		!slices.Contains(got, `a.k150000 bool true`) || !slices.Contains(got, `k7 number 1`) {
		t.Errorf("%d scalars; a.k7, a.k150000, k7 not as expected", len(got))
	}
	checkWalkAgainstDecode(t, b.String()[:1000]+`"z":1}}`)
}
