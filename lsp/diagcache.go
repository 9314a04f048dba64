package lsp

import (
	"encoding/json"
	"sync"
	"sync/atomic"

	"github.com/katafilter/katafilter/lang"
	"github.com/katafilter/katafilter/lang/ast"
	"github.com/katafilter/katafilter/lang/kfl"
	"github.com/katafilter/katafilter/rulefile"
)

// partKey identifies the encoded diagnostics of a part of a .kfl document: the part's
// filters (its key) at a line (positions are lines and columns; columns do not depend on
// other parts).
type partKey struct {
	key  any
	line int
}

// encodedDiags are the diagnostics of a .kfl document encoded part by part, so that a
// keystroke encodes only those of the part it touched: the other parts' encodings come from
// the version before. A document with suppression comments is not encoded by parts (a
// comment may suppress a finding of another part, and is itself reported).
type encodedDiags struct {
	once  sync.Once
	parts atomic.Pointer[map[partKey][]byte] // each part's diagnostics as JSON array elements, comma-separated
	base  *encodedDiags                      // the latest version before whose parts were made, or nil
}

// next returns the encodings for the version after e's.
func (e *encodedDiags) next() *encodedDiags {
	if e.parts.Load() != nil {
		return &encodedDiags{base: e}
	}
	return &encodedDiags{base: e.base} // a chain of versions never pulled holds one made version at most
}

// pullReport returns the answer to textDocument/diagnostic for snap, encoded.
func (snap *snapshot) pullReport() (json.RawMessage, error) {
	d := snap.kfl
	if d == nil || d.Contains(rulefile.SuppressionMarker) {
		return json.Marshal(&documentDiagnosticReport{Kind: "full", Items: lspDiagnostics(snap, snap.findings())})
	}
	enc := snap.diags
	enc.once.Do(func() {
		var old map[partKey][]byte
		if enc.base != nil {
			old = *enc.base.parts.Load()
		}
		parts := map[partKey][]byte{}
		for k, p := range d.Parts() {
			key := partKey{p.Key, p.Line}
			if b, ok := old[key]; ok {
				parts[key] = b
				continue
			}
			parts[key] = snap.encodePart(k)
		}
		enc.parts.Store(&parts)
	})
	parts := *enc.parts.Load()
	size := 32
	for _, b := range parts {
		size += len(b) + 1
	}
	out := append(make([]byte, 0, size), `{"kind":"full","items":[`...)
	first := true
	for _, p := range d.Parts() {
		b := parts[partKey{p.Key, p.Line}]
		if len(b) == 0 {
			continue
		}
		if !first {
			out = append(out, ',')
		}
		out, first = append(out, b...), false
	}
	return append(out, "]}"...), nil
}

// encodePart encodes the findings of part k of a .kfl document without suppression comments.
func (snap *snapshot) encodePart(k int) []byte {
	var sites []*rulefile.Site
	var filters []*lang.Filter
	snap.kfl.EachDiagnosedIn(k, func(e kfl.Entry, f *lang.Filter) {
		sites = append(sites, rulefile.KFLSite(e))
		filters = append(filters, f)
	})
	if len(sites) == 0 {
		return nil
	}
	fs := rulefile.Findings(ast.NewLineTable(""), rulefile.KFL, sites, nil, filters, snap.info.ck)
	var out []byte
	for i, d := range lspDiagnostics(snap, fs) {
		b, err := json.Marshal(d)
		if err != nil {
			continue
		}
		if i > 0 {
			out = append(out, ',')
		}
		out = append(out, b...)
	}
	return out
}
