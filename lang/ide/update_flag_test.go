package ide_test

import "flag"

// go test ./lang/... -update passes -update to every package of the language core, whose
// golden files it rewrites; this package has none but must accept the flag.
func init() {
	if flag.Lookup("update") == nil {
		flag.Bool("update", false, "accepted for go test ./lang/... -update; no golden files here")
	}
}
