package main

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/katafilter/katafilter/eventsapi/server"
	"github.com/katafilter/katafilter/eventsapi/store"
	"github.com/katafilter/katafilter/eventsapi/wire"
)

func init() {
	register(&command{name: "admin", summary: "list, approve or reject integration requests of an events API server", run: runAdmin})
}

func runAdmin(env *cmdEnv, args []string) int {
	fs := newFlags(env, "admin", "admin --state-dir DIR list | approve ID [FINGERPRINT] | reject ID [FINGERPRINT] | wait\n\n"+
		"Works whether the server runs (it is asked through its admin endpoint) or not (the state is\n"+
		"opened directly). The running server applies a decision to the next request. \"wait\" waits\n"+
		"until a server runs on the state directory and prints its URL (for scripts).")
	stateDir := fs.String("state-dir", "", "the server's state `directory` (required)")
	asJSON := fs.Bool("json", false, "list as JSON")
	timeout := fs.Duration("timeout", 30*time.Second, "how long wait waits")
	rest, code, ok := parseInterspersed(env, fs, args)
	if !ok {
		return code
	}
	if *stateDir == "" {
		fmt.Fprintln(env.stderr, "katafilter admin: --state-dir is required")
		return 2
	}
	if len(rest) == 0 {
		fmt.Fprintln(env.stderr, "katafilter admin: give an action: list, approve ID, reject ID or wait")
		return 2
	}
	a := adminAccess{dir: *stateDir}
	switch rest[0] {
	case "wait":
		deadline := time.Now().Add(*timeout)
		for {
			var regs []store.Registration
			err := a.call(http.MethodGet, "registrations", nil, &regs)
			if err == nil {
				u, _ := os.ReadFile(filepath.Join(a.dir, server.URLFile))
				fmt.Fprintln(env.stdout, strings.TrimSpace(string(u)))
				return 0
			}
			if !errors.Is(err, errNoServer) {
				fmt.Fprintf(env.stderr, "katafilter admin: %v\n", err)
				return 1
			}
			if time.Now().After(deadline) {
				fmt.Fprintf(env.stderr, "katafilter admin: no server answered on %s within %v\n", a.dir, *timeout)
				return 1
			}
			time.Sleep(50 * time.Millisecond)
		}
	case "list":
		if len(rest) != 1 {
			fmt.Fprintln(env.stderr, "katafilter admin list: takes no arguments")
			return 2
		}
		regs, err := a.list()
		if err != nil {
			fmt.Fprintf(env.stderr, "katafilter admin: %v\n", err)
			return 1
		}
		if *asJSON {
			if regs == nil {
				regs = []store.Registration{}
			}
			b, _ := json.MarshalIndent(regs, "", "  ")
			fmt.Fprintf(env.stdout, "%s\n", b)
			return 0
		}
		if len(regs) == 0 {
			fmt.Fprintln(env.stdout, "no integration requests")
			return 0
		}
		tw := tabwriter.NewWriter(env.stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tSTATUS\tFINGERPRINT (SHA-256)\tSUBJECT\tLAST SEEN\tREQUESTS")
		for _, r := range regs {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%d\n", r.ID, r.Status, r.Fingerprint, r.Subject, r.LastSeen.UTC().Format(time.RFC3339), r.Requests)
		}
		tw.Flush()
		return 0
	case "approve", "reject":
		if len(rest) < 2 || len(rest) > 3 {
			fmt.Fprintf(env.stderr, "katafilter admin %s: give the external system ID, and the certificate fingerprint if the ID has several\n", rest[0])
			return 2
		}
		d := server.Decision{ID: rest[1], Status: store.Approved}
		if rest[0] == "reject" {
			d.Status = store.Rejected
		}
		if len(rest) == 3 {
			d.Fingerprint = rest[2]
		}
		changed, err := a.decide(d)
		if err != nil {
			fmt.Fprintf(env.stderr, "katafilter admin: %v\n", err)
			return 1
		}
		for _, r := range changed {
			fmt.Fprintf(env.stdout, "%s %s (certificate %s)\n", r.Status, r.ID, r.Fingerprint)
		}
		return 0
	default:
		fmt.Fprintf(env.stderr, "katafilter admin: unknown action %q: use list, approve, reject or wait\n", rest[0])
		return 2
	}
}

// adminAccess reaches a state directory: through the running server's admin endpoint when
// there is one, or by opening the store.
type adminAccess struct{ dir string }

var errNoServer = errors.New("no server running")

// call asks the running server; errNoServer means none answers.
func (a adminAccess) call(method, path string, in, out any) error {
	urlb, err := os.ReadFile(filepath.Join(a.dir, server.URLFile))
	if err != nil {
		return errNoServer
	}
	tok, err := os.ReadFile(filepath.Join(a.dir, server.AdminTokenFile))
	if err != nil {
		return err
	}
	pin, err := a.servingCert()
	if err != nil {
		return err
	}
	var body io.Reader
	if in != nil {
		b, _ := json.Marshal(in)
		body = bytes.NewReader(b)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, strings.TrimSpace(string(urlb))+wire.AdminPath+path, body)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+strings.TrimSpace(string(tok)))
	// The server is trusted when it presents exactly the certificate it wrote into the state
	// directory (a pin): a certificate given to serve with --cert need not name 127.0.0.1, nor
	// be issued by a CA this machine trusts.
	hc := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{
		InsecureSkipVerify: true, // replaced by the pin
		VerifyConnection: func(cs tls.ConnectionState) error {
			if len(cs.PeerCertificates) == 0 || !bytes.Equal(cs.PeerCertificates[0].Raw, pin) {
				return errors.New("the server at " + strings.TrimSpace(string(urlb)) + " is not the one that runs on " + a.dir)
			}
			return nil
		},
	}}}
	resp, err := hc.Do(req)
	if err != nil {
		return errNoServer // a URL file left by a server that died: use the store
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		var we wire.Error
		if json.Unmarshal(data, &we) == nil && we.Message != "" {
			return errors.New(we.Message)
		}
		return fmt.Errorf("server answered %s", resp.Status)
	}
	return json.Unmarshal(data, out)
}

// servingCert returns the DER of the certificate the running server presents: from
// ServingCertFile, or, from a server that does not write it, the state directory's own.
func (a adminAccess) servingCert() ([]byte, error) {
	data, err := os.ReadFile(filepath.Join(a.dir, server.ServingCertFile))
	if errors.Is(err, os.ErrNotExist) {
		data, err = os.ReadFile(filepath.Join(a.dir, server.CertFile))
	}
	if err != nil {
		return nil, err
	}
	b, _ := pem.Decode(data)
	if b == nil || b.Type != "CERTIFICATE" {
		return nil, fmt.Errorf("%s: no PEM certificate of the running server", a.dir)
	}
	return b.Bytes, nil
}

func (a adminAccess) open() (*store.Store, error) {
	path := filepath.Join(a.dir, server.StoreFile)
	if _, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("%s holds no server state (%v)", a.dir, err)
	}
	return store.Open(path, 2*time.Second)
}

func (a adminAccess) list() ([]store.Registration, error) {
	var regs []store.Registration
	err := a.call(http.MethodGet, "registrations", nil, &regs)
	if !errors.Is(err, errNoServer) {
		return regs, err
	}
	st, err := a.open()
	if err != nil {
		return nil, err
	}
	defer st.Close()
	return st.Registrations()
}

func (a adminAccess) decide(d server.Decision) ([]store.Registration, error) {
	var changed []store.Registration
	err := a.call(http.MethodPost, "decide", d, &changed)
	if !errors.Is(err, errNoServer) {
		return changed, err
	}
	st, err := a.open()
	if err != nil {
		return nil, err
	}
	defer st.Close()
	return server.Decide(st, d)
}
