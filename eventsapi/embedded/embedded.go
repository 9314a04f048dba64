// Package embedded starts katafilter's events API server inside the calling process, on a
// loopback port with its own TLS, with a fresh client certificate that is already approved,
// so that a tool (the REPL, tests) talks to it through the real client over real mutual TLS:
//
//	inst, err := embedded.Start(ctx, embedded.Options{Generate: 50})
//	if err != nil { ... }
//	defer inst.Close()
//	resp, err := inst.Client().Fetch(ctx, client.Request{Filter: "EventType == 'process'"})
package embedded

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"sync"

	"github.com/katafilter/katafilter/eventsapi/certs"
	"github.com/katafilter/katafilter/eventsapi/client"
	"github.com/katafilter/katafilter/eventsapi/gen"
	"github.com/katafilter/katafilter/eventsapi/server"
	"github.com/katafilter/katafilter/eventsapi/wire"
	"github.com/katafilter/katafilter/lang"
)

// Options configure [Start].
type Options struct {
	// Server configures the server. StateDir may be empty: a temporary directory is then
	// made and removed by Close. Logger nil discards the server's logs.
	Server server.Config
	// Generate adds synthetic events of all 16 types at this rate (events per second).
	Generate float64
	// Seed seeds the generator (and Preload).
	Seed uint64
	// Preload adds this many synthetic events before the server answers its first request.
	Preload int
	// Events are added before the first request (raw JSON objects).
	Events [][]byte
	// EventFiles are JSON lines files (.gz too) added before the first request.
	EventFiles []string
	// Lang configures the client's local filter check.
	Lang lang.Config
}

// Instance is a running in-process server with an approved client identity.
type Instance struct {
	// URL is the server's base URL (https://127.0.0.1:PORT).
	URL string
	// CACertPEM is the server's certificate; RootCAs a pool holding it.
	CACertPEM []byte
	RootCAs   *x509.CertPool
	// ExternalSystemID, ClientCert and Fingerprint are the approved client identity.
	ExternalSystemID string
	ClientCert       tls.Certificate
	ClientPair       certs.Pair
	Fingerprint      string
	// StateDir is the server's state directory.
	StateDir string
	// Server is the server itself (to add events, approve others, reach the store).
	Server *server.Server

	client  *client.Client
	cancel  context.CancelFunc
	done    chan error
	tempDir string
	once    sync.Once
	err     error
}

// Start starts a server on 127.0.0.1 (a free port), makes and approves a client certificate
// with a fresh external system ID, adds the requested events and returns once the server
// accepts connections. Close it to stop the server and remove a temporary state directory.
func Start(ctx context.Context, opt Options) (*Instance, error) {
	cfg := opt.Server
	inst := &Instance{}
	if cfg.StateDir == "" {
		d, err := os.MkdirTemp("", "katafilter-events-*")
		if err != nil {
			return nil, err
		}
		cfg.StateDir, inst.tempDir = d, d
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	fail := func(err error) (*Instance, error) {
		if inst.Server != nil {
			inst.Server.Close()
		}
		if inst.tempDir != "" {
			os.RemoveAll(inst.tempDir)
		}
		return nil, err
	}
	srv, err := server.New(cfg)
	if err != nil {
		return fail(err)
	}
	inst.Server, inst.StateDir = srv, cfg.StateDir
	inst.CACertPEM = srv.CertPEM()
	if inst.RootCAs, err = certs.CertPool(inst.CACertPEM); err != nil {
		return fail(err)
	}
	if inst.ClientPair, err = certs.New(certs.Options{CommonName: "katafilter embedded client"}); err != nil {
		return fail(err)
	}
	if inst.ClientCert, err = inst.ClientPair.TLS(); err != nil {
		return fail(err)
	}
	inst.Fingerprint, _ = inst.ClientPair.Fingerprint()
	inst.ExternalSystemID = wire.NewUUID()
	if err := srv.Approve(inst.ExternalSystemID, inst.Fingerprint); err != nil {
		return fail(err)
	}
	for _, f := range opt.EventFiles {
		if _, _, err := srv.LoadFile(f); err != nil {
			return fail(err)
		}
	}
	if len(opt.Events) > 0 {
		evs := make([][]byte, 0, len(opt.Events))
		for i, e := range opt.Events {
			v, err := server.ValidateEvent(e)
			if err != nil {
				return fail(fmt.Errorf("embedded: event %d: %w", i+1, err))
			}
			evs = append(evs, v)
		}
		if err := srv.Add(evs); err != nil {
			return fail(err)
		}
	}
	// One generator for the events made at start and those that follow, so that they
	// describe one network: the processes that later events name are those started earlier.
	g := gen.New(opt.Seed^0x5eed, 0, nil)
	if opt.Preload > 0 {
		evs := make([][]byte, opt.Preload)
		for i := range evs {
			evs[i] = g.Next()
		}
		if err := srv.Add(evs); err != nil {
			return fail(err)
		}
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return fail(err)
	}
	inst.URL = "https://" + ln.Addr().String()
	sctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	inst.cancel = cancel
	inst.done = make(chan error, 1)
	go func() { inst.done <- srv.Serve(sctx, ln) }()
	if opt.Generate > 0 {
		go srv.GenerateWith(sctx, opt.Generate, g)
	}
	inst.client, err = inst.NewClient(opt.Lang)
	if err != nil {
		inst.Close()
		return nil, err
	}
	return inst, nil
}

// Client returns a client of the instance with its approved identity.
func (i *Instance) Client() *client.Client { return i.client }

// NewClient returns another client with the approved identity and its own language
// configuration.
func (i *Instance) NewClient(cfg lang.Config) (*client.Client, error) {
	c := i.ClientCert
	return client.New(client.Config{URL: i.URL, ExternalSystemID: i.ExternalSystemID, Certificate: &c, RootCAs: i.RootCAs, Lang: cfg})
}

// Add validates and adds events (raw JSON objects), waking the waiting requests.
func (i *Instance) Add(events ...[]byte) error {
	evs := make([][]byte, 0, len(events))
	for _, e := range events {
		v, err := server.ValidateEvent(e)
		if err != nil {
			return err
		}
		evs = append(evs, v)
	}
	return i.Server.Add(evs)
}

// Close stops the server, closes its store and removes a temporary state directory. It is
// safe to call more than once.
func (i *Instance) Close() error {
	i.once.Do(func() {
		i.cancel()
		err := <-i.done
		if cerr := i.Server.Close(); err == nil {
			err = cerr
		}
		if i.tempDir != "" {
			if rerr := os.RemoveAll(i.tempDir); err == nil {
				err = rerr
			}
		}
		i.err = err
	})
	return i.err
}
