package check

import (
	"github.com/katafilter/katafilter/lang/ast"
	"github.com/katafilter/katafilter/lang/diag"
)

// pathStars returns the offsets in raw (a string constant as written, quotes included) of the
// escaped wildcards \* and \? that follow a path-like segment: a non-empty run of characters
// after a path separator (a backslash, escaped or lone, or a slash), or a drive such as C:.
// In 'C:\\Windows\*' the author almost always meant the folder followed by anything
// ('C:\\Windows\\*'), and wrote the literal name "Windows*".
func pathStars(raw string) []int {
	var at []int
	i, end := 0, len(raw)
	if i < end && raw[i] == '\'' {
		i++
	}
	if end > i && raw[end-1] == '\'' {
		end--
	}
	sep := false  // a separator came before the current segment
	segFrom := i  // where the current segment starts in raw
	seg := 0      // characters in the current segment
	drive := true // the segment so far could be a drive such as C:
	newSeg := func(from int) { sep, segFrom, seg, drive = true, from, 0, false }
	for i < end {
		c := raw[i]
		switch {
		case c == '\\' && i+1 < end && (raw[i+1] == '*' || raw[i+1] == '?'):
			isDrive := drive && seg == 2 && raw[segFrom+1] == ':'
			if seg > 0 && (sep || isDrive) {
				at = append(at, i)
			}
			seg++
			drive = false
			i += 2
		case c == '\\' && i+1 < end && raw[i+1] == '\\':
			newSeg(i + 2)
			i += 2
		case c == '\\' && i+1 < end && raw[i+1] == '\'':
			seg++
			drive = false
			i += 2
		case c == '\\' || c == '/':
			// A lone backslash (an unknown escape) or a slash separates a path's segments.
			newSeg(i + 1)
			i++
		default:
			if seg == 0 && !sep {
				drive = isLetter(c)
			} else if seg == 1 && drive {
				drive = c == ':'
			} else {
				drive = false
			}
			seg++
			i++
		}
	}
	return at
}

// wildcardBesideBackslash reports whether raw (a string constant as written) has an escaped
// wildcard (\* \?) or an escaped backslash before a wildcard (\\*). In a string that also has
// lone backslashes (bad escapes), the author wrote some backslashes single, and each of those
// can be read two ways: 'C:\Temp\\*' may be the folder followed by anything, or the single
// backslash C:\Temp\ followed by a literal star. Doubling the lone backslashes is then not
// certain to keep the author's meaning.
func wildcardBesideBackslash(raw string) bool {
	for i := 0; i+1 < len(raw); i++ {
		if raw[i] != '\\' {
			continue
		}
		switch raw[i+1] {
		case '*', '?':
			return true
		case '\\':
			if i+2 < len(raw) && (raw[i+2] == '*' || raw[i+2] == '?') {
				return true
			}
		}
		i++ // skip the escaped character
	}
	return false
}

func isLetter(c byte) bool { return 'A' <= c&^0x20 && c&^0x20 <= 'Z' }

// pathStarWarnings reports each \* and \? after a path-like segment of v (KF0110), and
// returns the edits that make each of them a wildcard after a backslash (\* becomes \\*).
// Their presence makes a string's bad escapes ambiguous: see [checker.escapeChoices].
func (c *checker) pathStarWarnings(v *ast.Literal) []diag.Edit {
	var edits []diag.Edit
	for _, off := range pathStars(v.Raw) {
		star, what := v.Raw[off+1], "star"
		anything := "anything"
		if star == '?' {
			what, anything = "question mark", "any one character"
		}
		if v.DoubleQuoted {
			// Raw is a rewriting of the source: no edit can point into it.
			c.report(v.LitSpan, diag.Warning, diag.PathStar,
				`\%c is a literal %s; for a folder followed by %s write \\%c`, star, what, anything, star)
			continue
		}
		at := v.LitSpan.Start + off
		e := diag.Edit{Span: ast.Span{Start: at, End: at + 1}, NewText: `\\`}
		d := c.report(ast.Span{Start: at, End: at + 2}, diag.Warning, diag.PathStar,
			`\%c is a literal %s; for a folder followed by %s write \\%c`, star, what, anything, star)
		d.Fixes = []diag.Fix{{Title: `write \\` + string(star) + ": the folder followed by " + anything, Edits: []diag.Edit{e}}}
		edits = append(edits, e)
	}
	return edits
}

// escapeChoices returns the fixes offered for the whole of a string whose lone backslashes
// (the edits lone) are bad escapes while an escaped wildcard follows a path-like segment (the
// edits stars): 'C:\Windows\*'. Doubling the lone backslashes alone would silently make the
// rule match the literal name "Windows*"; the author likely meant every backslash literal
// ('C:\\Windows\\*'). Neither is certain, so both are offered and neither is safe.
func escapeChoices(v *ast.Literal, lone, stars []diag.Edit) []diag.Fix {
	every := append(append([]diag.Edit{}, lone...), stars...)
	return []diag.Fix{
		{Title: "write every backslash as \\\\, " + rewrite(v, every) + " (likely meant: a wildcard after the folder)", Edits: every},
		{Title: "write the lone backslashes as \\\\, " + rewrite(v, lone) + " (the escaped wildcards stay literal characters)", Edits: lone},
	}
}

// rewrite returns v's text with edits (spans in the source) applied.
func rewrite(v *ast.Literal, edits []diag.Edit) string {
	rel := make([]diag.Edit, len(edits))
	for i, e := range edits {
		rel[i] = diag.Edit{Span: ast.Span{Start: e.Span.Start - v.LitSpan.Start, End: e.Span.End - v.LitSpan.Start}, NewText: e.NewText}
	}
	s, err := diag.ApplyEdits(v.Raw, rel)
	if err != nil {
		return v.Raw
	}
	return s
}
