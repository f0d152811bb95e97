package cmd

import (
	"bytes"
	"net"
	"net/http"
	"strings"
	"testing"

	"github.com/hop-cli/hop/trace"
)

// TestRefusedTunnelIsForgotten: a connection whose tunnel the proxy refused is closed; a later connection
// that happens to get the same addresses (a port used again) is said to be connected, not taken for the
// tunnel's.
func TestRefusedTunnelIsForgotten(t *testing.T) {
	var out bytes.Buffer
	d := &curlTrace{w: &out, plain: true, conns: map[[2]string]int{}, early: map[[2]string]bool{}}
	c := trace.Conn{Host: "proxy", Local: &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 40000},
		Remote: &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 3128}}
	d.Tunneling(c, "example.com:443", trace.Head{Line: "CONNECT example.com:443 HTTP/1.1"})
	d.TunnelAnswer(c, "HTTP/1.1", 407, "407 Proxy Authentication Required", http.Header{})
	d.Connected(c) // the same addresses again: plain http forwarded through the same proxy
	if got := strings.Count(out.String(), "* Connected to proxy (127.0.0.1) port 3128"); got != 2 {
		t.Errorf("'Connected to' said %d times, want 2 (the refused tunnel's, and the new connection's):\n%s", got, out.String())
	}
}

// TestRefusedSOCKSIsForgotten: the same for a SOCKS proxy that refused; one that granted has its connection
// said again, with its number, once the request gets it, as curl says it.
func TestRefusedSOCKSIsForgotten(t *testing.T) {
	var out bytes.Buffer
	d := &curlTrace{w: &out, plain: true, conns: map[[2]string]int{}, early: map[[2]string]bool{}}
	c := trace.Conn{Host: "proxy", Local: &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 40000},
		Remote: &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 1080}}
	d.SOCKSConnect(c, "socks5h", "example.com", "443", nil)
	d.SOCKSAnswer(c, "socks5h", false)
	d.Connected(c) // the same addresses again, straight to the same address
	d.SOCKSConnect(c, "socks5h", "example.com", "443", nil)
	d.SOCKSAnswer(c, "socks5h", true)
	d.Connected(c)
	want := []string{"(#0)", "(#1)", "(#2)", "(#2)"}
	var got []string
	for l := range strings.SplitSeq(out.String(), "\n") {
		if strings.HasPrefix(l, "* Connected to proxy (127.0.0.1) port 1080 ") {
			got = append(got, strings.TrimPrefix(l, "* Connected to proxy (127.0.0.1) port 1080 "))
		}
	}
	if strings.Join(got, " ") != strings.Join(want, " ") || !strings.Contains(out.String(), "* SOCKS5 request granted.\n") {
		t.Errorf("connections said %q, want %q:\n%s", got, want, out.String())
	}
}
