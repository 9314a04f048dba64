package ast

import (
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"
)

// SegKind is the kind of one piece of a string pattern.
type SegKind int

// The kinds of pattern segment.
const (
	Text  SegKind = iota + 1 // literal text
	Star                     // * : any run of characters, the empty run included
	Quest                    // ? : exactly one character
)

// Seg is one piece of a decoded string constant.
type Seg struct {
	Kind SegKind
	Text string // for Text: the literal characters, escapes resolved
	// From and To are byte offsets into the raw literal (quotes included) of the source text
	// the segment comes from.
	From, To int
}

// Pattern is the meaning of a string constant: literal text and wildcards.
type Pattern struct {
	Segs []Seg
}

// IsLiteral reports whether the pattern has no wildcard, so that it matches exactly one string.
func (p Pattern) IsLiteral() bool {
	for _, s := range p.Segs {
		if s.Kind != Text {
			return false
		}
	}
	return true
}

// Literal returns the text the pattern stands for with wildcards written as the characters
// themselves: the exact string for a pattern without wildcards.
func (p Pattern) Literal() string {
	if len(p.Segs) == 1 && p.Segs[0].Kind == Text {
		return p.Segs[0].Text
	}
	var b strings.Builder
	for _, s := range p.Segs {
		switch s.Kind {
		case Text:
			b.WriteString(s.Text)
		case Star:
			b.WriteByte('*')
		case Quest:
			b.WriteByte('?')
		}
	}
	return b.String()
}

// EscapeProblem is a backslash in a string constant that is not one of the escapes \\ \' \* \?.
// Offset is the byte offset of the backslash in the raw literal; Trailing is set for a
// backslash at the very end of an unterminated string, which escapes nothing.
type EscapeProblem struct {
	Offset   int
	Char     rune // the character after the backslash, when not Trailing
	Trailing bool
}

// DecodeString decodes a raw string literal, quotes included (the closing one may be missing).
// Wildcards become [Star] and [Quest] segments; the escapes \\ \' \* \? become literal text.
// A backslash before any other character is reported and kept as a literal backslash followed
// by that character, so that a filter with a bad escape still has a meaning for tools that go
// on after the error.
func DecodeString(raw string) (Pattern, []EscapeProblem) {
	_, p, probs := AppendDecodeString(nil, raw)
	return p, probs
}

// AppendDecodeString is [DecodeString] that appends the segments to dst: it returns dst
// extended, the pattern, whose Segs are the appended segments (nil when there are none, and
// without spare capacity, so that they cannot be appended to in place), and the problems.
// Decoding many constants into the spare capacity of one dst takes one allocation instead of
// one each.
func AppendDecodeString(dst []Seg, raw string) ([]Seg, Pattern, []EscapeProblem) {
	var probs []EscapeProblem
	body := raw
	start := 0
	if strings.HasPrefix(body, "'") {
		start = 1
	}
	end := len(body)
	if end > start && body[end-1] == '\'' && !escapedAt(body, start, end-1) {
		end--
	}
	if end > start && plainText(body[start:end]) {
		// Plain text, the usual constant: the one segment the loop below would make.
		dst = append(dst, Seg{Kind: Text, Text: body[start:end], From: start, To: end})
		return dst, Pattern{Segs: dst[len(dst)-1 : len(dst) : len(dst)]}, nil
	}
	if end > start {
		// Room for every segment: each wildcard may split the text around it.
		wild := strings.Count(body[start:end], "*") + strings.Count(body[start:end], "?")
		dst = slices.Grow(dst, 2*wild+1)
	}
	first := len(dst)
	// The text run being collected starts at textFrom (-1: none). It is body[textFrom:i] itself
	// until an escape such as \' stands for a character other than as written; from then on it
	// is built in text.
	textFrom := -1
	var text strings.Builder
	built := false
	flush := func(to int) {
		if textFrom >= 0 {
			t := body[textFrom:to]
			if built {
				t = text.String()
				text.Reset()
				built = false
			}
			dst = append(dst, Seg{Kind: Text, Text: t, From: textFrom, To: to})
			textFrom = -1
		}
	}
	// addText adds body[at:next] to the run, as written.
	addText := func(at, next int) {
		if textFrom < 0 {
			textFrom = at
		}
		if built {
			text.WriteString(body[at:next])
		}
	}
	// addEscaped adds the character c that the escape at body[at:at+2] stands for.
	addEscaped := func(at int, c byte) {
		if textFrom < 0 {
			textFrom = at
		}
		if !built {
			text.WriteString(body[textFrom:at])
			built = true
		}
		text.WriteByte(c)
	}
	for i := start; i < end; {
		c := body[i]
		switch c {
		case '\\':
			if i+1 >= end {
				probs = append(probs, EscapeProblem{Offset: i, Trailing: true})
				addText(i, i+1)
				i++
				continue
			}
			r, n := utf8.DecodeRuneInString(body[i+1:])
			switch r {
			case '\\', '\'', '*', '?':
				addEscaped(i, byte(r))
			default:
				probs = append(probs, EscapeProblem{Offset: i, Char: r})
				addText(i, i+1+n) // the backslash and the character
			}
			i += 1 + n
		case '*', '?':
			flush(i)
			k := Star
			if c == '?' {
				k = Quest
			}
			dst = append(dst, Seg{Kind: k, From: i, To: i + 1})
			i++
		default:
			_, n := utf8.DecodeRuneInString(body[i:])
			addText(i, i+n)
			i += n
		}
	}
	flush(end)
	var p Pattern
	if len(dst) > first {
		p.Segs = dst[first:len(dst):len(dst)]
	}
	return dst, p, probs
}

// plainText reports whether s holds no backslash and no wildcard. (A loop: strings.ContainsAny
// looks each byte of a short string up in the set with a call.)
func plainText(s string) bool {
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\\', '*', '?':
			return false
		}
	}
	return true
}

// escapedAt reports whether the byte at i is preceded by an odd number of backslashes counted
// back to from.
func escapedAt(s string, from, i int) bool {
	n := 0
	for j := i - 1; j >= from && s[j] == '\\'; j-- {
		n++
	}
	return n%2 == 1
}

// QuoteString writes text as a string literal that matches it exactly: quotes, backslashes and
// the wildcard characters are escaped.
func QuoteString(text string) string {
	var b strings.Builder
	b.WriteByte('\'')
	for _, r := range text {
		switch r {
		case '\\', '\'', '*', '?':
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	b.WriteByte('\'')
	return b.String()
}

// QuotePattern writes the pattern back as a string literal: wildcards as * and ?, and the
// literal text escaped.
func QuotePattern(p Pattern) string {
	var b strings.Builder
	b.WriteByte('\'')
	for _, s := range p.Segs {
		switch s.Kind {
		case Star:
			b.WriteByte('*')
		case Quest:
			b.WriteByte('?')
		default:
			q := QuoteString(s.Text)
			b.WriteString(q[1 : len(q)-1])
		}
	}
	b.WriteByte('\'')
	return b.String()
}

// FirstInvalidUTF8 returns the span of the first sequence of s that is not UTF-8 (a bad byte
// and the continuation bytes after it), and false when s is all UTF-8.
func FirstInvalidUTF8(s string) (Span, bool) {
	if utf8.ValidString(s) {
		return Span{}, false
	}
	i := 0
	for i < len(s) {
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n <= 1 {
			break
		}
		i += n
	}
	end := i + 1
	for end < len(s) && !utf8.RuneStart(s[end]) {
		end++
	}
	return Span{Start: i, End: end}, true
}

// NameBytes names the bytes of s for a message: "the byte 0xC0", "the bytes 0xC0 0xAF".
func NameBytes(s string) string {
	var b strings.Builder
	if len(s) > 1 {
		b.WriteString("the bytes ")
	} else {
		b.WriteString("the byte ")
	}
	for i := 0; i < len(s); i++ {
		if i > 0 {
			b.WriteByte(' ')
		}
		fmt.Fprintf(&b, "0x%02X", s[i])
	}
	return b.String()
}
