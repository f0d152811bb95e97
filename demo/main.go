// Command demo serves httpbin over HTTPS (HTTP/2 and HTTP/1.1) on a loopback port for `make demo`. It writes
// the server's URL and its certificate (its root CA, to trust with --cacert) to the files it is given, then serves until
// it is interrupted or terminated.
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
	urlFile := flag.String("url", "", "write the server URL to this file")
	caFile := flag.String("ca", "", "write the server certificate (PEM) to this file")
	flag.Parse()

	// A chain like a real site's: root CA → intermediate → leaf, made fresh for each run.
	pki, err := testserver.NewPKI()
	if err != nil {
		fail(err)
	}
	leaf, err := pki.Issue(testserver.Leaf{Names: []string{"127.0.0.1", "localhost"}})
	if err != nil {
		fail(err)
	}
	srv := httptest.NewUnstartedServer(testserver.Handler())
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	srv.EnableHTTP2 = true
	srv.TLS = &tls.Config{Certificates: []tls.Certificate{leaf}}
	srv.StartTLS()
	defer srv.Close()

	if err := os.WriteFile(*caFile, testserver.CertPEM(pki.Root), 0o644); err != nil {
		fail(err)
	}
	// The URL file is written last: its presence tells the Makefile the server is ready.
	if err := os.WriteFile(*urlFile, []byte(srv.URL+"\n"), 0o644); err != nil {
		fail(err)
	}
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, os.Interrupt, syscall.SIGTERM)
	<-stop
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "demo:", err)
	os.Exit(1)
}
