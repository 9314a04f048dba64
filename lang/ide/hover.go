package ide

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/katafilter/katafilter/lang"
	"github.com/katafilter/katafilter/lang/ast"
	"github.com/katafilter/katafilter/lang/parser"
	"github.com/katafilter/katafilter/lang/schema"
)

// Hover is what the token under the cursor means. Text is plain text with code in backquotes
// (valid Markdown).
type Hover struct {
	Span ast.Span
	Text string
}

// HoverAt explains the token of src at byte offset off (the token the cursor is in or just
// after). It reports false where there is nothing to say (white space, punctuation).
func HoverAt(src string, off int, cfg lang.Config) (Hover, bool) {
	off = clamp(off, len(src))
	s := schemaOf(cfg)
	toks := parser.Tokens(src)
	idx := -1
	for i, t := range toks {
		if t.Span.Start <= off && off < t.Span.End {
			idx = i
			break
		}
		if t.Span.End == off && idx < 0 {
			idx = i // just after a token: keep looking for one that starts here
		}
	}
	if idx < 0 {
		return Hover{}, false
	}
	t := toks[idx]
	var text string
	switch t.Kind {
	case parser.TokField:
		text = fieldHover(s, t.Text)
	case parser.TokOperator, parser.TokIn:
		text = operatorDoc(t.Text)
	case parser.TokKeyword:
		text = operatorDoc(strings.ToUpper(t.Text))
	case parser.TokBool:
		text = "`" + strings.ToLower(t.Text) + "`: a boolean constant (keywords are case-insensitive)"
	case parser.TokNumber:
		text = "`" + t.Text + "`: an integer constant"
	case parser.TokString:
		text = StringMeaning(t.Text)
	}
	if text == "" {
		return Hover{}, false
	}
	return Hover{Span: t.Span, Text: text}, true
}

func fieldHover(s *schema.Schema, name string) string {
	f := lookupField(s, name)
	if f == nil {
		msg := fmt.Sprintf("`%s`: unknown field", name)
		if sugg := s.Suggest(name); len(sugg) > 0 {
			msg += "; did you mean " + strings.Join(sugg, " or ") + "?"
		}
		return msg
	}
	head := fmt.Sprintf("`%s`: %s field", f.Name, fieldDetail(f))
	if f.Name != name {
		head += fmt.Sprintf(" (written `%s`)", name)
	}
	if doc := fieldDoc(f); doc != "" {
		return head + "\n\n" + doc
	}
	return head
}

// operatorDoc says what an operator or keyword does.
func operatorDoc(op string) string {
	switch op {
	case "==":
		return "`==`: equal. Against a string, the constant is a pattern: `*` matches any run of characters, `?` one character; `\\*` and `\\?` are the characters themselves."
	case "!=":
		return "`!=`: not equal; exactly `NOT (a == b)`, so it is true when the field is missing."
	case ">":
		return "`>`: greater than (integer fields only)."
	case ">=":
		return "`>=`: greater than or equal (integer fields only)."
	case "<":
		return "`<`: less than (integer fields only)."
	case "<=":
		return "`<=`: less than or equal (integer fields only)."
	case "in":
		return "`in`: `Field in (v1, v2, ...)` is true when the field equals any of the values (`==` against each, wildcards included). `in(Field, v1, ...)` means the same."
	case "AND":
		return "`AND`: both sides must hold. Binds tighter than `OR`, looser than `NOT`."
	case "OR":
		return "`OR`: either side must hold. Binds loosest."
	case "NOT":
		return "`NOT`: negates the term after it. Binds tightest."
	}
	return ""
}

// StringMeaning explains a string constant as written (quotes included): which characters
// are literal and which are wildcards. For 'a\*b*' it reads: matches "a*b" then anything.
func StringMeaning(raw string) string {
	if strings.HasPrefix(raw, `"`) {
		return "`" + raw + "`: string constants are written in single quotes, as in `'" +
			strings.ReplaceAll(strings.Trim(raw, `"`), "'", `\'`) + "'`."
	}
	p, probs := ast.DecodeString(raw)
	var parts []string
	for _, sg := range p.Segs {
		switch sg.Kind {
		case ast.Text:
			parts = append(parts, quote(sg.Text))
		case ast.Star:
			parts = append(parts, "anything")
		case ast.Quest:
			parts = append(parts, "any one character")
		}
	}
	var b strings.Builder
	b.WriteString("`" + raw + "`")
	switch {
	case len(p.Segs) == 0:
		b.WriteString(" matches the empty string only")
	case p.IsLiteral():
		b.WriteString(" matches exactly " + parts[0])
	default:
		b.WriteString(" matches " + strings.Join(parts, " then "))
		if short := shape(p); short != "" {
			b.WriteString(" (" + short + ")")
		}
	}
	b.WriteString(".")
	var esc []string
	for _, sg := range p.Segs {
		if sg.Kind == ast.Text {
			body := raw[sg.From:sg.To]
			for i := 0; i+1 < len(body); i++ {
				if body[i] == '\\' {
					esc = append(esc, "`"+body[i:i+2]+"`")
					i++
				}
			}
		}
	}
	if len(esc) > 0 && len(probs) == 0 {
		if len(esc) == 1 {
			b.WriteString("\n\nThe escape " + esc[0] + " is the character itself, not a wildcard.")
		} else {
			b.WriteString("\n\nThe escapes " + strings.Join(esc, " ") + " are the characters themselves, not wildcards.")
		}
	}
	if len(probs) > 0 {
		b.WriteString("\n\nThe constant has an invalid escape: only `\\\\` `\\'` `\\*` `\\?` are escapes.")
	}
	if raw == "" || raw[0] != '\'' || !terminated(raw) {
		b.WriteString("\n\nThe constant has no closing quote.")
	}
	return b.String()
}

// shape names the common patterns the vendor's UI writes for contains, starts and ends.
func shape(p ast.Pattern) string {
	k := make([]ast.SegKind, len(p.Segs))
	for i, s := range p.Segs {
		k[i] = s.Kind
	}
	switch {
	case len(k) == 3 && k[0] == ast.Star && k[1] == ast.Text && k[2] == ast.Star:
		return "contains " + quote(p.Segs[1].Text)
	case len(k) == 2 && k[0] == ast.Text && k[1] == ast.Star:
		return "starts with " + quote(p.Segs[0].Text)
	case len(k) == 2 && k[0] == ast.Star && k[1] == ast.Text:
		return "ends with " + quote(p.Segs[1].Text)
	case len(k) == 1 && k[0] == ast.Star:
		return "any value, the empty one included"
	}
	return ""
}

// quote writes literal text between double quotes as it is, only control characters escaped,
// so that a backslash reads as one backslash.
func quote(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		if r < ' ' || r == 0x7f {
			q := strconv.QuoteRune(r)
			b.WriteString(q[1 : len(q)-1])
			continue
		}
		b.WriteRune(r)
	}
	b.WriteByte('"')
	return b.String()
}
