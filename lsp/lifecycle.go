package lsp

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"go.lsp.dev/jsonrpc2"
	"go.lsp.dev/protocol"
)

// capabilities are the server's capabilities: protocol v0.12.0's, plus the pull diagnostics
// of protocol 3.17 that it predates.
type capabilities struct {
	protocol.ServerCapabilities
	DiagnosticProvider *diagnosticOptions `json:"diagnosticProvider,omitempty"`
}

type diagnosticOptions struct {
	Identifier            string `json:"identifier,omitempty"`
	InterFileDependencies bool   `json:"interFileDependencies"`
	WorkspaceDiagnostics  bool   `json:"workspaceDiagnostics"`
}

type initializeResult struct {
	Capabilities capabilities         `json:"capabilities"`
	ServerInfo   *protocol.ServerInfo `json:"serverInfo,omitempty"`
}

func initialize(ctx context.Context, s *server, v view, params json.RawMessage) (any, error) {
	var p protocol.InitializeParams
	if err := decode(params, &p); err != nil {
		return nil, err
	}
	if !s.state.CompareAndSwap(stateNew, stateRunning) {
		return nil, jsonrpc2.NewError(jsonrpc2.InvalidRequest, "initialize was sent twice")
	}
	var opts json.RawMessage
	if p.InitializationOptions != nil {
		opts, _ = json.Marshal(p.InitializationOptions)
	}
	s.pulls.Store(pullsDiagnostics(params))
	st, err := parseSettings(opts, rootPath(&p))
	s.applySettings(st, err)
	caps := capabilities{
		ServerCapabilities: protocol.ServerCapabilities{
			TextDocumentSync: &protocol.TextDocumentSyncOptions{OpenClose: true,
				Change: protocol.TextDocumentSyncKindIncremental, Save: &protocol.SaveOptions{}},
			CompletionProvider:              &protocol.CompletionOptions{TriggerCharacters: []string{".", "'", "(", ",", "="}},
			HoverProvider:                   true,
			SignatureHelpProvider:           &protocol.SignatureHelpOptions{TriggerCharacters: []string{"(", ","}},
			DocumentFormattingProvider:      true,
			DocumentRangeFormattingProvider: true,
			CodeActionProvider: map[string]any{"codeActionKinds": []protocol.CodeActionKind{
				protocol.QuickFix, protocol.RefactorRewrite}},
			DocumentSymbolProvider: true,
			FoldingRangeProvider:   true,
			SemanticTokensProvider: semanticTokensOptions(),
		},
		DiagnosticProvider: &diagnosticOptions{Identifier: "katafilter"},
	}
	version := s.opts.Version
	if version == "" {
		version = "(devel)"
	}
	return &initializeResult{Capabilities: caps, ServerInfo: &protocol.ServerInfo{Name: "katafilter", Version: version}}, nil
}

// pullsDiagnostics reports whether the client's capabilities say that it pulls diagnostics
// (textDocument.diagnostic, protocol 3.17, which go.lsp.dev/protocol v0.12.0 predates).
func pullsDiagnostics(params json.RawMessage) bool {
	var p struct {
		Capabilities struct {
			TextDocument struct {
				Diagnostic json.RawMessage `json:"diagnostic"`
			} `json:"textDocument"`
		} `json:"capabilities"`
	}
	if json.Unmarshal(params, &p) != nil {
		return false
	}
	d := p.Capabilities.TextDocument.Diagnostic
	return len(d) > 0 && string(d) != "null"
}

func init() {
	register("initialize", route{beforeInit: true, inOrder: true, run: initialize})
	register("initialized", route{notification: true, run: func(ctx context.Context, s *server, v view, params json.RawMessage) (any, error) {
		s.logf("initialized")
		return nil, nil
	}})
	register("shutdown", route{inOrder: true, run: func(ctx context.Context, s *server, v view, params json.RawMessage) (any, error) {
		s.state.Store(stateShutdown)
		s.diags.stop()
		// Answer what was asked before shutdown; what takes too long is cancelled.
		done := make(chan struct{})
		go func() { s.running.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			s.cancelAll()
			<-done
		}
		return nil, nil
	}})
	register("exit", route{notification: true, beforeInit: true, run: func(ctx context.Context, s *server, v view, params json.RawMessage) (any, error) {
		var err error
		if s.state.Load() != stateShutdown {
			err = errExitWithoutShutdown
		}
		select {
		case s.exited <- err:
		default:
		}
		return nil, nil
	}})
	register("$/cancelRequest", route{notification: true, beforeInit: true, run: func(ctx context.Context, s *server, v view, params json.RawMessage) (any, error) {
		var p struct {
			ID jsonrpc2.ID `json:"id"`
		}
		if err := decode(params, &p); err != nil {
			return nil, err
		}
		s.cancel(fmt.Sprintf("%q", p.ID))
		return nil, nil
	}})
	register("$/setTrace", route{notification: true, run: func(ctx context.Context, s *server, v view, params json.RawMessage) (any, error) {
		return nil, nil
	}})
}
