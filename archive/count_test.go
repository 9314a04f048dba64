package archive_test

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/katafilter/katafilter/archive"
	"github.com/katafilter/katafilter/archive/archivetest"
	"github.com/katafilter/katafilter/lang"
	"github.com/katafilter/katafilter/lang/kfl"
	"github.com/katafilter/katafilter/lang/sql"
)

// TestCountDuplicates: on ClickHouse, events stored twice (as two loads running at once
// leave them until the table merges) count once, whether the parts that hold them overlap in
// time with others or not: the ten shared filters count what the evaluator counts, after
// copies of some events are added in parts of their own.
func TestCountDuplicates(t *testing.T) {
	ctx := context.Background()
	set, events := archivetest.Slice(t)
	counts, err := set.Counts()
	if err != nil {
		t.Fatal(err)
	}
	queries, err := set.Queries()
	if err != nil {
		t.Fatal(err)
	}
	db := archivetest.Open(t, sql.ClickHouse)
	table := archivetest.Table(t, db)
	archivetest.Load(t, db, table, events, 1000) // four parts, apart in time
	check := func(stage string) {
		t.Helper()
		for _, e := range kfl.Split(string(queries)) {
			f := lang.Analyze(e.Text, lang.Config{})
			got, err := db.Count(ctx, table, archive.Query{Filter: f})
			if err != nil || got != int64(counts[e.Line]) {
				t.Errorf("%s: line %d: %d, %v; want %d", stage, e.Line, got, err, counts[e.Line])
			}
		}
	}
	check("loaded once")
	name := db.Layout(table).Name()
	// Copies of every other event, in one part that overlaps all the others in time; then
	// copies of the first thousand again, in a part of their own.
	for _, stmt := range []string{
		"INSERT INTO " + name + " SELECT * FROM " + name + " WHERE cityHash64(id) % 2 = 0",
		"INSERT INTO " + name + " SELECT * FROM " + name + " WHERE ts < (SELECT quantileExact(0.25)(ts) FROM " + name + ") LIMIT 1 BY id",
	} {
		if err := db.Exec(ctx, stmt); err != nil {
			t.Fatal(err)
		}
		check("with copies")
	}
	if err := db.Optimize(ctx, table); err != nil {
		t.Fatal(err)
	}
	check("merged")
}

// TestPagesSameTime pages one event at a time through events that share their time, some
// stored twice: each comes once, in the order of their id, whatever the page's size.
func TestPagesSameTime(t *testing.T) {
	ctx := context.Background()
	var events [][]byte
	for i := range 9 {
		events = append(events, []byte(fmt.Sprintf(`{"EventType":"process","Timestamp":%d,"RecordId":%d}`, 5+i/3*10, i)))
	}
	events = append(events, []byte(`{"EventType":"module","Timestamp":5}`))
	for _, dialect := range archivetest.Dialects {
		t.Run(dialect.String(), func(t *testing.T) {
			db := archivetest.Open(t, dialect)
			table := archivetest.Table(t, db)
			archivetest.Load(t, db, table, events, 1000)
			if dialect == sql.ClickHouse { // copies, in a part of their own
				name := db.Layout(table).Name()
				if err := db.Exec(ctx, "INSERT INTO "+name+" SELECT * FROM "+name+" WHERE ts = 5"); err != nil {
					t.Fatal(err)
				}
			}
			f := lang.Analyze("EventType == 'process'", lang.Config{})
			all := huntAll(t, db, table, archive.Query{Filter: f})
			for _, limit := range []int{1, 2, 3, 100} {
				got := huntPages(t, db, table, archive.Query{Filter: f}, limit)
				if string(got) != string(all) || bytes.Count(got, []byte("\n")) != 9 {
					t.Errorf("pages of %d:\n%s\nwant\n%s", limit, got, all)
				}
			}
		})
	}
}

// TestLoadRepeatsInOneBatch: events repeated in a later block of the same batch (the same
// file given twice to one load) are stored once and counted as already present.
func TestLoadRepeatsInOneBatch(t *testing.T) {
	var events [][]byte
	for i := range archive.BlockSize {
		events = append(events, fmt.Appendf(nil, `{"EventType":"process","Timestamp":%d}`, 1764000000000000+int64(i)))
	}
	for _, dialect := range archivetest.Dialects {
		t.Run(dialect.String(), func(t *testing.T) {
			db := archivetest.Open(t, dialect)
			table := archivetest.Table(t, db)
			st := archivetest.Load(t, db, table, append(slices.Clone(events), events...), 3*archive.BlockSize)
			if st.Loaded != int64(len(events)) || st.Present != int64(len(events)) {
				t.Errorf("%+v, want %d loaded and %d present", st, len(events), len(events))
			}
			if n, err := db.Total(context.Background(), table); err != nil || n != int64(len(events)) {
				t.Errorf("the table holds %d events (%v), want %d", n, err, len(events))
			}
		})
	}
}
