package eval

import (
	"encoding/binary"
	"fmt"
	"math/bits"
	"math/rand/v2"
	"strings"
	"testing"
)

// TestSpecial holds the word-at-a-time test to the byte-at-a-time definition: a mark exactly
// when some byte is '"', '\\' or below 0x20, and the lowest mark on the first such byte.
func TestSpecial(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	pick := []byte{0, 1, 0x1f, 0x20, 0x21, '"', 0x23, '[', '\\', ']', 0x7f, 0x80, 0x9f, 0xa2, 0xdc, 0xff, 'a'}
	var b [8]byte
	for range 200000 {
		for i := range b {
			if rng.IntN(3) == 0 {
				b[i] = byte(rng.UintN(256))
			} else {
				b[i] = pick[rng.IntN(len(pick))]
			}
		}
		want := -1
		for i, c := range b {
			if c == '"' || c == '\\' || c < 0x20 {
				want = i
				break
			}
		}
		m := special(binary.LittleEndian.Uint64(b[:]))
		got := -1
		if m != 0 {
			got = bits.TrailingZeros64(m) >> 3
		}
		if got != want {
			t.Fatalf("% x: first special byte %d, want %d", b, got, want)
		}
	}
}

// TestRawPathKeys moves escapes, quotes, control characters and invalid bytes through every
// position of keys and string values of every length around the scanner's 8- and 16-byte
// fast paths.
func TestRawPathKeys(t *testing.T) {
	for _, name := range []string{"a", "abcdefg", "abcdefgh", "abcdefghijklmno", "abcdefghijklmnop", "abcdefghijklmnopq"} {
		p := compileTest(t, name+` == 'x'`, Options{})
		for n := 0; n <= 20; n++ {
			for pos := 0; pos <= n; pos++ {
				key := []byte(strings.Repeat("k", n))
				variants := [][]byte{
					key,
					append(append(append([]byte{}, key[:pos]...), `\"`...), key[pos:]...),
					append(append(append([]byte{}, key[:pos]...), `\u0041`...), key[pos:]...),
					append(append(append([]byte{}, key[:pos]...), '\t'), key[pos:]...),
					append(append(append([]byte{}, key[:pos]...), 0xff), key[pos:]...),
				}
				for _, k := range variants {
					ev := `{"` + string(k) + `":1,"` + name + `":"x","z":"` + strings.Repeat("y", 20) + `"}`
					agree(t, p, name, []byte(ev))
					ev = `{"` + string(k) + `":1}`
					agree(t, p, name, []byte(ev))
					// The same text as a skipped value, and as the value compared.
					ev = `{"z":"` + string(k) + `","` + name + `":"x","w":"` + strings.Repeat("w", 20) + `"}`
					agree(t, p, name, []byte(ev))
					ev = `{"` + name + `":"` + string(k) + `","w":"` + strings.Repeat("w", 20) + `"}`
					agree(t, p, name, []byte(ev))
				}
			}
		}
		// The name itself, escaped at each position, is still the name.
		for pos := range len(name) {
			esc := name[:pos] + `\u00` + fmt.Sprintf("%02x", name[pos]) + name[pos+1:]
			if got := agree(t, p, name, []byte(`{"`+esc+`":"x","pad":"`+strings.Repeat("p", 30)+`"}`)); got != "true" {
				t.Errorf("%s escaped as %s: %s", name, esc, got)
			}
		}
	}
}

// TestManyAtoms: a filter with more comparisons than the raw path's mask holds is evaluated
// on the decoded event, with the same answers and errors.
func TestManyAtoms(t *testing.T) {
	var parts []string
	for i := range 70 {
		parts = append(parts, fmt.Sprintf("a == 'x%d'", i))
	}
	src := strings.Join(parts, " OR ") + " OR b.c > 3"
	p := compileTest(t, src, Options{})
	if p.trie != nil {
		t.Fatalf("%d atoms: the raw path should be off", len(p.atoms))
	}
	for _, ev := range []string{`{"a":"x69"}`, `{"a":"x70"}`, `{"b":{"c":4}}`, `{"a":`, `[{"a":"x0"}]`} {
		agree(t, p, "70 comparisons", []byte(ev))
	}
	if m, err := p.MatchJSON([]byte(`{"a":"x69"}`)); !m || err != nil {
		t.Errorf("x69: %v, %v", m, err)
	}
}

// TestEventWide: an event whose block passes 64 KiB uses 32-bit entry offsets; values after
// the big one must still be found.
func TestEventWide(t *testing.T) {
	big := strings.Repeat("x", 70000)
	ev := `{"a":"` + big + `","b":1,"c":{"d":"y"},"e":[true,"z"],"f":"` + big + `y"}`
	for _, src := range []string{`b == 1`, `c.d == 'y'`, `e == true`, `e == 'z'`, `f == '*y'`, `a == 'x*'`, `b == 2`} {
		p := compileTest(t, src, Options{})
		want := "true"
		if src == `b == 2` {
			want = "false"
		}
		if got := agree(t, p, src, []byte(ev)); got != want {
			t.Errorf("%s: %s", src, got)
		}
	}
	v, _ := Decode([]byte(ev))
	if e := NewEvent(v); e.head[0]>>32 == 0 || e.Len() != 6 {
		t.Errorf("not the wide layout, or %d values", e.Len())
	}
}

// TestNoAllocs: the raw path and flattened events allocate nothing per event, with and
// without IgnoreCase, escapes included (the scratch buffer comes from a pool).
func TestNoAllocs(t *testing.T) {
	ev := []byte(`{"EventType":"process","FileName":"C:\\Temp\\PowerShell.EXE","Ioa":{"Rules":[{"Techniques":["T1059.001"]}]},"FileSize":123456,"x":[1,{"y":null}]}`)
	v, err := Decode(ev)
	if err != nil {
		t.Fatal(err)
	}
	e := NewEvent(v)
	for _, src := range []string{`EventType == 'process' AND FileName == '*\\temp\\*.exe'`, `Ioa.Rules.Techniques == 't1059*' OR FileSize > 100000`, `FileName == 'c:\\temp\\powershell.exe'`} {
		for _, ic := range []bool{false, true} {
			p := compileTest(t, src, Options{IgnoreCase: ic})
			if n := testing.AllocsPerRun(100, func() { _, _ = p.MatchJSON(ev) }); n != 0 {
				t.Errorf("%s (ignore case %v): MatchJSON allocates %v times", src, ic, n)
			}
			if n := testing.AllocsPerRun(100, func() { p.MatchEvent(e) }); n != 0 {
				t.Errorf("%s (ignore case %v): MatchEvent allocates %v times", src, ic, n)
			}
		}
	}
}
