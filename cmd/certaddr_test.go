package cmd

import (
	"context"
	"strings"
	"testing"
)

// TestCertAddr: hop cert's target gives the address, the name and the protocol spoken before TLS; a port
// typed always wins.
func TestCertAddr(t *testing.T) {
	for _, tt := range []struct{ target, starttls, addr, host, proto string }{
		{"example.com", "", "example.com:443", "example.com", ""},
		{"example.com:8443", "", "example.com:8443", "example.com", ""},
		{"[::1]", "", "[::1]:443", "::1", ""},
		{"https://example.com/x", "", "example.com:443", "example.com", ""},
		{"mail.example.com", "smtp", "mail.example.com:25", "mail.example.com", "smtp"},
		{"mail.example.com:587", "smtp", "mail.example.com:587", "mail.example.com", "smtp"},
		{"smtp://mail.example.com", "", "mail.example.com:25", "mail.example.com", "smtp"},
		{"SMTP://mail.example.com:587", "", "mail.example.com:587", "mail.example.com", "smtp"},
		{"smtps://mail.example.com", "", "mail.example.com:465", "mail.example.com", ""},
		{"imaps://mail.example.com", "", "mail.example.com:993", "mail.example.com", ""},
		{"imap://mail.example.com", "", "mail.example.com:143", "mail.example.com", "imap"},
		{"pop3://mail.example.com", "", "mail.example.com:110", "mail.example.com", "pop3"},
		{"ftp://files.example.com", "", "files.example.com:21", "files.example.com", "ftp"},
		{"ldaps://dir.example.com", "", "dir.example.com:636", "dir.example.com", ""},
		{"postgresql://db.example.com/app", "", "db.example.com:5432", "db.example.com", "postgres"},
		{"db.example.com", "postgres", "db.example.com:5432", "db.example.com", "postgres"},
		{"ldap://dir.example.com", "", "dir.example.com:389", "dir.example.com", "ldap"},
		{"mysql://db.example.com:3307", "", "db.example.com:3307", "db.example.com", "mysql"},
		{"xmpp://chat.example.com", "", "chat.example.com:5222", "chat.example.com", "xmpp"},
		{"chat.example.com", "xmpp", "chat.example.com:5222", "chat.example.com", "xmpp"},
		// An IPv4 address in another form is the address, as a URL's is (and as openssl s_client takes it).
		{"2130706433", "", "127.0.0.1:443", "127.0.0.1", ""},
		{"127.1:8443", "", "127.0.0.1:8443", "127.0.0.1", ""},
		{"https://0x7f.1:8443/", "", "127.0.0.1:8443", "127.0.0.1", ""},
		// An international name is its ASCII form, looked up, sent and matched so, as a URL's is.
		{"bücher.example:8443", "", "xn--bcher-kva.example:8443", "xn--bcher-kva.example", ""},
		{"https://bücher.example/", "", "xn--bcher-kva.example:443", "xn--bcher-kva.example", ""},
		// A URL typed without its scheme, as hop get takes it: the host and port, the rest left out.
		{"example.com/login", "", "example.com:443", "example.com", ""},
		{"example.com:8443/x?y#z", "", "example.com:8443", "example.com", ""},
		{"localhost:8443/", "", "localhost:8443", "localhost", ""},
		{"[::1]:8443/x", "", "[::1]:8443", "::1", ""},
		{"example.com?x", "", "example.com:443", "example.com", ""},
		{"10.0.0.1/x", "", "10.0.0.1:443", "10.0.0.1", ""},
		{"example.co/x", "", "example.co:443", "example.co", ""},
		// A slash too few or too many after https:, as hop get (and curl) read it.
		{"https:/example.com/x", "", "example.com:443", "example.com", ""},
		{"HTTPS:///example.com:8443", "", "example.com:8443", "example.com", ""},
	} {
		addr, host, proto, err := certAddr(tt.target, tt.starttls)
		if err != nil || addr != tt.addr || host != tt.host || proto != tt.proto {
			t.Errorf("certAddr(%q, %q) = %q, %q, %q, %v; want %q, %q, %q", tt.target, tt.starttls, addr, host, proto, err, tt.addr, tt.host, tt.proto)
		}
	}
	for _, bad := range []string{"gopher://x", "nntp://x", "smtp://", "x:0", "x:99999", "a b", "[::1", "[::1:443",
		"certs/chain.pem", "./missing", "chain.d/leaf.crt", "~/x.pem", "certs.d/leaf"} { // no top-level domain has one letter
		if _, _, _, err := certAddr(bad, ""); err == nil {
			t.Errorf("certAddr(%q) took it", bad)
		}
	}
}

// hop cert - on a terminal would wait for certificates typed in: it is refused, as -b - is.
func TestCertStdinTerminal(t *testing.T) {
	s, _, _ := TestStreams("")
	s.InTTY = true
	err := Execute(context.Background(), s, Runners{Cert: runCert}, []string{"cert", "-"})
	if err == nil || !strings.Contains(err.Error(), "standard input is a terminal") {
		t.Errorf("hop cert - on a terminal: %v", err)
	}
}
