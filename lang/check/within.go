package check

import (
	"strings"

	"github.com/katafilter/katafilter/lang/ast"
)

// patToken is one token of a pattern: a character, or a wildcard (star, quest).
type patToken struct {
	r           rune
	star, quest bool
}

func patTokens(p ast.Pattern) []patToken {
	var out []patToken
	for _, sg := range p.Segs {
		switch sg.Kind {
		case ast.Star:
			out = append(out, patToken{star: true})
		case ast.Quest:
			out = append(out, patToken{quest: true})
		default:
			for _, r := range sg.Text {
				out = append(out, patToken{r: r})
			}
		}
	}
	return out
}

// within reports whether every string that p matches is also matched by q. The test is
// sufficient, not necessary: q is matched against p's own tokens, q's text matching only the
// same character (without regard to case with ignoreCase), q's ? one character of p or p's ?,
// and q's * any run of p's tokens, p's stars included. Whatever a string that matches p puts
// in place of p's wildcards, q then matches it too: 'C:\\Windows\\*' is within 'C:\\*', 'ab*'
// within 'a*', anything within '*'.
func within(p, q ast.Pattern, ignoreCase bool) bool {
	ps, qs := patTokens(p), patTokens(q)
	// m[j] after row i: q's first i tokens match p's first j tokens.
	m := make([]bool, len(ps)+1)
	m[0] = true
	for _, qt := range qs {
		next := make([]bool, len(ps)+1)
		for j := 0; j <= len(ps); j++ {
			switch {
			case qt.star:
				next[j] = m[j] || j > 0 && next[j-1]
			case j == 0:
			case qt.quest:
				next[j] = m[j-1] && !ps[j-1].star
			default:
				pt := ps[j-1]
				next[j] = m[j-1] && !pt.star && !pt.quest && sameRune(pt.r, qt.r, ignoreCase)
			}
		}
		m = next
	}
	return m[len(ps)]
}

func sameRune(a, b rune, ignoreCase bool) bool {
	return a == b || ignoreCase && strings.EqualFold(string(a), string(b))
}
