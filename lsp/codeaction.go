package lsp

import (
	"context"
	"encoding/json"
	"slices"
	"strings"

	"go.lsp.dev/protocol"

	"github.com/katafilter/katafilter/lang/ide"
)

func codeActions(ctx context.Context, s *server, v view, params json.RawMessage) (any, error) {
	var p protocol.CodeActionParams
	snap, err := lookup(v, params, &p, &p.TextDocument)
	if err != nil {
		return nil, err
	}
	wanted := func(k protocol.CodeActionKind) bool {
		if len(p.Context.Only) == 0 {
			return true
		}
		return slices.ContainsFunc(p.Context.Only, func(o protocol.CodeActionKind) bool {
			return k == o || strings.HasPrefix(string(k), string(o)+".")
		})
	}
	out := []protocol.CodeAction{}
	// Several diagnostics may offer the same fix (each lone backslash of a string offers
	// "write every lone backslash of this string as \\"): the client gets it once, with
	// all of its diagnostics.
	seen := map[string]int{}
	for _, a := range snap.doc.Actions(snap.m.span(p.Range)) {
		ca := protocol.CodeAction{Title: a.Title, IsPreferred: a.Preferred,
			Edit: &protocol.WorkspaceEdit{Changes: map[protocol.DocumentURI][]protocol.TextEdit{snap.uri: textEdits(snap.m, a.Edits)}}}
		switch a.Kind {
		case ide.ActionFix:
			ca.Kind = protocol.QuickFix
			ca.Diagnostics = []protocol.Diagnostic{lspDiagnostic(snap.m, *a.Diagnostic)}
		case ide.ActionFormat:
			ca.Kind = protocol.RefactorRewrite
		}
		if !wanted(ca.Kind) {
			continue
		}
		key, err := json.Marshal([]any{ca.Kind, ca.Title, ca.Edit})
		if err != nil {
			return nil, err
		}
		if i, ok := seen[string(key)]; ok {
			out[i].Diagnostics = append(out[i].Diagnostics, ca.Diagnostics...)
			continue
		}
		seen[string(key)] = len(out)
		out = append(out, ca)
	}
	return out, nil
}

func init() { register("textDocument/codeAction", route{run: codeActions}) }
