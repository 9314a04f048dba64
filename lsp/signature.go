package lsp

import (
	"context"
	"encoding/json"
	"unicode/utf16"

	"go.lsp.dev/protocol"
)

// signatureHelp and parameterInformation spell out the label-offsets form of parameters,
// which protocol v0.12.0 declares as a string only.
type signatureHelp struct {
	Signatures      []signatureInformation `json:"signatures"`
	ActiveSignature uint32                 `json:"activeSignature"`
	ActiveParameter uint32                 `json:"activeParameter"`
}

type signatureInformation struct {
	Label         string                  `json:"label"`
	Documentation *protocol.MarkupContent `json:"documentation,omitempty"`
	Parameters    []parameterInformation  `json:"parameters"`
}

type parameterInformation struct {
	Label [2]uint32 `json:"label"` // UTF-16 offsets into the signature's label
}

func signature(ctx context.Context, s *server, v view, params json.RawMessage) (any, error) {
	var p protocol.TextDocumentPositionParams
	snap, err := lookup(v, params, &p, &p.TextDocument)
	if err != nil {
		return nil, err
	}
	sig, ok := snap.doc.Signature(snap.m.offset(p.Position))
	if !ok {
		return nil, nil
	}
	u16 := func(off int) uint32 { return uint32(len(utf16.Encode([]rune(sig.Label[:off])))) }
	si := signatureInformation{Label: sig.Label,
		Documentation: &protocol.MarkupContent{Kind: protocol.Markdown, Value: sig.Documentation}}
	for _, ps := range sig.Params {
		si.Parameters = append(si.Parameters, parameterInformation{Label: [2]uint32{u16(ps.Start), u16(ps.End)}})
	}
	return &signatureHelp{Signatures: []signatureInformation{si}, ActiveParameter: uint32(sig.Active)}, nil
}

func init() { register("textDocument/signatureHelp", route{run: signature}) }
