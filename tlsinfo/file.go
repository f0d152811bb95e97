package tlsinfo

import (
	"bytes"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"iter"
	"strings"
)

// MaxCertFile bounds how much of a certificate file is read: the largest bundles in use are a few hundred
// KiB, and a path such as /dev/zero must not exhaust memory.
const MaxCertFile = 16 << 20

// errNotCertificates is returned for a file that holds no certificate, errKeyNotCertificate for one that
// holds a private key instead (cert.pem and key.pem swapped).
var (
	errNotCertificates   = errors.New("no certificates in the file (expected PEM or DER)")
	errKeyNotCertificate = errors.New("it holds a private key, not a certificate")
)

// pemBlocks yields the PEM blocks of data in order; the text around them is passed over.
func pemBlocks(data []byte) iter.Seq[*pem.Block] {
	return func(yield func(*pem.Block) bool) {
		for {
			var block *pem.Block
			if block, data = pem.Decode(data); block == nil || !yield(block) {
				return
			}
		}
	}
}

// ParseCerts reads the certificates of a PEM file (any number of CERTIFICATE blocks; other blocks are
// skipped) or a DER file (one or more certificates).
func ParseCerts(data []byte) ([]*x509.Certificate, error) {
	var chain []*x509.Certificate
	key := false
	if bytes.Contains(data, []byte("-----BEGIN")) {
		for block := range pemBlocks(data) {
			if block.Type != "CERTIFICATE" {
				key = key || strings.HasSuffix(block.Type, "PRIVATE KEY")
				continue
			}
			c, err := x509.ParseCertificate(block.Bytes)
			if err != nil {
				return nil, fmt.Errorf("parsing a certificate: %w", err)
			}
			chain = append(chain, c)
		}
	} else if certs, err := x509.ParseCertificates(data); err == nil {
		chain = certs
	}
	switch {
	case len(chain) == 0 && key:
		return nil, errKeyNotCertificate
	case len(chain) == 0:
		return nil, errNotCertificates
	}
	return chain, nil
}
