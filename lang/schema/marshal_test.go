package schema

import (
	"reflect"
	"testing"
)

// TestMarshalFieldsRoundTrip: what MarshalFields writes, Extend reads back into the same fields.
func TestMarshalFieldsRoundTrip(t *testing.T) {
	data, err := MarshalFields(Default().Fields())
	if err != nil {
		t.Fatal(err)
	}
	back, err := (&Schema{}).Extend(data, "marshalled")
	if err != nil {
		t.Fatal(err)
	}
	want, got := Default().Fields(), back.Fields()
	if len(got) != len(want) {
		t.Fatalf("%d fields back, want %d", len(got), len(want))
	}
	for i := range want {
		if !reflect.DeepEqual(got[i], want[i]) {
			t.Errorf("field %d: got %+v, want %+v", i, *got[i], *want[i])
		}
	}
}
