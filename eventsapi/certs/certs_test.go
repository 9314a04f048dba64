package certs_test

import (
	"crypto/x509"
	"encoding/pem"
	"path/filepath"
	"testing"

	"github.com/katafilter/katafilter/eventsapi/certs"
)

func TestNewWriteLoad(t *testing.T) {
	p, err := certs.New(certs.Options{CommonName: "srv", Hosts: []string{"localhost", "127.0.0.1", "kata.example"}, Server: true})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := pem.Decode(p.CertPEM)
	c, err := x509.ParseCertificate(b.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.VerifyHostname("kata.example"); err != nil {
		t.Error(err)
	}
	if err := c.VerifyHostname("127.0.0.1"); err != nil {
		t.Error(err)
	}
	dir := t.TempDir()
	if err := p.Write(filepath.Join(dir, "a.crt"), filepath.Join(dir, "a.key")); err != nil {
		t.Fatal(err)
	}
	q, err := certs.Load(filepath.Join(dir, "a.crt"), filepath.Join(dir, "a.key"))
	if err != nil {
		t.Fatal(err)
	}
	fp1, _ := p.Fingerprint()
	fp2, _ := q.Fingerprint()
	if fp1 != fp2 || len(fp1) != 64 {
		t.Fatalf("%s %s", fp1, fp2)
	}
	other, _ := certs.New(certs.Options{})
	other.Write(filepath.Join(dir, "b.crt"), filepath.Join(dir, "b.key"))
	if _, err := certs.Load(filepath.Join(dir, "a.crt"), filepath.Join(dir, "b.key")); err == nil {
		t.Fatal("a certificate with another's key was accepted")
	}
}

func TestNormalizeFingerprint(t *testing.T) {
	tests := []struct{ in, out, err string }{
		{"AB:CD:0f", "abcd0f", ""},
		{" abc ", "abc", ""},
		{"xyz", "", `certs: "xyz" is not a SHA-256 fingerprint (64 hex digits)`},
		{"", "", `certs: "" is not a SHA-256 fingerprint (64 hex digits)`},
	}
	for _, tt := range tests {
		got, err := certs.NormalizeFingerprint(tt.in)
		if got != tt.out || (err == nil) != (tt.err == "") || (err != nil && err.Error() != tt.err) {
			t.Errorf("%q: got %q %v, want %q %s", tt.in, got, err, tt.out, tt.err)
		}
	}
}
