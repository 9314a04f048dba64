package server

import (
	"encoding/base64"
	"testing"
)

func TestTokenRoundTrip(t *testing.T) {
	key := []byte("0123456789abcdef0123456789abcdef")
	id := [16]byte{1, 2, 3}
	fp := fpPrefix("aabbccddeeff00112233")
	tok := token{node: nodeHash("pcn"), id: id, fp: fp, seq: 42, hasFilter: true, filter: [16]byte{9}, issued: 1764000000}
	s := tok.encode(key)
	got, err := decodeToken(s, key, nodeHash("pcn"), id, fp)
	if err != nil || got != tok {
		t.Fatalf("got %+v %v", got, err)
	}
	tests := []struct {
		name string
		s    string
		key  []byte
		node string
		id   [16]byte
		fp   [8]byte
		err  error
	}{
		{"other key", s, []byte("another key"), "pcn", id, fp, errTokenMalformed},
		{"other node", s, key, "scn1", id, fp, errTokenNode},
		{"other id", s, key, "pcn", [16]byte{7}, fp, errTokenForeign},
		{"other certificate", s, key, "pcn", id, fpPrefix("ff"), errTokenForeign},
		{"truncated", s[:len(s)-3], key, "pcn", id, fp, errTokenMalformed},
		{"not base64", "!!!", key, "pcn", id, fp, errTokenMalformed},
		{"empty body", "AQ", key, "pcn", id, fp, errTokenMalformed},
	}
	for _, tt := range tests {
		if _, err := decodeToken(tt.s, tt.key, nodeHash(tt.node), tt.id, tt.fp); err != tt.err {
			t.Errorf("%s: got %v, want %v", tt.name, err, tt.err)
		}
	}
	// A token of another node, signed with that node's key, is another node's; a token of
	// this node whose node bytes were altered is invalid, not another node's.
	scnKey := []byte("fedcba9876543210fedcba9876543210")
	if _, err := decodeToken(token{node: nodeHash("scn1"), id: id, fp: fp}.encode(scnKey), key, nodeHash("pcn"), id, fp); err != errTokenNode {
		t.Errorf("another node's token: got %v, want %v", err, errTokenNode)
	}
	raw, _ := base64.RawURLEncoding.DecodeString(s)
	for i := 1; i < 5; i++ {
		b := append([]byte(nil), raw...)
		b[i] ^= 0x20
		if _, err := decodeToken(base64.RawURLEncoding.EncodeToString(b), key, nodeHash("pcn"), id, fp); err != errTokenMalformed {
			t.Errorf("node byte %d altered: got %v, want %v", i, err, errTokenMalformed)
		}
	}
	// Every single-character change is detected.
	for i := range s {
		b := []byte(s)
		if b[i] == 'A' {
			b[i] = 'B'
		} else {
			b[i] = 'A'
		}
		if _, err := decodeToken(string(b), key, nodeHash("pcn"), id, fp); err == nil {
			t.Fatalf("altering character %d went unnoticed", i)
		}
	}
}

func FuzzDecodeToken(f *testing.F) {
	key := []byte("k")
	f.Add(token{seq: 1}.encode(key))
	f.Add("")
	f.Fuzz(func(t *testing.T, s string) {
		decodeToken(s, key, 0, [16]byte{}, [8]byte{}) // must not panic
	})
}
