package lsp

import (
	"context"
	"encoding/json"

	"go.lsp.dev/protocol"
)

func init() {
	register("textDocument/documentSymbol", route{run: func(ctx context.Context, s *server, v view, params json.RawMessage) (any, error) {
		var p protocol.DocumentSymbolParams
		snap, err := lookup(v, params, &p, &p.TextDocument)
		if err != nil {
			return nil, err
		}
		out := []protocol.DocumentSymbol{}
		for _, sym := range snap.doc.Symbols() {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			out = append(out, protocol.DocumentSymbol{Name: sym.Name, Detail: sym.Detail, Kind: protocol.SymbolKindEvent,
				Range: snap.m.rng(sym.Span), SelectionRange: snap.m.rng(sym.Selection)})
		}
		return out, nil
	}})
}
