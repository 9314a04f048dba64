// Package gen makes realistic synthetic KATA events of all 16 event types, for the emulated
// server's --generate, for katafilter gen and for tests.
//
// The events describe a small network that hangs together: each host has an OS that decides
// its event types, paths, users and processes (no Windows log, AMSI scan or C:\ path on a Linux
// host); each host runs process trees (every event names its process by SystemPid and
// UniquePid, and a process event its parent by ParentSystemPid and UniqueParentPid, with a
// command line that fits the image); Windows log events carry the channel and provider that
// Windows writes for their event ID; and detections (threatdetect, with Ioa rules and MITRE
// techniques, and threatprocessingresult) refer to processes and files of events that came
// before them. A few attack stories run among the background activity: an Office document that
// starts PowerShell with an encoded command, a downloaded tool installed as a new service, a
// burst of failed logons, a credential dump, a coin miner on Linux.
//
// The output is deterministic for a given seed (and start time).
package gen

import (
	"encoding/json"
	"time"

	"math/rand/v2"
)

// EventTypes lists the 16 event types of the KATA events API, in the vendor's order.
var EventTypes = []string{
	"process", "process_terminate", "module", "connection", "applock", "blockdocument",
	"filechange", "windowsevent", "registry", "portlisten", "driver", "threatdetect",
	"threatprocessingresult", "amsiscan", "process_interpretated_file_run",
	"process_console_interactive_input",
}

// Options configure a Generator.
type Options struct {
	// Seed makes the events: the same seed (and Start and Rate) gives the same events.
	Seed uint64
	// Hosts is the number of hosts (0 means 25).
	Hosts int
	// Start, when not zero, is the Timestamp of the first event; the following events come
	// 1/Rate seconds apart, so that the output depends on nothing but the options. When zero,
	// each event's Timestamp is Now().
	Start time.Time
	// Rate is the number of events per second of Timestamp when Start is set (0 means 10).
	Rate float64
	// Now gives the Timestamp when Start is zero; nil means time.Now.
	Now func() time.Time
}

// Generator makes events. It is not safe for concurrent use.
type Generator struct {
	r     *rand.Rand
	opt   Options
	hosts []*host
	queue []event // the rest of a story or of a background step, emitted in order
	n     int64   // events emitted
	steps int     // steps taken
	epoch uint16  // tells apart the UniquePids of generators started at different times
	plot  []int   // the stories still to tell in this round, as indexes
}

// event is one event under construction; Next adds its Timestamp and encodes it.
type event map[string]any

// New returns a generator seeded with seed whose events belong to nhosts hosts (0 means 25)
// and carry the Timestamp now() (nil means time.Now).
func New(seed uint64, nhosts int, now func() time.Time) *Generator {
	return NewWith(Options{Seed: seed, Hosts: nhosts, Now: now})
}

// NewWith returns a generator configured by opt.
func NewWith(opt Options) *Generator {
	if opt.Hosts <= 0 {
		opt.Hosts = 25
	}
	if opt.Rate <= 0 {
		opt.Rate = 10
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	g := &Generator{r: rand.New(rand.NewPCG(opt.Seed, opt.Seed^0x9e3779b97f4a7c15)), opt: opt}
	// A restarted generator (a server restarted with the same seed) starts its processes
	// anew, as a rebooted host does: their UniquePids must differ from the earlier ones.
	start := opt.Start
	if start.IsZero() {
		start = opt.Now()
	}
	g.epoch = uint16(start.Unix() ^ start.Unix()>>16)
	for i := range opt.Hosts {
		g.hosts = append(g.hosts, g.newHost(i))
	}
	return g
}

// Next returns the next event, as the bytes of one JSON object.
func (g *Generator) Next() []byte {
	for len(g.queue) == 0 {
		g.queue = g.step()
	}
	e := g.queue[0]
	g.queue = g.queue[1:]
	e["Timestamp"] = g.now().UnixMicro()
	g.n++
	b, err := json.Marshal(e)
	if err != nil { // cannot happen: an event holds only strings, numbers, slices and maps
		panic(err)
	}
	return b
}

// now is the Timestamp of the next event.
func (g *Generator) now() time.Time {
	if g.opt.Start.IsZero() {
		return g.opt.Now()
	}
	return g.opt.Start.Add(time.Duration(float64(g.n) / g.opt.Rate * float64(time.Second)))
}

// storyEvery is how many steps apart the attack stories start.
const storyEvery = 30

// step makes the events of one step of the network's life: mostly one background event (with
// the process it needs started first, if it is not running), every storyEvery steps an attack
// story (each story once per round, in an order the seed decides).
func (g *Generator) step() []event {
	g.steps++
	if g.steps%storyEvery == 0 {
		return g.story()
	}
	h := pickOf(g.r, g.hosts)
	weights := windowsWeights
	if h.linux() {
		weights = linuxWeights
	}
	return g.background(h, weights.pick(g.r))
}

// weighted is a list of event types with their weights.
type weighted []struct {
	eventType string
	weight    int
}

func (w weighted) pick(r *rand.Rand) string {
	total := 0
	for _, x := range w {
		total += x.weight
	}
	n := r.IntN(total)
	for _, x := range w {
		if n < x.weight {
			return x.eventType
		}
		n -= x.weight
	}
	return w[len(w)-1].eventType
}

func pickOf[T any](r *rand.Rand, xs []T) T { return xs[r.IntN(len(xs))] }
