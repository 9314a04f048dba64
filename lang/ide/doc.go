// Package ide is the editor-independent intelligence of katafilter: what an editor, the
// language server or the REPL asks about a filter while it is being written. It answers as
// plain data with byte spans, never in any editor's protocol:
//
//   - [Complete]: completion items for the cursor, from the grammatical context
//     ([parser.ContextAt]) and the schema: fields, operators valid for a field's type, known
//     values quoted, AND/OR, dotted fields segment by segment;
//   - [HoverAt]: what the token under the cursor means (a field's type, description and known
//     values; an operator; which characters of a string constant are literal and which are
//     wildcards);
//   - [SignatureAt]: help for the value list of in;
//   - [Classify]: tokens for semantic highlighting, with wildcard and escape sub-tokens inside
//     strings;
//   - [Document]: a whole .kfl file (one filter per line, see package kfl) with its
//     diagnostics, symbols, folding ranges, formatting edits and code actions, and the
//     per-filter features above mapped to file offsets.
//
// The language server converts these byte spans to its own positions at its edge; the REPL
// uses them as they are.
package ide
