package relate_test

import (
	"encoding/json"
	"fmt"

	"github.com/katafilter/katafilter/lang"
	"github.com/katafilter/katafilter/lang/relate"
)

func ExampleCompare() {
	old := lang.Analyze("EventType == 'process' AND FileSize > 1000", lang.Config{})
	new := lang.Analyze("EventType == 'process' AND FileSize > 100", lang.Config{})
	r, err := relate.Compare(relate.Filter{Expr: old.Expr, Info: old.Info}, relate.Filter{Expr: new.Expr, Info: new.Info}, relate.Options{})
	if err != nil {
		panic(err)
	}
	w, _ := json.Marshal(r.Witness)
	fmt.Println(r.Relation, string(w))
	// Output: broader {"EventType":"process","FileSize":101}
}
