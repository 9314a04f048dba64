package rulefile

import (
	"fmt"
	"regexp"
	"strings"

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

var suppressRE = regexp.MustCompile(`#\s*katafilter:ignore\b(.*)$`)

// ParseSuppressions finds the suppression comments of a .kfl or YAML file.
// In a .kfl file (fullOnly) a # starts a comment only at the beginning of a line.
func ParseSuppressions(lines *ast.LineTable, fullOnly bool) []*Suppression {
	if !strings.Contains(lines.Source(), SuppressionMarker) {
		return nil
	}
	var out []*Suppression
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
		s := &Suppression{Line: n, Span: ast.Span{Start: start + loc[0], End: start + loc[1]}, Target: n}
		rest := text[loc[2]:loc[3]]
		codes, reason, _ := strings.Cut(rest, "--")
		s.Reason = strings.TrimSpace(reason)
		for _, c := range strings.FieldsFunc(codes, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' }) {
			s.Codes = append(s.Codes, diag.Code(strings.ToUpper(c)))
		}
		s.used = make([]bool, len(s.Codes))
		if full {
			s.Target = 0
			for m := n + 1; m <= lines.LineCount(); m++ {
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
