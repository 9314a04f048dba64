package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/katafilter/katafilter/internal/workload"
)

// workloadFiles returns the events and the filters of the benchmark: the shared workload when
// it is beside the repository, else the slice of it in testdata/workload; name says which.
func workloadFiles() (events [][]byte, queries []byte, name string, err error) {
	set, err := workload.Full()
	if workload.IsAbsent(err) {
		set, err = workload.Slice()
	}
	if err != nil {
		return nil, nil, "", err
	}
	if events, err = set.EventLines(); err != nil {
		return nil, nil, "", err
	}
	queries, err = set.Queries()
	return events, queries, set.Name, err
}

// repeat returns n events: the given ones over and over, each repetition k with its Timestamp
// moved k spans later (span: the workload's own range, plus one microsecond), so that every
// event is distinct (an archive stores an event once) and the time order of the copies
// follows one another. Every filter of the workload matches the same events of each copy,
// unless it reads Timestamp, which none of the shared ones does.
func repeat(events [][]byte, n int) ([][]byte, error) {
	lo, hi := int64(1<<62), int64(-1<<62)
	stamps := make([]int64, len(events))
	for i, e := range events {
		ts, _, _, ok := timestamp(e)
		var top struct{ Timestamp int64 }
		if !ok || json.Unmarshal(e, &top) != nil || top.Timestamp != ts {
			return nil, fmt.Errorf("event %d: its first \"Timestamp\": is not its top-level integer Timestamp", i+1)
		}
		stamps[i] = ts
		lo, hi = min(lo, ts), max(hi, ts)
	}
	span := hi - lo + 1
	out := make([][]byte, 0, n)
	for k := 0; len(out) < n; k++ {
		for i, e := range events {
			if len(out) == n {
				break
			}
			if k == 0 {
				out = append(out, e)
				continue
			}
			_, start, end, _ := timestamp(e)
			shifted := make([]byte, 0, len(e)+4)
			shifted = append(shifted, e[:start]...)
			shifted = strconv.AppendInt(shifted, stamps[i]+int64(k)*span, 10)
			shifted = append(shifted, e[end:]...)
			out = append(out, shifted)
		}
	}
	return out, nil
}

// timestamp finds the top-level "Timestamp":N of an event as the workload writes it, and the
// offsets of the number.
func timestamp(e []byte) (ts int64, start, end int, ok bool) {
	const key = `"Timestamp":`
	i := bytes.Index(e, []byte(key))
	if i < 0 {
		return 0, 0, 0, false
	}
	start = i + len(key)
	end = start
	for end < len(e) && (e[end] >= '0' && e[end] <= '9' || e[end] == '-') {
		end++
	}
	ts, err := strconv.ParseInt(string(e[start:end]), 10, 64)
	return ts, start, end, err == nil
}
