package format

import (
	"strings"
	"testing"

	"github.com/hop-cli/hop/tlsinfo"
)

// hop cert's sixth step: several authorities one per line, and each of the server's answers in words.
func TestClientCertStep(t *testing.T) {
	taken, refused := true, false
	for _, tt := range []struct {
		cc     tlsinfo.ClientCert
		broken bool // the handshake failed for another reason
		want   string
	}{
		{tlsinfo.ClientCert{AcceptedCAs: []string{"CN=A", "CN=B"}, Sent: "CN=me", Accepted: &taken}, false,
			"  6 Client cert    the server asked for a client certificate issued by one of 2 authorities:\n" +
				"                     CN=A\n                     CN=B\n                   hop sent CN=me, and the server took it\n"},
		{tlsinfo.ClientCert{}, false,
			"  6 Client cert    the server asked for a client certificate (naming no authority); hop sent none; the server did not say within a second whether it goes on without one (no session ticket, no alert)\n"},
		{tlsinfo.ClientCert{AcceptedCAs: []string{"CN=A"}, Sent: "CN=me"}, false,
			"  6 Client cert    the server asked for a client certificate issued by CN=A; hop sent CN=me; the server did not say within a second whether it takes it (no session ticket, no alert)\n"},
		{tlsinfo.ClientCert{AcceptedCAs: []string{"CN=A"}, Sent: "CN=me"}, true,
			"  6 Client cert    the server asked for a client certificate issued by CN=A; hop sent CN=me\n" +
				"  ✗ Failed         the handshake did not complete (the error below says why)\n"},
		{tlsinfo.ClientCert{Sent: "CN=me\x1b[31m", Accepted: &refused}, false,
			`  6 Client cert    the server asked for a client certificate (naming no authority); hop sent CN=me\x1b[31m, and the server refused it (below)` + "\n"},
	} {
		var b strings.Builder
		Cert(&b, Style{}, CertReport{Target: "h:443", Conn: &tlsinfo.Connection{ClientCert: &tt.cc}, Broken: tt.broken})
		got := b.String()
		if i := strings.Index(got, "  6 Client cert"); i < 0 || got[i:strings.Index(got, "Verdict")] != tt.want {
			t.Errorf("report:\n%s\nwant its sixth step:\n%s", got, tt.want)
		}
	}
}

// A chain that verifies, met in a handshake that then failed (a key Go refuses), is not called trusted
// without saying that no connection came of it.
func TestVerdictOfABrokenHandshake(t *testing.T) {
	for _, tt := range []struct {
		report CertReport
		want   string
	}{
		{CertReport{Target: "h:443", Conn: &tlsinfo.Connection{}, Verdict: tlsinfo.Verdict{Trusted: true}},
			"Verdict: trusted\n"},
		{CertReport{Target: "h:443", Conn: &tlsinfo.Connection{}, Verdict: tlsinfo.Verdict{Trusted: true}, Broken: true},
			"Verdict: the chain is trusted, but the handshake failed\n"},
		{CertReport{Target: "h:443", Conn: &tlsinfo.Connection{}, Verdict: tlsinfo.Verdict{Reason: "expired"}, Broken: true},
			"Verdict: NOT trusted: expired\n"},
	} {
		var b strings.Builder
		Cert(&b, Style{}, tt.report)
		if got := b.String(); !strings.Contains(got, "\n"+tt.want) {
			t.Errorf("report:\n%s\nwant the line %q", got, tt.want)
		}
	}
}
