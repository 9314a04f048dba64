package lsp

import (
	"context"
	"encoding/json"

	"go.lsp.dev/protocol"

	"github.com/katafilter/katafilter/lang/ast"
	"github.com/katafilter/katafilter/lang/diag"
)

// textEdits converts edits (file offsets) to the protocol's.
func textEdits(m *mapper, edits []diag.Edit) []protocol.TextEdit {
	out := make([]protocol.TextEdit, 0, len(edits))
	for _, e := range edits {
		out = append(out, protocol.TextEdit{Range: m.rng(e.Span), NewText: e.NewText})
	}
	return out
}

func init() {
	register("textDocument/formatting", route{run: func(ctx context.Context, s *server, v view, params json.RawMessage) (any, error) {
		var p protocol.DocumentFormattingParams
		snap, err := lookup(v, params, &p, &p.TextDocument)
		if err != nil {
			return nil, err
		}
		return textEdits(snap.m, snap.doc.FormatEdits(ast.Span{Start: 0, End: snap.m.src.Len()})), nil
	}})
	register("textDocument/rangeFormatting", route{run: func(ctx context.Context, s *server, v view, params json.RawMessage) (any, error) {
		var p protocol.DocumentRangeFormattingParams
		snap, err := lookup(v, params, &p, &p.TextDocument)
		if err != nil {
			return nil, err
		}
		return textEdits(snap.m, snap.doc.FormatEdits(snap.m.span(p.Range))), nil
	}})
}
