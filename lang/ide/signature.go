package ide

import (
	"fmt"

	"github.com/katafilter/katafilter/lang/ast"

	"github.com/katafilter/katafilter/lang"
	"github.com/katafilter/katafilter/lang/parser"
)

// Signature is help for the in list the cursor is in. Params are the spans of the parameters
// in Label (byte offsets), in order; Active is the index of the one being written.
type Signature struct {
	Label         string
	Documentation string
	Params        []ast.Span
	Active        int
}

// ParamText returns the text of parameter i.
func (s Signature) ParamText(i int) string { return s.Label[s.Params[i].Start:s.Params[i].End] }

// SignatureAt returns help for the in list around byte offset off of src: the infix form
// Field in (v1, v2, ...) or the call form in(Field, v1, ...). It reports false outside one.
// Where the cursor is, and in which list, is the parser's state there ([parser.ContextAt]).
func SignatureAt(src string, off int, cfg lang.Config) (Signature, bool) {
	off = clamp(off, len(src))
	ctx := parser.ContextAt(src, wordAt(src, off).span.Start)
	// active is the parameter being written: the field of the call form is the first.
	active := 0
	switch ctx.Expect {
	case parser.ExpectCallField, parser.ExpectCallComma:
	case parser.ExpectListValue:
	case parser.ExpectListNext:
		active = ctx.Values
	case parser.ExpectListSep:
		active = ctx.Values - 1
	default:
		return Signature{}, false
	}
	call, field := ctx.Call, ctx.Field
	if call && ctx.Expect != parser.ExpectCallField && ctx.Expect != parser.ExpectCallComma {
		active++
	}
	name := field
	if name == "" {
		name = "Field"
	}
	doc := "True when " + name + " equals any of the values (`==` against each, wildcards included)."
	if f := lookupField(schemaOf(cfg), field); f != nil {
		doc += "\n\n" + fmt.Sprintf("`%s`: %s field", f.Name, fieldDetail(f))
		if fd := fieldDoc(f); fd != "" {
			doc += ". " + fd
		}
	}
	if call {
		// in(Name, value, ...)
		n := len("in(") + len(name)
		return Signature{Label: "in(" + name + ", value, ...)", Documentation: doc,
			Params: []ast.Span{{Start: 3, End: n}, {Start: n + 2, End: n + 7}, {Start: n + 9, End: n + 12}},
			Active: min(active, 2)}, true
	}
	// Name in (value, ...)
	n := len(name) + len(" in (")
	return Signature{Label: name + " in (value, ...)", Documentation: doc,
		Params: []ast.Span{{Start: n, End: n + 5}, {Start: n + 7, End: n + 10}}, Active: min(active, 1)}, true
}
