package rulefile

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/goccy/go-yaml/lexer"
	"github.com/goccy/go-yaml/token"

	"github.com/katafilter/katafilter/lang/ast"
	"github.com/katafilter/katafilter/lang/diag"
)

// Suppression is one "# katafilter:ignore CODE[,CODE] -- reason" comment.
type Suppression struct {
	Line   int // 1-based
	Span   ast.Span
	Codes  []diag.Code
	used   []bool
	Reason string
	// Target is the line of the filters it applies to: its own line for a comment after a
	// key, else the next line that is neither blank nor a comment.
	Target int
}

// SuppressionMarker is what every suppression comment holds: a text without it has none.
const SuppressionMarker = "katafilter:ignore"

var suppressRE = regexp.MustCompile(`^#\s*katafilter:ignore\b(.*)$`)

// comment is a comment of a rule file: where its # is, and whether it is on a line of its own.
type comment struct {
	line int // 1-based
	col  int // the byte offset of # in the line
	text string
	full bool
}

// comments returns the comments of a .kfl file (kfl: lines that start with #) or of a YAML
// file, as the YAML lexer reads them: a # inside a quoted string, a block scalar or a plain
// scalar is text, not a comment.
func comments(lines *ast.LineTable, kfl bool) []comment {
	var out []comment
	if kfl {
		for n := 1; n <= lines.LineCount(); n++ {
			text := lines.Line(n)
			if t := strings.TrimLeft(text, " \t"); strings.HasPrefix(t, "#") {
				out = append(out, comment{line: n, col: len(text) - len(t), text: strings.TrimRight(t, "\r"), full: true})
			}
		}
		return out
	}
	for _, tk := range lexer.Tokenize(lines.Source()) {
		if tk.Type != token.CommentType || tk.Position == nil {
			continue
		}
		n := tk.Position.Line
		text := strings.TrimRight(lines.Line(n), "\r")
		col := strings.LastIndex(text, "#"+strings.TrimRight(tk.Value, "\r"))
		if col < 0 {
			continue // not where the lexer says: leave it
		}
		out = append(out, comment{line: n, col: col, text: text[col:], full: strings.TrimSpace(text[:col]) == ""})
	}
	return out
}

// ParseSuppressions finds the suppression comments of a .kfl file (kfl) or a YAML file.
func ParseSuppressions(lines *ast.LineTable, kfl bool) []*Suppression {
	if !strings.Contains(lines.Source(), SuppressionMarker) {
		return nil
	}
	var out []*Suppression
	for _, c := range comments(lines, kfl) {
		loc := suppressRE.FindStringSubmatchIndex(c.text)
		if loc == nil {
			continue
		}
		start := lines.LineStart(c.line) + c.col
		s := &Suppression{Line: c.line, Span: ast.Span{Start: start + loc[0], End: start + loc[1]}, Target: c.line}
		codes, reason, _ := strings.Cut(c.text[loc[2]:loc[3]], "--")
		s.Reason = strings.TrimSpace(reason)
		for _, code := range strings.FieldsFunc(codes, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' }) {
			s.Codes = append(s.Codes, diag.Code(strings.ToUpper(code)))
		}
		s.used = make([]bool, len(s.Codes))
		if c.full {
			s.Target = 0
			for m := c.line + 1; m <= lines.LineCount(); m++ {
				t := strings.TrimSpace(lines.Line(m))
				if t != "" && !strings.HasPrefix(t, "#") {
					s.Target = m
					break
				}
			}
		}
		out = append(out, s)
	}
	return out
}

// valid reports whether the suppression suppresses anything: it names codes, all of them
// known, and gives a reason.
func (s *Suppression) valid() bool {
	if len(s.Codes) == 0 || s.Reason == "" {
		return false
	}
	for _, c := range s.Codes {
		if !KnownCode(c) {
			return false
		}
	}
	return true
}

// ValidSuppressions returns the suppressions of sups that are valid.
func ValidSuppressions(sups []*Suppression) []*Suppression {
	var out []*Suppression
	for _, s := range sups {
		if s.valid() {
			out = append(out, s)
		}
	}
	return out
}

// applySuppressions drops the findings that valid suppressions cover and reports the
// suppressions that are malformed, lack a reason or suppress nothing.
func applySuppressions(lines *ast.LineTable, kind Kind, sites []*Site, findings []Finding, cfg *Config) []Finding {
	sups := ParseSuppressions(lines, kind == KFL)
	if len(sups) == 0 {
		return findings
	}
	var extra []Finding
	report := func(s *Suppression, code diag.Code, msg string) {
		sev := cfg.SeverityOf(code, DefaultSeverity(code))
		if sev == 0 {
			return
		}
		extra = append(extra, Finding{Diagnostic: diag.Diagnostic{Span: s.Span, Severity: sev, Code: code, Message: msg}, Site: -1})
	}
	var valid []*Suppression
	for _, s := range sups {
		switch {
		case len(s.Codes) == 0:
			report(s, BadSuppression, "katafilter:ignore names no code: write # katafilter:ignore CODE -- reason")
		case s.Reason == "":
			report(s, NoReason, "katafilter:ignore needs a reason after --, e.g. # katafilter:ignore "+string(s.Codes[0])+" -- why it is fine here")
		default:
			ok := true
			for _, c := range s.Codes {
				if !KnownCode(c) {
					report(s, BadSuppression, fmt.Sprintf("katafilter:ignore names unknown code %s", c))
					ok = false
				}
			}
			if ok {
				valid = append(valid, s)
			}
		}
	}
	kept := findings[:0]
	for _, f := range findings {
		if f.Site >= 0 && suppressed(f, sites[f.Site], valid) {
			continue
		}
		kept = append(kept, f)
	}
	for _, s := range valid {
		if !slices.ContainsFunc(sites, func(st *Site) bool { return st.KeyLine == s.Target }) {
			report(s, UnusedSuppression, "katafilter:ignore applies to no filter: put it on the line of a filter's key, or on a line of its own just above it")
			continue
		}
		for i, c := range s.Codes {
			if !s.used[i] {
				report(s, UnusedSuppression, fmt.Sprintf("katafilter:ignore %s suppresses nothing: the filter it applies to has no %s finding", c, c))
			}
		}
	}
	return append(kept, extra...)
}

func suppressed(f Finding, s *Site, sups []*Suppression) bool {
	hit := false
	for _, sp := range sups {
		if sp.Target != s.KeyLine {
			continue
		}
		for i, c := range sp.Codes {
			if c == f.Code {
				sp.used[i] = true
				hit = true
			}
		}
	}
	return hit
}
