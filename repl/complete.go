package repl

import (
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/katafilter/katafilter/lang/ast"
	"github.com/katafilter/katafilter/lang/ide"
)

// Completion is one candidate for the text at the cursor: Text replaces the span Replace of
// the input.
type Completion struct {
	Text    string
	Replace ast.Span
	Detail  string // a short note: a field's type, a command's arguments
}

// Complete returns the completions at byte offset off of input (all the lines typed so far,
// joined with "\n"): for a filter those of package lang/ide, the engine the language
// server uses (fields, operators for the field's type, known values, keywords); for a
// meta-command the command names and their arguments.
func (s *Session) Complete(input string, off int) []Completion {
	off = max(0, min(off, len(input)))
	trimmed := strings.TrimLeft(input, " \t")
	lead := len(input) - len(trimmed)
	if strings.HasPrefix(trimmed, ".") {
		return s.completeMeta(input[:off], lead)
	}
	items := ide.Complete(input, off, s.cfg)
	out := make([]Completion, 0, len(items))
	for _, it := range items {
		out = append(out, Completion{Text: it.InsertText, Replace: it.Replace, Detail: it.Detail})
	}
	return out
}

// completeMeta completes a meta-command: its name, then its last argument. before is the input
// up to the cursor; the command's dot is at offset lead.
func (s *Session) completeMeta(before string, lead int) []Completion {
	name, rest, spaced := strings.Cut(before[lead+1:], " ")
	if !spaced {
		var out []Completion
		for _, n := range commandNames() {
			if strings.HasPrefix(n, strings.ToLower(name)) {
				out = append(out, Completion{Text: "." + n + " ", Replace: ast.Span{Start: lead, End: len(before)}})
			}
		}
		return out
	}
	c := lookupCommand(strings.ToLower(name))
	if c == nil {
		return nil
	}
	if c.name == "tail" || c.name == "explain" {
		// The argument is a filter: complete it as one, in its own offsets.
		argStart := lead + 1 + len(name) + 1
		var out []Completion
		for _, it := range ide.Complete(before[argStart:], len(before)-argStart, s.cfg) {
			out = append(out, Completion{Text: it.InsertText, Detail: it.Detail,
				Replace: ast.Span{Start: it.Replace.Start + argStart, End: it.Replace.End + argStart}})
		}
		return out
	}
	word := rest[strings.LastIndexAny(rest, " ,")+1:]
	start := len(before) - len(word)
	var words []string
	switch {
	case c.complete != nil:
		words = c.complete(s, word)
	case c.name == "source" || c.name == "save":
		words = completePath(word)
	}
	var out []Completion
	for _, w := range words {
		if strings.HasPrefix(strings.ToLower(w), strings.ToLower(word)) {
			out = append(out, Completion{Text: w, Replace: ast.Span{Start: start, End: len(before)}})
		}
	}
	return out
}

// completePath lists the files and directories that start with word (directories end in /).
func completePath(word string) []string {
	dir, base := filepath.Split(word)
	list := dir
	if list == "" {
		list = "."
	}
	entries, err := os.ReadDir(expandHome(list))
	if err != nil {
		return nil
	}
	var out []string
	for _, e := range entries {
		n := e.Name()
		if !strings.HasPrefix(n, base) || (strings.HasPrefix(n, ".") && !strings.HasPrefix(base, ".")) {
			continue
		}
		if e.IsDir() {
			n += "/"
		}
		out = append(out, dir+n)
	}
	sort.Strings(out)
	return out
}
