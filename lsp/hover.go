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
	off := snap.m.offset(p.Position)
	h, ok := snap.doc.Hover(off)
	if !ok {
		return nil, nil
	}
	if snap.rules != nil {
		// What the edit does to the rule's matches, against the last commit.
		if since := snap.rules.sinceHead(off, docPath(snap.uri)); since != "" {
			h.Text += "\n\n---\n\n**" + since + "**"
		}
	}
	r := snap.m.rng(h.Span)
	return &protocol.Hover{Contents: protocol.MarkupContent{Kind: protocol.Markdown, Value: h.Text}, Range: &r}, nil
}

func init() { register("textDocument/hover", route{run: hover}) }
