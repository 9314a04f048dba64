package lsp

import (
	"maps"
	"sync"
	"sync/atomic"

	"go.lsp.dev/protocol"

	"github.com/katafilter/katafilter/lang"
	"github.com/katafilter/katafilter/lang/ide"
)

// snapshot is one version of an open document. It never changes: an edit makes a new one.
type snapshot struct {
	uri     protocol.DocumentURI
	version int32
	doc     *ide.Document
	m       *mapper
}

func newSnapshot(uri protocol.DocumentURI, version int32, text string, cfg lang.Config, prev *snapshot) *snapshot {
	var pd *ide.Document
	if prev != nil {
		pd = prev.doc
	}
	return &snapshot{uri: uri, version: version, doc: ide.NewDocument(text, cfg, pd), m: newMapper(text)}
}

// view is the set of open documents at one moment. It is never modified: the store replaces
// it whole, so a request reads the documents as they were when it arrived.
type view map[protocol.DocumentURI]*snapshot

// store holds the current view.
type store struct {
	mu  sync.Mutex // serialises writers
	cur atomic.Pointer[view]
}

func newStore() *store {
	s := &store{}
	s.cur.Store(&view{})
	return s
}

func (s *store) view() view { return *s.cur.Load() }

// update replaces the snapshot of uri (nil removes it) and returns the new view.
func (s *store) update(uri protocol.DocumentURI, f func(old *snapshot) *snapshot) *snapshot {
	s.mu.Lock()
	defer s.mu.Unlock()
	v := maps.Clone(*s.cur.Load())
	snap := f(v[uri])
	if snap == nil {
		delete(v, uri)
	} else {
		v[uri] = snap
	}
	s.cur.Store(&v)
	return snap
}

// all applies f to every snapshot, replacing each with the result.
func (s *store) all(f func(old *snapshot) *snapshot) []*snapshot {
	s.mu.Lock()
	defer s.mu.Unlock()
	v := maps.Clone(*s.cur.Load())
	var out []*snapshot
	for uri, old := range v {
		v[uri] = f(old)
		out = append(out, v[uri])
	}
	s.cur.Store(&v)
	return out
}
