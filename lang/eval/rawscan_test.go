package eval

import (
	"encoding/binary"
	"math/bits"
	"math/rand/v2"
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
