package lsp

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"hash/maphash"
	"strconv"
	"sync"
	"sync/atomic"

	"go.lsp.dev/protocol"

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
	parts atomic.Pointer[map[partKey]encodedPart]
	base  *encodedDiags // the latest version before whose parts were made, or nil
}

// encodedPart is the diagnostics of a part as JSON array elements, comma-separated, and a
// hash of them.
type encodedPart struct {
	json []byte
	sum  uint64
}

// next returns the encodings for the version after e's.
func (e *encodedDiags) next() *encodedDiags {
	if e.parts.Load() != nil {
		return &encodedDiags{base: e}
	}
	return &encodedDiags{base: e.base} // a chain of versions never pulled holds one made version at most
}

// resultSeed seeds the hashes that name pulled reports (their resultId): a report's id is a
// hash of its content, so that a pull whose answer the client has already gets "unchanged".
var resultSeed = maphash.MakeSeed()

// pullReport returns the answer to textDocument/diagnostic for snap, encoded: a full report,
// or an unchanged one when prev, the id of the report the client holds, names the same
// content.
func (snap *snapshot) pullReport(prev string) (rawResult, error) {
	d := snap.kfl
	if d == nil || d.Contains(rulefile.SuppressionMarker) {
		items, err := json.Marshal(lspDiagnostics(snap, snap.findings()))
		if err != nil {
			return nil, err
		}
		items = bytes.TrimSuffix(bytes.TrimPrefix(items, []byte("[")), []byte("]")) // the elements
		if string(items) == "null" {
			items = nil
		}
		return report(prev, maphash.Bytes(resultSeed, items), [][]byte{items}), nil
	}
	parts := snap.encodeParts()
	var h maphash.Hash
	h.SetSeed(resultSeed)
	items := make([][]byte, 0, 2*len(parts))
	var sum [8]byte
	for _, p := range d.Parts() {
		e := parts[partKey{p.Key, p.Line}]
		binary.LittleEndian.PutUint64(sum[:], e.sum)
		h.Write(sum[:])
		if len(e.json) == 0 {
			continue
		}
		if len(items) > 0 {
			items = append(items, comma)
		}
		items = append(items, e.json)
	}
	return report(prev, h.Sum64(), items), nil
}

var comma = []byte(",")

// report returns a pulled report of the diagnostics items (JSON array elements in pieces)
// whose content hashes to sum: "unchanged" if prev names it.
func report(prev string, sum uint64, items [][]byte) rawResult {
	id := strconv.FormatUint(sum, 36)
	if prev == id {
		return rawResult{[]byte(`{"kind":"unchanged","resultId":"` + id + `"}`)}
	}
	out := make(rawResult, 0, len(items)+2)
	out = append(out, []byte(`{"kind":"full","resultId":"`+id+`","items":[`))
	return append(append(out, items...), []byte("]}"))
}

// prepareReport starts making the report that a client that pulls diagnostics will ask for
// after a change of the .kfl document uri (the pull usually follows the completion that
// follows a keystroke): the edited filter is analysed and its part encoded meanwhile, on the
// other processor. A client that does not pull gets its diagnostics pushed after a delay.
func (s *server) prepareReport(uri protocol.DocumentURI) {
	snap := s.docs.view()[uri]
	if !s.pulls.Load() || snap == nil || snap.kfl == nil || snap.kfl.Contains(rulefile.SuppressionMarker) {
		return
	}
	go snap.encodeParts()
}

// encodeParts returns the encoded diagnostics of each part of a .kfl document without
// suppression comments, encoding those that the version before did not have.
func (snap *snapshot) encodeParts() map[partKey]encodedPart {
	enc := snap.diags
	enc.once.Do(func() {
		var old map[partKey]encodedPart
		if enc.base != nil {
			old = *enc.base.parts.Load()
		}
		parts := map[partKey]encodedPart{}
		for k, p := range snap.kfl.Parts() {
			key := partKey{p.Key, p.Line}
			if e, ok := old[key]; ok {
				parts[key] = e
				continue
			}
			b := snap.encodePart(k)
			parts[key] = encodedPart{b, maphash.Bytes(resultSeed, b)}
		}
		enc.parts.Store(&parts)
	})
	return *enc.parts.Load()
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
