package schema

import (
	"slices"
	"strings"
	"unicode/utf8"
)

// Suggest returns up to three names (field names and aliases) close to name by edit distance,
// closest first, for "did you mean" messages.
func (s *Schema) Suggest(name string) []string {
	var names []string
	for _, f := range s.fields {
		names = append(names, f.Name)
	}
	return Closest(name, names, 3)
}

// Closest returns up to n of the candidates within a small edit distance of word, ignoring case,
// closest first (ties keep candidate order). The distance allowed grows with the word's length.
// A candidate that merely contains the word is offered only when no candidate is a near miss
// by edit distance: 'proces' suggests 'process', not also 'process_terminate'.
func Closest(word string, candidates []string, n int) []string {
	type scored struct {
		s string
		d int
	}
	lw := strings.ToLower(word)
	limit := max(1, min(4, len([]rune(word))/3))
	wn := utf8.RuneCountInString(lw)
	var out, contains []scored
	for _, c := range candidates {
		lc := strings.ToLower(c)
		// The distance is at least the difference of the lengths: a candidate much longer
		// or shorter is no near miss, and its distance need not be computed.
		if diff := wn - utf8.RuneCountInString(lc); -limit <= diff && diff <= limit {
			if d := Distance(lw, lc); d <= limit {
				out = append(out, scored{c, d})
				continue
			}
		}
		if len(lw) >= 4 && strings.Contains(lc, lw) {
			contains = append(contains, scored{c, limit})
		}
	}
	if len(out) == 0 {
		out = contains
	}
	slices.SortStableFunc(out, func(a, b scored) int { return a.d - b.d })
	var res []string
	for _, o := range out {
		if len(res) == n {
			break
		}
		if !slices.Contains(res, o.s) {
			res = append(res, o.s)
		}
	}
	return res
}

// Distance is the Levenshtein distance of a and b counted in characters, with a transposition
// of two neighbours counting as one edit.
func Distance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev2 := make([]int, len(rb)+1)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(rb)]
}
