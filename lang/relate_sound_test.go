package lang_test

import (
	"encoding/json"
	"math/rand/v2"
	"testing"

	"github.com/katafilter/katafilter/lang"
	"github.com/katafilter/katafilter/lang/eval"
	"github.com/katafilter/katafilter/lang/relate"
)

// TestRelateSound holds relate.Compare to the evaluator on random pairs of filters: a
// relation it claims holds on every event of a set that takes each field through the filters'
// constants, their neighbours and absence (equivalent: no event tells them apart; broader: no
// event OLD matches is missed by NEW; narrower likewise), and each witness, compiled anew from
// the sources, matches the side it should and not the other. A test of soundness; the counts
// at the end keep it from holding the comparison to nothing.
func TestRelateSound(t *testing.T) {
	events := neverTrueEvents()
	rng := rand.New(rand.NewPCG(14, 3))
	counts := map[relate.Relation]int{}
	whole := 0 // differences proved empty by the checker on the whole, past the bound
	for range 4000 {
		old := randomLogicFilter(rng, 3)
		var new string
		switch rng.IntN(4) {
		case 0:
			new = old + " AND " + randomLogicComparison(rng)
		case 1:
			new = "(" + old + ") OR " + randomLogicComparison(rng)
		case 2:
			new = randomLogicFilter(rng, 3)
		default:
			new = "NOT NOT (" + old + ")"
		}
		fo, fn := lang.Analyze(old, lang.Config{}), lang.Analyze(new, lang.Config{})
		if fo.Diagnostics.HasErrors() || fn.Diagnostics.HasErrors() {
			continue
		}
		r, err := relate.Compare(relate.Filter{Expr: fo.Expr, Info: fo.Info}, relate.Filter{Expr: fn.Expr, Info: fn.Info}, relate.Options{})
		if err != nil {
			t.Fatal(err)
		}
		counts[r.Relation]++
		po, _ := lang.Compile(old, lang.Config{})
		pn, _ := lang.Compile(new, lang.Config{})
		check := func(ev any, what string) {
			if ev == nil {
				return
			}
			// Through JSON, as a user would feed the witness back.
			data, _ := json.Marshal(ev)
			v, err := eval.Decode(data)
			if err != nil {
				t.Fatal(err)
			}
			wantOld, wantNew := what == "only old", what == "only new"
			if po.Match(v) != wantOld || pn.Match(v) != wantNew {
				t.Fatalf("OLD %s\nNEW %s\n%s witness %s: OLD %v, NEW %v", old, new, what, data, po.Match(v), pn.Match(v))
			}
		}
		if r.OnlyOld.Witness != nil {
			check(r.OnlyOld.Witness, "only old")
		}
		if r.OnlyNew.Witness != nil {
			check(r.OnlyNew.Witness, "only new")
		}
		// With a bound of 2 conjunctions, most differences go to the checker whole (nnf).
		r2, err := relate.Compare(relate.Filter{Expr: fo.Expr, Info: fo.Info}, relate.Filter{Expr: fn.Expr, Info: fn.Info}, relate.Options{MaxTerms: 2})
		if err != nil {
			t.Fatal(err)
		}
		if r2.OnlyOld.Empty || r2.OnlyNew.Empty {
			whole++
		}
		for _, ev := range events {
			mo, mn := po.Match(ev), pn.Match(ev)
			for _, r := range []*relate.Result{r, r2} {
				if mo && !mn && r.OnlyOld.Empty || mn && !mo && r.OnlyNew.Empty {
					data, _ := json.Marshal(ev)
					t.Fatalf("OLD %s\nNEW %s\nsaid %s, but %s tells them apart (OLD %v, NEW %v)", old, new, r.Relation, data, mo, mn)
				}
			}
		}
	}
	t.Logf("relations: %v; %d proved empty whole", counts, whole)
	if whole < 100 {
		t.Errorf("only %d differences proved empty past the bound", whole)
	}
	for _, rel := range []relate.Relation{relate.Equivalent, relate.Broader, relate.Narrower, relate.Incomparable} {
		if counts[rel] < 100 {
			t.Errorf("only %d pairs found %s", counts[rel], rel)
		}
	}
}
