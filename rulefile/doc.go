// Package rulefile reads the filters out of rule files (.kfl filter files, and YAML and JSON
// files in which filters sit under configured keys at any depth and in lists) with each
// byte of a filter traced back to the file, and applies to them what a repository
// configures: .katafilter.yaml ([Config]), "# katafilter:ignore CODE -- reason" suppression
// comments, and rule tests (sample events under tests.match and tests.nomatch). It is the one
// implementation that lint and the language server share, so that the editor shows the
// verdict of CI.
//
// Mapping positions through YAML: each scalar's decoded text is traced back through the file
// byte by byte ([TextMap]). An escape such as \t, \x41 or a doubled quote maps to the whole
// escape; a space that YAML made of a folded line break (plain and quoted multi-line scalars,
// folded > blocks) maps to that line break, the nearest exact place. Block scalars are read
// by this package itself, since the YAML library repeats the content of some of them. A
// scalar that cannot be traced (a folded block whose blank lines hold extra spaces, say) has
// every position mapped to its first character, and is not rewritten.
package rulefile
