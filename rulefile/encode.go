package rulefile

import (
	"fmt"
	"strings"
)

// Encode writes a new text of the site's filter (body, then the line breaks that end it) the
// way the site was written: a plain, quoted or block YAML scalar in its style, a JSON string,
// .kfl lines. crlf is set for a file whose lines end in CR LF. When the text cannot be written
// in that style, ok is false and why says so.
func (s *Site) Encode(k Kind, body, trailing string, crlf bool) (repl string, ok bool, why string) {
	text := body + trailing
	switch k {
	case KFL:
		return text, true, ""
	case JSON:
		return JSONQuote(text), true, ""
	}
	sc := s.Scalar
	switch sc.Style {
	case '\'':
		if strings.Contains(text, "\n") {
			return "", false, "a line break cannot be kept in a single-quoted scalar without reflowing it"
		}
		return "'" + strings.ReplaceAll(text, "'", "''") + "'", true, ""
	case '"':
		return JSONQuote(text), true, ""
	case '|':
		if strings.HasPrefix(body, " ") {
			return "", false, "a literal block cannot start with a space"
		}
		ind := strings.Repeat(" ", sc.Indent)
		ls := strings.Split(body, "\n")
		for i := 1; i < len(ls); i++ {
			if ls[i] != "" {
				ls[i] = ind + ls[i]
			}
		}
		nl := "\n"
		if crlf {
			nl = "\r\n"
		}
		return strings.Join(ls, nl), true, ""
	case '>':
		if strings.Contains(body, "\n") || strings.HasPrefix(body, " ") {
			return "", false, "the filter does not fit on one line of a folded block"
		}
		return body, true, ""
	}
	if strings.Contains(text, "\n") || text != strings.TrimSpace(text) {
		return "", false, "the filter cannot be written as a plain scalar"
	}
	return text, true, ""
}

// JSONQuote writes s as a JSON (and YAML double-quoted) string.
func JSONQuote(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch r {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '\n':
			b.WriteString(`\n`)
		case '\t':
			b.WriteString(`\t`)
		case '\r':
			b.WriteString(`\r`)
		default:
			if r < 0x20 {
				fmt.Fprintf(&b, `\u%04x`, r)
			} else {
				b.WriteRune(r)
			}
		}
	}
	b.WriteByte('"')
	return b.String()
}
