package lsp

import (
	"context"
	"encoding/json"
	"strings"

	"go.lsp.dev/protocol"

	"github.com/katafilter/katafilter/lang/ast"
	"github.com/katafilter/katafilter/lang/ide"
)

// tokenTypes is the legend of semantic token types; the index of a type is its number on the
// wire. Standard types are used so that every theme colours them: a field is a property, a
// wildcard inside a string a regexp, an escape a macro.
var tokenTypes = []string{"property", "keyword", "operator", "string", "regexp", "macro", "number", "comment"}

var tokenTypeIndex = map[ide.TokenKind]uint32{
	ide.TokenField:    0,
	ide.TokenKeyword:  1,
	ide.TokenOperator: 2,
	ide.TokenString:   3,
	ide.TokenWildcard: 4,
	ide.TokenEscape:   5,
	ide.TokenNumber:   6,
	ide.TokenComment:  7,
}

// semanticTokensOptions are the capability, which protocol v0.12.0's type cannot express.
func semanticTokensOptions() any {
	return map[string]any{
		"legend": map[string]any{"tokenTypes": tokenTypes, "tokenModifiers": []string{}},
		"full":   true,
	}
}

// encodeTokens writes tokens in the protocol's relative form: five integers per token (line
// delta, start delta, length, type, modifiers), lengths and starts in UTF-16 units. A token
// that spans lines (a string with a line break) is cut at each line end.
func encodeTokens(m *mapper, toks []ide.Token) []uint32 {
	out := make([]uint32, 0, 5*len(toks))
	var line, col uint32
	emit := func(sp ast.Span, typ uint32) {
		if sp.Len() <= 0 {
			return
		}
		a, b := m.position(sp.Start), m.position(sp.End)
		if b.Line != a.Line || b.Character <= a.Character {
			return
		}
		dl := a.Line - line
		dc := a.Character
		if dl == 0 {
			dc = a.Character - col
		}
		out = append(out, dl, dc, b.Character-a.Character, typ, 0)
		line, col = a.Line, a.Character
	}
	for _, t := range toks {
		typ := tokenTypeIndex[t.Kind]
		text := m.src.Slice(t.Span.Start, t.Span.End)
		start := t.Span.Start
		for {
			i := strings.IndexByte(text, '\n')
			if i < 0 {
				emit(ast.Span{Start: start, End: start + len(text)}, typ)
				break
			}
			emit(ast.Span{Start: start, End: start + len(strings.TrimSuffix(text[:i], "\r"))}, typ)
			start += i + 1
			text = text[i+1:]
		}
	}
	return out
}

func init() {
	register("textDocument/semanticTokens/full", route{run: func(ctx context.Context, s *server, v view, params json.RawMessage) (any, error) {
		var p protocol.SemanticTokensParams
		snap, err := lookup(v, params, &p, &p.TextDocument)
		if err != nil {
			return nil, err
		}
		return &protocol.SemanticTokens{Data: encodeTokens(snap.m, snap.doc.Tokens())}, nil
	}})
}
