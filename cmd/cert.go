package cmd

import (
	"bytes"
	"cmp"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/hop-cli/hop/format"
	"github.com/hop-cli/hop/request"
	"github.com/hop-cli/hop/tlsinfo"
)

// CertOptions are the flags of `hop cert` beyond the shared TLS ones (--cacert, --cert, --key, --tls-min,
// --tls-max, --connect-timeout, --format).
type CertOptions struct {
	Target        string
	ServerName    string
	ALPN          string
	ExpiresWithin string
}

func newCertCmd(s *Streams, o *Options) *cobra.Command {
	co := &CertOptions{}
	c := &cobra.Command{
		Use:   "cert HOST[:PORT] | FILE",
		Short: "Inspect a server's TLS certificate chain, or certificates in a PEM/DER file",
		Long: `Completes a TLS handshake (no HTTP is sent) and explains it step by step: what hop offered, what the
server chose, the certificates it sent, the three checks a client makes (trusted issuer, matching name,
dates) and the key exchange. The chain is shown even when verification fails, with the reason in plain words.

Given a file, shows the certificates in it (PEM, bundles too, or DER). Exit codes: 60 not trusted, 35 handshake
failed, 10 a certificate expires within --expires-within, 6/7 could not resolve/connect.`,
		Example: `  hop cert example.com
  hop cert 127.0.0.1:8443 --servername api.internal --cacert ca.pem
  hop cert example.com --expires-within 30d || alert "renew the certificate"
  hop cert chain.pem --format json | jq '.chain[].not_after'
  hop cert example.com --format pem > chain.pem`,
		Args: func(c *cobra.Command, args []string) error {
			if len(args) != 1 {
				return &usageError{err: errors.New("expected one HOST[:PORT] or FILE (see hop cert --help)")}
			}
			return nil
		},
		RunE: func(c *cobra.Command, args []string) error {
			co.Target = args[0]
			return runCert(c.Context(), s, o, co)
		},
	}
	// Of the shared flags, only these apply to cert; the others would only mislead in its help.
	certFlags := map[string]bool{"cacert": true, "cert": true, "key": true, "tls-min": true, "tls-max": true,
		"connect-timeout": true, "format": true, "color": true, "help": true}
	defaultHelp := c.HelpFunc()
	c.SetHelpFunc(func(cmd *cobra.Command, args []string) {
		cmd.InheritedFlags().VisitAll(func(f *pflag.Flag) { f.Hidden = f.Hidden || !certFlags[f.Name] })
		defaultHelp(cmd, args)
	})
	c.Flags().StringVar(&co.ServerName, "servername", "", "name to send as SNI and to check the certificate against")
	c.Flags().StringVar(&co.ALPN, "alpn", "h2,http/1.1", "protocols to offer in ALPN, comma-separated")
	c.Flags().StringVar(&co.ExpiresWithin, "expires-within", "", "exit 10 if a certificate expires within this window (30d, 2w, 12h)")
	return c
}

// parseWindow reads a duration that may be given in days or weeks: 30d, 2w, 36h, 1h30m.
func parseWindow(s string) (time.Duration, error) {
	for unit, d := range map[string]time.Duration{"d": 24 * time.Hour, "w": 7 * 24 * time.Hour} {
		if n, ok := strings.CutSuffix(s, unit); ok {
			v, err := strconv.ParseFloat(n, 64)
			if err != nil || v < 0 {
				return 0, fmt.Errorf("%q is not a duration (use 30d, 2w or 12h)", s)
			}
			return time.Duration(v * float64(d)), nil
		}
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 {
		return 0, fmt.Errorf("%q is not a duration (use 30d, 2w or 12h)", s)
	}
	return d, nil
}

// checkError is a check the user asked for that failed: exit 10.
type checkError struct{ msg string }

func (e *checkError) Error() string { return e.msg }

func runCert(ctx context.Context, s *Streams, o *Options, co *CertOptions) error {
	switch o.Format {
	case "text", "json", "pem":
	default:
		return &usageError{err: fmt.Errorf("--format %q: expected text, json or pem", o.Format)}
	}
	var window time.Duration
	if co.ExpiresWithin != "" {
		w, err := parseWindow(co.ExpiresWithin)
		if err != nil {
			return &usageError{err: fmt.Errorf("--expires-within: %w", err)}
		}
		window = w
	}
	outStyle := format.Style{Color: s.useColor(o.Color, s.OutTTY)}
	now := time.Now()
	report, chain, err := inspect(ctx, o, co, now)
	if err == nil {
		err = judge(report, chain, co, o, window, now)
	}
	switch o.Format {
	case "json":
		code, msg := exitCode(err)
		d := &format.CertDocument{Target: co.Target, RemoteAddr: report.RemoteAddr, TLS: report.Conn,
			Chain: report.Chain, Checks: report.Checks, ExitCode: code}
		if chain != nil {
			d.Verdict = &report.Verdict
		}
		if window > 0 {
			d.Expiring = []string{}
			for _, c := range tlsinfo.ExpiringWithin(chain, window, now) {
				d.Expiring = append(d.Expiring, c.Subject.String())
			}
		}
		if err != nil {
			d.Error = &format.DocError{Class: errorClass(code), Message: msg}
		}
		format.WriteCertDocument(s.Out, d)
	case "pem":
		for _, c := range chain {
			pem.Encode(s.Out, &pem.Block{Type: "CERTIFICATE", Bytes: c.Raw})
		}
	default:
		if chain != nil {
			format.Cert(s.Out, outStyle, report)
		}
	}
	return err
}

// inspect gathers the chain (from the server or the file) and describes it.
func inspect(ctx context.Context, o *Options, co *CertOptions, now time.Time) (format.CertReport, []*x509.Certificate, error) {
	r := format.CertReport{Target: co.Target}
	topts := o.tlsOptions()
	topts.Insecure = false
	topts.ServerName = co.ServerName
	cfg, err := topts.TLSConfig()
	if err != nil {
		return r, nil, err
	}
	if chain, isFile, err := readCertFile(co.Target); isFile {
		if err != nil {
			return r, nil, err
		}
		r.Chain = tlsinfo.DescribeChain(chain, co.ServerName, now)
		r.Checks = tlsinfo.Checks(chain, co.ServerName, cfg.RootCAs, now)
		r.Verdict = tlsinfo.Verify(chain, co.ServerName, cfg.RootCAs, now)
		return r, chain, nil
	}
	addr, host, err := certAddr(co.Target)
	if err != nil {
		return r, nil, err
	}
	r.Target = addr
	if co.ALPN != "" {
		cfg.NextProtos = strings.Split(co.ALPN, ",")
	}
	cs, remote, err := request.Handshake(ctx, addr, cfg, o.ConnectTimeout)
	if err != nil {
		return r, nil, err
	}
	name := host
	if co.ServerName != "" {
		name = co.ServerName
	}
	conn := tlsinfo.Describe(cs, name, true, now)
	r.RemoteAddr, r.SNI, r.ALPN = remote, cfg.ServerName, cfg.NextProtos
	if r.SNI == "" && net.ParseIP(name) == nil {
		r.SNI = name
	}
	r.Offered = offered(cfg.MinVersion, cfg.MaxVersion)
	r.Chain, conn.Chain = conn.Chain, nil
	r.Checks = tlsinfo.Checks(cs.PeerCertificates, name, cfg.RootCAs, now)
	r.Verdict = tlsinfo.Verify(cs.PeerCertificates, name, cfg.RootCAs, now)
	conn.Verified = r.Verdict.Trusted
	r.Conn = &conn
	return r, cs.PeerCertificates, nil
}

// judge turns the verdict and the expiry window into the exit status. For a server, an untrusted chain is
// exit 60. For a file there is no server to trust: its verdict is shown, and fails only when --cacert asks
// for a trust check. A certificate expiring within the window is exit 10.
func judge(r format.CertReport, chain []*x509.Certificate, co *CertOptions, o *Options, window time.Duration, now time.Time) error {
	if !r.Verdict.Trusted && (r.Conn != nil || o.CACert != "") {
		host := co.ServerName
		if host == "" {
			host, _, _ = net.SplitHostPort(r.Target)
		}
		return &request.CertificateError{Host: host, Reason: r.Verdict.Reason}
	}
	if window > 0 {
		if exp := tlsinfo.ExpiringWithin(chain, window, now); len(exp) > 0 {
			c := exp[0]
			return &checkError{msg: fmt.Sprintf("certificate %s expires on %s (%d days left), within %s",
				c.Subject.String(), c.NotAfter.UTC().Format(time.DateOnly), tlsinfo.DaysLeft(c.NotAfter, now), co.ExpiresWithin)}
		}
	}
	return nil
}

// readCertFile reads PEM (any number of CERTIFICATE blocks) or DER. isFile is false when target is not a
// file, so it is taken as a host.
func readCertFile(target string) (chain []*x509.Certificate, isFile bool, err error) {
	st, statErr := os.Stat(target)
	if statErr != nil || st.IsDir() {
		return nil, false, nil
	}
	data, err := os.ReadFile(target)
	if err != nil {
		return nil, true, &request.UsageError{Arg: target, Err: err}
	}
	if bytes.Contains(data, []byte("-----BEGIN")) {
		rest := data
		for {
			var block *pem.Block
			block, rest = pem.Decode(rest)
			if block == nil {
				break
			}
			if block.Type != "CERTIFICATE" {
				continue
			}
			c, err := x509.ParseCertificate(block.Bytes)
			if err != nil {
				return nil, true, &request.UsageError{Arg: target, Err: fmt.Errorf("parsing a certificate: %w", err)}
			}
			chain = append(chain, c)
		}
	} else if certs, err := x509.ParseCertificates(data); err == nil {
		chain = certs
	}
	if len(chain) == 0 {
		return nil, true, &request.UsageError{Arg: target, Err: errors.New("no certificates in the file (expected PEM or DER)")}
	}
	return chain, true, nil
}

// certAddr reads HOST, HOST:PORT, [IPv6]:PORT or a URL into HOST:PORT (port 443 by default).
func certAddr(target string) (addr, host string, err error) {
	t := target
	if strings.Contains(t, "://") {
		u, err := url.Parse(t)
		if err != nil || u.Hostname() == "" {
			return "", "", &request.UsageError{Arg: target, Err: errors.New("expected HOST[:PORT], a URL or a certificate file")}
		}
		port := u.Port()
		if port == "" {
			port = "443"
			if u.Scheme == "http" {
				port = "80"
			}
		}
		return net.JoinHostPort(u.Hostname(), port), u.Hostname(), nil
	}
	if h, p, err := net.SplitHostPort(t); err == nil {
		if h == "" || p == "" {
			return "", "", &request.UsageError{Arg: target, Err: errors.New("expected HOST[:PORT]")}
		}
		return t, h, nil
	}
	h := strings.Trim(t, "[]")
	if h == "" || strings.ContainsAny(h, "/ ") {
		return "", "", &request.UsageError{Arg: target, Err: errors.New("no such file, and not a HOST[:PORT]")}
	}
	return net.JoinHostPort(h, "443"), h, nil
}

// offered words the TLS versions a config offers; zero limits are Go's client defaults, 1.2 and 1.3.
func offered(minV, maxV uint16) string {
	minV, maxV = cmp.Or(minV, tls.VersionTLS12), cmp.Or(maxV, tls.VersionTLS13)
	if minV == maxV {
		return tls.VersionName(minV)
	}
	return tls.VersionName(minV) + "–" + tls.VersionName(maxV)
}
