// Package lang is the core of katafilter: the event filter language of the KATA events API.
// It ties the layers together (package ast for the tree and positions, parser, schema, check,
// eval and format) behind a small facade:
//
//	f := lang.Analyze(src, lang.Config{})     // parse and check: every diagnostic at once
//	prog, err := f.Program()                   // compile, refused while there are errors
//	ok := prog.Match(event)                    // or prog.MatchJSON(line)
//
// Views (the command line, the language server, the REPL, the events API) import lang; lang
// imports none of them.
package lang

import (
	"github.com/katafilter/katafilter/lang/ast"
	"github.com/katafilter/katafilter/lang/check"
	"github.com/katafilter/katafilter/lang/diag"
	"github.com/katafilter/katafilter/lang/eval"
	"github.com/katafilter/katafilter/lang/format"
	"github.com/katafilter/katafilter/lang/parser"
	"github.com/katafilter/katafilter/lang/schema"
)

// Config gathers the options of every layer.
type Config struct {
	// Schema is the field schema; nil means the built-in one.
	Schema *schema.Schema
	// IgnoreCase compares strings without regard to case (checker and evaluator alike).
	IgnoreCase bool
	// Strict makes a filter that does not select exactly one event type an error.
	Strict bool
	// AllowUnknownFields turns unknown fields from errors into warnings.
	AllowUnknownFields bool
}

func (c Config) checkOptions() check.Options {
	return check.Options{Schema: c.Schema, Strict: c.Strict, IgnoreCase: c.IgnoreCase, AllowUnknownFields: c.AllowUnknownFields}
}

// Filter is an analysed filter: its source, tree, what the checker learned, and all
// diagnostics, sorted. After a syntax error the tree is partial ([ast.Bad] nodes stand where
// the parser skipped text, see [parser.Parse]) and SyntaxOK is false; the checker's findings
// on every well-formed clause are reported beside the syntax errors.
type Filter struct {
	Source      string
	Expr        ast.Expr
	Info        *check.Info
	Diagnostics diag.List
	SyntaxOK    bool
	cfg         Config
}

// Analyze parses and checks src. It never fails: problems are in the diagnostics.
func Analyze(src string, cfg Config) *Filter {
	x, diags := parser.Parse(src)
	ok := parser.SyntaxOK(diags)
	info, cdiags := check.Check(x, cfg.checkOptions())
	diags = append(diags, cdiags...)
	diags.Sort()
	return &Filter{Source: src, Expr: x, Info: info, Diagnostics: diags, SyntaxOK: ok, cfg: cfg}
}

// Program compiles the filter; a filter with errors is refused with a [diag.ListError].
func (f *Filter) Program() (*eval.Program, error) {
	if err := f.Diagnostics.Err(); err != nil {
		return nil, err
	}
	return eval.Compile(f.Expr, f.Info, eval.Options{IgnoreCase: f.cfg.IgnoreCase})
}

// Format returns the canonical text of the filter, and false when it has a syntax error: a
// partial tree has no canonical text, and a misspelling the parser read as meant (= for ==)
// is the user's to fix, not the formatter's.
func (f *Filter) Format() (string, bool) {
	if !f.SyntaxOK {
		return "", false
	}
	return format.Node(f.Expr), true
}

// Compile analyses src and compiles it: the program is nil when the diagnostics hold an error.
func Compile(src string, cfg Config) (*eval.Program, diag.List) {
	f := Analyze(src, cfg)
	p, err := f.Program()
	if err != nil {
		return nil, f.Diagnostics
	}
	return p, f.Diagnostics
}

// Format returns the canonical form of src, with the parser's diagnostics. Only a syntax error
// stops it (the text is then empty): a filter with other errors (an unknown field, say) is
// still formatted.
func Format(src string) (string, diag.List) {
	x, diags := parser.Parse(src)
	if !parser.SyntaxOK(diags) {
		return "", diags
	}
	return format.Node(x), diags
}
