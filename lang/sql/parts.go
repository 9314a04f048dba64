package sql

import (
	"cmp"
	"slices"
	"strings"

	"github.com/katafilter/katafilter/lang"
)

// On ClickHouse an event loaded twice may be in the table twice until the ReplacingMergeTree
// merges the two parts that hold it, so a count must count each id once; but uniqExact(id)
// over many matches costs more than the rest of the query. A part never holds an id twice
// (the loader sends an event once per INSERT, and a merge keeps one row per (ts, id)), and
// both copies of an event have its ts. So two parts whose matching events' times do not
// overlap share no event, and a count can add up the parts' counts, deduplicating only among
// the parts whose ranges overlap:
//
//  1. [Layout.CountByPart]: the matching events of each part, with their smallest and largest
//     ts;
//  2. [Overlapping] sorts the parts into those that share a time with another and the others;
//  3. only when some overlap, [Layout.CountInParts] counts the distinct events of those
//     parts, and says which parts it read and how many rows: when a merge has replaced a
//     part in between, the answers do not agree and the count starts over with [Layout.Count].

// PartCount is one row of [Layout.CountByPart]: the events of one part of the table that
// match, and the range of their ts.
type PartCount struct {
	Part         string
	Count        uint64
	MinTS, MaxTS int64
}

// CountByPart returns, for ClickHouse, the query of the events that match f in each part of
// the table: rows of _part (String), count() (UInt64), min(ts) and max(ts) (Int64). Through a
// Distributed table, parts of the same name on different shards are one row, which only
// widens its range. opts.Limit and opts.After do not apply.
func (l Layout) CountByPart(f *lang.Filter, opts QueryOptions) (Query, error) {
	opts.After = nil
	where, err := l.where(f, opts)
	if err != nil {
		return Query{}, err
	}
	where.SQL = "SELECT _part, count(), min(" + colTS + "), max(" + colTS + ") FROM " + l.Name() + " WHERE " + where.SQL + " GROUP BY _part"
	return where, nil
}

// Overlapping returns the parts whose range of ts meets another's (ranges that share an end
// meet), in which an event may be twice, and the sum of the counts of the other parts.
func Overlapping(parts []PartCount) (overlap []string, alone uint64) {
	s := slices.Clone(parts)
	slices.SortFunc(s, func(a, b PartCount) int { return cmp.Compare(a.MinTS, b.MinTS) })
	for i := 0; i < len(s); {
		j, end := i+1, s[i].MaxTS
		for ; j < len(s) && s[j].MinTS <= end; j++ {
			end = max(end, s[j].MaxTS)
		}
		if j == i+1 {
			alone += s[i].Count
		} else {
			for _, p := range s[i:j] {
				overlap = append(overlap, p.Part)
			}
		}
		i = j
	}
	return overlap, alone
}

// CountInParts returns, for ClickHouse, the query of the distinct events that match f in the
// parts named: one row of uniqExact(id), count() and uniqExact(_part) (UInt64 each), the last
// two to check that the parts are still those [Layout.CountByPart] saw (their rows and their
// number).
func (l Layout) CountInParts(f *lang.Filter, opts QueryOptions, parts []string) (Query, error) {
	opts.After = nil
	where, err := l.where(f, opts)
	if err != nil {
		return Query{}, err
	}
	names := make([]string, len(parts))
	for i, p := range parts {
		names[i] = l.Dialect.quoteString(p)
	}
	where.SQL = "SELECT uniqExact(" + colID + "), count(), uniqExact(_part) FROM " + l.Name() + " WHERE _part IN (" + strings.Join(names, ", ") + ") AND " + where.SQL
	return where, nil
}
