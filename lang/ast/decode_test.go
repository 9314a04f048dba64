package ast_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/katafilter/katafilter/lang/ast"
)

// refDecode is DecodeString written the plain way, every text run built character by
// character: the definition that DecodeString, which keeps runs without a resolved escape as
// slices of the literal, must agree with.
func refDecode(raw string) (ast.Pattern, []ast.EscapeProblem) {
	var p ast.Pattern
	var probs []ast.EscapeProblem
	body, start, end := raw, 0, len(raw)
	if strings.HasPrefix(body, "'") {
		start = 1
	}
	if end > start && body[end-1] == '\'' {
		n := 0
		for j := end - 2; j >= start && body[j] == '\\'; j-- {
			n++
		}
		if n%2 == 0 {
			end--
		}
	}
	var text strings.Builder
	textFrom := -1
	flush := func(to int) {
		if textFrom >= 0 {
			p.Segs = append(p.Segs, ast.Seg{Kind: ast.Text, Text: text.String(), From: textFrom, To: to})
			text.Reset()
			textFrom = -1
		}
	}
	addText := func(at int, s string) {
		if textFrom < 0 {
			textFrom = at
		}
		text.WriteString(s)
	}
	for i := start; i < end; {
		switch c := body[i]; c {
		case '\\':
			if i+1 >= end {
				probs = append(probs, ast.EscapeProblem{Offset: i, Trailing: true})
				addText(i, `\`)
				i++
				continue
			}
			r, n := utf8.DecodeRuneInString(body[i+1:])
			switch r {
			case '\\', '\'', '*', '?':
				addText(i, string(r))
			default:
				probs = append(probs, ast.EscapeProblem{Offset: i, Char: r})
				addText(i, `\`+body[i+1:i+1+n])
			}
			i += 1 + n
		case '*', '?':
			flush(i)
			k := ast.Star
			if c == '?' {
				k = ast.Quest
			}
			p.Segs = append(p.Segs, ast.Seg{Kind: k, From: i, To: i + 1})
			i++
		default:
			_, n := utf8.DecodeRuneInString(body[i:])
			addText(i, body[i:i+n])
			i += n
		}
	}
	flush(end)
	return p, probs
}

// FuzzDecodeString: DecodeString gives the segments, texts, offsets and problems of refDecode,
// and so does AppendDecodeString after what dst holds, which it leaves alone.
func FuzzDecodeString(f *testing.F) {
	for _, s := range []string{``, `''`, `'`, `'abc'`, `'a*b?c'`, `'CORP\\*'`, `'C:\Windows\'`, `'\''`,
		`'a\*b\?c\\'`, `'**'`, `'x\`, `'é\é\ü*?'`, "'\xff\\\xfe'", `'\\\\'`, `'a''`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		p, probs := ast.DecodeString(raw)
		wp, wprobs := refDecode(raw)
		if !slices.Equal(p.Segs, wp.Segs) || !slices.Equal(probs, wprobs) {
			t.Fatalf("DecodeString(%q) = %v %v, want %v %v", raw, p.Segs, probs, wp.Segs, wprobs)
		}
		if (p.Segs == nil) != (wp.Segs == nil) {
			t.Fatalf("DecodeString(%q): segments nil %v, want nil %v", raw, p.Segs == nil, wp.Segs == nil)
		}
		head := ast.Seg{Kind: ast.Text, Text: "head", From: -1, To: -1}
		dst := append(make([]ast.Seg, 0, 3), head)
		out, ap, aprobs := ast.AppendDecodeString(dst, raw)
		if out[0] != head || !slices.Equal(out[1:], wp.Segs) || !slices.Equal(ap.Segs, wp.Segs) || !slices.Equal(aprobs, wprobs) ||
			(ap.Segs == nil) != (wp.Segs == nil) || cap(ap.Segs) != len(ap.Segs) {
			t.Fatalf("AppendDecodeString(%v, %q) = %v, %v %v; want %v %v", dst, raw, out, ap.Segs, aprobs, wp.Segs, wprobs)
		}
	})
}

func ExampleAppendDecodeString() {
	var segs []ast.Seg
	var pats []ast.Pattern
	for _, raw := range []string{`'C:\\Temp\\*'`, `'*.exe'`} {
		var p ast.Pattern
		segs, p, _ = ast.AppendDecodeString(segs, raw)
		pats = append(pats, p)
	}
	for _, p := range pats {
		fmt.Println(len(p.Segs), ast.QuotePattern(p))
	}
	// Output:
	// 2 'C:\\Temp\\*'
	// 2 '*.exe'
}
