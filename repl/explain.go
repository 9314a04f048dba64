package repl

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/katafilter/katafilter/internal/words"
	"github.com/katafilter/katafilter/lang"
	"github.com/katafilter/katafilter/lang/ast"
	"github.com/katafilter/katafilter/lang/diag"
	"github.com/katafilter/katafilter/lang/explain"
	"github.com/katafilter/katafilter/lang/schema"
)

// cmdExplain explains a filter: .explain alone the last one, .explain FILTER that one, and
// .explain N why event N of the last results matched the last filter (clause by clause).
func (s *Session) cmdExplain(_ context.Context, args string) error {
	if n, err := strconv.Atoi(args); err == nil {
		return s.explainEvent(n, nil)
	}
	// .explain N FILTER: why event N of the last results does or does not match another
	// filter, the one being refined. (A filter cannot begin with a number.)
	if num, rest, ok := strings.Cut(args, " "); ok {
		if n, err := strconv.Atoi(num); err == nil {
			f := lang.Analyze(strings.TrimSpace(rest), s.cfg)
			if len(f.Diagnostics) > 0 {
				s.renderDiags(f)
			}
			if f.Diagnostics.HasErrors() {
				return s.failf("the filter has %s", words.Plural(f.Diagnostics.Count(diag.Error), "error"))
			}
			return s.explainEvent(n, f)
		}
	}
	f := s.lastFilter
	if args != "" {
		f = lang.Analyze(args, s.cfg)
		if len(f.Diagnostics) > 0 {
			s.renderDiags(f)
		}
		if !f.SyntaxOK {
			return s.failf("the filter cannot be parsed")
		}
	} else if f == nil {
		return s.failf("nothing to explain: .explain FILTER, or run a filter first")
	}
	w := s.out
	if text, ok := f.Format(); ok {
		fmt.Fprintf(w, "canonical: %s\n", text)
	}
	fmt.Fprintln(w, "tree:")
	writeTree(w, f, f.Expr, "  ")
	if fields := usedFields(f); len(fields) > 0 {
		fmt.Fprintln(w, "fields:")
		for _, l := range fields {
			fmt.Fprintf(w, "  %s\n", l)
		}
	}
	switch {
	case f.Diagnostics.HasErrors():
		// The checker works out the event types of a correct filter only.
		fmt.Fprintln(w, "event types: not known until the errors are fixed")
	case f.Info != nil && f.Info.PinsEventType:
		fmt.Fprintf(w, "event types: %s\n", strings.Join(f.Info.EventTypes, ", "))
	default:
		fmt.Fprintln(w, "event types: any (the filter does not compare EventType)")
	}
	if f.Diagnostics.HasErrors() {
		return s.failf("the filter has %s", words.Plural(f.Diagnostics.Count(diag.Error), "error"))
	}
	return nil
}

// writeTree prints the parsed tree, one node a line, children indented.
func writeTree(w interface{ Write([]byte) (int, error) }, f *lang.Filter, x ast.Expr, indent string) {
	x = ast.Unparen(x)
	switch x := x.(type) {
	case *ast.Binary:
		fmt.Fprintf(w, "%s%s\n", indent, x.Op)
		// A chain of the same operator prints as one node with several operands.
		for _, c := range ast.AppendOperands(nil, x, x.Op) {
			writeTree(w, f, c, indent+"  ")
		}
	case *ast.Not:
		fmt.Fprintf(w, "%sNOT\n", indent)
		writeTree(w, f, x.X, indent+"  ")
	case *ast.Compare, *ast.In:
		fmt.Fprintf(w, "%s%s\n", indent, f.Source[x.Span().Start:x.Span().End])
	default:
		fmt.Fprintf(w, "%s(unparsable: %q)\n", indent, f.Source[x.Span().Start:min(x.Span().End, len(f.Source))])
	}
}

// usedFields lists the fields the filter names, each once, with its type from the checker.
func usedFields(f *lang.Filter) []string {
	var out []string
	seen := map[string]bool{}
	ast.Inspect(f.Expr, func(n ast.Node) bool {
		fl, ok := n.(*ast.Field)
		if !ok || seen[fl.Name] {
			return true
		}
		seen[fl.Name] = true
		line := fl.Name + ": "
		if t, ok := f.Info.Type(fl); ok {
			line += t.String()
			if sf := f.Info.Fields[fl]; sf != nil {
				if sf.Array {
					line += ", several values"
				}
				if sf.Name != fl.Name {
					line += " (the field " + sf.Name + ")"
				}
			}
		} else {
			line += "unknown"
		}
		out = append(out, line)
		return true
	})
	return out
}

// explainEvent says, clause by clause, why event n (1-based) of the last results matched the
// last filter, or, when f is not nil, why it does or does not match f.
func (s *Session) explainEvent(n int, f *lang.Filter) error {
	if s.lastFilter == nil || len(s.last) == 0 {
		return s.failf("no results to explain: run a filter first")
	}
	if n < 1 || n > len(s.last) {
		return s.failf("no event %d: the last results are 1 to %d", n, len(s.last))
	}
	if f == nil {
		f = s.lastFilter
	}
	e := s.last[n-1]
	node, err := explain.Filter(f, e.Value)
	if err != nil {
		return s.failf("explain: %v", err)
	}
	text, _ := f.Format()
	fmt.Fprintf(s.out, "event %d: %s, %s\n", n, Cell(e.Value, "Timestamp"), describeEvent(e))
	fmt.Fprintf(s.out, "filter: %s\n", text)
	var b strings.Builder
	_ = node.Write(&b, "  ")
	s.writeExplanation(b.String())
	return nil
}

// writeExplanation prints an explanation, colouring the verdicts on a terminal.
func (s *Session) writeExplanation(text string) {
	for _, l := range strings.SplitAfter(text, "\n") {
		if l == "" {
			continue
		}
		trim := strings.TrimLeft(l, " ")
		ind := l[:len(l)-len(trim)]
		switch {
		case strings.HasPrefix(trim, "true"):
			l = ind + s.paint(ansiGreen, "true") + trim[len("true"):]
		case strings.HasPrefix(trim, "false"):
			l = ind + s.paint(ansiRed, "false") + trim[len("false"):]
		}
		fmt.Fprint(s.out, l)
	}
}

func describeEvent(e Event) string {
	parts := []string{}
	for _, c := range []string{schema.EventTypeField, "HostName"} {
		if v := Cell(e.Value, c); v != "" {
			parts = append(parts, v)
		}
	}
	if e.Node != "" {
		parts = append(parts, "node "+e.Node)
	}
	if e.Origin != "" {
		parts = append(parts, e.Origin)
	}
	return strings.Join(parts, ", ")
}

// renderDiags prints a filter's diagnostics on the error writer.
func (s *Session) renderDiags(f *lang.Filter) {
	if in := s.input; in != nil {
		// The filter ends the command's input (".explain FILTER"): place it in the script.
		end := in.offset + len(strings.TrimRight(in.text[in.offset:], " \t\r\n"))
		if start := end - len(f.Source); start >= in.offset && in.text[start:end] == f.Source {
			s.printDiags(in.text, in.name, f.Diagnostics.Shift(start))
			return
		}
	}
	s.printDiags(f.Source, "", f.Diagnostics)
}
