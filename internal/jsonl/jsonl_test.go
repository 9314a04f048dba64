package jsonl

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func gz(t *testing.T, s string) string {
	t.Helper()
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	zw.Write([]byte(s))
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// read reads input with opt and returns the events and the malformed lines, one a line, and
// the final error.
func read(input string, opt Options) (events, bad string, err error) {
	var e, b []string
	opt.Malformed = func(le *LineError) { b = append(b, le.Error()) }
	r := NewReader(strings.NewReader(input), "in", opt)
	defer r.Close()
	for r.Next() {
		e = append(e, strings.Join([]string{itoa(r.Line()), string(r.Event())}, " "))
	}
	if r.Count() != len(e) || r.Skipped() != len(b) {
		return "", "", errors.New("Count or Skipped disagrees with what was read")
	}
	return strings.Join(e, "\n"), strings.Join(b, "\n"), r.Err()
}

func itoa(n int) string { return fmt.Sprintf("%02d", n) }

// TestReader covers good and bad input: each malformed line is skipped and reported as
// "name:line: message" while the lines after it are still read.
func TestReader(t *testing.T) {
	tests := []struct {
		name, in  string
		max       int
		events    string // "line event" per event
		malformed string
	}{
		{"empty", "", 0, "", ""},
		{"blank lines", "\n  \n\t\n", 0, "", ""},
		{"one", `{"a":1}`, 0, `01 {"a":1}`, ""},
		{"crlf and blanks around", " {\"a\":1} \r\n\r\n{}\r\n", 0, "01 {\"a\":1}\n03 {}", ""},
		{"bom", "\ufeff{\"a\":1}\n", 0, `01 {"a":1}`, ""},
		{"not an object", "[1]\n\"x\"\n{}\n", 0, "03 {}", "in:1: not a JSON object\nin:2: not a JSON object"},
		{"truncated", "{\"a\":\n{}\n", 0, "02 {}", "in:1: malformed JSON: unexpected end of JSON input"},
		{"two objects", "{} {}\n", 0, "", "in:1: malformed JSON: invalid character '{' after top-level value"},
		{"bad character", "{\"a\":x}\n", 0, "", "in:1: malformed JSON: invalid character 'x' looking for beginning of value"},
		{"too long", "{\"a\":\"0123456789\"}\n{}\n", 10, "02 {}", "in:1: line longer than 10 bytes"},
		{"too long at the end", "{}\n{\"a\":\"0123456789\"}", 10, "01 {}", "in:2: line longer than 10 bytes"},
		{"gzip", gz(t, "{\"a\":1}\n\nbad\n{\"b\":2}\n"), 0, "01 {\"a\":1}\n04 {\"b\":2}", "in:3: not a JSON object"},
		{"gzip with bom", gz(t, "\ufeff{}\n"), 0, "01 {}", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			events, bad, err := read(tt.in, Options{MaxLine: tt.max})
			if err != nil {
				t.Fatal(err)
			}
			if events != tt.events {
				t.Errorf("events:\n%s\nwant:\n%s", events, tt.events)
			}
			if bad != tt.malformed {
				t.Errorf("malformed:\n%s\nwant:\n%s", bad, tt.malformed)
			}
		})
	}
}

// TestStrict: a strict reader stops at the first malformed line, whose *LineError is Err.
func TestStrict(t *testing.T) {
	events, bad, err := read("{}\n{\nnever read\n", Options{Strict: true})
	if events != "01 {}" || bad != "" {
		t.Errorf("events %q, malformed %q", events, bad)
	}
	var le *LineError
	if !errors.As(err, &le) || le.Line != 2 || err.Error() != "in:2: malformed JSON: unexpected end of JSON input" {
		t.Errorf("err = %v, want the *LineError of line 2", err)
	}
	_, _, err = read("{\"a\":\"0123456789\"}\n", Options{Strict: true, MaxLine: 5})
	if !errors.Is(err, ErrLineTooLong) {
		t.Errorf("err = %v, want ErrLineTooLong", err)
	}
}

// TestCorruptGzip: a damaged gzip stream is an error naming the input and the last line read,
// after the events before the damage.
func TestCorruptGzip(t *testing.T) {
	z := []byte(gz(t, strings.Repeat("{\"a\":1}\n", 1000)))
	z[len(z)-5] ^= 0xff // the checksum and length trailer
	events, _, err := read(string(z), Options{})
	if err == nil || !strings.HasPrefix(err.Error(), "in: after line 1000: gzip: ") {
		t.Errorf("err = %v, want an error after line 1000", err)
	}
	if strings.Count(events, "\n") != 999 {
		t.Errorf("%d events before the error, want 1000", strings.Count(events, "\n")+1)
	}
	for _, in := range []string{"\x1f\x8bnot gzip", "\x1f\x8b"} {
		if _, _, err := read(in, Options{}); err == nil || !strings.HasPrefix(err.Error(), "in: gzip: ") {
			t.Errorf("%q: err = %v, want a gzip header error", in, err)
		}
	}
}

// TestOpen reads a file, standard input as "-", and refuses a directory or a missing file.
func TestOpen(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "events.jsonl.gz")
	if err := os.WriteFile(path, []byte(gz(t, "{}\n{\n")), 0o666); err != nil {
		t.Fatal(err)
	}
	var bad []string
	r, err := Open(path, nil, Options{Malformed: func(le *LineError) { bad = append(bad, le.Error()) }})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for r.Next() {
		n++
	}
	if err := r.Close(); err != nil || r.Err() != nil || n != 1 || len(bad) != 1 || bad[0] != path+":2: malformed JSON: unexpected end of JSON input" {
		t.Errorf("close %v, err %v, %d events, malformed %q", err, r.Err(), n, bad)
	}

	r, err = Open("-", strings.NewReader("x\n"), Options{Strict: true})
	if err != nil {
		t.Fatal(err)
	}
	if r.Next() || r.Err() == nil || r.Err().Error() != "<stdin>:1: not a JSON object" {
		t.Errorf("stdin: err = %v", r.Err())
	}

	for _, arg := range []string{dir, filepath.Join(dir, "absent")} {
		var pe *os.PathError
		if _, err := Open(arg, nil, Options{}); !errors.As(err, &pe) {
			t.Errorf("Open(%s) = %v, want an *os.PathError", arg, err)
		}
	}
}

// TestReadAll returns copies that survive later reads.
func TestReadAll(t *testing.T) {
	in := strings.Repeat("{\"a\":1}\n{\"b\":2}\n", 3)
	got, err := ReadAll(bufio.NewReaderSize(strings.NewReader(in), 16), "in", Options{})
	if err != nil || len(got) != 6 || string(got[0]) != `{"a":1}` || string(got[5]) != `{"b":2}` {
		t.Errorf("ReadAll = %q, %v", got, err)
	}
	if _, err := ReadAll(strings.NewReader("{}\n[]\n"), "in", Options{Strict: true}); err == nil {
		t.Error("strict ReadAll of a bad line: no error")
	}
}

// TestLineReader covers the edges of the line reader with a small limit and a small buffer,
// so that lines cross the buffer boundary.
func TestLineReader(t *testing.T) {
	tests := []struct {
		in   string
		max  int
		want string // the lines read, "!" for a line over the limit, joined by "|"
	}{
		{"", 10, ""},
		{"a", 10, "a"},
		{"a\n", 10, "a"},
		{"a\nb", 10, "a|b"},
		{"\n\n", 10, "|"},
		{"a\r\nb\r\n", 10, "a\r|b\r"},
		{"0123456789\n", 10, "0123456789"},
		{"0123456789a\nb\n", 10, "!|b"},
		{"0123456789a", 10, "!"},
		{strings.Repeat("y", 40) + "\n" + strings.Repeat("z", 30) + "\nc", 35, "!|" + strings.Repeat("z", 30) + "|c"},
		{strings.Repeat("y", 40), 40, strings.Repeat("y", 40)},
		{strings.Repeat("y", 41), 40, "!"},
	}
	for _, tt := range tests {
		lr := newLineReader(bufio.NewReaderSize(strings.NewReader(tt.in), 16), tt.max)
		var got []string
		for n := 1; ; n++ {
			line, err := lr.next()
			if err == io.EOF {
				break
			}
			if errors.Is(err, ErrLineTooLong) {
				got = append(got, "!")
			} else if err != nil {
				t.Fatalf("%q: %v", tt.in, err)
			} else {
				got = append(got, string(line))
			}
			if lr.line != n {
				t.Errorf("%q: line number %d, want %d", tt.in, lr.line, n)
			}
		}
		if g := strings.Join(got, "|"); g != tt.want {
			t.Errorf("%q (max %d): got %q, want %q", tt.in, tt.max, g, tt.want)
		}
	}
}

// TestOpenText returns the decompressed text without its byte order mark, for callers that
// split lines themselves.
func TestOpenText(t *testing.T) {
	path := filepath.Join(t.TempDir(), "events")
	if err := os.WriteFile(path, []byte(gz(t, "\ufeff{}\n[]\n")), 0o666); err != nil {
		t.Fatal(err)
	}
	for _, arg := range []string{path, "-"} {
		rc, err := OpenText(arg, strings.NewReader("\ufeff{}\n[]\n"))
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(rc)
		if err != nil || string(b) != "{}\n[]\n" {
			t.Errorf("%s: %q, %v", arg, b, err)
		}
		if err := rc.Close(); err != nil {
			t.Error(err)
		}
	}
	if _, err := OpenText("-", strings.NewReader("\x1f\x8b\x08")); err == nil || err.Error() != "gzip: unexpected EOF" {
		t.Errorf("truncated gzip header: %v", err)
	}
}

// TestCheck: a caller's decoder replaces the reader's own check; what it refuses is malformed,
// with its message, and a line that is no object never reaches it.
func TestCheck(t *testing.T) {
	var seen []string
	check := func(line []byte) error {
		seen = append(seen, string(line))
		if bytes.Contains(line, []byte("bad")) {
			return errors.New("refused by the decoder")
		}
		return nil
	}
	events, bad, err := read("{\"a\":1}\n[2]\n{\"bad\":3}\n{\"a\":\n", Options{Check: check})
	if err != nil {
		t.Fatal(err)
	}
	if events != "01 {\"a\":1}\n04 {\"a\":" {
		t.Errorf("events:\n%s", events)
	}
	if bad != "in:2: not a JSON object\nin:3: refused by the decoder" {
		t.Errorf("malformed:\n%s", bad)
	}
	if strings.Join(seen, "|") != "{\"a\":1}|{\"bad\":3}|{\"a\":" {
		t.Errorf("the decoder saw %q", seen)
	}
}
