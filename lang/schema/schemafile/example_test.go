package schemafile_test

import (
	"fmt"

	"github.com/katafilter/katafilter/lang"
	"github.com/katafilter/katafilter/lang/schema"
	"github.com/katafilter/katafilter/lang/schema/schemafile"
)

// A schema extension in YAML adds a field, which filters may then name.
func ExampleExtend() {
	data := []byte("fields:\n  - name: Custom.Score\n    type: integer\n")
	s, err := schemafile.Extend(schema.Default(), data, "extra.yaml")
	if err != nil {
		fmt.Println(err)
		return
	}
	f := lang.Analyze(`EventType == 'process' AND Custom.Score > 5`, lang.Config{Schema: s})
	fmt.Println(len(f.Diagnostics), "diagnostics")
	// Output:
	// 0 diagnostics
}
