package ide

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/katafilter/katafilter/lang"
	"github.com/katafilter/katafilter/lang/ast"
	"github.com/katafilter/katafilter/lang/parser"
	"github.com/katafilter/katafilter/lang/schema"
)

// Kind is the kind of a completion item.
type Kind int

// The kinds of completion item.
const (
	KindField    Kind = iota + 1 // a complete field name
	KindSegment                  // the next segment of a dotted field name that goes on (ends in ".")
	KindOperator                 // a comparison operator or in
	KindKeyword                  // AND OR NOT
	KindValue                    // a known value of a field, or true/false
	KindPunct                    // ( ) ,
)

func (k Kind) String() string {
	switch k {
	case KindField:
		return "field"
	case KindSegment:
		return "segment"
	case KindOperator:
		return "operator"
	case KindKeyword:
		return "keyword"
	case KindValue:
		return "value"
	case KindPunct:
		return "punct"
	}
	return "invalid"
}

// Item is one completion candidate: Replace is the span of the source that InsertText replaces
// (the partial word before and under the cursor; empty at the cursor when nothing is typed).
// Items come sorted by SortKey.
type Item struct {
	Label         string
	Kind          Kind
	Detail        string // a short note: a field's type, a value's field
	Documentation string // longer text (plain text with `code` in backquotes)
	InsertText    string
	Replace       ast.Span
	SortKey       string
}

// Complete returns the completion items for the cursor at byte offset off of the filter src,
// filtered by the word already typed (case-insensitively, at the start of the word or of any
// dotted segment) and sorted. cfg.Schema nil means the built-in schema.
func Complete(src string, off int, cfg lang.Config) []Item {
	off = clamp(off, len(src))
	s := schemaOf(cfg)
	w := wordAt(src, off)
	ctx := parser.ContextAt(src, w.span.Start)
	c := &completer{src: src, s: s, word: w, ctx: ctx}
	switch ctx.Expect {
	case parser.ExpectTerm:
		c.fields()
		c.add(KindKeyword, "NOT", "", "negates the term after it", "1")
		c.add(KindPunct, "(", "", "groups terms", "2")
	case parser.ExpectCallField:
		c.fields()
	case parser.ExpectOperator:
		c.operators(ctx.Field)
	case parser.ExpectValue:
		c.values(ctx.Field, ctx.Op)
	case parser.ExpectInParen:
		c.add(KindPunct, "(", "", "opens the list of values", "0")
	case parser.ExpectListValue:
		c.values(ctx.Field, "==")
		c.add(KindPunct, ")", "", "closes the list", "9")
	case parser.ExpectListNext:
		c.values(ctx.Field, "==")
		c.dropListed()
	case parser.ExpectListSep:
		c.add(KindPunct, ",", "", "another value", "0")
		c.add(KindPunct, ")", "", "closes the list", "1")
	case parser.ExpectCallComma:
		c.add(KindPunct, ",", "", "the values follow", "0")
	case parser.ExpectConnective:
		c.add(KindKeyword, "AND", "", "both sides must hold (binds tighter than OR)", "0")
		c.add(KindKeyword, "OR", "", "either side must hold", "1")
		if ctx.Depth > 0 {
			c.add(KindPunct, ")", "", "closes the group", "2")
		}
	}
	slices.SortStableFunc(c.items, func(a, b Item) int { return strings.Compare(a.SortKey, b.SortKey) })
	return c.items
}

type completer struct {
	src   string
	s     *schema.Schema
	word  word
	ctx   parser.Context
	items []Item
}

// add appends an item that replaces the whole word, when the word is a prefix of it.
func (c *completer) add(k Kind, label, detail, doc, sortKey string) {
	c.addInsert(k, label, label, detail, doc, sortKey, c.word.span)
}

func (c *completer) addInsert(k Kind, label, insert, detail, doc, sortKey string, replace ast.Span) {
	typed := c.src[replace.Start:min(c.word.cursor, replace.End)]
	if replace.Start > c.word.cursor {
		typed = ""
	}
	if !matches(insert, typed) {
		return
	}
	c.items = append(c.items, Item{Label: label, Kind: k, Detail: detail, Documentation: doc,
		InsertText: insert, Replace: replace, SortKey: sortKey + " " + label})
}

// matches reports whether typed is a prefix of text, or of one of its dotted segments,
// without regard to case.
func matches(text, typed string) bool {
	if typed == "" || hasPrefixFold(text, typed) {
		return true
	}
	for i := 0; i < len(text); i++ {
		if text[i] == '.' && hasPrefixFold(text[i+1:], typed) {
			return true
		}
	}
	return false
}

// hasPrefixFold is strings.HasPrefix without regard to case, without allocating.
func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}

// fields offers field names. A word with a dot completes segment by segment: "Ioa." offers
// "Rules.", "Severity" and "Confidence", replacing what follows the last dot.
func (c *completer) fields() {
	pinned := pinnedEventTypes(c.src, c.s)
	typed := c.src[c.word.span.Start:c.word.cursor]
	rank := func(f *schema.Field, i int) string {
		r := "0"
		if len(pinned) > 0 {
			r = "1"
			for _, et := range pinned {
				if len(f.EventTypes) > 0 && slices.Contains(f.EventTypes, et) {
					r = "0"
				}
			}
		}
		return "0" + r + strconv.Itoa(10000 + i)[1:] // i in four digits
	}
	texts := textsOf(c.s)
	if dot := strings.LastIndexByte(typed, '.'); dot >= 0 {
		parent := strings.ToLower(typed[:dot+1])
		replace := ast.Span{Start: c.word.span.Start + dot + 1, End: c.word.span.End}
		seen := map[string]bool{}
		for i, f := range c.s.Fields() {
			if !strings.HasPrefix(strings.ToLower(f.Name), parent) {
				continue
			}
			rest := f.Name[dot+1:]
			seg, k := rest, KindField
			if j := strings.IndexByte(rest, '.'); j >= 0 {
				seg, k = rest[:j+1], KindSegment
			}
			if seen[seg] {
				continue
			}
			seen[seg] = true
			if k == KindSegment {
				c.addInsert(k, seg, seg, "", "fields under "+f.Name[:dot+1]+seg, rank(f, i), replace)
				continue
			}
			c.addInsert(k, seg, seg, texts[f].detail, texts[f].doc, rank(f, i), replace)
		}
		return
	}
	for i, f := range c.s.Fields() {
		c.add(KindField, f.Name, texts[f].detail, texts[f].doc, rank(f, i))
	}
}

// operators offers the comparison operators valid for the field's type, and in.
func (c *completer) operators(name string) {
	f := lookupField(c.s, name)
	ops := []string{"==", "!=", ">", ">=", "<", "<="}
	if f != nil && f.Type != schema.Integer {
		ops = ops[:2]
	}
	for i, op := range ops {
		c.add(KindOperator, op, "", operatorDoc(op), fmt.Sprintf("%d", i))
	}
	c.addInsert(KindOperator, "in", "in (", "", operatorDoc("in"), "7", c.word.span)
}

// values offers the known values of the field, written as constants of its type.
func (c *completer) values(name, op string) {
	f := lookupField(c.s, name)
	if f == nil {
		return
	}
	if op != "" && ast.ParseCmpOp(op).Ordering() {
		return // ordering against known values is rarely meant; nothing sensible to offer
	}
	switch f.Type {
	case schema.Boolean:
		c.add(KindValue, "true", f.Name, "", "0")
		c.add(KindValue, "false", f.Name, "", "1")
		return
	}
	for i, v := range f.Values {
		text := v.Text
		if f.Type == schema.String {
			text = ast.QuoteString(v.Text)
		}
		c.add(KindValue, text, f.Name, v.Description, fmt.Sprintf("%04d", i))
	}
}

// dropListed removes the values already written in the in list being completed.
func (c *completer) dropListed() {
	listed := map[string]bool{}
	for _, t := range parser.Tokens(c.src[:c.word.span.Start]) {
		switch t.Kind {
		case parser.TokPunct:
			if t.Text == "(" {
				clear(listed)
			}
		case parser.TokString, parser.TokNumber, parser.TokBool:
			listed[t.Text] = true
		}
	}
	c.items = slices.DeleteFunc(c.items, func(it Item) bool { return it.Kind == KindValue && listed[it.InsertText] })
}

// fieldText is what completion shows of a field beside its name.
type fieldText struct{ detail, doc string }

// fieldTexts holds the texts of the fields of the schema completed with last: completion
// offers every field at each keystroke, and a schema does not change once made (Extend makes
// a new one). One schema at a time, so that a process that loads schemas keeps none alive.
var fieldTexts struct {
	sync.Mutex
	s     *schema.Schema
	texts map[*schema.Field]fieldText
}

// textsOf returns the texts of the fields of s, a map not to be modified.
func textsOf(s *schema.Schema) map[*schema.Field]fieldText {
	fieldTexts.Lock()
	defer fieldTexts.Unlock()
	if fieldTexts.s != s {
		m := make(map[*schema.Field]fieldText, len(s.Fields()))
		for _, f := range s.Fields() {
			m[f] = fieldText{fieldDetail(f), fieldDoc(f)}
		}
		fieldTexts.s, fieldTexts.texts = s, m
	}
	return fieldTexts.texts
}

func fieldDetail(f *schema.Field) string {
	d := f.Type.String()
	if f.Array {
		d += " (any element of an array)"
	}
	return d
}

func fieldDoc(f *schema.Field) string {
	var b strings.Builder
	b.WriteString(f.Description)
	if len(f.Values) > 0 {
		b.WriteString("\n\nKnown values: ")
		for i, v := range f.Values {
			if i > 0 {
				b.WriteString(", ")
			}
			if f.Type == schema.String {
				b.WriteString("`" + ast.QuoteString(v.Text) + "`")
			} else {
				b.WriteString("`" + v.Text + "`")
			}
		}
		if !f.Closed {
			b.WriteString(" (others possible)")
		}
	}
	if len(f.EventTypes) > 0 {
		b.WriteString("\n\nCarried by events of type: " + strings.Join(f.EventTypes, ", "))
	}
	if f.NotInTable {
		b.WriteString("\n\nNot in the events API's field table: real events carry it, but whether KATA's filter accepts it is not documented (KF0203).")
	}
	return strings.TrimSpace(b.String())
}

func schemaOf(cfg lang.Config) *schema.Schema {
	if cfg.Schema != nil {
		return cfg.Schema
	}
	return schema.Default()
}

// lookupField finds a field by exact name, or by a unique case-insensitive match (the checker
// reports the case slip; completion still knows the field meant).
func lookupField(s *schema.Schema, name string) *schema.Field {
	if name == "" {
		return nil
	}
	if f, ok := s.Lookup(name); ok {
		return f
	}
	if fs := s.LookupFold(name); len(fs) == 1 {
		return fs[0]
	}
	return nil
}

// pinnedEventTypes returns the event types that src compares EventType with (== or in),
// read from the parser's tree, partial as it is while the filter is being written. Wildcard
// patterns select every known type they match.
func pinnedEventTypes(src string, s *schema.Schema) []string {
	x, _ := parser.Parse(src)
	known := s.EventTypes()
	var out []string
	add := func(f *ast.Field, v *ast.Literal) {
		if sf := lookupField(s, f.Name); sf == nil || sf.Name != schema.EventTypeField || v.Kind != ast.String {
			return
		}
		p, _ := ast.DecodeString(v.Raw)
		m := ast.NewMatcher(p, false)
		for _, et := range known {
			if m.Match(et.Text) && !slices.Contains(out, et.Text) {
				out = append(out, et.Text)
			}
		}
	}
	ast.Inspect(x, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.Compare:
			if n.Op == ast.Eq {
				add(n.Field, n.Value)
			}
		case *ast.In:
			for _, v := range n.Values {
				add(n.Field, v)
			}
		}
		return true
	})
	return out
}

func clamp(off, n int) int { return max(0, min(off, n)) }
