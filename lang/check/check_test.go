package check_test

import (
	"flag"
	"fmt"
	"strings"
	"testing"

	"github.com/katafilter/katafilter/lang/check"
	"github.com/katafilter/katafilter/lang/diag"
	"github.com/katafilter/katafilter/lang/parser"
	"github.com/katafilter/katafilter/lang/schema"
)

func init() {
	if flag.Lookup("update") == nil {
		flag.Bool("update", false, "accepted for go test ./lang/... -update; no golden files here")
	}
}

// codes checks src and lists "severity code" of each diagnostic, or "ok".
func codes(src string, opt check.Options) string {
	x, diags := parser.Parse(src)
	_, cd := check.Check(x, opt)
	diags = append(diags, cd...)
	if len(diags) == 0 {
		return "ok"
	}
	var out []string
	for _, d := range diags {
		out = append(out, fmt.Sprintf("%s %s", d.Severity, d.Code))
	}
	return strings.Join(out, ", ")
}

func TestCheckCodes(t *testing.T) {
	closed, err := schema.Default().Extend([]byte(`{"fields":[{"name":"ProcessType","closed":true}]}`), "closed.json")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		src  string
		opt  check.Options
		want string
	}{
		{`EventType == 'process'`, check.Options{}, `ok`},
		{`EventType == 'process' AND NOT EventType == 'process'`, check.Options{}, `warning KF0501`},
		{`EventType == 'process' AND EventType != 'proc*'`, check.Options{}, `warning KF0501`},
		{`EventType == 'module' AND EventType != 'proc*'`, check.Options{}, `ok`},
		{`EventType == 'proc*' AND NOT EventType == 'process'`, check.Options{}, `warning KF0500`},
		{`EventType == 'process' AND EventType == 'module'`, check.Options{}, `warning KF0501`},
		{`EventType == 'process' OR EventType == 'module'`, check.Options{}, `warning KF0500`},
		{`EventType == 'process' OR EventType == 'module'`, check.Options{Strict: true}, `error KF0500`},
		{`FileName == 'x'`, check.Options{}, `ok`},
		{`FileName == 'x'`, check.Options{Strict: true}, `error KF0500`},
		{`EventType == 'PROCESS'`, check.Options{}, `error KF0400`},
		{`EventType == 'PROCESS'`, check.Options{IgnoreCase: true}, `ok`},
		{`EventType == 'process' AND Nope == 1`, check.Options{}, `error KF0200`},
		{`EventType == 'process' AND Nope == 1`, check.Options{AllowUnknownFields: true}, `warning KF0200`},
		{`EventType == 'process' AND ProcessType == 9`, check.Options{Schema: closed}, `error KF0400`},
		{`EventType == 'process' AND ProcessType in (1, 9)`, check.Options{Schema: closed}, `error KF0400`},
		{`EventType == 'process' AND ProcessType == 2`, check.Options{Schema: closed}, `ok`},
		{`EventType == 'process' AND ProcessType > 9`, check.Options{Schema: closed}, `ok`},
		{`EventType == 'process' AND ProcessType <= -1`, check.Options{Schema: closed}, `ok`},
	}
	for _, tt := range tests {
		if got := codes(tt.src, tt.opt); got != tt.want {
			t.Errorf("%q %+v: got %s, want %s", tt.src, tt.opt, got, tt.want)
		}
	}
}

// TestBackslashFixes: each bad escape has its own fix, and a string with several has a fix
// that doubles them all, after which the filter checks clean.
func TestBackslashFixes(t *testing.T) {
	src := `EventType == 'process' AND FilePath == 'C:\Windows\System32'`
	x, _ := parser.Parse(src)
	_, diags := check.Check(x, check.Options{})
	if len(diags) != 2 {
		t.Fatalf("want 2 diagnostics, got:\n%s", diags.String("", src))
	}
	var got []string
	for _, d := range diags {
		for _, f := range d.Fixes {
			fixed, err := diag.ApplyEdits(src, f.Edits)
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, fmt.Sprintf("%s: %s => %s", d.Code, fixed[len(`EventType == 'process' AND FilePath == `):], codes(fixed, check.Options{})))
		}
	}
	want := strings.Join([]string{
		`KF0102: 'C:\\Windows\System32' => error KF0102`,
		`KF0102: 'C:\\Windows\\System32' => ok`,
		`KF0102: 'C:\Windows\\System32' => error KF0102`,
		`KF0102: 'C:\\Windows\\System32' => ok`,
	}, "\n")
	if g := strings.Join(got, "\n"); g != want {
		t.Errorf("got\n%s\nwant\n%s", g, want)
	}
}

// TestInvalidUTF8 checks that a string constant whose bytes are not UTF-8 is an error at the
// first bad sequence, and that valid UTF-8 is not.
func TestInvalidUTF8(t *testing.T) {
	tests := []struct{ src, want string }{
		{"FileName == '\xc0\xaf'", "[13,15) KF0111 string constant holds the bytes 0xC0 0xAF, which is not UTF-8: events decode such bytes to U+FFFD, so it can never match"},
		{"FileName == 'ab\xe2\x82c'", "[15,17) KF0111 string constant holds the bytes 0xE2 0x82, which is not UTF-8: events decode such bytes to U+FFFD, so it can never match"},
		{"UserName in ('Иван', 'x\xff*')", "[27,28) KF0111 string constant holds the byte 0xFF, which is not UTF-8: events decode such bytes to U+FFFD, so it can never match"},
		{"FileName == \"\xff\"", "[12,15) KF0111 string constant holds the byte 0xFF, which is not UTF-8: events decode such bytes to U+FFFD, so it can never match"},
		{"UserName == 'Иван\uFFFD'", ""},
	}
	for _, tt := range tests {
		x, _ := parser.Parse(tt.src)
		_, cd := check.Check(x, check.Options{})
		var got []string
		for _, d := range cd {
			if d.Code == diag.InvalidUTF8 {
				got = append(got, fmt.Sprintf("%v %s %s", d.Span, d.Code, d.Message))
			}
		}
		if g := strings.Join(got, " | "); g != tt.want {
			t.Errorf("%q:\n got %s\nwant %s", tt.src, g, tt.want)
		}
	}
}

// TestEscapeSpans: a bad escape is reported where it is, also after a non-UTF-8 byte and in a
// double-quoted string (whose text the parser rewrites in single quotes).
func TestEscapeSpans(t *testing.T) {
	tests := []struct{ src, want string }{
		{`FilePath == 'C:\Windows'`, `[15,17) KF0102`},
		{"FilePath == 'a\\\x82'", `[14,16) KF0102 | [15,16) KF0111`},
		{`FilePath == 'a\ж'`, `[14,17) KF0102`},
		{`FilePath == "C:\Windows"`, `[12,24) KF0106 | [12,24) KF0102`},
		{"A != \"0\\\x82", `[5,9) KF0106 | [5,9) KF0102 | [5,9) KF0111`},
	}
	for _, tt := range tests {
		x, diags := parser.Parse(tt.src)
		_, cd := check.Check(x, check.Options{AllowUnknownFields: true})
		var got []string
		for _, d := range append(diags, cd...) {
			if d.Code == diag.UnknownField {
				continue
			}
			if d.Span.End > len(tt.src) {
				t.Errorf("%q: span %v outside the input", tt.src, d.Span)
			}
			got = append(got, fmt.Sprintf("%v %s", d.Span, d.Code))
		}
		if g := strings.Join(got, " | "); g != tt.want {
			t.Errorf("%q: got %s, want %s", tt.src, g, tt.want)
		}
	}
}
