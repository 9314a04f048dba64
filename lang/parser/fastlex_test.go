package parser

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/alecthomas/participle/v2/lexer"

	"github.com/katafilter/katafilter/internal/workload"
)

// lexAll returns every token of src, EOF included, as text for comparison.
func lexAll(tb testing.TB, def lexer.StringDefinition, src string) string {
	tb.Helper()
	lx, err := def.LexString("", src)
	if err != nil {
		tb.Fatalf("%q: %v", src, err)
	}
	var b strings.Builder
	for {
		t, err := lx.Next()
		if err != nil {
			return b.String() + "error: " + err.Error()
		}
		fmt.Fprintf(&b, "%d %q %d:%d:%d\n", t.Type, t.Value, t.Pos.Offset, t.Pos.Line, t.Pos.Column)
		if t.EOF() {
			return b.String()
		}
	}
}

func lexersAgree(tb testing.TB, src string) {
	tb.Helper()
	want := lexAll(tb, filterLexer, src)
	if got := lexAll(tb, fastLexer{}, src); got != want {
		tb.Fatalf("%q:\nfast lexer:\n%s\nfilterLexer:\n%s", src, got, want)
	}
}

// lexCorpus holds the tricky cases of each rule; the corpus test adds the workload's
// filters and random texts over an alphabet of the characters the rules care about.
var lexCorpus = []string{
	``, ` `, "\t\n\f\r \v", `A == 1`, `a.b.c == 'x'`, `a..b. == 1`, `_x.9 != -5`, `-`, `--1`, `-x`,
	`AND and And aNd ANDROID AND1 AND_ AND.x NOT(x) IN( in(a, 1) TRUE FALSE true1 falsey OR`,
	`'abc'`, `'a\'b'`, `'a\\'`, `'a\\\'`, `'unterminated`, `'ends in backslash\`, `'\`, `'`, `''`,
	`"dq"`, `"dq`, `"d\"q"`, `"lone\`, `"\\"`, `"`, `==!=>=<=&&||<>=!`, `===`, `&`, `|`, `(),`,
	`@#$%^*+[]{};:~` + "`", "1AND", "x'y'z", "A == 'x\ny'", "a\n== \n'b'", "NOT NOT x == 1",
	"EventType == 'process' AND (FileName == '*\\\\Temp\\\\*' OR x in (1,2,3))",
}

func TestFastLexerAgrees(t *testing.T) {
	corpus := append([]string(nil), lexCorpus...)
	if data, err := workload.Queries(); err == nil {
		corpus = append(corpus, strings.Split(string(data), "\n")...)
	}
	rng := rand.New(rand.NewPCG(3, 4))
	alphabet := []string{"a", "Z", "_", "0", "7", "-", ".", " ", "\n", "\t", "'", "\"", "\\", "=", "!", "<", ">", "&", "|",
		"(", ")", ",", "*", "?", "AND", "or", "Not", "in", "TRUE", "false", "\x00", "\x7f"}
	for range 5000 {
		var b strings.Builder
		for range rng.IntN(20) {
			b.WriteString(alphabet[rng.IntN(len(alphabet))])
		}
		corpus = append(corpus, b.String())
	}
	for _, src := range corpus {
		lexersAgree(t, src)
	}
	// Non-ASCII input goes to filterLexer itself: a long s folds to S in the keyword FALSE.
	if got := lexAll(t, fastLexer{}, "FALſE"); !strings.HasPrefix(got, fmt.Sprint(tokKeyword)) {
		t.Errorf("FALſE: %s", got)
	}
}

// FuzzFastLexer feeds both lexers arbitrary text; the seeds are lexCorpus.
func FuzzFastLexer(f *testing.F) {
	for _, s := range lexCorpus {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) { lexersAgree(t, src) })
}
