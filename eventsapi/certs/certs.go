// Package certs makes the keys and self-signed certificates the events API needs: the server's
// certificate (valid for loopback names and any names given) and the external systems' client
// certificates, and computes the SHA-256 fingerprint by which a client certificate is known.
package certs

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Options describe a certificate to make.
type Options struct {
	// CommonName is the subject's common name.
	CommonName string
	// Hosts are DNS names and IP addresses the certificate is valid for (server certificates).
	Hosts []string
	// Validity is how long the certificate is valid; zero means ten years.
	Validity time.Duration
	// Server marks a server certificate (extended key usage serverAuth), otherwise a client one.
	Server bool
}

// Pair is a PEM-encoded certificate and its private key.
type Pair struct {
	CertPEM []byte
	KeyPEM  []byte
}

// New makes a fresh ECDSA P-256 key and a self-signed certificate for it.
func New(opt Options) (Pair, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return Pair{}, err
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 126))
	if err != nil {
		return Pair{}, err
	}
	validity := opt.Validity
	if validity == 0 {
		validity = 10 * 365 * 24 * time.Hour
	}
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{CommonName: opt.CommonName, Organization: []string{"katafilter"}},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(validity),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		BasicConstraintsValid: true,
		IsCA:                  opt.Server, // a self-signed server certificate is its own trust anchor
	}
	if opt.Server {
		tmpl.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}
	} else {
		tmpl.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}
	}
	for _, h := range opt.Hosts {
		if ip := net.ParseIP(h); ip != nil {
			tmpl.IPAddresses = append(tmpl.IPAddresses, ip)
		} else if h != "" {
			tmpl.DNSNames = append(tmpl.DNSNames, h)
		}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return Pair{}, err
	}
	kder, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		return Pair{}, err
	}
	return Pair{
		CertPEM: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
		KeyPEM:  pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kder}),
	}, nil
}

// TLS returns the pair as a [tls.Certificate].
func (p Pair) TLS() (tls.Certificate, error) { return tls.X509KeyPair(p.CertPEM, p.KeyPEM) }

// Fingerprint returns the fingerprint of the pair's certificate.
func (p Pair) Fingerprint() (string, error) {
	b, _ := pem.Decode(p.CertPEM)
	if b == nil {
		return "", errors.New("certs: no PEM certificate")
	}
	return Fingerprint(b.Bytes), nil
}

// Write writes the certificate and the key (mode 0600) to the two files, creating the
// directory if needed. Existing files are replaced.
func (p Pair) Write(certFile, keyFile string) error {
	if err := os.MkdirAll(filepath.Dir(certFile), 0o755); err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(keyFile), 0o700); err != nil {
		return err
	}
	if err := os.WriteFile(keyFile, p.KeyPEM, 0o600); err != nil {
		return err
	}
	return os.WriteFile(certFile, p.CertPEM, 0o644)
}

// Load reads a pair from a certificate and a key file and checks that they belong together.
func Load(certFile, keyFile string) (Pair, error) {
	c, err := os.ReadFile(certFile)
	if err != nil {
		return Pair{}, err
	}
	k, err := os.ReadFile(keyFile)
	if err != nil {
		return Pair{}, err
	}
	p := Pair{CertPEM: c, KeyPEM: k}
	if _, err := p.TLS(); err != nil {
		return Pair{}, fmt.Errorf("certs: %s and %s: %w", certFile, keyFile, err)
	}
	return p, nil
}

// Fingerprint returns the SHA-256 fingerprint of a DER certificate as 64 lower-case hex digits,
// the form in which the server records and the admin command shows client certificates.
func Fingerprint(der []byte) string {
	s := sha256.Sum256(der)
	return hex.EncodeToString(s[:])
}

// NormalizeFingerprint accepts a fingerprint (or a prefix of one) written in hex with or without
// colons, in either case, and returns it in the canonical form of [Fingerprint].
func NormalizeFingerprint(s string) (string, error) {
	s = strings.ToLower(strings.NewReplacer(":", "", " ", "").Replace(strings.TrimSpace(s)))
	if _, err := hex.DecodeString(s + strings.Repeat("0", len(s)%2)); err != nil || s == "" || len(s) > 64 {
		return "", fmt.Errorf("certs: %q is not a SHA-256 fingerprint (64 hex digits)", s)
	}
	return s, nil
}

// CertPool returns a pool holding the PEM certificates in data.
func CertPool(data []byte) (*x509.CertPool, error) {
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(data) {
		return nil, errors.New("certs: no PEM certificate found")
	}
	return pool, nil
}
