package rulefile

import (
	"fmt"
	"strings"

	"github.com/katafilter/katafilter/lang/ast"
	"github.com/katafilter/katafilter/lang/diag"
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

// Rewrite is a new text for one filter of a file: Body, then the line breaks that end it
// (which a block scalar keeps as they are).
type Rewrite struct {
	Site           int // the index of the filter's site
	Body, Trailing string
}

// Note says why a rewrite was left out; Site is -1 when no rewrite of the file could be kept.
type Note struct {
	Site   int
	Reason string
}

// Apply writes the new texts of filters into src (of kind k, whose sites are read with keys),
// each the way its filter is written (see [Site.Encode]). It then reads the rewritten file
// again and keeps only the rewrites that read back exactly as intended, so that the result is
// valid and means what was meant. It returns the edits kept, spans in src, and notes on the
// rewrites left out.
func Apply(src string, k Kind, keys map[string]bool, sites []*Site, rws []Rewrite) ([]diag.Edit, []Note) {
	type change struct {
		idx  int
		edit diag.Edit
		want string
	}
	var changes []change
	var notes []Note
	crlf := strings.Contains(src, "\r\n")
	for _, rw := range rws {
		s := sites[rw.Site]
		if !s.Map.Exact {
			notes = append(notes, Note{rw.Site, "the filter's text could not be traced through the YAML scalar (explicit indentation indicator or an unusual layout)"})
			continue
		}
		repl, ok, why := s.Encode(k, rw.Body, rw.Trailing, crlf)
		if !ok {
			notes = append(notes, Note{rw.Site, why})
			continue
		}
		changes = append(changes, change{idx: rw.Site, edit: diag.Edit{Span: ast.Span{Start: s.Start, End: s.End}, NewText: repl},
			want: rw.Body + rw.Trailing})
	}
	for attempt := 0; attempt < 2 && len(changes) > 0; attempt++ {
		edits := make([]diag.Edit, len(changes))
		for i, c := range changes {
			edits[i] = c.edit
		}
		out, err := diag.ApplyEdits(src, edits)
		if err != nil {
			return nil, append(notes, Note{-1, err.Error()})
		}
		again, _ := Extract(out, ast.NewLineTable(out), k, keys)
		if len(again) != len(sites) {
			return nil, append(notes, Note{-1, "the fixed file no longer reads back with the same filters"})
		}
		var good []change
		for _, c := range changes {
			if again[c.idx].Map.Text == c.want {
				good = append(good, c)
			} else {
				notes = append(notes, Note{c.idx, "re-encoding the filter in its YAML style does not read back the same"})
			}
		}
		if len(good) == len(changes) {
			return edits, notes
		}
		changes = good
	}
	return nil, notes
}
