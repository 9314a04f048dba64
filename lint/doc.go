// Package lint checks repositories of detection rules: .kfl filter files, and YAML and JSON
// rule files in which filters sit under configured keys (by default "filter") at any depth
// and in lists. Every diagnostic of the language (package lang) is reported at its exact line
// and column inside the rule file, also inside quoted strings with escapes, multi-line plain
// scalars and block scalars.
//
// Reading rule files (the filters and their positions, .katafilter.yaml, suppression
// comments, rule tests) is package rulefile's, which the language server shares; lint walks
// the repository, adds a [Baseline] of accepted findings and safe fixes written back in
// place (the filter re-encoded in its own YAML scalar style), and writes the findings as
// text, JSON, SARIF 2.1.0, GitHub workflow annotations or JUnit XML ([Write]).
//
// Files are linted in parallel by a bounded pool of workers; the result lists them in path
// order, so the output does not depend on scheduling.
package lint
