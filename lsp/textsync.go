package lsp

import (
	"context"
	"encoding/json"

	"go.lsp.dev/jsonrpc2"
	"go.lsp.dev/protocol"

	"github.com/katafilter/katafilter/lang/ide"
)

// contentChange is one change of textDocument/didChange. protocol v0.12.0 declares its Range
// as a value, which cannot tell a whole-text change (no range) from an insertion at 0:0.
type contentChange struct {
	Range *protocol.Range `json:"range,omitempty"`
	Text  string          `json:"text"`
}

// applyChanges applies content changes in order to text.
func applyChanges(text string, changes []contentChange) string {
	for _, c := range changes {
		if c.Range == nil {
			text = c.Text
			continue
		}
		sp := newMapper(text).span(*c.Range)
		text = text[:sp.Start] + c.Text + text[sp.End:]
	}
	return text
}

// edit returns the next version of a snapshot after content changes. A .kfl document is
// edited in place of being read again: only the filters around each change are (see
// [ide.Document.Edit]).
func (old *snapshot) edit(version int32, changes []contentChange) *snapshot {
	if old.kfl == nil {
		return old.editRules(version, changes)
	}
	d := old.kfl
	for _, c := range changes {
		if c.Range == nil {
			d = ide.NewDocument(c.Text, old.info.ck.Lang, d)
			continue
		}
		d = d.Edit((&mapper{src: d}).span(*c.Range), c.Text)
	}
	return &snapshot{uri: old.uri, version: version, info: old.info, doc: d, kfl: d, m: &mapper{src: d},
		diags: old.diags.next()}
}

// lookup decodes params into p and returns the snapshot of the document td names.
func lookup(v view, params json.RawMessage, p any, td *protocol.TextDocumentIdentifier) (*snapshot, error) {
	if err := decode(params, p); err != nil {
		return nil, err
	}
	snap := v[td.URI]
	if snap == nil {
		return nil, jsonrpc2.Errorf(jsonrpc2.InvalidParams, "document %s is not open", td.URI)
	}
	return snap, nil
}

func init() {
	register("textDocument/didOpen", route{notification: true, run: func(ctx context.Context, s *server, v view, params json.RawMessage) (any, error) {
		var p protocol.DidOpenTextDocumentParams
		if err := decode(params, &p); err != nil {
			return nil, err
		}
		td := p.TextDocument
		info := s.docInfo(td.URI, string(td.LanguageID))
		s.docs.update(td.URI, func(*snapshot) *snapshot {
			return newSnapshot(td.URI, td.Version, td.Text, info, nil)
		})
		s.diags.schedule(td.URI)
		s.prepareReport(td.URI)
		return nil, nil
	}})
	register("textDocument/didChange", route{notification: true, run: func(ctx context.Context, s *server, v view, params json.RawMessage) (any, error) {
		var p struct {
			TextDocument   protocol.VersionedTextDocumentIdentifier `json:"textDocument"`
			ContentChanges []contentChange                          `json:"contentChanges"`
		}
		if err := decode(params, &p); err != nil {
			return nil, err
		}
		td := p.TextDocument
		missing := false
		s.docs.update(td.URI, func(old *snapshot) *snapshot {
			if old == nil {
				missing = true
				return nil
			}
			return old.edit(td.Version, p.ContentChanges)
		})
		if missing {
			return nil, jsonrpc2.Errorf(jsonrpc2.InvalidParams, "didChange for %s, which is not open", td.URI)
		}
		s.diags.schedule(td.URI)
		s.prepareReport(td.URI)
		return nil, nil
	}})
	register("textDocument/didClose", route{notification: true, run: func(ctx context.Context, s *server, v view, params json.RawMessage) (any, error) {
		var p protocol.DidCloseTextDocumentParams
		if err := decode(params, &p); err != nil {
			return nil, err
		}
		s.docs.update(p.TextDocument.URI, func(*snapshot) *snapshot { return nil })
		s.diags.clear(p.TextDocument.URI)
		return nil, nil
	}})
	register("textDocument/didSave", route{notification: true, run: func(ctx context.Context, s *server, v view, params json.RawMessage) (any, error) {
		var p protocol.DidSaveTextDocumentParams
		if err := decode(params, &p); err != nil {
			return nil, err
		}
		if isConfig(p.TextDocument.URI) {
			s.reload() // a saved .katafilter.yaml applies at once
		}
		return nil, nil
	}})
	register("workspace/didChangeWatchedFiles", route{notification: true, run: func(ctx context.Context, s *server, v view, params json.RawMessage) (any, error) {
		var p protocol.DidChangeWatchedFilesParams
		if err := decode(params, &p); err != nil {
			return nil, err
		}
		for _, c := range p.Changes {
			if isConfig(c.URI) {
				s.reload()
				break
			}
		}
		return nil, nil
	}})
}

// editRules applies content changes to a YAML or JSON rule file: a change inside a filter
// value that keeps the file's structure is applied to the document as it is (see
// [ruleDoc.edit]); any other reads the file again.
func (old *snapshot) editRules(version int32, changes []contentChange) *snapshot {
	d, m := old.rules, old.m
	for i, c := range changes {
		if c.Range == nil || !old.info.selected {
			return newSnapshot(old.uri, version, applyChanges(d.Text(), changes[i:]), old.info, old)
		}
		sp := m.span(*c.Range)
		next, ok := d.edit(sp.Start, sp.End, c.Text)
		if !ok {
			return newSnapshot(old.uri, version, applyChanges(d.Text(), changes[i:]), old.info, old)
		}
		d, m = next, newMapper(next.text)
	}
	return &snapshot{uri: old.uri, version: version, info: old.info, doc: d, rules: d, m: m}
}
