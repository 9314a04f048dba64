// Package lsp is the language server of katafilter: it serves .kfl filter files (language id
// "katafilter") over the Language Server Protocol, on go.lsp.dev/jsonrpc2 and the types of
// go.lsp.dev/protocol.
//
// The server knows nothing about the language itself: every answer comes from package
// lang/ide (completion, hover, signature help, highlighting, symbols, folding,
// formatting and fixes) and from the checker's diagnostics, so the REPL and the command line
// say the same things. Its own concerns are the protocol's:
//
//   - one place converts byte offsets to the protocol's UTF-16 positions and back ([mapper]);
//   - each version of a document is an immutable snapshot; requests read the snapshots that
//     were current when they arrived, and run concurrently;
//   - diagnostics are published after each change, debounced, the latest version winning,
//     and cleared when a document closes; textDocument/diagnostic serves them on demand;
//   - bad input (malformed JSON, unknown methods, requests before initialize, invalid
//     UTF-8, huge documents, $/cancelRequest) gets a JSON-RPC error or is ignored, never a
//     crash or a hang. The server writes only protocol messages to its output; logs go to
//     [Options.Log] (standard error for the command) and window/logMessage.
//
// Each feature lives in a file of its own and registers its methods in the method table
// (see [route]); there is no central switch.
package lsp
