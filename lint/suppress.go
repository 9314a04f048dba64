package lint

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/katafilter/katafilter/lang/ast"
	"github.com/katafilter/katafilter/lang/diag"
)

// suppression is one "# katafilter:ignore CODE[,CODE] -- reason" comment.
type suppression struct {
	line   int // 1-based
	span   ast.Span
	codes  []diag.Code
	used   []bool
	reason string
	// target is the line of the filters it applies to: its own line for a comment after a
	// key, else the next line that is neither blank nor a comment.
	target int
}

var suppressRE = regexp.MustCompile(`#\s*katafilter:ignore\b(.*)$`)

// parseSuppressions finds the suppression comments of a .kfl or YAML file.
// In a .kfl file (fullOnly) a # starts a comment only at the beginning of a line.
func parseSuppressions(lines *ast.LineTable, fullOnly bool) []*suppression {
	var out []*suppression
	for n := 1; n <= lines.LineCount(); n++ {
		text := lines.Line(n)
		loc := suppressRE.FindStringSubmatchIndex(text)
		if loc == nil {
			continue
		}
		full := strings.HasPrefix(strings.TrimSpace(text), "#")
		if fullOnly && !full {
			continue
		}
		if !full && loc[0] > 0 && text[loc[0]-1] != ' ' && text[loc[0]-1] != '\t' {
			continue // a # inside a word or string is not a comment
		}
		start := lines.LineStart(n)
		s := &suppression{line: n, span: ast.Span{Start: start + loc[0], End: start + loc[1]}, target: n}
		rest := text[loc[2]:loc[3]]
		codes, reason, _ := strings.Cut(rest, "--")
		s.reason = strings.TrimSpace(reason)
		for _, c := range strings.FieldsFunc(codes, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' }) {
			s.codes = append(s.codes, diag.Code(strings.ToUpper(c)))
		}
		s.used = make([]bool, len(s.codes))
		if full {
			s.target = 0
			for m := n + 1; m <= lines.LineCount(); m++ {
				t := strings.TrimSpace(lines.Line(m))
				if t != "" && !strings.HasPrefix(t, "#") {
					s.target = m
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
func (s *suppression) valid() bool {
	if len(s.codes) == 0 || s.reason == "" {
		return false
	}
	for _, c := range s.codes {
		if !knownCode(c) {
			return false
		}
	}
	return true
}

// validSuppressions returns the suppressions of sups that are valid.
func validSuppressions(sups []*suppression) []*suppression {
	var out []*suppression
	for _, s := range sups {
		if s.valid() {
			out = append(out, s)
		}
	}
	return out
}

// applySuppressions drops the findings that valid suppressions cover and reports the
// suppressions that are malformed, lack a reason or suppress nothing.
func applySuppressions(lines *ast.LineTable, kind fileKind, sites []*site, findings []Finding, cfg *runConfig) []Finding {
	sups := parseSuppressions(lines, kind == kindKFL)
	if len(sups) == 0 {
		return findings
	}
	var extra []Finding
	report := func(s *suppression, code diag.Code, msg string) {
		sev := cfg.severityOf(code, defaultSeverity(code))
		if sev == 0 {
			return
		}
		extra = append(extra, Finding{Diagnostic: diag.Diagnostic{Span: s.span, Severity: sev, Code: code, Message: msg}, site: -1})
	}
	var valid []*suppression
	for _, s := range sups {
		switch {
		case len(s.codes) == 0:
			report(s, BadSuppression, "katafilter:ignore names no code: write # katafilter:ignore CODE -- reason")
		case s.reason == "":
			report(s, NoReason, "katafilter:ignore needs a reason after --, e.g. # katafilter:ignore "+string(s.codes[0])+" -- why it is fine here")
		default:
			ok := true
			for _, c := range s.codes {
				if !knownCode(c) {
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
		if f.site >= 0 && suppressed(f, sites[f.site], valid) {
			continue
		}
		kept = append(kept, f)
	}
	for _, s := range valid {
		for i, c := range s.codes {
			if !s.used[i] {
				report(s, UnusedSuppression, fmt.Sprintf("katafilter:ignore %s suppresses nothing: the filter it applies to has no %s finding", c, c))
			}
		}
	}
	return append(kept, extra...)
}

func suppressed(f Finding, s *site, sups []*suppression) bool {
	hit := false
	for _, sp := range sups {
		if sp.target != s.keyLine {
			continue
		}
		for i, c := range sp.codes {
			if c == f.Code {
				sp.used[i] = true
				hit = true
			}
		}
	}
	return hit
}
