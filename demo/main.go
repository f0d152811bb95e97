// Command demo serves httpbin over HTTPS (HTTP/2 and HTTP/1.1) on a loopback port for `make demo`. It writes
// the server's URL and its certificate (to trust with --cacert) to the files it is given, then serves until
// it is interrupted or terminated.
package main

import (
	"encoding/pem"
	"flag"
	"fmt"
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

	srv := httptest.NewUnstartedServer(testserver.Handler())
	srv.EnableHTTP2 = true
	srv.StartTLS()
	defer srv.Close()

	cert := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})
	if err := os.WriteFile(*caFile, cert, 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "demo:", err)
		os.Exit(1)
	}
	// The URL file is written last: its presence tells the Makefile the server is ready.
	if err := os.WriteFile(*urlFile, []byte(srv.URL+"\n"), 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "demo:", err)
		os.Exit(1)
	}
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, os.Interrupt, syscall.SIGTERM)
	<-stop
}
