package lsp

import (
	"context"
	"encoding/json"

	"go.lsp.dev/protocol"
)

func init() {
	register("textDocument/foldingRange", route{run: func(ctx context.Context, s *server, v view, params json.RawMessage) (any, error) {
		var p protocol.FoldingRangeParams
		snap, err := lookup(v, params, &p, &p.TextDocument)
		if err != nil {
			return nil, err
		}
		out := []protocol.FoldingRange{}
		for _, sp := range snap.doc.Folds() {
			r := snap.m.rng(sp)
			out = append(out, protocol.FoldingRange{StartLine: r.Start.Line, EndLine: r.End.Line, Kind: protocol.RegionFoldingRange})
		}
		return out, nil
	}})
}
