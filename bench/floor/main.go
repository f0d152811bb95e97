// Command floor is the least a Go HTTP client does, for bench/compare.sh to measure hop against: a GET with
// a clone of net/http's default transport, the body copied to stdout; with -n N, N GETs one after another
// on one kept-alive connection, the floor under hop --repeat N. "floor version" prints a line and exits, the
// floor under hop version. It is built the way hop is (static, stripped). Built with -tags h3 it also
// links HTTP/3 (quic-go), as hop does, and sends over it when FLOOR_H3 is set: bench/compare.sh measures
// what linking that protocol stack costs a process that never uses it.
//
//	floor [-n N] URL [CA.pem]
//	floor version
package main

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
)

// h3 is set by h3.go, built with -tags h3: an HTTP/3 transport with the TLS configuration given.
var h3 func(*tls.Config) http.RoundTripper

func main() {
	if len(os.Args) == 2 && os.Args[1] == "version" {
		fmt.Println("floor")
		return
	}
	args, n := os.Args[1:], 1
	if len(args) > 2 && args[0] == "-n" {
		n, _ = strconv.Atoi(args[1])
		args = args[2:]
	}
	if len(args) < 1 {
		fmt.Fprintln(os.Stderr, "usage: floor [-n N] URL [CA.pem] | floor version")
		os.Exit(2)
	}
	t := http.DefaultTransport.(*http.Transport).Clone()
	if len(args) > 1 {
		pem, err := os.ReadFile(args[1])
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		pool := x509.NewCertPool()
		pool.AppendCertsFromPEM(pem)
		t.TLSClientConfig = &tls.Config{RootCAs: pool}
	}
	c := &http.Client{Transport: t}
	if h3 != nil && os.Getenv("FLOOR_H3") != "" {
		c.Transport = h3(t.TLSClientConfig)
	}
	for range n {
		resp, err := c.Get(args[0])
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		_, err = io.Copy(os.Stdout, resp.Body)
		resp.Body.Close()
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
	}
}
