package lsp

import (
	"context"
	"encoding/json"

	"go.lsp.dev/protocol"
)

func hover(ctx context.Context, s *server, v view, params json.RawMessage) (any, error) {
	var p protocol.TextDocumentPositionParams
	snap, err := lookup(v, params, &p, &p.TextDocument)
	if err != nil {
		return nil, err
	}
	h, ok := snap.doc.Hover(snap.m.offset(p.Position))
	if !ok {
		return nil, nil
	}
	r := snap.m.rng(h.Span)
	return &protocol.Hover{Contents: protocol.MarkupContent{Kind: protocol.Markdown, Value: h.Text}, Range: &r}, nil
}

func init() { register("textDocument/hover", route{run: hover}) }
