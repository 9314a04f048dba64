package sqldiff

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"regexp"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"
	"github.com/jackc/pgx/v5"

	"github.com/katafilter/katafilter/lang"
	"github.com/katafilter/katafilter/lang/eval"
	"github.com/katafilter/katafilter/lang/sql"
)

// nFilters is the number of random valid filters the differential test runs.
var nFilters = 2000

// nQueries is the number of them also run as whole queries (Count, and Select in pages).
const nQueries = 40

// filterCase is one random filter and the IDs of the events the evaluator matches.
type filterCase struct {
	src        string
	ignoreCase bool
	f          *lang.Filter
	want       map[string]bool
}

// cases generates n valid filters (with the seed) and evaluates them over evs.
func cases(t *testing.T, evs []event, n int, seed uint64) []filterCase {
	t.Helper()
	g := gen{r: rand.New(rand.NewPCG(seed, 1)), vocab: vocabulary(evs)}
	var out []filterCase
	var progs []*eval.Program
	for tries := 0; len(out) < n; tries++ {
		if tries > 20*n {
			t.Fatalf("only %d valid filters in %d tries", len(out), tries)
		}
		src := g.filter(0)
		ic := g.r.IntN(3) == 0
		f := lang.Analyze(src, lang.Config{AllowUnknownFields: true, IgnoreCase: ic})
		if f.Diagnostics.HasErrors() {
			continue
		}
		prog, err := f.Program()
		if err != nil {
			t.Fatal(err)
		}
		progs = append(progs, prog)
		out = append(out, filterCase{src: src, ignoreCase: ic, f: f, want: map[string]bool{}})
	}
	// Evaluate on every core, the events flattened once.
	flat := make([]*eval.Event, len(evs))
	for i, e := range evs {
		ev, err := eval.DecodeEvent(e.raw)
		if err != nil {
			t.Fatal(err)
		}
		flat[i] = ev
	}
	var wg sync.WaitGroup
	for w := range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for i := w; i < len(out); i += runtime.GOMAXPROCS(0) {
				for j, ev := range flat {
					if progs[i].MatchEvent(ev) {
						out[i].want[evs[j].id] = true
					}
				}
			}
		})
	}
	wg.Wait()
	return out
}

// TestDifferential runs nFilters random valid filters (every operator, in, NOT, wildcards and
// escapes, missing and array paths, ignore-case, integers at the 2^53 and 2^63 boundaries)
// over the workload's 4,000 events and the edge events of testdata/sql, loaded twice, by the
// evaluator, ClickHouse and PostgreSQL, and compares the sets of matching event IDs; then
// runs a share of them as whole queries (Count, and Select in pages and in a time window).
// The two servers work at the same time.
func TestDifferential(t *testing.T) {
	start := time.Now()
	phase := func(what string) { t.Logf("%v: %s", time.Since(start).Round(time.Millisecond), what) }
	evs := readEvents(t)
	chConn, chL := clickHouse(t)
	pgConn, pgL := postgres(t)
	for range 2 { // twice: the archive must keep each event once
		loadClickHouse(t, chConn, chL, evs)
	}
	var pgRefused map[string]bool
	for range 2 {
		pgRefused = loadPostgres(t, pgConn, pgL, evs)
	}
	if len(pgRefused) != 1 {
		t.Errorf("PostgreSQL refused %d events, want 1 (the one with U+0000)", len(pgRefused))
	}
	phase("loaded")
	cs := cases(t, evs, nFilters, 1)
	if nFilters >= 2000 { // not for a shorter run while debugging
		coverage(t, cs)
	}
	matched := 0
	for _, c := range cs {
		if len(c.want) > 0 {
			matched++
		}
	}
	phase(fmt.Sprintf("generated and evaluated %d filters, %d match some event", len(cs), matched))
	ts := map[string]int64{}
	for _, e := range evs {
		r, _ := chL.Row(e.raw)
		ts[e.id] = r.Timestamp
	}
	var some []filterCase // for the whole queries
	for _, c := range cs[:nQueries] {
		if !strings.Contains(c.src, "\x00") {
			some = append(some, c)
		}
	}
	var wg sync.WaitGroup
	wg.Go(func() {
		differ(t, chL, cs, nil, func(qs []sql.Query) ([]map[string]bool, error) { return runClickHouse(chConn, chL, qs) })
		if err := checkQueries(chEngine(chConn, chL), some, ts, nil); err != nil {
			t.Errorf("clickhouse: %v", err)
		}
		phase("clickhouse done")
	})
	wg.Go(func() {
		differ(t, pgL, cs, pgRefused, func(qs []sql.Query) ([]map[string]bool, error) { return runPostgres(pgConn, pgL, qs) })
		if err := checkQueries(pgEngine(pgConn, pgL), some, ts, pgRefused); err != nil {
			t.Errorf("postgres: %v", err)
		}
		phase("postgres done")
	})
	wg.Wait()
}

// differ translates the cases for layout l, runs them with run, a hundred at a time, and
// reports those whose matches differ from the evaluator's (less the events in skip, which the
// server could not store).
func differ(t *testing.T, l sql.Layout, cs []filterCase, skip map[string]bool, run func([]sql.Query) ([]map[string]bool, error)) {
	name := l.Dialect.String()
	var qs []sql.Query
	var idx []int
	refused := map[string]int{}
	for i, c := range cs {
		q, err := sql.Translate(c.f, l, sql.QueryOptions{IgnoreCase: c.ignoreCase})
		var serr *sql.Error
		if errors.As(err, &serr) {
			refused[string(serr.Code)]++
			continue
		}
		if err != nil {
			t.Errorf("%s: %s: %v", name, printable(c.src), err)
			return
		}
		qs, idx = append(qs, q), append(idx, i)
	}
	const batch = 100
	bad := 0
	for from := 0; from < len(qs); from += batch {
		to := min(from+batch, len(qs))
		got, err := run(qs[from:to])
		if err != nil {
			// Find the filter the engine refuses.
			for k := from; k < to; k++ {
				if _, err1 := run(qs[k : k+1]); err1 != nil {
					inl, _ := qs[k].Inline()
					t.Errorf("%s: %s: %v\n%s", name, printable(cs[idx[k]].src), err1, inl)
					return
				}
			}
			t.Errorf("%s: %v", name, err)
			return
		}
		for k, g := range got {
			c := cs[idx[from+k]]
			if diff := setDiff(minus(c.want, skip), g); diff != "" {
				bad++
				if bad <= 10 {
					inl, _ := qs[from+k].Inline()
					t.Errorf("%s: %s (ignore-case %v): %s\n%s", name, printable(c.src), c.ignoreCase, diff, inl)
				}
			}
		}
	}
	t.Logf("%s: %d filters translated, %d agree with the evaluator; refused: %v", name, len(qs), len(qs)-bad, refused)
}

// coverage fails the test when the generator no longer writes some construct often enough.
func coverage(t *testing.T, cs []filterCase) {
	t.Helper()
	constructs := map[string]*regexp.Regexp{
		"==": regexp.MustCompile(` == `), "!=": regexp.MustCompile(` != `),
		">": regexp.MustCompile(` > `), ">=": regexp.MustCompile(` >= `),
		"<": regexp.MustCompile(` < `), "<=": regexp.MustCompile(` <= `),
		"in list": regexp.MustCompile(` in \(`), "in call": regexp.MustCompile(`\bin\(`),
		"NOT": regexp.MustCompile(`NOT `), "AND": regexp.MustCompile(` AND `), "OR": regexp.MustCompile(` OR `),
		"*": regexp.MustCompile(`'[^']*(^|[^\\])\*`), "?": regexp.MustCompile(`(^|[^\\])\?`),
		`\*`: regexp.MustCompile(`\\\*`), `\?`: regexp.MustCompile(`\\\?`), `\\`: regexp.MustCompile(`\\\\`),
		"%": regexp.MustCompile(`%`), "_ in a string": regexp.MustCompile(`'[^']*_[^']*'`),
		"array path": regexp.MustCompile(`Ioa\.Rules\.`), "missing path": regexp.MustCompile(`NoSuchField|Missing`),
		"2^53": regexp.MustCompile(`900719925474099[123]`), "2^63": regexp.MustCompile(`922337203685477580[67]`),
		"ſ or Kelvin": regexp.MustCompile("ſ|\u212a"), "boolean": regexp.MustCompile(`true|false`),
	}
	counts := map[string]int{}
	ic := 0
	for _, c := range cs {
		for name, re := range constructs {
			if re.MatchString(c.src) {
				counts[name]++
			}
		}
		if c.ignoreCase {
			ic++
		}
	}
	for name := range constructs {
		if counts[name] < 10 {
			t.Errorf("the generator wrote %s in %d filters of %d, want at least 10", name, counts[name], len(cs))
		}
	}
	if ic < len(cs)/5 {
		t.Errorf("%d filters of %d ignore case, want a fifth at least", ic, len(cs))
	}
}

func minus(a, b map[string]bool) map[string]bool {
	out := map[string]bool{}
	for k := range a {
		if !b[k] {
			out[k] = true
		}
	}
	return out
}

// setDiff describes how got differs from want, or returns "".
func setDiff(want, got map[string]bool) string {
	var missing, extra []string
	for k := range want {
		if !got[k] {
			missing = append(missing, k)
		}
	}
	for k := range got {
		if !want[k] {
			extra = append(extra, k)
		}
	}
	if len(missing) == 0 && len(extra) == 0 {
		return ""
	}
	sort.Strings(missing)
	sort.Strings(extra)
	return fmt.Sprintf("evaluator %d, SQL %d; missing %.3v, extra %.3v", len(want), len(got), missing, extra)
}

// runClickHouse evaluates the conditions qs in one query: a row per stored row, its id and one
// column per condition.
func runClickHouse(conn driver.Conn, l sql.Layout, qs []sql.Query) ([]map[string]bool, error) {
	text, args := batchSQL(l, qs)
	rows, err := conn.Query(context.Background(), text, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	return collect[uint8](rows, len(qs))
}

// runPostgres is runClickHouse for PostgreSQL.
func runPostgres(conn *pgx.Conn, l sql.Layout, qs []sql.Query) ([]map[string]bool, error) {
	text, args := batchSQL(l, qs)
	rows, err := conn.Query(context.Background(), text, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	return collect[bool](rows, len(qs))
}

// rowSet is what collect reads of either driver's rows.
type rowSet interface {
	Next() bool
	Scan(dest ...any) error
	Err() error
}

// collect reads the rows of a batch of n conditions: for each condition, the ids of the rows
// where it holds. F is how the driver gives a condition's value (ClickHouse: UInt8).
func collect[F uint8 | bool](rows rowSet, n int) ([]map[string]bool, error) {
	got := newSets(n)
	var id string
	flags := make([]F, n)
	dest := []any{&id}
	for i := range flags {
		dest = append(dest, &flags[i])
	}
	var no F
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return nil, err
		}
		for i, f := range flags {
			if f != no {
				got[i][id] = true
			}
		}
	}
	return got, rows.Err()
}

func newSets(n int) []map[string]bool {
	s := make([]map[string]bool, n)
	for i := range s {
		s[i] = map[string]bool{}
	}
	return s
}

var pgPlaceholder = regexp.MustCompile(`\$(\d+)`)

// batchSQL joins the conditions qs into SELECT id, (q1), (q2)... FROM the table, with their
// arguments in order (PostgreSQL's numbered placeholders renumbered).
func batchSQL(l sql.Layout, qs []sql.Query) (string, []any) {
	var cols []string
	var args []any
	for _, q := range qs {
		s := q.SQL
		if l.Dialect == sql.Postgres {
			base := len(args)
			s = pgPlaceholder.ReplaceAllStringFunc(s, func(m string) string {
				n, _ := strconv.Atoi(m[1:])
				return "$" + strconv.Itoa(n+base)
			})
		}
		cols = append(cols, "("+s+")")
		args = append(args, q.Args...)
	}
	return "SELECT id, " + strings.Join(cols, ", ") + " FROM " + l.Name(), args
}

func init() {
	if n, err := strconv.Atoi(os.Getenv("KATAFILTER_SQLDIFF_FILTERS")); err == nil && n > 0 {
		nFilters = n // for a quicker run while debugging
	}
}
