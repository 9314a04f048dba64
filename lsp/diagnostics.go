package lsp

import (
	"context"
	"encoding/json"
	"strings"
	"sync"
	"time"

	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"

	"github.com/katafilter/katafilter/lang/diag"
	"github.com/katafilter/katafilter/rulefile"
)

// publisher publishes the diagnostics of documents after changes: each change (re)starts a
// timer per document; when it fires, the diagnostics of the document's latest snapshot are
// computed and queued. One goroutine sends the queue, so that no lock is held while writing
// (a client that is slow to read must not block the reading of its messages) and so that
// publications go out in order: before sending, it drops those whose snapshot is no longer
// the latest (the newer version is queued or about to be).
type publisher struct {
	s       *server
	mu      sync.Mutex
	timers  map[protocol.DocumentURI]*time.Timer
	pending map[protocol.DocumentURI]*publication
	wake    chan struct{}
	quit    chan struct{}
	done    chan struct{} // closed when send has returned
	stopped bool
}

// publication is queued diagnostics; snap nil means "clear" (the document closed).
type publication struct {
	snap  *snapshot
	diags []protocol.Diagnostic
}

func newPublisher(s *server) *publisher {
	p := &publisher{s: s, timers: map[protocol.DocumentURI]*time.Timer{}, pending: map[protocol.DocumentURI]*publication{},
		wake: make(chan struct{}, 1), quit: make(chan struct{}), done: make(chan struct{})}
	go p.send()
	return p
}

// schedule publishes the diagnostics of uri after the debounce delay, at once when it is
// zero. A client that pulls diagnostics gets none pushed: it would show them twice.
func (p *publisher) schedule(u protocol.DocumentURI) {
	if p.s.pulls.Load() {
		return
	}
	if p.s.opts.Debounce <= 0 {
		p.compute(u)
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.stopped {
		return
	}
	if t := p.timers[u]; t != nil {
		t.Stop()
	}
	p.timers[u] = time.AfterFunc(p.s.opts.Debounce, func() { p.compute(u) })
}

func (p *publisher) compute(u protocol.DocumentURI) {
	snap := p.s.docs.view()[u]
	if snap == nil {
		return
	}
	ds := lspDiagnostics(snap, snap.findings())
	p.enqueue(u, &publication{snap: snap, diags: ds})
}

func (p *publisher) enqueue(u protocol.DocumentURI, pub *publication) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.stopped {
		return
	}
	if pub.snap != nil && p.s.docs.view()[u] != pub.snap {
		return // superseded, or closed: a close queued its clearing already
	}
	p.pending[u] = pub
	select {
	case p.wake <- struct{}{}:
	default:
	}
}

// send is the goroutine that writes the queued publications. When stopped, it writes what
// is queued already, then returns.
func (p *publisher) send() {
	defer close(p.done)
	for quit := false; !quit; {
		select {
		case <-p.quit:
			quit = true
		case <-p.wake:
		}
		p.mu.Lock()
		batch := p.pending
		p.pending = map[protocol.DocumentURI]*publication{}
		p.mu.Unlock()
		for u, pub := range batch {
			params := &protocol.PublishDiagnosticsParams{URI: u, Diagnostics: pub.diags}
			if pub.snap != nil {
				if p.s.docs.view()[u] != pub.snap {
					continue // superseded
				}
				params.Version = uint32(max(pub.snap.version, 0))
			}
			p.s.notify("textDocument/publishDiagnostics", params)
		}
	}
}

// clear cancels pending publication for uri and publishes no diagnostics for it.
func (p *publisher) clear(u protocol.DocumentURI) {
	if p.s.pulls.Load() {
		return
	}
	p.mu.Lock()
	if t := p.timers[u]; t != nil {
		t.Stop()
		delete(p.timers, u)
	}
	p.mu.Unlock()
	p.enqueue(u, &publication{diags: []protocol.Diagnostic{}})
}

// stop cancels the publications still waiting for their delay and returns when those
// computed already are written.
func (p *publisher) stop() {
	p.mu.Lock()
	if !p.stopped {
		p.stopped = true
		for _, t := range p.timers {
			t.Stop()
		}
		close(p.quit)
	}
	p.mu.Unlock()
	<-p.done
}

// lspDiagnostics converts findings (file offsets) to the protocol's diagnostics; the
// explanation of a failed rule test follows its message.
func lspDiagnostics(snap *snapshot, l []rulefile.Finding) []protocol.Diagnostic {
	out := make([]protocol.Diagnostic, 0, len(l))
	for _, f := range l {
		d := lspDiagnostic(snap.m, f.Diagnostic)
		if f.Explanation != "" {
			d.Message += "\n" + strings.TrimSuffix(f.Explanation, "\n")
		}
		out = append(out, d)
	}
	return out
}

func lspDiagnostic(m *mapper, d diag.Diagnostic) protocol.Diagnostic {
	sev := protocol.DiagnosticSeverityError
	switch d.Severity {
	case diag.Warning:
		sev = protocol.DiagnosticSeverityWarning
	case diag.Info:
		sev = protocol.DiagnosticSeverityInformation
	}
	return protocol.Diagnostic{Range: m.rng(d.Span), Severity: sev, Code: string(d.Code),
		CodeDescription: &protocol.CodeDescription{Href: uri.URI(rulefile.CodeURL(d.Code))},
		Source:          "katafilter", Message: d.Message}
}

func init() {
	register("textDocument/diagnostic", route{run: func(ctx context.Context, s *server, v view, params json.RawMessage) (any, error) {
		var p struct {
			TextDocument     protocol.TextDocumentIdentifier `json:"textDocument"`
			PreviousResultID string                          `json:"previousResultId"`
		}
		snap, err := lookup(v, params, &p, &p.TextDocument)
		if err != nil {
			return nil, err
		}
		return snap.pullReport(p.PreviousResultID)
	}})
}
