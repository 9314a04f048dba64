package lsp

import (
	"maps"
	"sync"
	"sync/atomic"

	"go.lsp.dev/protocol"

	"github.com/katafilter/katafilter/lang"
	"github.com/katafilter/katafilter/lang/ast"
	"github.com/katafilter/katafilter/lang/diag"
	"github.com/katafilter/katafilter/lang/ide"
	"github.com/katafilter/katafilter/lang/kfl"
	"github.com/katafilter/katafilter/rulefile"
)

// model is what the features ask of a document: an [ide.Document] for a .kfl file, a
// [ruleDoc] for a YAML or JSON rule file.
type model interface {
	Text() string
	Complete(off int) []ide.Item
	Hover(off int) (ide.Hover, bool)
	Signature(off int) (ide.Signature, bool)
	Tokens() []ide.Token
	Symbols() []ide.Symbol
	Folds() []ast.Span
	FormatEdits(span ast.Span) []diag.Edit
	Actions(span ast.Span) []ide.Action
}

// docInfo is what a document is, which its edits do not change: its kind, whether the
// configuration selects it as a rule file, and the configuration that applies to it.
type docInfo struct {
	langID   string
	kind     rulefile.Kind
	selected bool
	ck       *rulefile.Checker
}

// snapshot is one version of an open document. It never changes: an edit makes a new one.
type snapshot struct {
	uri     protocol.DocumentURI
	version int32
	info    docInfo
	doc     model
	kfl     *ide.Document // doc, for a .kfl file
	rules   *ruleDoc      // doc, for a YAML or JSON file
	m       *mapper
	diags   *encodedDiags // a .kfl file's diagnostics, encoded part by part when first pulled
}

func newSnapshot(uri protocol.DocumentURI, version int32, text string, info docInfo, prev *snapshot) *snapshot {
	snap := &snapshot{uri: uri, version: version, info: info}
	if info.kind == rulefile.KFL {
		var pd *ide.Document
		if prev != nil {
			pd = prev.kfl
		}
		snap.kfl = ide.NewDocument(text, info.ck.Lang, pd)
		snap.doc = snap.kfl
		snap.m = &mapper{src: snap.kfl}
		snap.diags = &encodedDiags{}
		return snap
	}
	snap.m = newMapper(text)
	var pd *ruleDoc
	if prev != nil {
		pd = prev.rules
	}
	snap.rules = newRuleDoc(text, info.kind, info.ck, info.selected, pd)
	snap.doc = snap.rules
	return snap
}

// findings returns what lint would report for the document: the same diagnostics, with the
// configured severities and the suppression comments applied, and for a rule file the
// problems of the file and the failed rule tests.
func (snap *snapshot) findings() []rulefile.Finding {
	if snap.rules != nil {
		return snap.rules.Findings()
	}
	d := snap.kfl
	// Only the filters with diagnostics matter: the others have nothing to report or suppress.
	var sites []*rulefile.Site
	var filters []*lang.Filter
	d.EachDiagnosed(func(e kfl.Entry, f *lang.Filter) {
		sites = append(sites, rulefile.KFLSite(e))
		filters = append(filters, f)
	})
	// A file without suppression comments needs no line table.
	text := ""
	if d.Contains(rulefile.SuppressionMarker) {
		text = d.Text()
	}
	return rulefile.Findings(ast.NewLineTable(text), rulefile.KFL, sites, nil, filters, snap.info.ck)
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
