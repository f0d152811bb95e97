// Command demo serves hop's test server (httpbin, plus endpoints that misbehave on purpose and benchmark
// data) on loopback ports: plain HTTP, and HTTPS with a root → intermediate → leaf chain made for the run.
// `make demo` and the scripts in bench/ start it. It writes plain.url, ca.pem (the root CA, to trust with
// --cacert) and tls.url into -dir, tls.url last so that its presence means the servers are ready, and serves
// until it is interrupted or terminated. ech.url is a site that hides its name in Encrypted Client Hello,
// ech.dns the DNS server that publishes its config, ech-ca.pem the CA that signed it. With -h3 it also serves HTTP/3 (h3.url) and HTTPS offering HTTP/2
// (h2.url), for the protocol benchmarks.
package main

import (
	"encoding/pem"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	"github.com/hop-cli/hop/testserver"
)

func main() {
	dir := flag.String("dir", ".", "write plain.url, ca.pem and tls.url here")
	http1 := flag.Bool("http1", false, "HTTPS offers HTTP/1.1 only (for comparisons with curl)")
	protocols := flag.Bool("h3", false, "also serve HTTP/3 (h3.url) and HTTPS with HTTP/2 (h2.url), same certificate")
	flag.Parse()

	pki, err := testserver.NewPKI()
	check(err)
	leaf, err := pki.Issue(testserver.Leaf{Names: []string{"127.0.0.1", "localhost"}})
	check(err)
	plain := testserver.Start(testserver.Config{})
	defer plain.Close()
	secure := testserver.Start(testserver.Config{TLS: true, HTTP1: *http1, Cert: &leaf})
	defer secure.Close()

	write := func(name, content string) { check(os.WriteFile(filepath.Join(*dir, name), []byte(content), 0o644)) }
	write("plain.url", plain.URL+"\n")
	write("ca.pem", string(testserver.CertPEM(pki.Root)))
	// The server's chain and key, for another server (nginx in bench/protocols.sh) to serve the same name.
	var chain []byte
	for _, der := range leaf.Certificate {
		chain = append(chain, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})...)
	}
	key, err := testserver.KeyPEM(leaf.PrivateKey)
	check(err)
	check(os.WriteFile(filepath.Join(*dir, "chain.pem"), chain, 0o600))
	check(os.WriteFile(filepath.Join(*dir, "key.pem"), key, 0o600))
	if *protocols {
		h2 := testserver.Start(testserver.Config{TLS: true, Cert: &leaf})
		defer h2.Close()
		h3, err := testserver.StartHTTP3(leaf)
		check(err)
		defer h3.Close()
		write("h2.url", h2.URL+"\n")
		write("h3.url", h3.URL+"\n")
	}
	// A site that hides its name in Encrypted Client Hello, and the DNS server that publishes its config
	// (ech.url names it, ech.dns is the DNS server, ech-ca.pem its own CA).
	ech, err := testserver.StartECHSite()
	check(err)
	defer ech.Close()
	write("ech.url", ech.URL("ech.hop.test")+"\n")
	write("ech.dns", ech.DNS.Addr()+"\n")
	write("ech-ca.pem", string(ech.Root))
	write("tls.url", secure.URL+"\n") // last: its presence means every server is ready

	stop := make(chan os.Signal, 1)
	signal.Notify(stop, os.Interrupt, syscall.SIGTERM)
	<-stop
}

func check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "demo server:", err)
		os.Exit(1)
	}
}
