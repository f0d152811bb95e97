package format

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/fatih/color"

	"github.com/hop-cli/hop/tlsinfo"
	"github.com/hop-cli/hop/trace"
)

var gradeColors = map[string]*color.Color{
	tlsinfo.GradeGood:     colorSuccess,
	tlsinfo.GradeOK:       newColor(color.FgGreen),
	tlsinfo.GradeWeak:     colorWarn,
	tlsinfo.GradeInsecure: colorError,
}

func (s Style) graded(text, grade string) string {
	if grade == "" {
		return Escape(text)
	}
	return Escape(text) + " " + s.paint(gradeColors[grade], "("+grade+")")
}

// daysLeft words and colours the time a certificate has left: red once expired or within 7 days, yellow
// within 30.
func (s Style) daysLeft(days int) string {
	switch {
	case days < 0:
		return s.paint(colorError, fmt.Sprintf("expired %d days ago", -days))
	case days <= 7:
		return s.paint(colorError, fmt.Sprintf("%d days left", days))
	case days <= 30:
		return s.paint(colorWarn, fmt.Sprintf("%d days left", days))
	}
	return s.paint(colorSuccess, fmt.Sprintf("%d days left", days))
}

func date(t time.Time) string { return t.UTC().Format(time.DateOnly) }

// DescribeTLS describes a hop's TLS connection (h.TLS, which must be set): the negotiated parameters, the
// chain, and the server's request for a client certificate, which it took when it answered.
func DescribeTLS(h trace.Record, verified bool, now time.Time) tlsinfo.Connection {
	c := tlsinfo.Describe(h.TLS, h.Host, verified, now)
	if r := h.CertRequest; r != nil {
		c.ClientCert = tlsinfo.DescribeClientCert(r.CAs, r.Sent, r.Unusable)
		if h.Status != 0 {
			taken := true
			c.ClientCert.Accepted = &taken
		}
	}
	return c
}

// TLSSummary writes the TLS summary of --tls and -v: the negotiated parameters on one line, then one line
// per certificate of the chain.
func TLSSummary(w io.Writer, s Style, c tlsinfo.Connection) {
	parts := []string{s.graded(c.Version, c.VersionGrade), s.graded(c.Cipher, c.CipherGrade)}
	if c.KeyExchange != "" {
		parts = append(parts, Escape(c.KeyExchange))
	}
	if c.ForwardSecrecy {
		parts = append(parts, "forward secrecy")
	}
	if c.ALPN != "" {
		parts = append(parts, "ALPN "+Escape(c.ALPN))
	}
	if c.Resumed {
		parts = append(parts, "resumed session")
	} else {
		parts = append(parts, "new session")
	}
	if c.ECH {
		parts = append(parts, s.paint(colorSuccess, "ECH accepted (the name sent encrypted)"))
	}
	switch {
	case c.OCSP != nil && c.OCSP.Status == "good":
		parts = append(parts, s.paint(colorSuccess, "OCSP good"))
	case c.OCSP != nil:
		parts = append(parts, s.paint(colorError, "OCSP "+c.OCSP.Status))
	case c.OCSPStapled:
		parts = append(parts, s.paint(colorWarn, "OCSP staple unreadable"))
	default:
		parts = append(parts, "no OCSP staple")
	}
	switch cc := c.ClientCert; {
	case cc != nil && cc.Sent != "":
		parts = append(parts, "client certificate "+Escape(cc.Sent))
	case cc != nil && cc.Unusable != "":
		parts = append(parts, "client certificate asked for, none sent: --cert's "+Escape(cc.Unusable))
	case cc != nil:
		parts = append(parts, "client certificate asked for, none sent")
	}
	verdict := s.paint(colorSuccess, "certificate verified")
	if !c.Verified {
		verdict = s.paint(colorWarn, "certificate NOT verified (-k)")
	}
	parts = append(parts, verdict)
	fmt.Fprintf(w, "%s %s\n", s.paint(colorDim, "tls"), fit(parts, s.paint(colorDim, " · "), "    ", 4, s.Width))
	ChainLines(w, s, c.Chain)
}

// ChainLines writes one compact line per certificate: subject, the matched name, expiry, key.
func ChainLines(w io.Writer, s Style, chain []tlsinfo.Certificate) {
	for i, cert := range chain {
		subject := Escape(cert.Subject)
		if cert.MatchedName != "" {
			subject += " " + s.paint(colorSuccess, "✓ "+Escape(cert.MatchedName))
		}
		head := fmt.Sprintf("    [%d] ", i)
		fields := []string{subject, fmt.Sprintf("expires %s (%s)", date(cert.NotAfter), s.daysLeft(cert.DaysLeft)), fmt.Sprintf("%s %d", cert.KeyType, cert.KeyBits)}
		fmt.Fprintln(w, head+fit(fields, " · ", "        ", len(head), s.Width))
	}
}

// CertReport is what `hop cert` shows.
type CertReport struct {
	Target     string // HOST:PORT, or a file name
	StartTLS   string // the protocol spoken before the handshake (smtp, imap...); "" for TLS from the start
	RemoteAddr string
	SNI        string
	Offered    string   // versions offered, e.g. "TLS 1.2–TLS 1.3"
	ALPN       []string // protocols offered
	Conn       *tlsinfo.Connection
	Chain      []tlsinfo.Certificate
	Checks     []tlsinfo.Check
	Verdict    tlsinfo.Verdict
	// ChainNotes are what is amiss in the order and content of the chain (tlsinfo.ChainNotes).
	ChainNotes []string
	// Broken says the handshake failed after the server's certificates came (a key Go refuses, a client
	// certificate refused under TLS 1.2): the steps are what was seen, and the error says why it stopped.
	Broken bool
	// CertUnasked says that --cert was given and the server asked for no client certificate, so none went.
	CertUnasked bool
}

// clientCertStep writes hop cert's sixth step: the server's request for a client certificate (the
// authorities it named, one per line when several), hop's answer, and what the server made of it (nothing,
// when the handshake broke for another reason).
func clientCertStep(w io.Writer, s Style, step func(label, text string), cc *tlsinfo.ClientCert, broken bool) {
	asked := "the server asked for a client certificate"
	switch len(cc.AcceptedCAs) {
	case 0:
		asked += " (naming no authority)"
	case 1:
		asked += " issued by " + Escape(cc.AcceptedCAs[0])
	default:
		asked += fmt.Sprintf(" issued by one of %d authorities:", len(cc.AcceptedCAs))
	}
	answer := "hop sent none"
	if cc.Unusable != "" {
		answer += ", as --cert's " + Escape(cc.Unusable)
	}
	if cc.Sent != "" {
		answer = "hop sent " + Escape(cc.Sent)
	}
	switch {
	case cc.Accepted == nil && broken: // the handshake failed for another reason: no verdict to tell
	case cc.Accepted == nil && cc.Sent == "":
		answer += "; the server did not say within a second whether it goes on without one (no session ticket, no alert)"
	case cc.Accepted == nil:
		answer += "; the server did not say within a second whether it takes it (no session ticket, no alert)"
	case *cc.Accepted && cc.Sent == "":
		answer += ", and the server went on without one"
	case *cc.Accepted:
		answer += ", and the server took it"
	case cc.Sent == "":
		answer += ", and the server " + s.paint(colorError, "refused") + " to go on without one (below)"
	default:
		answer += ", and the server " + s.paint(colorError, "refused") + " it (below)"
	}
	if len(cc.AcceptedCAs) < 2 {
		step("6 Client cert", asked+"; "+answer)
		return
	}
	step("6 Client cert", asked)
	for _, ca := range cc.AcceptedCAs {
		fmt.Fprintf(w, "%21s%s\n", "", Escape(ca)) // indented under the step's text, and not wrapped: a name is one
	}
	step("", answer)
}

// certLayout lays out one certificate; the last verb takes the optional lines (OCSP, CRL).
const certLayout = `%s
  Subject      %s
  SANs         %s
  Issuer       %s
  Valid        %s
  Key          %s
  Signature    %s
  SHA-256      %s
  SPKI pin     %s
  Serial       %s
  CA           %s%s
`

// Cert writes the report: for a connection, the handshake step by step (Client Hello, Server Hello, the
// certificate, the three checks, the key exchange); then the verdict; then every certificate in full.
func Cert(w io.Writer, s Style, r CertReport) error {
	ok := func(c bool) string {
		if c {
			return s.paint(colorSuccess, "✓")
		}
		return s.paint(colorError, "✗")
	}
	if c := r.Conn; c != nil {
		after := ""
		switch r.StartTLS {
		case "":
		case "postgres":
			after = " after PostgreSQL's SSLRequest"
		case "mysql":
			after = " after MySQL's SSLRequest"
		default:
			after = " after " + strings.ToUpper(r.StartTLS) + " STARTTLS"
		}
		if r.RemoteAddr != "" && r.RemoteAddr != r.Target {
			fmt.Fprintf(w, "TLS handshake with %s (%s)%s\n", Escape(r.Target), Escape(r.RemoteAddr), after)
		} else {
			fmt.Fprintf(w, "TLS handshake with %s%s\n", Escape(r.Target), after)
		}
		hello := "hop offered " + r.Offered
		if len(r.ALPN) > 0 {
			hello += " and ALPN " + Escape(strings.Join(r.ALPN, ", "))
		}
		if r.SNI != "" {
			hello += ", for the name " + Escape(r.SNI) + " (SNI)"
			if c.ECH {
				hello += ", sent encrypted inside an outer hello for the server's public name (ECH)"
			}
		}
		step := func(label, text string) {
			fmt.Fprintf(w, "  %-16s %s\n", label, fitWords(text, strings.Repeat(" ", 19), 19, s.Width))
		}
		step("1 Client Hello", hello)
		chose := fmt.Sprintf("the server chose %s with %s", s.graded(c.Version, c.VersionGrade), s.graded(c.Cipher, c.CipherGrade))
		if c.ALPN != "" {
			chose += ", ALPN " + Escape(c.ALPN)
		}
		if c.Resumed {
			chose += ", resuming an earlier session"
		} else {
			chose += ", a new session"
		}
		step("2 Server Hello", chose)
		extra := ", without a stapled OCSP response"
		switch o := c.OCSP; {
		case o != nil && o.Status == "revoked":
			extra = ", with a stapled OCSP response saying it was REVOKED on " + o.RevokedAt.UTC().Format(time.DateOnly)
		case o != nil && !o.NextUpdate.IsZero():
			extra = fmt.Sprintf(", with a stapled OCSP response saying %s (next update %s)", o.Status, o.NextUpdate.UTC().Format(time.DateOnly))
		case o != nil:
			extra = ", with a stapled OCSP response saying " + o.Status
		case c.OCSPStapled:
			extra = ", with a stapled OCSP response hop cannot read"
		}
		if c.SCTs > 0 {
			extra += fmt.Sprintf(", with %d SCTs", c.SCTs)
		}
		step("3 Certificate", fmt.Sprintf("the server sent %d certificate(s)%s (below)", len(r.Chain), extra))
		for _, n := range r.ChainNotes {
			step("", s.paint(colorWarn, "!")+" "+Escape(n))
		}
		for i, ch := range r.Checks {
			label := "4 Checks"
			if i > 0 {
				label = ""
			}
			step(label, fmt.Sprintf("%s %s: %s", ok(ch.OK), ch.Name, Escape(ch.Detail)))
		}
		kx := "the key exchange used the certificate's RSA key: no forward secrecy; a stolen key would decrypt recorded traffic"
		if c.ForwardSecrecy {
			group := c.KeyExchange
			if group == "" {
				group = "an ephemeral key"
			}
			kx = Escape(group) + " (ephemeral): forward secrecy; both sides derived the session keys, which never crossed the wire"
		}
		step("5 Key exchange", kx)
		switch cc := c.ClientCert; {
		case cc != nil:
			clientCertStep(w, s, step, cc, r.Broken)
		case r.CertUnasked:
			step("6 Client cert", "the server asked for no client certificate, so hop sent none (--cert was not used)")
		}
		if r.Broken {
			step("✗ Failed", s.paint(colorError, "the handshake did not complete")+" (the error below says why)")
		}
	} else {
		fmt.Fprintf(w, "Certificates in %s\n", Escape(r.Target))
		for _, ch := range r.Checks {
			fmt.Fprintf(w, "  %s %s: %s\n", ok(ch.OK), ch.Name, Escape(ch.Detail))
		}
		for _, n := range r.ChainNotes {
			fmt.Fprintf(w, "  %s %s\n", s.paint(colorWarn, "!"), Escape(n))
		}
	}
	switch {
	case r.Verdict.Trusted && r.Broken:
		// The chain is good, yet no connection was made: "trusted" alone would read as all being well.
		fmt.Fprintf(w, "Verdict: the chain is trusted, but %s\n", s.paint(colorError, "the handshake failed"))
	case r.Verdict.Trusted:
		fmt.Fprintf(w, "Verdict: %s\n", s.paint(colorSuccess, "trusted"))
	default:
		fmt.Fprintf(w, "Verdict: %s: %s\n", s.paint(colorError, "NOT trusted"), Escape(r.Verdict.Reason))
	}
	for i, c := range r.Chain {
		role := "intermediate"
		switch {
		case i == 0 && r.Conn != nil:
			role = "leaf"
		case c.SelfSigned:
			role = "root (self-signed)"
		case r.Conn == nil:
			role = ""
		}
		title := fmt.Sprintf("\nCertificate [%d]", i)
		if role != "" {
			title += " " + role
		}
		sans := make([]string, len(c.SANs))
		for j, n := range c.SANs {
			sans[j] = Escape(n)
			if n == c.MatchedName {
				sans[j] += " " + s.paint(colorSuccess, "✓ matched")
			}
		}
		if len(sans) == 0 {
			sans = []string{"none"}
		}
		ca := "no"
		if c.IsCA {
			ca = "yes"
		}
		extra := ""
		if len(c.OCSPServers) > 0 {
			extra += "\n  OCSP         " + Escape(strings.Join(c.OCSPServers, ", "))
		}
		if len(c.CRLs) > 0 {
			extra += "\n  CRL          " + Escape(strings.Join(c.CRLs, ", "))
		}
		const valueIndent = "               " // under the values, 15 columns in
		_, err := fmt.Fprintf(w, certLayout, s.paint(colorName, title), Escape(c.Subject), fit(sans, ", ", valueIndent, 15, s.Width),
			Escape(c.Issuer), fmt.Sprintf("%s → %s (%s)", date(c.NotBefore), date(c.NotAfter), s.daysLeft(c.DaysLeft)),
			s.graded(fmt.Sprintf("%s %d", c.KeyType, c.KeyBits), c.KeyGrade), Escape(c.SignatureAlgorithm),
			fitHex(c.SHA256, valueIndent, 15, s.Width), c.SPKIPin, fitHex(c.Serial, valueIndent, 15, s.Width), ca, extra)
		if err != nil {
			return err
		}
	}
	return nil
}
