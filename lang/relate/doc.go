// Package relate decides, from two filters alone, how what they match relates: whether NEW is
// equivalent to OLD, broader (it matches every event OLD matches, and more), narrower, or
// incomparable, with a witness: a small event, built from the schema, that one matches and the
// other does not, checked by the evaluator before it is returned.
//
// The answer is sound. A difference is only said to be empty when it is proved: the difference
// OLD AND NOT NEW is put in disjunctive normal form (NOT pushed down to the comparisons, exactly
// as the evaluator reads them: != is NOT ==, and NOT of an ordering comparison is the opposite
// comparison or a missing field), and each conjunction is shown impossible either because it
// demands a field be missing and compared at once, or by the checker's own reasoning
// ([check.NeverTrue], the logic behind KF0501), not by a second copy of it. A difference is
// only said to be non-empty with a witness that the evaluator confirms. Anything else, or
// reaching a bound (the number of conjunctions), gives [Unknown], never a guess.
//
// Events are taken to follow the schema: each field missing or holding a value of its type
// (an array for a path through an array). That is the set over which the answer holds.
package relate
