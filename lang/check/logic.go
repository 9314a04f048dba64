package check

import (
	"fmt"
	"math/bits"
	"slices"
	"strconv"
	"strings"

	"github.com/katafilter/katafilter/lang/ast"
	"github.com/katafilter/katafilter/lang/diag"
	"github.com/katafilter/katafilter/lang/schema"
)

// logic runs the whole-filter analyses: which event types the filter can select, and which
// conjunctions can never be true. A filter with errors elsewhere still gets its event types
// analysed, so that every problem shows in one pass; but reasoning about "never true" is left
// until the errors are fixed (an unknown value makes a comparison false, which would only
// repeat the error), and so is the event-type analysis when an EventType comparison itself
// has an error. A partial tree (after a syntax error) gets its event types worked out but no
// finding of these analyses: its shape is the parser's guess.
func (c *checker) logic(x ast.Expr) {
	partial := ast.Partial(x)
	hadErrors := c.diags.HasErrors()
	reported := false
	if !hadErrors && !partial {
		reported = c.conjunctions(x)
	}
	types := c.opt.Schema.EventTypes()
	if len(types) == 0 || c.eventTypeHasError(x) {
		return
	}
	first := c.firstEventType
	c.info.PinsEventType = first != nil
	c.info.EventTypes = c.possibleEventTypes(x, types)
	anyPossible := len(c.info.EventTypes) > 0
	if partial {
		return
	}
	if !c.info.PinsEventType {
		if c.opt.Strict {
			d := c.report(x.Span(), diag.Error, diag.MultipleEventTypes,
				"the filter does not select one event type: KATA wants one request per event type (add EventType == '...')")
			_ = d
		}
		return
	}
	if !anyPossible && c.possible(x, otherEventType) == 0 {
		if !reported && !hadErrors {
			c.report(x.Span(), diag.Warning, diag.NeverTrue, "the filter can never be true: no event type satisfies its EventType conditions")
		}
		return
	}
	if n := len(c.info.EventTypes); n > 1 {
		sev := diag.Warning
		if c.opt.Strict {
			sev = diag.Error
		}
		// "the filter selects %d event types (%s%s): ...", the list joined with ", " and
		// " and %d more" after the first four, written out directly: a filter that lets
		// several event types through is common, and fmt would cost an allocation an argument.
		var b strings.Builder
		b.Grow(160)
		b.WriteString("the filter selects ")
		b.WriteString(strconv.Itoa(n))
		b.WriteString(" event types (")
		for i, et := range c.info.EventTypes[:min(n, 4)] {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(et)
		}
		if n > 4 {
			b.WriteString(" and ")
			b.WriteString(strconv.Itoa(n - 4))
			b.WriteString(" more")
		}
		b.WriteString("): KATA wants a separate request for each event type")
		c.reportMsg(first.Span(), sev, diag.MultipleEventTypes, b.String())
	}
}

// eventTypeHasError reports whether an error diagnostic lies inside a comparison of EventType.
func (c *checker) eventTypeHasError(x ast.Expr) bool {
	if c.firstEventType == nil || !c.diags.HasErrors() {
		return false
	}
	found := false
	ast.Inspect(x, func(n ast.Node) bool {
		var f *ast.Field
		switch n := n.(type) {
		case *ast.Compare:
			f = n.Field
		case *ast.In:
			f = n.Field
		default:
			return !found
		}
		if f != nil && c.isEventType(f) {
			sp := n.Span()
			for _, d := range c.diags {
				if d.Severity == diag.Error && d.Span.Start >= sp.Start && d.Span.End <= sp.End {
					found = true
				}
			}
		}
		return false
	})
	return found
}

func (c *checker) isEventType(f *ast.Field) bool {
	sf, ok := c.info.Fields[f]
	return ok && sf.Name == schema.EventTypeField
}

// possibleEventTypes returns the texts of the types for which x is not surely false, nil for
// none.
func (c *checker) possibleEventTypes(x ast.Expr, types []schema.Value) []string {
	// The types, 64 at a time: bit i of masks[w] stands for types[64*w+i].
	var maskBuf [4]uint64
	masks := maskBuf[:0]
	n := 0
	for w := 0; w < len(types); w += 64 {
		window := types[w:min(w+64, len(types))]
		possible := uint64(1)<<len(window) - 1 // without an EventType comparison, every type (for 64: 0 - 1, every bit)
		if c.firstEventType != nil {
			possible = c.possible(x, window)
		}
		masks = append(masks, possible)
		n += bits.OnesCount64(possible)
	}
	if n == 0 {
		return nil
	}
	out := make([]string, 0, n)
	for w, m := range masks {
		for ; m != 0; m &= m - 1 {
			out = append(out, types[64*w+bits.TrailingZeros64(m)].Text)
		}
	}
	return out
}

// otherEventType stands for an event type the schema does not list.
var otherEventType = []schema.Value{{Text: ""}}

// possible evaluates x for events of each of the event types ets, at most 64, every comparison
// but those of EventType being unknown (Kleene's three-valued logic), and returns those for
// which x is not surely false, bit i standing for ets[i]. The empty text stands for an event
// type the schema does not list.
func (c *checker) possible(x ast.Expr, ets []schema.Value) uint64 {
	all := uint64(1)<<len(ets) - 1 // (for 64: 0 - 1, every bit)
	return all &^ c.etTruth(x, ets).f
}

// etSet is what a subtree is for a set of event types, one bit each: t holds those for which
// it is surely true, f those for which it is surely false; it is unknown for the others.
type etSet struct{ t, f uint64 }

func (s etSet) not() etSet { return etSet{t: s.f, f: s.t} }

// and is Kleene's AND, type by type: true when both are, false when either is.
func (s etSet) and(o etSet) etSet { return etSet{t: s.t & o.t, f: s.f | o.f} }

// or is Kleene's OR, type by type: true when either is, false when both are.
func (s etSet) or(o etSet) etSet { return etSet{t: s.t | o.t, f: s.f & o.f} }

func (c *checker) etTruth(x ast.Expr, ets []schema.Value) etSet {
	switch x := x.(type) {
	case *ast.Paren:
		return c.etTruth(x.X, ets)
	case *ast.Not:
		return c.etTruth(x.X, ets).not()
	case *ast.Binary:
		a, b := c.etTruth(x.X, ets), c.etTruth(x.Y, ets)
		if x.Op == ast.And {
			return a.and(b)
		}
		return a.or(b)
	case *ast.Compare:
		if !c.isEventType(x.Field) || x.Value.Kind != ast.String || x.Op.Ordering() {
			return etSet{}
		}
		t := c.etMatch(x.Value, ets)
		if x.Op == ast.Ne {
			return t.not()
		}
		return t
	case *ast.In:
		if !c.isEventType(x.Field) {
			return etSet{}
		}
		t := etSet{f: uint64(1)<<len(ets) - 1} // no value: false (for 64 types: 0 - 1, every bit)
		for _, v := range x.Values {
			if v.Kind == ast.String {
				t = t.or(c.etMatch(v, ets))
			}
		}
		return t
	}
	return etSet{}
}

// etMatch is EventType == v for each of the event types ets.
func (c *checker) etMatch(v *ast.Literal, ets []schema.Value) etSet {
	p := c.info.Patterns[v]
	m := ast.NewMatcher(p, c.opt.IgnoreCase)
	var s etSet
	for i, et := range ets {
		switch {
		case et.Text == "":
			// An event type the schema does not list cannot equal a constant without
			// wildcards that names one it does list.
			if p.IsLiteral() && slices.ContainsFunc(c.opt.Schema.EventTypes(), func(k schema.Value) bool { return m.Match(k.Text) }) {
				s.f |= 1 << i
			}
		case m.Match(et.Text):
			s.t |= 1 << i
		default:
			s.f |= 1 << i
		}
	}
	return s
}

// conjunctions looks in every chain of ANDs for a field constrained in ways no single value
// satisfies, such as EventType == 'process' AND EventType == 'module', or FileSize > 10 AND
// FileSize < 5. Fields that may hold several values (paths through arrays) are skipped: there
// two different values can both be present. It reports whether it found one.
func (c *checker) conjunctions(x ast.Expr) bool { return c.chains(x, false) }

// chains analyses the chains of ANDs in x, which continues a chain when inChain, and reports
// whether it found one that can never be true.
func (c *checker) chains(x ast.Expr, inChain bool) bool {
	switch b := ast.Unparen(x).(type) {
	case *ast.Binary:
		found := false
		if b.Op == ast.And {
			if !inChain {
				found = c.chain(b)
			}
			inChain = true
		} else {
			inChain = false
		}
		inX := c.chains(b.X, inChain)
		inY := c.chains(b.Y, inChain)
		return found || inX || inY
	case *ast.Not:
		return c.chains(b.X, false)
	}
	return false
}

// constraint is what a chain of ANDs demands of one field. Its values are constKeys, all of
// one kind, the field's (comparisons of another type are left out of the analysis).
type constraint struct {
	allowed  []constKey // the value must be one of these (nil: no such demand)
	excluded []constKey
	lo, hi   int64 // integer bounds, inclusive
	ints     bool
	patterns []ast.Matcher // == with wildcards: the value must match each
	unlike   []ast.Matcher // != with wildcards: the value must match none
	missing  bool          // != '*': the field must hold no string at all
	// likeSrc and unlikeSrc are the patterns of patterns and unlike, compared with each
	// other (see within).
	likeSrc, unlikeSrc []ast.Pattern
}

// fieldConstraint is the constraint on one field.
type fieldConstraint struct {
	f *schema.Field
	k constraint
}

// chain analyses one chain of ANDs: the comparisons among its operands first, then each OR
// among them, which can never be true when none of its alternatives can be true together with
// those comparisons. It reports the first operand found that can never be true.
func (c *checker) chain(b *ast.Binary) bool {
	var conjBuf [16]ast.Expr
	conj := ast.AppendOperands(conjBuf[:0], b, ast.And)
	// The constraints: as many as the fields the chain compares, a few, searched in order.
	var consBuf [8]fieldConstraint
	cons, e, why := c.constrain(consBuf[:0], conj)
	var orBuf [4]*ast.Binary
	ors := orBuf[:0]
	for _, x := range conj {
		if o, ok := x.(*ast.Binary); ok && o.Op == ast.Or && why == "" {
			if why = c.orNever(cons, o); why != "" {
				e = x
			}
			ors = append(ors, o)
		}
	}
	// Each OR may be possible on its own and the ORs impossible together:
	// (A == 1 OR A == 2) AND (A == 3 OR A == 4). Try the combinations of their
	// alternatives, up to a budget.
	budget := maxCombinations
	if why == "" && len(ors) > 1 && c.orsNever(cons, ors, &budget) {
		e = ors[len(ors)-1]
		why = "none of its alternatives can be, whichever alternatives the other ORs of the chain take"
	}
	if why == "" {
		return false
	}
	c.report(e.Span(), diag.Warning, diag.NeverTrue, "this condition can never be true together with the others of its AND chain: %s", why)
	return true
}

// constrain adds the comparisons among conj, the operands of a chain of ANDs, to the
// constraints cons. It returns the constraints, and the first comparison that makes them
// unsatisfiable with the reason, if one does.
func (c *checker) constrain(cons []fieldConstraint, conj []ast.Expr) ([]fieldConstraint, ast.Expr, string) {
	get := func(f *schema.Field) *constraint {
		for i := range cons {
			if cons[i].f == f {
				return &cons[i].k
			}
		}
		cons = append(cons, fieldConstraint{f: f, k: constraint{lo: -1 << 63, hi: 1<<63 - 1}})
		return &cons[len(cons)-1].k
	}
	for _, e := range conj {
		var why string
		switch e := e.(type) {
		case *ast.Compare:
			f := c.info.Fields[e.Field]
			if f == nil || f.Array || c.typeErr(f, e.Value) {
				continue
			}
			why = c.apply(get(f), f, e.Op, []*ast.Literal{e.Value})
		case *ast.In:
			f := c.info.Fields[e.Field]
			if f == nil || f.Array || len(e.Values) == 0 || slices.ContainsFunc(e.Values, func(v *ast.Literal) bool { return c.typeErr(f, v) }) {
				continue
			}
			why = c.apply(get(f), f, ast.Eq, e.Values)
		}
		if why != "" {
			return cons, e, why
		}
	}
	return cons, nil, ""
}

// orNever says why none of the alternatives of the OR o can be true together with the
// constraints cons, or returns "" when one may be. An alternative is a chain of ANDs (often a
// single comparison); the ORs among its operands are looked into in the same way.
func (c *checker) orNever(cons []fieldConstraint, o *ast.Binary) string {
	var altBuf [8]ast.Expr
	first := ""
	for _, alt := range ast.AppendOperands(altBuf[:0], o, ast.Or) {
		_, why := c.alternative(cons, alt)
		if why == "" {
			return ""
		}
		if first == "" {
			first = why
		}
	}
	return "none of its alternatives can be (the first: " + first + ")"
}

// maxCombinations bounds the alternatives orsNever tries for one chain.
const maxCombinations = 256

// orsNever reports whether no choice of one alternative of each OR in ors can be true
// together with cons. It gives up, reporting false, once it has tried *budget alternatives.
func (c *checker) orsNever(cons []fieldConstraint, ors []*ast.Binary, budget *int) bool {
	var altBuf [8]ast.Expr
	for _, alt := range ast.AppendOperands(altBuf[:0], ors[0], ast.Or) {
		if *budget--; *budget < 0 {
			return false
		}
		sub, why := c.alternative(cons, alt)
		if why != "" {
			continue
		}
		if len(ors) == 1 || !c.orsNever(sub, ors[1:], budget) {
			return false
		}
	}
	return true
}

// alternative adds the alternative alt of an OR to a copy of cons, and says why they cannot
// be true together, or "".
func (c *checker) alternative(cons []fieldConstraint, alt ast.Expr) ([]fieldConstraint, string) {
	var conjBuf [16]ast.Expr
	conj := ast.AppendOperands(conjBuf[:0], alt, ast.And)
	sub, _, why := c.constrain(cloneConstraints(cons), conj)
	for _, x := range conj {
		if why != "" {
			break
		}
		if inner, ok := x.(*ast.Binary); ok && inner.Op == ast.Or {
			why = c.orNever(sub, inner)
		}
	}
	return sub, why
}

// cloneConstraints copies cons so that adding to the copy leaves cons as it is (apply filters
// a constraint's allowed values in place and appends to its lists).
func cloneConstraints(cons []fieldConstraint) []fieldConstraint {
	out := make([]fieldConstraint, len(cons), len(cons)+2)
	for i, fc := range cons {
		fc.k.allowed = slices.Clone(fc.k.allowed)
		fc.k.excluded = slices.Clip(fc.k.excluded)
		fc.k.patterns = slices.Clip(fc.k.patterns)
		fc.k.unlike = slices.Clip(fc.k.unlike)
		fc.k.likeSrc = slices.Clip(fc.k.likeSrc)
		fc.k.unlikeSrc = slices.Clip(fc.k.unlikeSrc)
		out[i] = fc
	}
	return out
}

func (c *checker) typeErr(f *schema.Field, v *ast.Literal) bool {
	switch f.Type {
	case schema.String:
		return v.Kind != ast.String
	case schema.Integer:
		_, ok := c.info.Ints[v]
		return !ok
	}
	return v.Kind != ast.Bool
}

// apply adds "f op values" (values OR-ed) to k and says why k became unsatisfiable, or "".
func (c *checker) apply(k *constraint, f *schema.Field, op ast.CmpOp, vals []*ast.Literal) string {
	if f.Type == schema.Integer && op.Ordering() {
		n := c.info.Ints[vals[0]]
		k.ints = true
		switch op {
		case ast.Gt:
			if n == 1<<63-1 {
				return fmt.Sprintf("no integer is greater than %d", n)
			}
			k.lo = max(k.lo, n+1)
		case ast.Ge:
			k.lo = max(k.lo, n)
		case ast.Lt:
			if n == -1<<63 {
				return fmt.Sprintf("no integer is less than %d", n)
			}
			k.hi = min(k.hi, n-1)
		case ast.Le:
			k.hi = min(k.hi, n)
		}
	} else {
		var exactBuf [8]constKey
		exact := exactBuf[:0]
		var pat ast.Matcher // the pattern of an == with wildcards
		var patSrc ast.Pattern
		hasPat, patAll := false, false
		for _, v := range vals {
			switch v.Kind {
			case ast.String:
				p := c.info.Patterns[v]
				if p.IsLiteral() {
					s := p.Literal()
					if c.opt.IgnoreCase {
						s = strings.ToLower(s)
					}
					exact = append(exact, constKey{kind: ast.String, text: s})
				} else if len(vals) == 1 {
					pat, patSrc, hasPat = ast.NewMatcher(p, c.opt.IgnoreCase), p, true
					patAll = !slices.ContainsFunc(p.Segs, func(s ast.Seg) bool { return s.Kind != ast.Star })
				} else {
					return "" // an in list with wildcards: too loose to reason about
				}
			case ast.Int:
				exact = append(exact, constKey{kind: ast.Int, n: c.info.Ints[v]})
			case ast.Bool:
				exact = append(exact, constKey{kind: ast.Bool, text: strings.ToLower(v.Raw)})
			}
		}
		switch {
		case op == ast.Ne:
			if len(exact) == 1 {
				if k.excluded == nil {
					k.excluded = c.keep(exact)
				} else {
					k.excluded = append(k.excluded, exact[0])
				}
			}
			if hasPat {
				k.unlike = append(k.unlike, pat)
				k.unlikeSrc = append(k.unlikeSrc, patSrc)
				k.missing = k.missing || patAll
			}
		case hasPat:
			k.patterns = append(k.patterns, pat)
			k.likeSrc = append(k.likeSrc, patSrc)
		case k.allowed == nil:
			k.allowed = c.keep(exact)
		default:
			keep := k.allowed[:0] // k.allowed is k's own: filtered in place
			for _, a := range k.allowed {
				if slices.Contains(exact, a) {
					keep = append(keep, a)
				}
			}
			k.allowed = keep
		}
	}
	if k.lo > k.hi {
		return fmt.Sprintf("%s cannot be both ≥ %d and ≤ %d", f.Name, k.lo, k.hi)
	}
	if k.missing && (k.allowed != nil || len(k.patterns) > 0) {
		return fmt.Sprintf("%s cannot both hold no string (!= '*') and equal one", f.Name)
	}
	for _, p := range k.likeSrc {
		for _, u := range k.unlikeSrc {
			if within(p, u, c.opt.IgnoreCase) {
				return fmt.Sprintf("%s cannot match %s and not match %s, which takes in every value the first matches", f.Name, ast.QuotePattern(p), ast.QuotePattern(u))
			}
		}
	}
	if k.allowed == nil {
		return ""
	}
	for _, a := range k.allowed {
		if slices.Contains(k.excluded, a) || slices.ContainsFunc(k.unlike, func(m ast.Matcher) bool { return m.Match(a.text) }) {
			continue
		}
		// Bounds apply to an integer field's values, patterns to a string field's.
		if k.ints && a.kind == ast.Int && (a.n < k.lo || a.n > k.hi) {
			continue
		}
		if !slices.ContainsFunc(k.patterns, func(m ast.Matcher) bool { return !m.Match(a.text) }) {
			return "" // a is left
		}
	}
	return fmt.Sprintf("%s cannot equal all of the values the chain requires", f.Name)
}

// keep returns a copy of ks (nil when ks is empty), cut from room the checker keeps for the
// values of the chain analyses, and with no spare capacity.
func (c *checker) keep(ks []constKey) []constKey {
	if len(ks) == 0 {
		return nil
	}
	if cap(c.keys)-len(c.keys) < len(ks) {
		c.keys = make([]constKey, 0, max(c.lits, len(ks)))
	}
	n := len(c.keys)
	c.keys = append(c.keys, ks...)
	return c.keys[n:len(c.keys):len(c.keys)]
}
