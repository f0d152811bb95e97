// Command server serves the benchmark endpoints over plain HTTP and over HTTPS offering HTTP/1.1 only (so hop
// and curl speak the same protocol), writes both URLs and the root CA to files, and serves until it is
// interrupted or terminated.
package main

import (
	"crypto/tls"
	"flag"
	"fmt"
	"io"
	"log"
	"net/http/httptest"
	"os"
	"os/signal"
	"syscall"

	"github.com/hop-cli/hop/testserver"
)

func main() {
	dir := flag.String("dir", ".", "write plain.url, tls.url and ca.pem here")
	flag.Parse()
	pki, err := testserver.NewPKI()
	check(err)
	leaf, err := pki.Issue(testserver.Leaf{Names: []string{"127.0.0.1", "localhost"}})
	check(err)

	plain := httptest.NewUnstartedServer(testserver.Handler())
	plain.Config.ErrorLog = log.New(io.Discard, "", 0)
	plain.Start()
	defer plain.Close()
	secure := httptest.NewUnstartedServer(testserver.Handler())
	secure.Config.ErrorLog = log.New(io.Discard, "", 0)
	secure.TLS = &tls.Config{Certificates: []tls.Certificate{leaf}, NextProtos: []string{"http/1.1"}}
	secure.StartTLS()
	defer secure.Close()

	check(os.WriteFile(*dir+"/ca.pem", testserver.CertPEM(pki.Root), 0o644))
	check(os.WriteFile(*dir+"/plain.url", []byte(plain.URL), 0o644))
	check(os.WriteFile(*dir+"/tls.url", []byte(secure.URL), 0o644)) // last: its presence means ready
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, os.Interrupt, syscall.SIGTERM)
	<-stop
}

func check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench server:", err)
		os.Exit(1)
	}
}
