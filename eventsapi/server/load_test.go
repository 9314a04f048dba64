package server_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/katafilter/katafilter/eventsapi/certs"
	"github.com/katafilter/katafilter/eventsapi/client"
	"github.com/katafilter/katafilter/eventsapi/server"
)

func TestLoadFile(t *testing.T) {
	dir := t.TempDir()
	var zb bytes.Buffer
	zw := gzip.NewWriter(&zb)
	zw.Write([]byte("{\"EventType\":\"process\",\"RecordId\":1}\n\n{\"EventType\":\"module\",\"RecordId\":2}\n"))
	zw.Close()
	gz := filepath.Join(dir, "events.jsonl.gz")
	os.WriteFile(gz, zb.Bytes(), 0o600)
	bad := filepath.Join(dir, "bad.jsonl")
	os.WriteFile(bad, []byte("{\"EventType\":\"process\"}\n{\"EventType\":\n"), 0o600)

	ts := start(t, server.Config{})
	loaded, n, err := ts.srv.LoadFile(gz)
	if err != nil || !loaded || n != 2 {
		t.Fatalf("gzip file: %v %d %v", loaded, n, err)
	}
	// The same content again is skipped.
	if loaded, _, err = ts.srv.LoadFile(gz); err != nil || loaded {
		t.Fatalf("second load: %v %v", loaded, err)
	}
	if _, _, err = ts.srv.LoadFile(bad); err == nil || !strings.HasSuffix(err.Error(), "bad.jsonl:2: malformed JSON: unexpected end of JSON input") {
		t.Fatalf("bad file: %v", err)
	}
	r, err := ts.client(ts.approved()).Fetch(context.Background(), client.Request{})
	if err != nil || len(r.Events) != 2 {
		t.Fatalf("%v %v", r, err)
	}
}

func TestGenerate(t *testing.T) {
	ts := start(t, server.Config{})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- ts.srv.Generate(ctx, 500, 1) }()
	waitFor(t, "generated events", func() bool {
		_, next, _ := ts.srv.Store().Bounds()
		return next > 100
	})
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if err := ts.srv.Generate(context.Background(), 0, 1); err == nil {
		t.Fatal("a zero rate was accepted")
	}
	// Closing the server stops a generator whose context never ends.
	_, before, _ := ts.srv.Store().Bounds()
	go func() { done <- ts.srv.Generate(context.Background(), 500, 2) }()
	waitFor(t, "more generated events", func() bool {
		_, next, _ := ts.srv.Store().Bounds()
		return next > before
	})
	ts.stop()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if err := ts.srv.Generate(context.Background(), 1, 1); err == nil {
		t.Fatal("a closed server generated")
	}
}

func TestNewConfig(t *testing.T) {
	dir := t.TempDir()
	p, _ := certs.New(certs.Options{CommonName: "given", Hosts: []string{"127.0.0.1"}, Server: true})
	cf, kf := filepath.Join(dir, "given.crt"), filepath.Join(dir, "given.key")
	p.Write(cf, kf)
	ts := start(t, server.Config{CertFile: cf, KeyFile: kf})
	if !bytes.Equal(ts.srv.CertPEM(), p.CertPEM) {
		t.Fatal("the given certificate is not the one served")
	}
	if _, err := ts.client(ts.approved()).Fetch(context.Background(), client.Request{}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(ts.cfg.StateDir, server.CertFile)); err == nil {
		t.Fatal("a certificate was made although one was given")
	}
	tests := []struct {
		cfg  server.Config
		want string
	}{
		{server.Config{}, "server: a state directory is required"},
		{server.Config{StateDir: t.TempDir(), MaxEventsDefault: 20, MaxEventsLimit: 10}, "server: the default max_events 20 is above the limit 10"},
		{server.Config{StateDir: t.TempDir(), CertFile: cf}, "server: give both a certificate and its key"},
		{server.Config{StateDir: t.TempDir(), CertFile: cf, KeyFile: filepath.Join(dir, "none.key")}, "no such file or directory"},
	}
	for _, tt := range tests {
		if _, err := server.New(tt.cfg); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%+v: got %v, want %q", tt.cfg, err, tt.want)
		}
	}
}
