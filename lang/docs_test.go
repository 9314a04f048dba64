package lang_test

import (
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/katafilter/katafilter/grammar"
	"github.com/katafilter/katafilter/lang"
	"github.com/katafilter/katafilter/lang/diag"
	"github.com/katafilter/katafilter/lang/kfl"
	"github.com/katafilter/katafilter/lang/sql"
)

var docsDir = filepath.Join("..", "docs")

// cells splits a Markdown table row at the bars that are not escaped.
func cells(row string) []string {
	row = strings.TrimSpace(row)
	row = strings.TrimPrefix(strings.TrimSuffix(row, "|"), "|")
	var out []string
	var cur strings.Builder
	for i := 0; i < len(row); i++ {
		if row[i] == '\\' && i+1 < len(row) && row[i+1] == '|' {
			cur.WriteByte('|')
			i++
			continue
		}
		if row[i] == '|' {
			out = append(out, strings.TrimSpace(cur.String()))
			cur.Reset()
			continue
		}
		cur.WriteByte(row[i])
	}
	return append(out, strings.TrimSpace(cur.String()))
}

// TestDiagnosticsDoc keeps docs/diagnostics.md in step with diag.Codes: one row per code with
// its anchor, its default severity, and an example that produces it. An example writes a byte
// that is not UTF-8 as \xHH.
var hexEscapes = regexp.MustCompile(`\\x[0-9A-Fa-f]{2}`)

// unhex turns \xHH into the byte HH.
func unhex(s string) string {
	b, _ := strconv.ParseUint(s[2:], 16, 8)
	return string([]byte{byte(b)})
}

func TestDiagnosticsDoc(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(docsDir, "diagnostics.md"))
	if err != nil {
		t.Fatal(err)
	}
	rowRE := regexp.MustCompile(`^\| <a id="(kf\d{4})"></a>(KF\d{4}) \|`)
	codeSpan := regexp.MustCompile("^`(.*)`$")
	rows := map[diag.Code][]string{}
	for _, line := range strings.Split(string(data), "\n") {
		m := rowRE.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		if m[1] != strings.ToLower(m[2]) {
			t.Errorf("anchor %s does not match code %s", m[1], m[2])
		}
		rows[diag.Code(m[2])] = cells(line)
	}
	for _, ci := range diag.Codes {
		row, ok := rows[ci.Code]
		if !ok {
			t.Errorf("docs/diagnostics.md has no row for %s (%s)", ci.Code, ci.Name)
			continue
		}
		delete(rows, ci.Code)
		if len(row) != 6 {
			t.Errorf("%s: the row has %d cells, want 6", ci.Code, len(row))
			continue
		}
		if row[1] != ci.Name || row[2] != ci.Severity.String() {
			t.Errorf("%s: the row says %s, %s; diag.Codes says %s, %s", ci.Code, row[1], row[2], ci.Name, ci.Severity)
		}
		m := codeSpan.FindStringSubmatch(row[3])
		if m == nil {
			t.Errorf("%s: the example %q is not one code span", ci.Code, row[3])
			continue
		}
		example := hexEscapes.ReplaceAllStringFunc(m[1], unhex)
		if strings.HasPrefix(string(ci.Code), "KF09") {
			translatorExample(t, ci.Code, example)
			continue
		}
		f := lang.Analyze(example, lang.Config{})
		found := false
		for _, d := range f.Diagnostics {
			found = found || d.Code == ci.Code
		}
		if !found {
			t.Errorf("%s: the example %s does not produce it:\n%s", ci.Code, m[1], f.Diagnostics.String("", m[1]))
		}
	}
	for code := range rows {
		t.Errorf("docs/diagnostics.md documents %s, which diag.Codes does not have", code)
	}
}

// translatorExample checks the example of a code of the SQL translator (KF09xx), which the
// checker accepts: one of the dialects refuses it with the code.
func translatorExample(t *testing.T, code diag.Code, src string) {
	f := lang.Analyze(src, lang.Config{})
	for _, d := range []sql.Dialect{sql.ClickHouse, sql.Postgres} {
		var serr *sql.Error
		if _, err := sql.Translate(f, sql.Layout{Dialect: d}, sql.QueryOptions{}); errors.As(err, &serr) && serr.Code == code {
			return
		}
	}
	t.Errorf("%s: no dialect refuses the example %q with it", code, src)
}

// TestLanguageDoc keeps docs/language.md honest: its kfl blocks hold filters without errors, its
// EBNF block is the parser's grammar, and every test it names exists.
func TestLanguageDoc(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(docsDir, "language.md"))
	if err != nil {
		t.Fatal(err)
	}
	doc := string(data)
	blocks := regexp.MustCompile("(?s)```(kfl|ebnf)\n(.*?)```").FindAllStringSubmatch(doc, -1)
	nFilters, nEBNF := 0, 0
	for _, b := range blocks {
		switch b[1] {
		case "ebnf":
			nEBNF++
			if b[2] != grammar.EBNF() {
				t.Errorf("the EBNF block of docs/language.md differs from grammar.EBNF():\n%s", lineDiff(grammar.EBNF(), b[2]))
			}
		case "kfl":
			for _, e := range kfl.Split(b[2]) {
				nFilters++
				f := lang.Analyze(e.Text, lang.Config{})
				if f.Diagnostics.HasErrors() {
					t.Errorf("docs/language.md: %s\n%s", e.Text, f.Diagnostics.String("", e.Text))
				}
			}
		}
	}
	if nEBNF != 1 || nFilters < 10 {
		t.Errorf("docs/language.md has %d EBNF blocks and %d example filters", nEBNF, nFilters)
	}
	// every relative link must lead to a file or directory
	for _, m := range regexp.MustCompile(`\]\((\.\./[^)#]+|[a-z]+\.md)`).FindAllStringSubmatch(doc, -1) {
		if _, err := os.Stat(filepath.Join(docsDir, m[1])); err != nil {
			t.Errorf("docs/language.md links to %s, which does not exist", m[1])
		}
	}
	// every Test, Fuzz and Example function named must exist in a test file under lang/ or
	// grammar/ (the specification)
	var src strings.Builder
	for _, dir := range []string{".", filepath.Join("..", "grammar")} {
		err = filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
			if err == nil && strings.HasSuffix(path, "_test.go") {
				b, err := os.ReadFile(path)
				if err != nil {
					return err
				}
				src.Write(b)
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	for _, m := range regexp.MustCompile("`((?:Test|Fuzz|Example)[A-Za-z_]+)`").FindAllStringSubmatch(doc, -1) {
		if !strings.Contains(src.String(), "func "+m[1]+"(") {
			t.Errorf("docs/language.md names %s, which no test file under lang/ or grammar/ defines", m[1])
		}
	}
}
