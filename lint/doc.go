// Package lint checks repositories of detection rules: .kfl filter files, and YAML and JSON
// rule files in which filters sit under configured keys (by default "filter") at any depth
// and in lists. Every diagnostic of the language (package lang) is reported at its exact line
// and column inside the rule file, also inside quoted strings with escapes, multi-line plain
// scalars and block scalars.
//
// Around the language's checks lint adds what a team needs to adopt it gradually:
// configuration from .katafilter.yaml (see [Config]), suppressions written as
// "# katafilter:ignore CODE -- reason" comments, a [Baseline] of accepted findings, safe
// fixes written back in place (the filter re-encoded in its own YAML scalar style), rule
// tests (sample events under tests.match and tests.nomatch, a failure explained clause by
// clause with package explain), and output as text, JSON, SARIF 2.1.0, GitHub workflow
// annotations or JUnit XML ([Write]).
//
// Files are linted in parallel by a bounded pool of workers; the result lists them in path
// order, so the output does not depend on scheduling.
//
// Mapping positions through YAML: each scalar's decoded text is traced back through the file
// byte by byte. An escape such as \t, \x41 or a doubled quote maps to the whole escape; a
// space that YAML made of a folded line break (plain and quoted multi-line scalars, folded >
// blocks) maps to that line break, the nearest exact place. Block scalars are read by lint
// itself, since the YAML library repeats the content of some of them. A scalar that cannot be
// traced (a folded block whose blank lines hold extra spaces, say) has every position mapped
// to its first character, and --fix leaves it alone with a note.
package lint
