package sql_test

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"

	"github.com/katafilter/katafilter/lang"
	"github.com/katafilter/katafilter/lang/sql"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata")

// TestGolden translates the filters of testdata/golden.txtar (one a line; "ignore-case: "
// before one translates it case-insensitively) for both dialects and compares the SQL and
// arguments, or the refusal, with the file's sections. -update rewrites them.
func TestGolden(t *testing.T) {
	file := filepath.Join("testdata", "golden.txtar")
	ar, err := txtar.ParseFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var filters []string
	for _, f := range ar.Files {
		if f.Name == "filters" {
			filters = strings.Split(strings.TrimSpace(string(f.Data)), "\n")
		}
	}
	if len(filters) < 30 {
		t.Fatalf("%s has %d filters, want at least 30", file, len(filters))
	}
	out := []txtar.File{{Name: "filters", Data: []byte(strings.Join(filters, "\n") + "\n")}}
	for _, d := range []sql.Dialect{sql.ClickHouse, sql.Postgres} {
		var b strings.Builder
		for _, line := range filters {
			src, ic := strings.CutPrefix(line, "ignore-case: ")
			fmt.Fprintf(&b, "%s\n\t%s\n", line, translate(src, ic, d))
		}
		out = append(out, txtar.File{Name: d.String(), Data: []byte(b.String())})
	}
	if *update {
		ar.Files = out
		if err := os.WriteFile(file, txtar.Format(ar), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	for _, want := range out[1:] {
		var got string
		for _, f := range ar.Files {
			if f.Name == want.Name {
				got = string(f.Data)
			}
		}
		if got != string(want.Data) {
			t.Errorf("%s: the %s section differs (go test ./lang/sql -run TestGolden -update rewrites it):\n%s", file, want.Name, firstDiff(got, string(want.Data)))
		}
	}
}

// translate returns the SQL and arguments of src for d, or its diagnostics or refusal.
func translate(src string, ignoreCase bool, d sql.Dialect) string {
	f := lang.Analyze(src, lang.Config{IgnoreCase: ignoreCase, AllowUnknownFields: true})
	q, err := sql.Translate(f, sql.Layout{Dialect: d}, sql.QueryOptions{IgnoreCase: ignoreCase})
	var refusal *sql.Error
	switch {
	case errors.As(err, &refusal):
		return "refused: " + refusal.Diagnostic().String()
	case err != nil:
		return "error: " + strings.ReplaceAll(err.Error(), "\n", " | ")
	}
	args := make([]string, len(q.Args))
	for i, a := range q.Args {
		args[i] = fmt.Sprintf("%#v", a)
	}
	return fmt.Sprintf("%s\n\targs: %s", q.SQL, strings.Join(args, ", "))
}

func firstDiff(got, want string) string {
	g, w := strings.Split(got, "\n"), strings.Split(want, "\n")
	for i := range max(len(g), len(w)) {
		var a, b string
		if i < len(g) {
			a = g[i]
		}
		if i < len(w) {
			b = w[i]
		}
		if a != b {
			return fmt.Sprintf("line %d:\n  file: %s\n  now:  %s", i+1, a, b)
		}
	}
	return ""
}
