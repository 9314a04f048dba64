package sql_test

import (
	"errors"
	"strconv"
	"strings"
	"testing"

	"github.com/katafilter/katafilter/lang"
	"github.com/katafilter/katafilter/lang/diag"
	"github.com/katafilter/katafilter/lang/sql"
)

// FuzzTranslate: the translator never panics, and translates every filter the checker accepts
// or refuses it with one of its codes; a translation has one argument per placeholder and
// can be written with the arguments in place.
func FuzzTranslate(f *testing.F) {
	for _, s := range []string{
		"EventType == 'process' AND FileName == '*powershell*'",
		"NOT UserName in ('root', 'CORP\\\\*') OR FileSize > 9223372036854775807",
		"Custom.X in ('a', 1, true) AND Custom.Y != false",
		"FileName == 'a%_\\*\\?\\\\?*'",
		"Ioa.Rules.Techniques == 'T1059*' AND hostName == 'WS-??'",
		"FileName == 'a\x00b'",
		"UserName == 'ſtephan'",
	} {
		f.Add(s, false)
		f.Add(s, true)
	}
	f.Fuzz(func(t *testing.T, src string, ignoreCase bool) {
		flt := lang.Analyze(src, lang.Config{IgnoreCase: ignoreCase, AllowUnknownFields: true})
		for _, d := range []sql.Dialect{sql.ClickHouse, sql.Postgres} {
			q, err := sql.Translate(flt, sql.Layout{Dialect: d}, sql.QueryOptions{IgnoreCase: ignoreCase})
			if flt.Diagnostics.HasErrors() {
				if err == nil {
					t.Fatalf("%s: a filter with errors was translated: %q", d, src)
				}
				continue
			}
			var refusal *sql.Error
			if errors.As(err, &refusal) {
				if _, ok := diag.Lookup(refusal.Code); !ok || !strings.HasPrefix(string(refusal.Code), "KF09") {
					t.Fatalf("%s: %q refused with %v", d, src, refusal)
				}
				continue
			}
			if err != nil {
				t.Fatalf("%s: %q: %v", d, src, err)
			}
			if n := placeholders(q); n != len(q.Args) {
				t.Fatalf("%s: %q: %d placeholders, %d arguments\n%s", d, src, n, len(q.Args), q.SQL)
			}
			if _, err := q.Inline(); err != nil {
				t.Fatalf("%s: %q: %v", d, src, err)
			}
		}
	})
}

// placeholders counts the distinct placeholders of q.
func placeholders(q sql.Query) int {
	if q.Dialect == sql.ClickHouse {
		return strings.Count(q.SQL, "?")
	}
	n := 0
	for i := 1; strings.Contains(q.SQL, "$"+strconv.Itoa(i)); i++ {
		n = i
	}
	return n
}
