package lsp

import (
	"context"
	"encoding/json"
	"strings"
	"unicode"
	"unicode/utf8"

	"go.lsp.dev/protocol"

	"github.com/katafilter/katafilter/lang/ast"
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
		replace, insert := it.Replace, it.InsertText
		if replace.Start < off {
			replace, insert = fromWordStart(snap.m.src.Slice(replace.Start, off), replace, insert)
		}
		r := snap.m.rng(replace)
		if r.End.Line != r.Start.Line { // an edit must stay on the cursor's line
			r.End = p.Position
		}
		ci := protocol.CompletionItem{Label: it.Label, Kind: completionKinds[it.Kind], Detail: it.Detail,
			SortText: it.SortKey, FilterText: insert,
			TextEdit: &protocol.TextEdit{Range: r, NewText: insert}}
		if it.Documentation != "" {
			ci.Documentation = &protocol.MarkupContent{Kind: protocol.Markdown, Value: it.Documentation}
		}
		out = append(out, ci)
	}
	return &protocol.CompletionList{Items: out}, nil
}

// fromWordStart makes a completion edit start where clients that ignore the edit's range
// think the word starts: at the first keyword character before the cursor (letters, digits,
// _ and non-ASCII letters, Vim's 'iskeyword'). Neovim 0.7's omnifunc, for one, inserts the
// new text there when an item has a filterText, so that after EventType == 'pro it would
// insert 'process' after the quote that is already there. When the text typed between the
// edit's start and the word's start (the quote, a field's "Ioa.") begins the new text, the
// edit starts at the word instead and the new text drops it: every client then inserts the
// same thing.
//
// before is the text from the edit's start to the cursor.
func fromWordStart(before string, replace ast.Span, insert string) (ast.Span, string) {
	word := len(before)
	for word > 0 {
		r, n := utf8.DecodeLastRuneInString(before[:word])
		if !(r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r)) {
			break
		}
		word -= n
	}
	typed := before[:word]
	if word == 0 || !strings.HasPrefix(insert, typed) {
		return replace, insert
	}
	return ast.Span{Start: replace.Start + word, End: replace.End}, insert[len(typed):]
}

func init() { register("textDocument/completion", route{run: completion}) }
