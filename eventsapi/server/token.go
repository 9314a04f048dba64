package server

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"hash/fnv"
)

// token is what a continuation token carries. The client sees it only as an opaque string:
// base64url of the fields below followed by a truncated HMAC-SHA256 over them.
type token struct {
	node      uint32   // hash of the node name that issued it
	id        [16]byte // external system ID
	fp        [8]byte  // start of the certificate fingerprint
	seq       uint64   // every event up to this sequence number has been considered
	hasFilter bool
	filter    [16]byte // key of the sticky filter in the store
	issued    int64    // Unix seconds
}

const (
	tokenVersion = 1
	tokenBody    = 1 + 4 + 16 + 8 + 8 + 1 + 16 + 8
	tokenMAC     = 16
)

var (
	errTokenMalformed = errors.New("continuation_token is invalid (malformed, forged or altered): use a token this server returned, or omit it to start a new stream")
	errTokenNode      = errors.New("continuation_token was issued by another node: each KATA server (PCN, SCN) keeps its own tokens")
	errTokenForeign   = errors.New("continuation_token was issued to another external system (ID and certificate): a token only continues its own stream")
)

func nodeHash(node string) uint32 {
	h := fnv.New32a()
	h.Write([]byte(node))
	return h.Sum32()
}

func fpPrefix(fp string) [8]byte {
	var out [8]byte
	b, _ := hex.DecodeString(fp)
	copy(out[:], b)
	return out
}

func (t token) encode(key []byte) string {
	b := make([]byte, 0, tokenBody+tokenMAC)
	b = append(b, tokenVersion)
	b = binary.BigEndian.AppendUint32(b, t.node)
	b = append(b, t.id[:]...)
	b = append(b, t.fp[:]...)
	b = binary.BigEndian.AppendUint64(b, t.seq)
	if t.hasFilter {
		b = append(b, 1)
	} else {
		b = append(b, 0)
	}
	b = append(b, t.filter[:]...)
	b = binary.BigEndian.AppendUint64(b, uint64(t.issued))
	m := hmac.New(sha256.New, key)
	m.Write(b)
	b = append(b, m.Sum(nil)[:tokenMAC]...)
	return base64.RawURLEncoding.EncodeToString(b)
}

// decodeToken checks a token's signature and its binding to node, external system and
// certificate, in that order, so that the error says what is wrong.
// signedWithNode reports whether mac signs body under key once body's node bytes say node.
func signedWithNode(body, mac, key []byte, node uint32) bool {
	b := append([]byte(nil), body...)
	binary.BigEndian.PutUint32(b[1:5], node)
	m := hmac.New(sha256.New, key)
	m.Write(b)
	return hmac.Equal(mac, m.Sum(nil)[:tokenMAC])
}

func decodeToken(s string, key []byte, node uint32, id [16]byte, fp [8]byte) (token, error) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		// Tolerate standard padding that a client may have added.
		if b, err = base64.URLEncoding.DecodeString(s); err != nil {
			return token{}, errTokenMalformed
		}
	}
	if len(b) != tokenBody+tokenMAC || b[0] != tokenVersion {
		return token{}, errTokenMalformed
	}
	body, mac := b[:tokenBody], b[tokenBody:]
	var t token
	t.node = binary.BigEndian.Uint32(body[1:5])
	m := hmac.New(sha256.New, key)
	m.Write(body)
	if !hmac.Equal(mac, m.Sum(nil)[:tokenMAC]) {
		// Another node signs with its own key, which this one does not know. A token of
		// this node whose node bytes were altered is told apart: with this node's bytes put
		// back, its signature holds.
		if t.node != node && !signedWithNode(body, mac, key, node) {
			return token{}, errTokenNode
		}
		return token{}, errTokenMalformed
	}
	if t.node != node {
		return token{}, errTokenNode
	}
	copy(t.id[:], body[5:21])
	copy(t.fp[:], body[21:29])
	t.seq = binary.BigEndian.Uint64(body[29:37])
	t.hasFilter = body[37] == 1
	copy(t.filter[:], body[38:54])
	t.issued = int64(binary.BigEndian.Uint64(body[54:62]))
	if t.id != id || t.fp != fp {
		return token{}, errTokenForeign
	}
	return t, nil
}
