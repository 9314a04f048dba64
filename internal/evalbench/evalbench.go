// Package evalbench measures the evaluator on a set of events and filters: the figures that
// `katafilter bench` prints, and that the developer's command internal/cmd/anchortable sets
// beside the anchors' (expr and cel-go, measured by anchorbench on the same files).
//
// Every figure is a median of several passes; each pass runs after a garbage collection, the
// passes go round all the filters in turn (so that a burst of load from the machine's other
// users spoils one sample of several filters rather than every sample of one), and the
// decoded and raw passes of one filter alternate which goes first.
package evalbench

import (
	"fmt"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/katafilter/katafilter/lang"
	"github.com/katafilter/katafilter/lang/eval"
)

// Filter is one filter to measure.
type Filter struct {
	Line    int           // its line in the filter file
	Text    string        // its text, compiled again for the compile figure
	Program *eval.Program // compiled without error
}

// Options configure [Measure].
type Options struct {
	Name         string      // the events' name, shown in the report
	Runs         int         // timed passes per filter and path (at least 1)
	CompileIters int         // compilations per filter (at least 1)
	Config       lang.Config // the language configuration the filters were compiled with
}

// Query is one filter's row of the report.
type Query struct {
	Line             int     `json:"line"`
	Filter           string  `json:"filter"`
	Matches          int     `json:"matches"`
	DecodedNs        float64 `json:"decoded_ns_per_event"`
	DecodedAllocs    float64 `json:"decoded_allocs_per_event"`
	HotNs            float64 `json:"hot_ns_per_event"`
	RawNs            float64 `json:"raw_ns_per_event"`
	RawMBps          float64 `json:"raw_mb_per_s"`
	RawAllocs        float64 `json:"raw_allocs_per_event"`
	CompileMicros    float64 `json:"compile_us"`
	DecodedNsSamples []int64 `json:"decoded_ns_samples"`
	RawNsSamples     []int64 `json:"raw_ns_samples"`
	HotNsSamples     []int64 `json:"hot_ns_samples"`
}

// Report is the whole measurement (bench --json prints it).
type Report struct {
	Events       string  `json:"events"`
	EventCount   int     `json:"event_count"`
	Bytes        int64   `json:"bytes"`
	DecodeNs     float64 `json:"decode_ns_per_event"`
	Runs         int     `json:"runs"`
	CompileIters int     `json:"compile_iters"`
	GoVersion    string  `json:"go_version"`
	GOMAXPROCS   int     `json:"gomaxprocs"`
	Queries      []Query `json:"queries"`
}

// MismatchError is the failure of a filter whose decoded and raw paths disagree.
type MismatchError struct {
	Line         int
	Decoded, Raw int // the numbers of events each path matched
}

func (e *MismatchError) Error() string {
	return fmt.Sprintf("the decoded path matches %d events, the raw path %d", e.Decoded, e.Raw)
}

// EventError is an event that cannot be decoded.
type EventError struct {
	N   int // 1-based, among the events
	Err error
}

func (e *EventError) Error() string { return fmt.Sprintf("event %d: %v", e.N, e.Err) }

func (e *EventError) Unwrap() error { return e.Err }

// hotEvents is the size of the cache-resident subset, as in anchorbench.
const hotEvents = 256

// data is the events in both forms the evaluator reads.
type data struct {
	lines  [][]byte
	events []eval.Event // decoded and packed
	bytes  int64        // of the lines, a newline each
}

// Measure times every filter over the events (one JSON object each, as read from a file). It
// fails on an event it cannot decode ([EventError]) or a filter whose two paths disagree
// ([MismatchError]).
func Measure(lines [][]byte, filters []Filter, opt Options) (*Report, error) {
	d, decodeNs, err := decode(lines)
	if err != nil {
		return nil, err
	}
	rep := &Report{Events: opt.Name, EventCount: len(lines), Bytes: d.bytes, DecodeNs: decodeNs,
		Runs: opt.Runs, CompileIters: opt.CompileIters, GoVersion: runtime.Version(), GOMAXPROCS: runtime.GOMAXPROCS(0)}
	rep.Queries = make([]Query, len(filters))
	for i, f := range filters {
		rep.Queries[i] = Query{Line: f.Line, Filter: strings.Join(strings.Fields(f.Text), " ")}
	}
	for r := range opt.Runs {
		for i, f := range filters {
			if err := d.sample(r, f, &rep.Queries[i]); err != nil {
				return nil, err
			}
		}
	}
	for i, f := range filters {
		d.summarize(f.Program, &rep.Queries[i])
	}
	compiles := compileTimes(filters, opt)
	for i := range rep.Queries {
		rep.Queries[i].CompileMicros = float64(median(compiles[i])) / 1e3
	}
	return rep, nil
}

// decode decodes and packs the events, timed: it returns the nanoseconds per event.
func decode(lines [][]byte) (*data, float64, error) {
	d := &data{lines: lines, events: make([]eval.Event, len(lines))}
	for _, l := range lines {
		d.bytes += int64(len(l)) + 1
	}
	start := time.Now()
	// Values, not pointers: the slice headers of the events lie side by side.
	for i, l := range lines {
		e, err := eval.DecodeEvent(l)
		if err != nil {
			return nil, 0, &EventError{N: i + 1, Err: err}
		}
		d.events[i] = *e
	}
	// The blocks side by side in the order they are read, which the processor prefetches;
	// part of building the representation, so timed with the decoding.
	eval.PackEvents(d.events)
	return d, float64(time.Since(start).Nanoseconds()) / float64(max(1, len(lines))), nil
}

// sample takes run r's samples of filter f into q.
func (d *data) sample(r int, f Filter, q *Query) error {
	var dm, rm int
	var dns, rns int64
	var err error
	if r%2 == 0 {
		dm, dns = d.decodedPass(f.Program)
		rm, rns, err = d.rawPass(f.Program)
	} else {
		rm, rns, err = d.rawPass(f.Program)
		dm, dns = d.decodedPass(f.Program)
	}
	if err != nil {
		return err
	}
	if dm != rm || (r > 0 && dm != q.Matches) {
		return &MismatchError{Line: f.Line, Decoded: dm, Raw: rm}
	}
	q.Matches = dm
	q.DecodedNsSamples = append(q.DecodedNsSamples, dns)
	q.HotNsSamples = append(q.HotNsSamples, hotPass(f.Program, d.hot(), len(d.events)))
	q.RawNsSamples = append(q.RawNsSamples, rns)
	return nil
}

func (d *data) hot() []eval.Event { return d.events[:min(hotEvents, len(d.events))] }

// decodedPass matches the decoded events once, timed.
func (d *data) decodedPass(p *eval.Program) (int, int64) {
	runtime.GC()
	t := time.Now()
	m := 0
	for k := range d.events {
		if p.MatchEvent(&d.events[k]) {
			m++
		}
	}
	return m, time.Since(t).Nanoseconds()
}

// rawPass matches the raw lines once, timed.
func (d *data) rawPass(p *eval.Program) (int, int64, error) {
	runtime.GC()
	t := time.Now()
	m := 0
	for _, l := range d.lines {
		ok, err := p.MatchJSON(l)
		if err != nil {
			return 0, 0, err
		}
		if ok {
			m++
		}
	}
	return m, time.Since(t).Nanoseconds(), nil
}

// summarize turns q's samples into medians per event, and counts allocations.
func (d *data) summarize(p *eval.Program, q *Query) {
	n := float64(len(d.events))
	q.DecodedNs = float64(median(q.DecodedNsSamples)) / n
	q.HotNs = float64(median(q.HotNsSamples)) / float64(hotEvals(len(d.hot()), len(d.events)))
	q.RawNs = float64(median(q.RawNsSamples)) / n
	q.RawMBps = float64(d.bytes) / 1e6 / (float64(median(q.RawNsSamples)) / 1e9)
	q.DecodedAllocs = allocsPerEvent(len(d.events), func() {
		for k := range d.events {
			p.MatchEvent(&d.events[k])
		}
	})
	q.RawAllocs = allocsPerEvent(len(d.lines), func() {
		for _, l := range d.lines {
			_, _ = p.MatchJSON(l)
		}
	})
}

// compileTimes times opt.CompileIters compilations of each filter; they too go round the
// filters.
func compileTimes(filters []Filter, opt Options) [][]int64 {
	out := make([][]int64, len(filters))
	for range opt.CompileIters {
		for i, f := range filters {
			t := time.Now()
			_, _ = lang.Compile(f.Text, opt.Config)
			out[i] = append(out[i], time.Since(t).Nanoseconds())
		}
	}
	return out
}

// hotEvals is the number of evaluations of a hot pass: whole cycles over the hot events, to
// about n.
func hotEvals(hot, n int) int { return max(1, n/hot) * hot }

// hotPass matches the hot events once untimed, to bring them into the caches, then cycles
// over them to about n evaluations, timed; it returns the nanoseconds.
func hotPass(p *eval.Program, hot []eval.Event, n int) int64 {
	for k := range hot {
		p.MatchEvent(&hot[k])
	}
	cycles := hotEvals(len(hot), n) / len(hot)
	t := time.Now()
	for range cycles {
		for k := range hot {
			p.MatchEvent(&hot[k])
		}
	}
	return time.Since(t).Nanoseconds()
}

func median(xs []int64) int64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	return s[len(s)/2]
}

// allocsPerEvent measures the heap allocations of untimed passes over n events, repeated to
// cover at least 100,000 events so that the runtime's own occasional allocations vanish in
// the average.
func allocsPerEvent(n int, pass func()) float64 {
	k := (100000 + n - 1) / n
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	for range k {
		pass()
	}
	runtime.ReadMemStats(&after)
	return float64(after.Mallocs-before.Mallocs) / float64(k*n)
}
