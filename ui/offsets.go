package ui

import "unicode/utf8"

// units converts byte offsets of one source into UTF-16 code units, the offsets of a
// JavaScript string: the one place where the page's offsets meet lang's.
type units struct {
	n   int   // len(src)
	tab []int // tab[i] is the offset in code units of byte i; nil when src is ASCII
}

func newUnits(src string) units {
	u := units{n: len(src)}
	for i := 0; i < len(src); i++ {
		if src[i] >= utf8.RuneSelf {
			u.tab = make([]int, len(src)+1)
			break
		}
	}
	if u.tab == nil {
		return u
	}
	n := 0
	for i := 0; i < len(src); {
		r, size := utf8.DecodeRuneInString(src[i:])
		for k := range size {
			u.tab[i+k] = n
		}
		i += size
		n++
		if r >= 0x10000 {
			n++
		}
	}
	u.tab[len(src)] = n
	return u
}

// at returns the offset in code units of byte offset off (clamped to the source).
func (u units) at(off int) int {
	off = max(0, min(off, u.n))
	if u.tab == nil {
		return off
	}
	return u.tab[off]
}

// bytesAt converts an offset in UTF-16 code units into a byte offset of src (the start of the
// character it falls in).
func bytesAt(src string, cu int) int {
	n := 0
	for i, r := range src {
		w := 1
		if r >= 0x10000 {
			w = 2
		}
		if n+w > cu {
			return i
		}
		n += w
	}
	return len(src)
}
