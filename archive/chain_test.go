package archive_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/katafilter/katafilter/archive"
	"github.com/katafilter/katafilter/archive/archivetest"
	"github.com/katafilter/katafilter/lang"
)

// TestLongChains counts with filters of thousands of ANDs and ORs, and with parentheses and
// NOTs nested as deep as the parser allows, in both databases: each answers with the
// evaluator's count. (Nested two by two, 3,000 ANDs overflowed ClickHouse 18.16's parser and
// stopped the server.)
func TestLongChains(t *testing.T) {
	ctx := context.Background()
	events := []string{
		`{"EventType":"process","FileName":"a7.exe","HostName":"h1"}`,
		`{"EventType":"process","FileName":"b.exe","HostName":"h2"}`,
		`{"EventType":"module","FileName":"a2999.exe"}`,
	}
	chain := func(op string, n int) string {
		parts := make([]string, n)
		for i := range parts {
			parts[i] = fmt.Sprintf("FileName %s 'a%d.exe'", map[string]string{"AND": "!=", "OR": "=="}[op], i)
		}
		return strings.Join(parts, " "+op+" ")
	}
	filters := []string{
		chain("AND", 3000),
		chain("OR", 3000),
		strings.Repeat("(", 100) + "EventType == 'process'" + strings.Repeat(" AND HostName == 'h*')", 100),
		strings.Repeat("NOT ", 100) + "EventType == 'module'",
	}
	for _, dialect := range archivetest.Dialects {
		t.Run(dialect.String(), func(t *testing.T) {
			db := archivetest.Open(t, dialect)
			table := archivetest.Table(t, db)
			lines := make([][]byte, len(events))
			for i, e := range events {
				lines[i] = []byte(e)
			}
			archivetest.Load(t, db, table, lines, 10)
			for _, src := range filters {
				f := lang.Analyze(src, lang.Config{})
				prog, err := f.Program()
				if err != nil {
					t.Fatalf("%.60s...: %v", src, err)
				}
				want := 0
				for _, e := range events {
					if ok, _ := prog.MatchJSON([]byte(e)); ok {
						want++
					}
				}
				got, err := db.Count(ctx, table, archive.Query{Filter: f})
				if err != nil || got != int64(want) {
					t.Errorf("%.60s... (%d bytes): %d, %v; want the evaluator's %d", src, len(src), got, err, want)
				}
			}
		})
	}
}
