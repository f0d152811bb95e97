package request

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"os"
	"strings"
	"time"

	"github.com/hop-cli/hop/tlsinfo"
)

// TLSOptions are the TLS settings shared by requests and `hop cert`.
type TLSOptions struct {
	Insecure   bool   // skip certificate verification
	CACert     string // PEM file of CA certificates to trust instead of the system's
	Cert, Key  string // client certificate and key (PEM) for mutual TLS; Key may be empty if Cert holds both
	MinVersion string // "1.0" … "1.3"; empty means Go's default
	MaxVersion string
	Pin        string // sha256//BASE64[;sha256//BASE64...]: one certificate of the chain must have this key
	ServerName string // SNI and the name to verify, instead of the URL's host
	ALPN       []string
}

var tlsVersions = map[string]uint16{"1.0": tls.VersionTLS10, "1.1": tls.VersionTLS11, "1.2": tls.VersionTLS12, "1.3": tls.VersionTLS13}

// PinError is a server whose certificate chain holds none of the pinned keys.
type PinError struct {
	Want string
	Got  []string // the pins of the chain presented
}

func (e *PinError) Error() string {
	return fmt.Sprintf("the public key does not match --pin (the server's keys: %s)", strings.Join(e.Got, ", "))
}

// TLSConfig builds a tls.Config from the options. Unreadable or unusable files and malformed values are
// *UsageErrors, found before anything is sent.
func (o TLSOptions) TLSConfig() (*tls.Config, error) {
	cfg := &tls.Config{InsecureSkipVerify: o.Insecure, ServerName: o.ServerName, NextProtos: o.ALPN}
	if o.CACert != "" {
		pool, err := loadCAs(o.CACert)
		if err != nil {
			return nil, err
		}
		cfg.RootCAs = pool
	}
	for flag, v := range map[string]string{"--tls-min": o.MinVersion, "--tls-max": o.MaxVersion} {
		if v == "" {
			continue
		}
		ver, ok := tlsVersions[strings.TrimPrefix(v, "TLS")]
		if !ok {
			return nil, usageErrorf(flag+" "+v, "expected 1.0, 1.1, 1.2 or 1.3")
		}
		if flag == "--tls-min" {
			cfg.MinVersion = ver
		} else {
			cfg.MaxVersion = ver
		}
	}
	if cfg.MinVersion != 0 && cfg.MaxVersion != 0 && cfg.MinVersion > cfg.MaxVersion {
		return nil, usageErrorf("--tls-min "+o.MinVersion, "is above --tls-max %s", o.MaxVersion)
	}
	if o.Cert != "" || o.Key != "" {
		if o.Cert == "" {
			return nil, usageErrorf("--key "+o.Key, "--key needs --cert")
		}
		key := o.Key
		if key == "" {
			key = o.Cert // curl accepts one PEM file holding both
		}
		for _, f := range []string{o.Cert, key} {
			if _, err := os.Stat(f); err != nil {
				return nil, &UsageError{Arg: f, Err: fileError(err)}
			}
		}
		pair, err := tls.LoadX509KeyPair(o.Cert, key)
		if err != nil {
			return nil, usageErrorf("--cert "+o.Cert, "cannot use the client certificate and key: %v", err)
		}
		cfg.Certificates = []tls.Certificate{pair}
	}
	if o.Pin != "" {
		if err := tlsinfo.ValidPin(o.Pin); err != nil {
			return nil, &UsageError{Arg: "--pin " + o.Pin, Err: err}
		}
		pin := o.Pin
		// VerifyConnection runs after the usual verification (and under -k too): a pin narrows trust further.
		cfg.VerifyConnection = func(cs tls.ConnectionState) error {
			if tlsinfo.CheckPin(cs.PeerCertificates, pin) {
				return nil
			}
			got := make([]string, len(cs.PeerCertificates))
			for i, c := range cs.PeerCertificates {
				got[i] = tlsinfo.SPKIPin(c)
			}
			return &PinError{Want: pin, Got: got}
		}
	}
	return cfg, nil
}

// warmSystemRoots starts loading the system's trusted certificates on another goroutine. The load is Go's
// own, done once per process; whoever verifies a certificate later finds the pool ready or waits for the load
// in progress. On Debian it costs about 13 ms (Go parses the bundle and then every file in /etc/ssl/certs),
// more than the rest of a request on loopback; started before DNS and connect, it overlaps with them instead
// of following the server's first reply.
func warmSystemRoots() { go x509.SystemCertPool() }

// loadCAs reads a PEM bundle of CA certificates.
func loadCAs(path string) (*x509.CertPool, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, &UsageError{Arg: "--cacert " + path, Err: fileError(err)}
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(data) {
		return nil, usageErrorf("--cacert "+path, "no PEM certificates in the file")
	}
	return pool, nil
}

// Handshake connects to addr and completes a TLS handshake without sending HTTP. Verification is left to
// the caller (the chain is returned even when it would fail), so `hop cert` can show why. Errors are typed
// as for requests: *net.DNSError, dial *net.OpError, *TimeoutError, *HandshakeError.
func Handshake(ctx context.Context, addr string, cfg *tls.Config, timeout time.Duration) (*tls.ConnectionState, string, error) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, "", usageErrorf(addr, "expected HOST or HOST:PORT")
	}
	if cfg.RootCAs == nil {
		warmSystemRoots() // the caller verifies the chain next
	}
	c := cfg.Clone()
	c.InsecureSkipVerify = true
	c.VerifyConnection = nil
	if c.ServerName == "" && net.ParseIP(host) == nil {
		c.ServerName = host
	}
	if timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, timeout)
		defer cancel()
	}
	d := &net.Dialer{}
	conn, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		if errors.Is(err, context.DeadlineExceeded) || isTimeout(err) {
			return nil, "", &TimeoutError{Limit: "connect", After: timeout, Phase: "the connection", Err: err}
		}
		return nil, "", err
	}
	defer conn.Close()
	tc := tls.Client(conn, c)
	if err := tc.HandshakeContext(ctx); err != nil {
		if errors.Is(err, context.DeadlineExceeded) || isTimeout(err) {
			return nil, "", &TimeoutError{Limit: "connect", After: timeout, Phase: "the TLS handshake", Err: err}
		}
		return nil, "", &HandshakeError{Host: host, Err: err}
	}
	cs := tc.ConnectionState()
	return &cs, conn.RemoteAddr().String(), nil
}
