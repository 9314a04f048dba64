package server_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"

	"github.com/katafilter/katafilter/eventsapi/certs"
	"github.com/katafilter/katafilter/eventsapi/client"
	"github.com/katafilter/katafilter/eventsapi/server"
	"github.com/katafilter/katafilter/eventsapi/wire"
)

// Example runs a server on a loopback port, approves a client certificate as the
// administrator would, and fetches through the client. (The embedded package does all of
// this in one call.)
func Example() {
	dir, _ := os.MkdirTemp("", "kata-state")
	defer os.RemoveAll(dir)
	srv, err := server.New(server.Config{StateDir: dir, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer srv.Close()
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	go srv.Serve(ctx, ln)

	srv.Add([][]byte{[]byte(`{"EventType":"threatdetect","HostName":"WS-1"}`), []byte(`{"EventType":"process","HostName":"WS-1"}`)})

	pair, _ := certs.New(certs.Options{CommonName: "siem"})
	cert, _ := pair.TLS()
	fp, _ := pair.Fingerprint()
	id := wire.NewUUID()
	srv.Approve(id, fp)
	roots, _ := certs.CertPool(srv.CertPEM())
	c, _ := client.New(client.Config{URL: "https://" + ln.Addr().String(), ExternalSystemID: id, Certificate: &cert, RootCAs: roots})
	r, err := c.Fetch(ctx, client.Request{Filter: "EventType == 'threatdetect'"})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(len(r.Events), string(r.Events[0]))
	// Output: 1 {"EventType":"threatdetect","HostName":"WS-1"}
}
