package lsp

import (
	"context"
	"encoding/json"

	"go.lsp.dev/protocol"

	"github.com/katafilter/katafilter/lang/ide"
)

var completionKinds = map[ide.Kind]protocol.CompletionItemKind{
	ide.KindField:    protocol.CompletionItemKindField,
	ide.KindSegment:  protocol.CompletionItemKindModule,
	ide.KindOperator: protocol.CompletionItemKindOperator,
	ide.KindKeyword:  protocol.CompletionItemKindKeyword,
	ide.KindValue:    protocol.CompletionItemKindEnumMember,
	ide.KindPunct:    protocol.CompletionItemKindText,
}

func completion(ctx context.Context, s *server, v view, params json.RawMessage) (any, error) {
	var p protocol.TextDocumentPositionParams
	snap, err := lookup(v, params, &p, &p.TextDocument)
	if err != nil {
		return nil, err
	}
	off := snap.m.offset(p.Position)
	items := snap.doc.Complete(off)
	out := make([]protocol.CompletionItem, 0, len(items))
	for _, it := range items {
		r := snap.m.rng(it.Replace)
		if r.End.Line != r.Start.Line { // an edit must stay on the cursor's line
			r.End = p.Position
		}
		ci := protocol.CompletionItem{Label: it.Label, Kind: completionKinds[it.Kind], Detail: it.Detail,
			SortText: it.SortKey, FilterText: it.InsertText,
			TextEdit: &protocol.TextEdit{Range: r, NewText: it.InsertText}}
		if it.Documentation != "" {
			ci.Documentation = &protocol.MarkupContent{Kind: protocol.Markdown, Value: it.Documentation}
		}
		out = append(out, ci)
	}
	return &protocol.CompletionList{Items: out}, nil
}

func init() { register("textDocument/completion", route{run: completion}) }
