package ide

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/katafilter/katafilter/lang"
	"github.com/katafilter/katafilter/lang/ast"
)

// chunkedText returns a document of n filters in several chunks, with comments, blank lines,
// continuation lines, CR LF line ends and non-ASCII text.
func chunkedText(n int) string {
	var b strings.Builder
	for i := range n {
		switch i % 7 {
		case 0:
			fmt.Fprintf(&b, "# rule %d\n", i)
		case 3:
			b.WriteString("\n")
		}
		fmt.Fprintf(&b, "EventType == 'process' AND FileName == 'Ж%d'", i)
		if i%5 == 0 {
			b.WriteString("\n  AND hostname == 'x'")
		}
		if i%11 == 0 {
			b.WriteString("\r")
		}
		b.WriteString("\n")
	}
	return b.String()
}

// checkSame fails unless the edited document reads as one made from its text at once.
func checkSame(t *testing.T, got *Document, text string) {
	t.Helper()
	want := NewDocument(text, got.cfg, nil)
	if got.Text() != text {
		t.Fatalf("text differs")
	}
	if !slices.Equal(got.Entries(), want.Entries()) {
		t.Fatalf("entries differ:\n got %v\nwant %v", got.Entries(), want.Entries())
	}
	if g, w := got.Diagnostics().String("f", text), want.Diagnostics().String("f", text); g != w {
		t.Fatalf("diagnostics differ:\n%s\nwant\n%s", g, w)
	}
	lines := strings.Split(text, "\n")
	if got.LineCount() != len(lines) {
		t.Fatalf("%d lines, want %d", got.LineCount(), len(lines))
	}
	off := 0
	for l, line := range lines {
		if got.LineStart(l) != off || got.Line(l) != line || got.LineOf(off) != l || got.LineOf(off+len(line)) != l {
			t.Fatalf("line %d: start %d (want %d), text %q (want %q), LineOf %d", l, got.LineStart(l), off, got.Line(l), line, got.LineOf(off))
		}
		off += len(line) + 1
	}
}

// TestDocumentEdit: a document edited many times, anywhere, with insertions, deletions and
// replacements that add and remove lines, indentation and comments, reads exactly as one made
// from the resulting text; and an edit shares the chunks it did not touch.
func TestDocumentEdit(t *testing.T) {
	text := chunkedText(400)
	d := NewDocument(text, lang.Config{}, nil)
	if len(d.chunks) < 5 {
		t.Fatalf("only %d chunks", len(d.chunks))
	}
	d.Diagnostics()
	inserts := []string{"", "x", "\n", "  ", "\n  AND y == 1", "#", "\n\n", "'", "EventType == 'proces'\n", "\r\n", "Ж"}
	r := rand.New(rand.NewPCG(1, 2))
	for i := range 600 {
		a := r.IntN(len(text) + 1)
		b := min(len(text), a+r.IntN(3)*r.IntN(40))
		if i%50 == 0 { // whole lines and chunks too
			b = min(len(text), a+r.IntN(4000))
		}
		ins := inserts[r.IntN(len(inserts))]
		next := d.Edit(ast.Span{Start: a, End: b}, ins)
		text = text[:a] + ins + text[b:]
		checkSame(t, next, text)
		shared := 0
		for _, c := range next.chunks {
			if slices.Contains(d.chunks, c) {
				shared++
			}
		}
		// The chunks of the edit, the one before and a small one after are read again.
		if touched := d.chunkAt(b) - d.chunkAt(a) + 3; shared < len(d.chunks)-touched {
			t.Fatalf("edit %d of [%d,%d) shares %d of %d chunks", i, a, b, shared, len(d.chunks))
		}
		d = next
	}
}

// TestDocumentEditReusesAnalyses: typing in one filter re-analyses that filter only.
func TestDocumentEditReusesAnalyses(t *testing.T) {
	text := chunkedText(300)
	d := NewDocument(text, lang.Config{}, nil)
	d.AnalyseAll()
	at := strings.Index(text, "'Ж150'")
	e := d.Edit(ast.Span{Start: at, End: at}, "x")
	fresh := 0
	for i := range e.Entries() {
		if e.analysed(i) == nil {
			fresh++
		}
	}
	if fresh != 1 {
		t.Errorf("%d filters to analyse again after typing in one", fresh)
	}
}

// FuzzDocumentEdit checks Edit against NewDocument on any text and edit.
func FuzzDocumentEdit(f *testing.F) {
	f.Add("a == 1\n  AND b == 2\n# c\n\nx == 'y'\n", 3, 9, "\n  ")
	f.Add("\xef\xbb\xbfa == 1\n", 0, 0, "x")
	f.Add(chunkedText(150), 5000, 5003, "\n\n#")
	f.Fuzz(func(t *testing.T, text string, a, b int, ins string) {
		a, b = clamp(a, len(text)), clamp(b, len(text))
		if a > b {
			a, b = b, a
		}
		d := NewDocument(text, lang.Config{}, nil).Edit(ast.Span{Start: a, End: b}, ins)
		want := text[:a] + ins + text[b:]
		if d.Text() != want || !slices.Equal(d.Entries(), NewDocument(want, lang.Config{}, nil).Entries()) {
			t.Fatalf("edit [%d,%d) %q of %q", a, b, ins, text)
		}
	})
}
