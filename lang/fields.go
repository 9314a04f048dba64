package lang

import (
	"strings"

	"github.com/katafilter/katafilter/lang/ast"
	"github.com/katafilter/katafilter/lang/schema"
)

// SelectFields returns the fields of s (the built-in schema when nil), in schema order, whose
// name or an alias matches pattern: a glob without regard to case when the pattern holds * or
// ? (matched by the language's own wildcard matching, [ast.NewMatcher]), else a
// case-insensitive substring. The empty pattern selects every field. Tools that list fields
// (the fields command, the REPL's .fields) share it.
func SelectFields(s *schema.Schema, pattern string) []*schema.Field {
	if s == nil {
		s = schema.Default()
	}
	var match func(string) bool
	if strings.ContainsAny(pattern, "*?") {
		match = ast.NewMatcher(globPattern(pattern), true).Match
	} else {
		sub := strings.ToLower(pattern)
		match = func(n string) bool { return strings.Contains(strings.ToLower(n), sub) }
	}
	var out []*schema.Field
	for _, f := range s.Fields() {
		ok := match(f.Name)
		for _, a := range f.Aliases {
			ok = ok || match(a)
		}
		if ok {
			out = append(out, f)
		}
	}
	return out
}

// globPattern reads a glob, in which * and ? are the only special characters.
func globPattern(glob string) ast.Pattern {
	var p ast.Pattern
	text := 0
	for i, r := range glob {
		kind := ast.Text
		switch r {
		case '*':
			kind = ast.Star
		case '?':
			kind = ast.Quest
		default:
			continue
		}
		if text < i {
			p.Segs = append(p.Segs, ast.Seg{Kind: ast.Text, Text: glob[text:i]})
		}
		p.Segs = append(p.Segs, ast.Seg{Kind: kind})
		text = i + 1
	}
	if text < len(glob) {
		p.Segs = append(p.Segs, ast.Seg{Kind: ast.Text, Text: glob[text:]})
	}
	return p
}
