package relate

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/katafilter/katafilter/lang/ast"
	"github.com/katafilter/katafilter/lang/check"
	"github.com/katafilter/katafilter/lang/eval"
	"github.com/katafilter/katafilter/lang/schema"
)

// Relation is how NEW relates to OLD.
type Relation string

// The relations.
const (
	Equivalent   Relation = "equivalent"   // they match the same events
	Broader      Relation = "broader"      // NEW matches every event OLD matches, and more
	Narrower     Relation = "narrower"     // OLD matches every event NEW matches, and more
	Incomparable Relation = "incomparable" // each matches an event the other does not
	Unknown      Relation = "unknown"      // not decided within the bounds
)

// Filter is one side: a filter without errors, checked.
type Filter struct {
	Expr ast.Expr
	Info *check.Info
}

// Options configures [Compare].
type Options struct {
	// Schema is the schema the filters were checked with; nil means [schema.Default].
	Schema *schema.Schema
	// IgnoreCase compares strings without regard to case, as the evaluator will.
	IgnoreCase bool
	// MaxTerms bounds the conjunctions of each difference in disjunctive normal form;
	// 0 means 4096. Past it the difference is unknown.
	MaxTerms int
}

// Event is an event as the evaluator reads decoded JSON: nested maps, strings, int64 and bools.
type Event = map[string]any

// Difference is what is known of one difference (the events one filter matches and the other
// does not).
type Difference struct {
	// Empty is set when the difference is proved empty.
	Empty bool
	// Witness is an event in the difference, checked by the evaluator; nil when the
	// difference is empty or none was found.
	Witness Event
	// Why says, for a difference neither proved empty nor witnessed, which bound was reached.
	Why string
}

// Result is the outcome of [Compare].
type Result struct {
	Relation Relation
	// Witness is, for Broader, an event NEW matches and OLD does not; for Narrower, one OLD
	// matches and NEW does not; for Incomparable, one NEW matches and OLD does not (OnlyOld
	// holds the other); nil for Equivalent and, mostly, Unknown.
	Witness Event
	// OnlyOld is the difference OLD AND NOT NEW, OnlyNew the difference NEW AND NOT OLD.
	OnlyOld, OnlyNew Difference
}

// Compare decides how NEW relates to OLD. Both must be free of errors; an error is returned
// when one cannot be compiled.
func Compare(old, new Filter, opt Options) (*Result, error) {
	if opt.Schema == nil {
		opt.Schema = schema.Default()
	}
	if opt.MaxTerms <= 0 {
		opt.MaxTerms = 4096
	}
	info := mergeInfo(old.Info, new.Info)
	eo := eval.Options{IgnoreCase: opt.IgnoreCase}
	po, err := eval.Compile(old.Expr, info, eo)
	if err != nil {
		return nil, fmt.Errorf("old filter: %w", err)
	}
	pn, err := eval.Compile(new.Expr, info, eo)
	if err != nil {
		return nil, fmt.Errorf("new filter: %w", err)
	}
	s := &solver{info: info, opt: opt}
	r := &Result{
		OnlyOld: s.difference(old.Expr, new.Expr, po, pn),
		OnlyNew: s.difference(new.Expr, old.Expr, pn, po),
	}
	switch {
	case r.OnlyOld.Empty && r.OnlyNew.Empty:
		r.Relation = Equivalent
	case r.OnlyOld.Empty && r.OnlyNew.Witness != nil:
		r.Relation, r.Witness = Broader, r.OnlyNew.Witness
	case r.OnlyNew.Empty && r.OnlyOld.Witness != nil:
		r.Relation, r.Witness = Narrower, r.OnlyOld.Witness
	case r.OnlyOld.Witness != nil && r.OnlyNew.Witness != nil:
		r.Relation, r.Witness = Incomparable, r.OnlyNew.Witness
	default:
		r.Relation = Unknown
	}
	return r, nil
}

// mergeInfo joins the side tables of the two filters, whose nodes are distinct.
func mergeInfo(a, b *check.Info) *check.Info {
	m := &check.Info{Fields: map[*ast.Field]*schema.Field{}, Patterns: map[*ast.Literal]ast.Pattern{}, Ints: map[*ast.Literal]int64{}}
	for _, in := range []*check.Info{a, b} {
		for k, v := range in.Fields {
			m.Fields[k] = v
		}
		for k, v := range in.Patterns {
			m.Patterns[k] = v
		}
		for k, v := range in.Ints {
			m.Ints[k] = v
		}
	}
	return m
}

// lit is one literal of a conjunction: a comparison (Compare or In) as the evaluator reads
// it, or, when absent is set, "the field holds no value".
type lit struct {
	x      ast.Expr
	absent *ast.Field
}

func (l lit) field() *ast.Field {
	if l.absent != nil {
		return l.absent
	}
	switch x := l.x.(type) {
	case *ast.Compare:
		return x.Field
	case *ast.In:
		return x.Field
	}
	return nil
}

type solver struct {
	info *check.Info
	opt  Options
}

// difference decides a AND NOT b: each conjunction of its normal form is proved impossible or
// searched for a witness, which pa and pb (a and b compiled) confirm.
func (s *solver) difference(a, b ast.Expr, pa, pb *eval.Program) Difference {
	diff := &ast.Binary{Op: ast.And, X: a, Y: &ast.Not{X: b}}
	terms, ok := s.dnf(diff, false)
	if !ok {
		// Too many conjunctions to take one by one: the checker may still see at once that
		// the whole difference is never true (a chain that pins EventType both ways, say).
		if check.NeverTrue(nnf(diff, false), s.info, s.checkOptions()) {
			return Difference{Empty: true}
		}
		return Difference{Why: fmt.Sprintf("the difference has more than %d conjunctions in normal form", s.opt.MaxTerms)}
	}
	open := 0
	for _, t := range terms {
		if s.impossible(t) {
			continue
		}
		if ev := s.witness(t, pa, pb); ev != nil {
			return Difference{Witness: ev}
		}
		open++
	}
	if open == 0 {
		return Difference{Empty: true}
	}
	return Difference{Why: fmt.Sprintf("%d of %d conjunctions neither proved impossible nor witnessed", open, len(terms))}
}

// dnf returns x (negated when neg) in disjunctive normal form, and false past the bound.
func (s *solver) dnf(x ast.Expr, neg bool) ([][]lit, bool) {
	switch x := x.(type) {
	case *ast.Paren:
		return s.dnf(x.X, neg)
	case *ast.Not:
		return s.dnf(x.X, !neg)
	case *ast.Binary:
		l, ok := s.dnf(x.X, neg)
		if !ok {
			return nil, false
		}
		r, ok := s.dnf(x.Y, neg)
		if !ok {
			return nil, false
		}
		if (x.Op == ast.Or) != neg { // an OR, or a negated AND: either side
			if len(l)+len(r) > s.opt.MaxTerms {
				return nil, false
			}
			return append(l, r...), true
		}
		if len(l)*len(r) > s.opt.MaxTerms {
			return nil, false
		}
		out := make([][]lit, 0, len(l)*len(r))
		for _, p := range l {
			for _, q := range r {
				out = append(out, append(slices.Clip(p), q...))
			}
		}
		return out, true
	case *ast.Compare, *ast.In:
		if !neg {
			return [][]lit{{{x: x}}}, true
		}
		if t := negated(x); t != nil {
			return [][]lit{t}, true
		}
		// NOT (F > 5): F holds no value, or one (for an array, some element) that is ≤ 5. For
		// an array the second holds of more events than the NOT does; the normal form may be
		// larger than the difference, never smaller, and only its impossibility is relied on.
		c := x.(*ast.Compare)
		return [][]lit{{{x: &ast.Compare{Field: c.Field, Op: opposite(c.Op), Value: c.Value}}}, {{absent: c.Field}}}, true
	}
	// A node the comparison does not know (none in a filter without errors): unknown, as
	// a conjunction that can be neither proved impossible nor witnessed.
	return [][]lit{{{x: x}}}, true
}

// negated returns NOT x, for a comparison x, as a conjunction of comparisons that means
// exactly the same: a != b is NOT (a == b), NOT (F in (a, b)) is F != a AND F != b. It
// returns nil for an ordering comparison, whose negation is also true of a missing field.
func negated(x ast.Expr) []lit {
	switch x := x.(type) {
	case *ast.Compare:
		switch x.Op {
		case ast.Eq:
			return []lit{{x: &ast.Compare{Field: x.Field, Op: ast.Ne, Value: x.Value}}}
		case ast.Ne:
			return []lit{{x: &ast.Compare{Field: x.Field, Op: ast.Eq, Value: x.Value}}}
		}
	case *ast.In:
		t := make([]lit, len(x.Values))
		for i, v := range x.Values {
			t[i] = lit{x: &ast.Compare{Field: x.Field, Op: ast.Ne, Value: v}}
		}
		return t
	}
	return nil
}

// nnf returns x (negated when neg) with NOT pushed down to the comparisons, without
// distributing AND over OR: NOT of an ordering comparison stays a NOT, which the checker's
// reasoning leaves out (it can only make the expression look satisfiable, never the reverse).
func nnf(x ast.Expr, neg bool) ast.Expr {
	switch x := x.(type) {
	case *ast.Paren:
		return nnf(x.X, neg)
	case *ast.Not:
		return nnf(x.X, !neg)
	case *ast.Binary:
		op := x.Op
		if neg {
			op = map[ast.LogicalOp]ast.LogicalOp{ast.And: ast.Or, ast.Or: ast.And}[op]
		}
		return &ast.Binary{Op: op, X: nnf(x.X, neg), Y: nnf(x.Y, neg)}
	case *ast.Compare, *ast.In:
		if !neg {
			return x
		}
		t := negated(x)
		if len(t) == 0 { // an ordering comparison, or an in list without values
			return &ast.Not{X: x}
		}
		var out ast.Expr
		for _, l := range t {
			if out == nil {
				out = l.x
			} else {
				out = &ast.Binary{Op: ast.And, X: out, Y: l.x}
			}
		}
		return out
	}
	if neg {
		return &ast.Not{X: x}
	}
	return x
}

func opposite(op ast.CmpOp) ast.CmpOp {
	switch op {
	case ast.Gt:
		return ast.Le
	case ast.Ge:
		return ast.Lt
	case ast.Lt:
		return ast.Ge
	}
	return ast.Gt // Le
}

// impossible reports whether the conjunction t is proved never true: a field both missing and
// compared by ==, in or an ordering (each false on a missing field), or the checker's reasoning.
func (s *solver) impossible(t []lit) bool {
	absent := map[string]bool{}
	for _, l := range t {
		if l.absent != nil {
			absent[s.key(l.absent)] = true
		}
	}
	var chain ast.Expr
	for _, l := range t {
		if l.absent != nil {
			continue
		}
		if c, ok := l.x.(*ast.Compare); !ok || c.Op != ast.Ne {
			if f := l.field(); f != nil && absent[s.key(f)] {
				return true
			}
		}
		if chain == nil {
			chain = l.x
		} else {
			chain = &ast.Binary{Op: ast.And, X: chain, Y: l.x}
		}
	}
	return chain != nil && check.NeverTrue(chain, s.info, s.checkOptions())
}

func (s *solver) checkOptions() check.Options {
	return check.Options{Schema: s.opt.Schema, IgnoreCase: s.opt.IgnoreCase}
}

func (s *solver) key(f *ast.Field) string { return strings.Join(s.info.Path(f), ".") }

// witness looks for an event that satisfies the conjunction t: for each field, the first of a
// few candidate values (missing first, then the constants t compares it with and their
// neighbours) that satisfies every literal of t on that field, as the evaluator says. The
// event is then confirmed (pa matches, pb does not) and made smaller field by field.
func (s *solver) witness(t []lit, pa, pb *eval.Program) Event {
	var keys []string
	byKey := map[string][]lit{}
	for _, l := range t {
		f := l.field()
		if f == nil {
			return nil
		}
		k := s.key(f)
		if _, ok := byKey[k]; !ok {
			keys = append(keys, k)
		}
		byKey[k] = append(byKey[k], l)
	}
	slices.Sort(keys)
	chosen := map[string]any{}
	for _, k := range keys {
		ls := byKey[k]
		progs := make([]*eval.Program, 0, len(ls))
		for _, l := range ls {
			if l.absent != nil {
				continue
			}
			p, err := eval.Compile(l.x, s.info, eval.Options{IgnoreCase: s.opt.IgnoreCase})
			if err != nil {
				return nil
			}
			progs = append(progs, p)
		}
		mustBeMissing := len(progs) < len(ls) // a literal says the field holds no value
		found := false
		for _, v := range s.candidates(ls) {
			if mustBeMissing && v != nil {
				break
			}
			if s.allMatch(progs, k, v) {
				chosen[k] = v
				found = true
				break
			}
		}
		if !found {
			return nil
		}
	}
	ev := build(chosen)
	if !pa.Match(ev) || pb.Match(ev) {
		return nil
	}
	// Smaller: drop each field that the difference does not need.
	for _, k := range keys {
		v := chosen[k]
		if v == nil {
			continue
		}
		delete(chosen, k)
		if e := build(chosen); pa.Match(e) && !pb.Match(e) {
			continue
		}
		chosen[k] = v
	}
	return build(chosen)
}

// allMatch reports whether every program matches the event holding only v at path k (v nil:
// the event without it).
func (s *solver) allMatch(progs []*eval.Program, k string, v any) bool {
	ev := build(map[string]any{k: v})
	for _, p := range progs {
		if !p.Match(ev) {
			return false
		}
	}
	return true
}

// build makes an event of values at dotted paths (nil: left out).
func build(vals map[string]any) Event {
	ev := Event{}
	keys := make([]string, 0, len(vals))
	for k := range vals {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		v := vals[k]
		if v == nil {
			continue
		}
		segs := strings.Split(k, ".")
		m := ev
		for _, seg := range segs[:len(segs)-1] {
			next, ok := m[seg].(map[string]any)
			if !ok {
				next = map[string]any{}
				m[seg] = next
			}
			m = next
		}
		m[segs[len(segs)-1]] = v
	}
	return ev
}

// candidates returns the values to try for a field that the literals ls compare: nil (the
// field missing) first, then values of the field's type made from the constants.
func (s *solver) candidates(ls []lit) []any {
	out := []any{nil}
	var lits []*ast.Literal
	var sf *schema.Field
	for _, l := range ls {
		switch x := l.x.(type) {
		case *ast.Compare:
			lits = append(lits, x.Value)
			sf = s.info.Fields[x.Field]
		case *ast.In:
			lits = append(lits, x.Values...)
			sf = s.info.Fields[x.Field]
		}
	}
	typ := schema.String
	if sf != nil {
		typ = sf.Type
	} else if len(lits) > 0 {
		switch lits[0].Kind {
		case ast.Int:
			typ = schema.Integer
		case ast.Bool:
			typ = schema.Boolean
		}
	}
	switch typ {
	case schema.Boolean:
		return append(out, true, false)
	case schema.Integer:
		seen := map[int64]bool{}
		add := func(n int64) {
			if !seen[n] {
				seen[n] = true
				out = append(out, n)
			}
		}
		for _, v := range lits {
			if n, ok := s.info.Ints[v]; ok {
				add(n)
				if n > -1<<63 {
					add(n - 1)
				}
				if n < 1<<63-1 {
					add(n + 1)
				}
			}
		}
		add(0)
		return out
	}
	var strs []string
	seen := map[string]bool{}
	add := func(t string) {
		if !seen[t] {
			seen[t] = true
			strs = append(strs, t)
		}
	}
	var pats []ast.Pattern
	for _, v := range lits {
		if p, ok := s.info.Patterns[v]; ok {
			add(instance(p, ""))
			add(instance(p, "x"))
			pats = append(pats, p)
		}
	}
	// A value that two patterns both need: one's instance followed by the other's.
	for i, p := range pats {
		for j, q := range pats {
			if i != j && len(strs) < 256 {
				add(instance(p, "") + instance(q, ""))
			}
		}
	}
	// A value equal to none of the constants.
	for i := 0; ; i++ {
		t := "other" + strconv.Itoa(i)
		if !seen[t] {
			add(t)
			break
		}
	}
	for _, t := range strs {
		out = append(out, t)
	}
	return out
}

// instance returns a text the pattern matches: its text, with fill for each * and x for each ?.
func instance(p ast.Pattern, fill string) string {
	var b strings.Builder
	for _, sg := range p.Segs {
		switch sg.Kind {
		case ast.Text:
			b.WriteString(sg.Text)
		case ast.Star:
			b.WriteString(fill)
		case ast.Quest:
			b.WriteString("x")
		}
	}
	return b.String()
}

// Sentence says what the relation means, in words about OLD and NEW.
func (r *Result) Sentence() string {
	switch r.Relation {
	case Equivalent:
		return "NEW is equivalent to OLD: they match the same events"
	case Broader:
		return "NEW is broader than OLD: it matches every event OLD matches, and more"
	case Narrower:
		return "NEW is narrower than OLD: OLD matches every event NEW matches, and more"
	case Incomparable:
		return "NEW and OLD are incomparable: each matches events the other does not"
	}
	why := r.OnlyOld.Why
	if why == "" {
		why = r.OnlyNew.Why
	}
	return "unknown: the relation could not be decided (" + why + ")"
}
