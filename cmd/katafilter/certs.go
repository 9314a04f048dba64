package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/katafilter/katafilter/eventsapi/certs"
	"github.com/katafilter/katafilter/eventsapi/wire"
)

func init() {
	register(&command{name: "certs", summary: "make a client key and certificate for the events API", run: runCerts})
}

func runCerts(env *cmdEnv, args []string) int {
	fs := newFlags(env, "certs", "certs new --out DIR [--name NAME] [--force]\n\n"+
		"Makes DIR/client.key and DIR/client.crt (self-signed) and prints a fresh external system ID\n"+
		"(also saved in DIR/id) and the certificate's SHA-256 fingerprint: the KATA administrator\n"+
		"approves the integration request of that ID and fingerprint.")
	out := fs.String("out", "", "write the files into this `directory` (required)")
	name := fs.String("name", "katafilter external system", "the certificate's common `name`")
	force := fs.Bool("force", false, "replace existing files")
	rest, code, ok := parseInterspersed(env, fs, args)
	if !ok {
		return code
	}
	if len(rest) != 1 || rest[0] != "new" {
		fmt.Fprintln(env.stderr, "katafilter certs: the only action is \"new\": katafilter certs new --out DIR")
		return 2
	}
	if *out == "" {
		fmt.Fprintln(env.stderr, "katafilter certs new: --out is required")
		return 2
	}
	certFile, keyFile, idFile := filepath.Join(*out, "client.crt"), filepath.Join(*out, "client.key"), filepath.Join(*out, "id")
	if !*force {
		for _, f := range []string{certFile, keyFile, idFile} {
			if _, err := os.Stat(f); err == nil {
				fmt.Fprintf(env.stderr, "katafilter certs new: %s exists; use --force to replace it (and ask for a new approval)\n", f)
				return 1
			}
		}
	}
	p, err := certs.New(certs.Options{CommonName: *name})
	if err == nil {
		err = p.Write(certFile, keyFile)
	}
	id := wire.NewUUID()
	if err == nil {
		err = os.WriteFile(idFile, []byte(id+"\n"), 0o644)
	}
	fp, ferr := p.Fingerprint()
	if err == nil {
		err = ferr
	}
	if err != nil {
		fmt.Fprintf(env.stderr, "katafilter certs new: %v\n", err)
		return 1
	}
	fmt.Fprintf(env.stdout, "external system ID: %s\ncertificate:        %s\nkey:                %s\nSHA-256 fingerprint: %s\n", id, certFile, keyFile, fp)
	return 0
}
