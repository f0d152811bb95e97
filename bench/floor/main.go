// Command floor is the least a Go HTTP client does, for bench/compare.sh to measure hop against: one GET
// with a clone of net/http's default transport, the body copied to stdout. "floor version" prints a line and
// exits, the floor under hop version. It is built the way hop is (static, stripped).
//
//	floor URL [CA.pem]
//	floor version
package main

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"io"
	"net/http"
	"os"
)

func main() {
	if len(os.Args) == 2 && os.Args[1] == "version" {
		fmt.Println("floor")
		return
	}
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: floor URL [CA.pem] | floor version")
		os.Exit(2)
	}
	t := http.DefaultTransport.(*http.Transport).Clone()
	if len(os.Args) > 2 {
		pem, err := os.ReadFile(os.Args[2])
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		pool := x509.NewCertPool()
		pool.AppendCertsFromPEM(pem)
		t.TLSClientConfig = &tls.Config{RootCAs: pool}
	}
	resp, err := (&http.Client{Transport: t}).Get(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	defer resp.Body.Close()
	if _, err := io.Copy(os.Stdout, resp.Body); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
