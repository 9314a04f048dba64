package certs_test

import (
	"fmt"

	"github.com/katafilter/katafilter/eventsapi/certs"
)

// Example makes an external system's client certificate and prints the length of its
// fingerprint, the form in which the administrator sees it.
func Example() {
	p, err := certs.New(certs.Options{CommonName: "siem"})
	if err != nil {
		fmt.Println(err)
		return
	}
	fp, _ := p.Fingerprint()
	norm, _ := certs.NormalizeFingerprint("AB:CD:EF")
	fmt.Println(len(fp), norm)
	// Output: 64 abcdef
}
