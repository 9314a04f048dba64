package archive_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/katafilter/katafilter/archive"
	"github.com/katafilter/katafilter/archive/archivetest"
	"github.com/katafilter/katafilter/internal/testenv"
	"github.com/katafilter/katafilter/lang"
	"github.com/katafilter/katafilter/lang/kfl"
	"github.com/katafilter/katafilter/lang/sql"
)

// distributedCluster is the cluster of .ci/clickhouse-cluster.xml: two shards on this one
// server, each with a database of its own (its replica's default_database).
const distributedCluster = "katafilter_two_shards"

var shardDatabases = []string{"katafilter_shard1", "katafilter_shard2"}

// TestDistributed shows the scale-out rather than claiming it: a Distributed table over two
// shards (docs/hunt.md's recipe), loaded through it twice, answers the ten shared queries as
// one node does, with the events spread over both shards and each stored once.
func TestDistributed(t *testing.T) {
	ctx := context.Background()
	db := archivetest.Open(t, sql.ClickHouse)
	local := archivetest.Table(t, db) // the single node, and the name of each shard's table
	dist := archivetest.Table(t, db)
	for _, shard := range shardDatabases {
		if err := db.Exec(ctx, "CREATE DATABASE IF NOT EXISTS "+shard); err != nil {
			t.Fatal(err)
		}
		name := shard + "." + local
		t.Cleanup(func() { db.DropTable(context.Background(), name) })
		for _, stmt := range db.Layout(name).CreateStatements() {
			if err := db.Exec(ctx, stmt); err != nil {
				t.Fatal(err)
			}
		}
	}
	// An empty database in the Distributed engine: each shard reads its own default_database.
	_, top := db.Layout(dist).DistributedStatements(distributedCluster, "."+local)
	for _, stmt := range top {
		if err := db.Exec(ctx, stmt); err != nil {
			if strings.Contains(err.Error(), distributedCluster) {
				testenv.Missing(t, "the ClickHouse cluster %s: %v (.ci/run installs .ci/clickhouse-cluster.xml)", distributedCluster, err)
			}
			t.Fatal(err)
		}
	}

	set, events := archivetest.Slice(t)
	load := func(table string) archive.LoadStats { return archivetest.Load(t, db, table, events, 1500) }
	n := int64(len(events))
	if st := load(dist); st.Loaded != n || st.Present != 0 {
		t.Fatalf("through the Distributed table: %+v, want %d loaded", st, n)
	}
	if st := load(dist); st.Loaded != 0 || st.Present != n {
		t.Fatalf("again through the Distributed table: %+v, want %d present", st, n)
	}
	load(local)
	var onShards int64
	for _, shard := range shardDatabases {
		c, err := db.Total(ctx, shard+"."+local)
		if err != nil {
			t.Fatal(err)
		}
		if c == 0 || c == n {
			t.Errorf("%s holds %d of the %d events: the rows are not spread over the shards", shard, c, n)
		}
		onShards += c
	}
	if onShards != n {
		t.Errorf("the shards hold %d events, want %d", onShards, n)
	}

	text, err := set.Queries()
	if err != nil {
		t.Fatal(err)
	}
	counts, err := set.Counts()
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range kfl.Split(string(text)) {
		q := archive.Query{Filter: lang.Analyze(e.Text, lang.Config{})}
		one, err1 := db.Count(ctx, local, q)
		two, err2 := db.Count(ctx, dist, q)
		if err1 != nil || err2 != nil || one != two || one != int64(counts[e.Line]) {
			t.Errorf("%s: one node %d (%v), Distributed %d (%v), want %d", e.Text, one, err1, two, err2, counts[e.Line])
		}
		a := huntAll(t, db, local, q)
		if b := huntAll(t, db, dist, q); !bytes.Equal(a, b) {
			t.Errorf("%s: the Distributed table's events differ from one node's", e.Text)
		}
		if b := huntPages(t, db, dist, q, 97); !bytes.Equal(a, b) {
			t.Errorf("%s: the Distributed table's pages of 97 differ from one node's events", e.Text)
		}
	}
}

// huntPages returns the events of a hunt read in pages of limit, one per line.
func huntPages(t *testing.T, db *archive.DB, table string, q archive.Query, limit int) []byte {
	t.Helper()
	var out bytes.Buffer
	q.Limit = limit
	for {
		n := 0
		next, err := db.Hunt(context.Background(), table, q, func(raw []byte) error {
			out.Write(raw)
			out.WriteByte('\n')
			n++
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if n < limit {
			return out.Bytes()
		}
		q.After = next
	}
}

// huntAll returns the events of a hunt, one per line.
func huntAll(t *testing.T, db *archive.DB, table string, q archive.Query) []byte {
	t.Helper()
	var out bytes.Buffer
	if _, err := db.Hunt(context.Background(), table, q, func(raw []byte) error {
		out.Write(raw)
		out.WriteByte('\n')
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}
