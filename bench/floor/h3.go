//go:build h3

package main

import (
	"crypto/tls"
	"net/http"

	"github.com/quic-go/quic-go/http3"
)

func init() {
	h3 = func(cfg *tls.Config) http.RoundTripper { return &http3.Transport{TLSClientConfig: cfg} }
}
