// Package ui is katafilter's web console: an HTTP handler that serves a page (embedded, with
// no script or style from any other host) where a filter is typed with completion, diagnostics,
// syntax colours and formatting from package lang/ide, run against a [repl.Backend] (the
// REPL's sources: the events API through its client, or events read from files), and its
// matches shown as a table, a histogram over time and the top values of a field, with the
// clause-by-clause explanation of package lang/explain for any event.
//
// The page talks to the handler through a small JSON API under /api/ (see [Server]); offsets in
// it count UTF-16 code units, as JavaScript strings do, and are converted to the byte offsets
// of package lang in one place ([units] and [bytesAt]).
package ui
