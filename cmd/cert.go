package cmd

import (
	"cmp"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/hop-cli/hop/argfile"
	"github.com/hop-cli/hop/auth"
	"github.com/hop-cli/hop/check"
	"github.com/hop-cli/hop/exchange"
	"github.com/hop-cli/hop/format"
	"github.com/hop-cli/hop/request"
	"github.com/hop-cli/hop/tlsinfo"
	"github.com/hop-cli/hop/transport"
)

// CertOptions are what hop cert was asked to do.
type CertOptions struct {
	Targets       []string // HOST[:PORT], URL or FILE, one or more
	ServerName    string
	ALPN          string
	StartTLS      string // --starttls: the protocol to speak before the handshake (transport.StartTLSProtocols)
	ExpiresWithin string
	Format        string
	Quiet         bool
	// Transport holds the TLS, connect and routing flags, the only request flags hop cert honours.
	Transport transport.Options

	prompt func(prompt string) (string, error) // asks for a PKCS#12 file's passphrase on the terminal
	stdin  io.Reader                           // the target "-": certificates piped in
}

func (c *commands) addCertCmd(s *Streams, r Runners) {
	o := &CertOptions{}
	cc := &cobra.Command{
		Use:   "cert HOST[:PORT] | FILE...",
		Short: "Inspect a server's TLS certificate chain, or certificates in a PEM/DER file",
		Long: `Completes a TLS handshake (no HTTP is sent) and explains it step by step: what hop offered, what the
server chose, the certificates it sent, the three checks a client makes (trusted issuer, matching name,
dates) and the key exchange; when the server asks for a client certificate, which authorities it takes,
what hop sent (--cert, or none) and whether the server took it (under TLS 1.3, hop waits up to a second for
its word: a refusal is exit 35). The chain is shown even when verification fails, with the reason in plain
words.

A mail, FTP or database server that starts TLS on request is asked to first, as openssl s_client
-starttls does: --starttls smtp|imap|pop3|ftp|postgres|ldap|mysql|xmpp, or a URL of that scheme (smtp://host, port 25
by default); smtps://, imaps://, pop3s://, ftps:// and ldaps:// name TLS from the start on their ports.

Given a file, shows the certificates in it (PEM, bundles too, or DER); "-" reads them from standard input. Exit codes: 60 not trusted (or not
matching --pin), 35 handshake failed, 10 a certificate expires within --expires-within, 6/7 could not
resolve/connect.

Several targets are checked one after another, each with its report (an array of documents with --format
json); a failed one is said at once, and a last line names every failure. The exit code is the first
failure's.`,
		Example: `  hop cert example.com
  hop cert 127.0.0.1:8443 --servername api.internal --cacert ca.pem
  hop cert mail.example.com:587 --starttls smtp --expires-within 21d
  hop cert imaps://mail.example.com
  hop cert example.com --expires-within 30d || alert "renew the certificate"
  hop cert example.com api.example.com mail.example.com:465 --expires-within 21d -q
  hop cert api.internal:8443 --cert client.pem --key client.key   # does the server take my certificate?
  hop cert chain.pem --format json | jq '.chain[].not_after'
  kubectl get secret tls -o jsonpath='{.data.tls\.crt}' | base64 -d | hop cert -
  hop cert example.com --format pem > chain.pem`,
		Args: func(_ *cobra.Command, args []string) error {
			if len(args) == 0 {
				return usageErrorf("expected a HOST[:PORT] or FILE (see hop cert --help)")
			}
			if slices.Contains(args, "") { // an unset "$HOST" in a script
				return usageErrorf("empty HOST[:PORT] or FILE (see hop cert --help)")
			}
			if i := slices.Index(args, "-"); i >= 0 && slices.Contains(args[i+1:], "-") {
				return usageErrorf("standard input (-) is named twice: it can be read once")
			}
			return nil
		},
		RunE: func(cc *cobra.Command, args []string) error {
			if err := checkFileNames(cc.Flags()); err != nil {
				return err
			}
			if err := noFlagAsValue(cc.Flags()); err != nil {
				return err
			}
			o.Targets = args
			if err := o.check(s); err != nil {
				return err
			}
			c.ran = true
			return r.Cert(cc.Context(), s, o)
		},
	}
	c.root.AddCommand(cc)
	c.flags[cc] = func(fs *pflag.FlagSet) {
		addCertFlags(fs, o)
		addCertQuietFlags(fs, &o.Quiet)
		addColorFlag(fs, s)
		if c.completing {
			registerCompletions(cc, []string{"text", "json", "pem"})
		}
	}
}

// addCertFlags registers hop cert's own flags and the request flag groups it honours.
func addCertFlags(fs *pflag.FlagSet, o *CertOptions) {
	fs.SetNormalizeFunc(flagAlias)
	addCertOwnFlags(fs, o)
	fs.StringVar(&o.Format, "format", "text", "output format: text, json or pem")
	addTLSFlags(fs, &o.Transport.TLS)
	addRouteFlags(fs, &o.Transport)
	addConnectTimeoutFlag(fs, &o.Transport)
}

func addCertOwnFlags(fs *pflag.FlagSet, o *CertOptions) {
	fs.StringVar(&o.ServerName, "servername", "", "name to send as SNI and to check the certificate against")
	fs.StringVar(&o.ALPN, "alpn", defaultALPN, "protocols to offer in ALPN, comma-separated (none with --starttls, unless given)")
	fs.StringVar(&o.StartTLS, "starttls", "", "ask the server to start TLS first, as openssl s_client -starttls: "+startTLSNames()+" (xmpp with --servername)")
	fs.StringVar(&o.ExpiresWithin, "expires-within", "", "exit 10 if a certificate expires within this window (30d, 2w, 12h)")
}

// defaultALPN is what hop cert offers in ALPN unless told otherwise: an HTTPS server's protocols.
const defaultALPN = "h2,http/1.1"

func (o *CertOptions) check(s *Streams) error {
	if _, ok := transport.StartTLSPort(o.StartTLS); o.StartTLS != "" && !ok {
		return usageErrorf("--starttls %q: expected %s", o.StartTLS, startTLSNames())
	}
	switch o.Format {
	case "text", "json", "pem":
	default:
		return usageErrorf("--format %q: expected text, json or pem", o.Format)
	}
	if o.ExpiresWithin != "" {
		if _, err := check.ParseWindow(o.ExpiresWithin); err != nil {
			return usageErrorf("--expires-within: %w", err)
		}
	}
	if o.Transport.ConnectTimeout < 0 {
		return usageErrorf("--connect-timeout must not be negative")
	}
	if s.InTTY && slices.Contains(o.Targets, "-") {
		return usageErrorf("hop cert -: standard input is a terminal; pipe certificates in, or name a file")
	}
	name, err := transport.ASCIIHost(o.ServerName)
	if err != nil {
		return usageErrorf("--servername: %w", err)
	}
	o.ServerName = name
	for _, p := range strings.Split(o.ALPN, ",") {
		if o.ALPN != "" && (p == "" || len(p) > 255) {
			return usageErrorf("--alpn %q: a comma-separated list of protocol names (h2,http/1.1), none empty", o.ALPN)
		}
	}
	return checkColor(s.Color)
}

func runCert(ctx context.Context, s *Streams, o *CertOptions) error {
	watched := s.watchInterrupts()
	o.prompt = func(p string) (string, error) { return s.ReadPassword(ctx, p) }
	o.stdin = s.In
	var window time.Duration
	if o.ExpiresWithin != "" {
		window, _ = check.ParseWindow(o.ExpiresWithin)
	}
	now := time.Now()
	proxyErr := resolveTransport(ctx, s, &o.Transport)
	several := len(o.Targets) > 1
	var docs []*format.CertDocument
	var failed []string
	var first error
	for i, target := range o.Targets {
		report, chain, err := format.CertReport{}, []*x509.Certificate(nil), proxyErr
		if err == nil {
			report, chain, err = inspect(ctx, o, target, now)
		}
		if err == nil {
			err = judge(report, chain, o, window, now)
		}
		if i == 0 {
			<-watched // once anything is shown, Ctrl-C is answered with the error line and exit 130
		}
		switch o.Format {
		case "json":
			d := &format.CertDocument{Target: target, StartTLS: report.StartTLS, RemoteAddr: report.RemoteAddr, TLS: report.Conn,
				Chain: report.Chain, ChainNotes: report.ChainNotes, Checks: report.Checks, ExitCode: exitCode(err), Error: docError(err)}
			if chain != nil {
				d.Verdict = &report.Verdict
			}
			if window > 0 {
				d.Expiring = []string{}
				for _, c := range tlsinfo.ExpiringWithin(chain, window, now) {
					d.Expiring = append(d.Expiring, c.Subject.String())
				}
			}
			docs = append(docs, d)
		case "pem":
			for _, c := range chain {
				pem.Encode(s.Out, &pem.Block{Type: "CERTIFICATE", Bytes: c.Raw})
			}
		default:
			if chain != nil && !o.Quiet {
				if i > 0 {
					fmt.Fprintln(s.Out)
				}
				format.Cert(s.Out, s.OutStyle(), report)
			}
		}
		if err == nil {
			continue
		}
		first = cmp.Or(first, err)
		if !several {
			break
		}
		failed = append(failed, fmt.Sprintf("%s (exit %d)", target, exitCode(err)))
		if o.Format != "json" {
			failedOne(s, err)
		}
		if exchange.ClassOf(err) == exchange.Interrupted || proxyErr != nil && o.Format != "json" {
			break // the rest would meet the same (a document is still written for each)
		}
	}
	if o.Format == "json" {
		if several {
			format.WriteCertDocuments(s.Out, docs)
		} else {
			format.WriteCertDocument(s.Out, docs[0])
		}
	}
	if first == nil || !several {
		return first
	}
	return &failures{first: first, line: fmt.Sprintf("%d of %d targets failed: %s", len(failed), len(o.Targets), strings.Join(failed, ", "))}
}

// readCertFile reads a PEM, DER or PKCS#12 file's bytes; "-" is standard input, read from stdin.
func readCertFile(path string, stdin io.Reader) ([]byte, error) {
	if path == "-" {
		return argfile.ReadFrom(stdin, tlsinfo.MaxCertFile)
	}
	return argfile.Read(path, tlsinfo.MaxCertFile)
}

// parseCertFile is the certificates of a PEM, DER or PKCS#12 file (opened with pass, --pass's).
func parseCertFile(data []byte, pass string) ([]*x509.Certificate, error) {
	if transport.IsPKCS12(data) {
		return transport.PKCS12Certificates(data, pass)
	}
	return tlsinfo.ParseCerts(data)
}

// inspect gathers the chain (from the server or the file) and describes it.
func inspect(ctx context.Context, o *CertOptions, target string, now time.Time) (format.CertReport, []*x509.Certificate, error) {
	r := format.CertReport{Target: target}
	tr, err := transport.New(o.Transport)
	if err != nil {
		return r, nil, &usageError{err: err}
	}
	cfg := tr.TLSConfig()
	if st, statErr := os.Stat(target); target == "-" || statErr == nil && !st.IsDir() {
		if target == "-" {
			r.Target = "standard input"
		}
		data, err := readCertFile(target, o.stdin)
		if err != nil {
			return r, nil, &request.UsageError{Arg: target, Err: err}
		}
		chain, err := parseCertFile(data, o.Transport.TLS.KeyPassword)
		if errors.Is(err, transport.ErrP12Passphrase) && o.prompt != nil {
			// As for --cert: asked for on the terminal; with none, the error says to give --pass.
			if pass, perr := o.prompt("passphrase for " + target + ": "); perr == nil {
				chain, err = parseCertFile(data, pass)
			} else if !errors.Is(perr, auth.ErrNoTerminal) {
				return r, nil, perr
			}
		}
		if err != nil {
			return r, nil, &request.UsageError{Arg: target, Err: err}
		}
		r.Chain = tlsinfo.DescribeChain(chain, o.ServerName, now)
		r.ChainNotes = tlsinfo.ChainNotes(chain)
		r.Checks = tlsinfo.Checks(chain, o.ServerName, cfg.RootCAs, now)
		r.Verdict = tlsinfo.Verify(chain, o.ServerName, cfg.RootCAs, now)
		return r, chain, revocation(&r, o.Transport.TLS, now)
	}
	addr, host, starttls, err := certAddr(target, o.StartTLS)
	if err != nil {
		return r, nil, err
	}
	r.Target, r.StartTLS = addr, starttls
	if starttls == "xmpp" && o.ServerName == "" && net.ParseIP(host) != nil {
		return r, nil, usageErrorf("--starttls xmpp opens a stream to the server's domain: give it with --servername")
	}
	// The chain is verified here, not in the handshake, so that an untrusted one can still be shown.
	cfg.InsecureSkipVerify, cfg.VerifyConnection = true, nil
	cfg.ServerName = o.ServerName
	switch {
	case starttls != "" && o.ALPN == defaultALPN:
		cfg.NextProtos = nil // a mail or database server speaks no HTTP
	case o.ALPN != "":
		cfg.NextProtos = strings.Split(o.ALPN, ",")
	}
	client := &exchange.Client{Limits: exchange.Limits{Connect: o.Transport.ConnectTimeout}}
	hs, refused := client.Handshake(ctx, addr, cfg, func(ctx context.Context, cfg *tls.Config) (*tls.Conn, error) {
		return tr.DialStartTLS(ctx, addr, cfg, starttls)
	})
	if err := tr.SaveSessions(); err != nil && refused == nil {
		refused = err // the report is still shown
	}
	if hs == nil {
		return r, nil, refused
	}
	cs, rec := hs.State, hs.Record
	name := cmp.Or(o.ServerName, host)
	conn := tlsinfo.Describe(cs, name, true, now)
	if req := rec.CertRequest; req != nil {
		conn.ClientCert = tlsinfo.DescribeClientCert(req.CAs, req.Sent, req.Unusable)
		switch {
		case hs.CertTaken:
			conn.ClientCert.Accepted = &hs.CertTaken
		case hs.CertRefused:
			conn.ClientCert.Accepted = new(bool)
		}
	}
	r.CertUnasked = rec.CertRequest == nil && o.Transport.TLS.Cert != "" && rec.TLSErr == nil
	r.Broken = rec.TLSErr != nil
	r.RemoteAddr, r.SNI, r.ALPN = rec.RemoteAddr, cfg.ServerName, cfg.NextProtos
	if r.SNI == "" && net.ParseIP(name) == nil {
		r.SNI = name
	}
	r.Offered = offered(cfg.MinVersion, cfg.MaxVersion)
	if cs.ECHAccepted {
		r.Offered = offered(tls.VersionTLS13, cfg.MaxVersion) // the transport's copy kept to ECH's TLS 1.3
	}
	r.Chain, conn.Chain = conn.Chain, nil
	r.ChainNotes = tlsinfo.ChainNotes(cs.PeerCertificates)
	r.Checks = tlsinfo.Checks(cs.PeerCertificates, name, cfg.RootCAs, now)
	r.Verdict = tlsinfo.Verify(cs.PeerCertificates, name, cfg.RootCAs, now)
	if err := revocation(&r, o.Transport.TLS, now); err != nil {
		return r, nil, err
	}
	conn.Verified = r.Verdict.Trusted
	r.Conn = &conn
	return r, cs.PeerCertificates, refused // a refused client certificate fails the target, its report shown
}

// revocation adds --crlfile's check to a report whose chain was verified: a fourth check, and the verdict
// not trusted when the lists do not clear the chain.
func revocation(r *format.CertReport, o transport.TLSOptions, now time.Time) error {
	if o.CRLFile == "" || !r.Verdict.Trusted {
		return nil
	}
	crls, err := o.CRLs()
	if err != nil {
		return &usageError{err: err}
	}
	check := tlsinfo.Check{Name: "revocation", OK: true, Detail: "every CA of the chain has a current list in --crlfile, and none lists the certificate it issued"}
	var re *tlsinfo.RevocationError
	if err := crls.Clear(r.Verdict.Chains, now); errors.As(err, &re) {
		check.OK, check.Detail = false, re.Reason
		r.Verdict = tlsinfo.Verdict{Reason: err.Error(), Err: err}
	}
	r.Checks = append(r.Checks, check)
	return nil
}

// judge turns the verdict, the pins and the expiry window into the exit status. For a server, an untrusted
// chain (--crlfile's lists included) is exit 60. For a file there is no server to trust: its verdict is
// shown, and fails only when --cacert asks for a trust check. A chain without a pinned key is exit 60 too. A
// certificate expiring within the window is exit 10.
func judge(r format.CertReport, chain []*x509.Certificate, o *CertOptions, window time.Duration, now time.Time) error {
	untrusted := func(reason string, err error) error {
		if r.Conn == nil {
			return exchange.UntrustedFile(r.Target, reason, err)
		}
		host := o.ServerName
		if host == "" {
			host, _, _ = net.SplitHostPort(r.Target)
		}
		return exchange.Untrusted(host, reason, err)
	}
	var revoked *tlsinfo.RevocationError
	typedCA := o.Transport.TLS.CACert != "" && o.Transport.TLS.CAEnv == "" || o.Transport.TLS.CAPath != "" // asks for a check of a file; CURL_CA_BUNDLE does not
	if !r.Verdict.Trusted && (r.Conn != nil || typedCA || errors.As(r.Verdict.Err, &revoked)) {
		return untrusted(r.Verdict.Reason, r.Verdict.Err)
	}
	if o.Transport.TLS.Pin != "" {
		if err := tlsinfo.VerifyPins(chain, o.Transport.TLS.Pin); err != nil {
			return untrusted(err.Error(), err)
		}
	}
	if c := r.Conn; c != nil && o.Transport.TLS.CertStatus {
		if err := tlsinfo.JudgeStaple(c.OCSP, c.OCSPError, now); err != nil {
			return untrusted(err.Error(), err)
		}
	}
	if window > 0 {
		return check.Expiry(chain, window, o.ExpiresWithin, now)
	}
	return nil
}

// startTLSNames lists the protocols --starttls takes: "smtp, imap, ... or xmpp".
func startTLSNames() string {
	var names []string
	for _, p := range transport.StartTLSProtocols {
		names = append(names, p.Name)
	}
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}

// schemeTarget is what a URL's scheme says to hop cert: the port, and the protocol to speak before TLS.
// http and https, and the schemes of TLS from the start (smtps, imaps, ...), on their ports; a
// --starttls protocol's own name (smtp://, and postgresql:// for postgres), on its usual port.
func schemeTarget(scheme string) (port, starttls string, ok bool) {
	switch scheme {
	case "https":
		return "443", "", true
	case "http":
		return "80", "", true
	case "smtps":
		return "465", "", true
	case "imaps":
		return "993", "", true
	case "pop3s":
		return "995", "", true
	case "ftps":
		return "990", "", true
	case "ldaps":
		return "636", "", true
	case "postgresql":
		scheme = "postgres"
	}
	port, ok = transport.StartTLSPort(scheme)
	return port, scheme, ok
}

// certAddr reads HOST, HOST:PORT, [IPv6]:PORT or a URL into HOST:PORT, and the protocol to speak before TLS
// (starttls, or the URL's): the port is 443 by default, the scheme's for a URL, STARTTLS's usual one for
// --starttls.
func certAddr(target, starttls string) (addr, host, proto string, err error) {
	addr, host, proto, err = certTarget(target, starttls)
	if err != nil {
		return "", "", "", err
	}
	// bücher.example is looked up, sent (SNI) and matched as xn--bcher-kva.example; 127.1 is 127.0.0.1, as
	// in a URL.
	name, err := transport.ASCIIHost(host)
	if err != nil {
		return "", "", "", &request.UsageError{Arg: target, Err: err}
	}
	if ip, ok := request.NumericIPv4(name); ok {
		name = ip
	}
	if name != host {
		_, port, _ := net.SplitHostPort(addr)
		addr, host = net.JoinHostPort(name, port), name
	}
	return addr, host, proto, nil
}

// certTarget is certAddr with the host as typed.
func certTarget(target, starttls string) (addr, host, proto string, err error) {
	t := request.TwoSlashes(target) // https:/example.com, a slash dropped, as hop get reads it
	defaultPort := "443"
	if starttls != "" {
		defaultPort, _ = transport.StartTLSPort(starttls)
	}
	if strings.Contains(t, "://") {
		u, err := url.Parse(t)
		if err != nil || u.Hostname() == "" {
			return "", "", "", &request.UsageError{Arg: target, Err: errors.New("expected HOST[:PORT], a URL or a certificate file")}
		}
		schemePort, proto, ok := schemeTarget(strings.ToLower(u.Scheme))
		if !ok {
			return "", "", "", &request.UsageError{Arg: target, Err: fmt.Errorf("hop cert does not know the scheme %q (https, smtps, imaps, pop3s, ftps, ldaps; %s with STARTTLS)", u.Scheme, startTLSNames())}
		}
		if starttls == "" {
			starttls, defaultPort = proto, schemePort
		}
		port := cmp.Or(u.Port(), defaultPort)
		if n, err := strconv.ParseUint(port, 10, 16); err != nil || n == 0 {
			return "", "", "", &request.UsageError{Arg: target, Err: fmt.Errorf("invalid port %q", port)}
		}
		return net.JoinHostPort(u.Hostname(), port), u.Hostname(), starttls, nil
	}
	if schemelessURL(t) {
		return certTarget("https://"+t, starttls) // example.com/login, as hop get reads it
	}
	if strings.HasPrefix(t, "[") && !strings.Contains(t, "]") {
		return "", "", "", &request.UsageError{Arg: target, Err: errors.New("missing ']' after the IPv6 address")}
	}
	if h, p, err := net.SplitHostPort(t); err == nil {
		if h == "" || p == "" {
			return "", "", "", &request.UsageError{Arg: target, Err: errors.New("expected HOST[:PORT]")}
		}
		if n, err := strconv.ParseUint(p, 10, 16); err != nil || n == 0 {
			return "", "", "", &request.UsageError{Arg: target, Err: fmt.Errorf("invalid port %q", p)}
		}
		return t, h, starttls, nil
	}
	h := strings.Trim(t, "[]")
	if h == "" || strings.ContainsAny(h, "/ ") {
		msg := "no such file, and not a HOST[:PORT]"
		if first, _, _ := strings.Cut(t, "/"); strings.Contains(first, ".") && !strings.ContainsAny(first, " ") && !strings.HasPrefix(first, ".") {
			msg += " (for the host " + first + ", write https://" + t + ")" // certs.d/leaf, read as a path: a directory of that name is here
		}
		return "", "", "", &request.UsageError{Arg: target, Err: errors.New(msg)}
	}
	if certFileName(h) {
		// chain.pem is a file's name, not a host's (no such top-level domain): its "no such file" stays.
		return "", "", "", &request.UsageError{Arg: target, Err: errors.New("no such file (for a host of that name, write https://" + h + ")")}
	}
	return net.JoinHostPort(h, defaultPort), h, starttls, nil
}

// certFileName reports whether name ends as a certificate or key file's name does (chain.pem, leaf.crt).
func certFileName(name string) bool {
	switch strings.ToLower(path.Ext(name)) {
	case ".pem", ".crt", ".cer", ".der", ".p12", ".pfx", ".key":
		return true
	}
	return false
}

// schemelessURL reports whether a target that is no file is a URL typed without its scheme: a host (with a
// dot, or localhost) and a port perhaps, then a path, query or fragment. A path (./x, certs/chain.pem,
// /etc/x.pem, certs.d/x when certs.d is a directory here) is not: its "no such file" stays.
func schemelessURL(t string) bool {
	i := strings.IndexAny(t, "/?#")
	if i <= 0 || strings.HasPrefix(t, ".") || strings.HasPrefix(t, "~") {
		return false
	}
	if certFileName(strings.TrimRight(t, "/")) {
		return false
	}
	if fi, err := os.Stat(t[:i]); err == nil && fi.IsDir() {
		return false // certs.d/leaf, under a directory that is here
	}
	host := t[:i]
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	if strings.HasPrefix(t, "[") || strings.EqualFold(host, "localhost") || net.ParseIP(host) != nil {
		return true
	}
	// A dotted name, but not one whose last label is a single letter, as a directory's (certs.d/x): no
	// top-level domain has one letter.
	dot := strings.LastIndexByte(strings.TrimSuffix(host, "."), '.')
	return dot >= 0 && len(strings.TrimSuffix(host, "."))-dot-1 != 1
}

// offered words the TLS versions a config offers; zero limits are Go's client defaults, 1.2 and 1.3.
func offered(minV, maxV uint16) string {
	minV, maxV = cmp.Or(minV, tls.VersionTLS12), cmp.Or(maxV, tls.VersionTLS13)
	if minV == maxV {
		return tls.VersionName(minV)
	}
	return tls.VersionName(minV) + "–" + tls.VersionName(maxV)
}
