package cmd

import (
	"cmp"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/hop-cli/hop/argfile"
	"github.com/hop-cli/hop/format"
	"github.com/hop-cli/hop/redact"
	"github.com/hop-cli/hop/tlsinfo"
	"github.com/hop-cli/hop/trace"
)

// curlTrace writes what an exchange sends and receives as it happens, the way curl's --trace-ascii and
// --trace do: connections in "== Info:" lines, then each head and each piece of a body as it goes by, in
// blocks. It is a trace.Dump; one serves every URL of a command.
type curlTrace struct {
	flag, path string // the option and its file, for the error
	w          io.Writer
	file       *os.File // nil for "-" and "%"
	// closeStream closes the descriptor of its own "%" writes to, when it has one (see detached).
	closeStream func() error
	hex         bool // --trace-hex (curl's --trace): hex beside the text
	// plain is --trace-verbose: curl -v's lines ("* " notes, "> " and "< " heads, "[N bytes data]"), not
	// blocks. quietData leaves out the data lines, as curl does when the body goes to a terminal and the
	// lines to stdout or stderr: the body shows itself there.
	plain, quietData bool
	stamp            bool // --trace-time
	secrets          format.Secrets

	mu    sync.Mutex
	conns map[[2]string]int // the connections opened, numbered from 0 as curl numbers them, by their addresses
	// early are the connections said to be connected before the request got them (with a proxy's
	// handshake); true: say it again then, as curl does after a SOCKS handshake, not after a tunnel's.
	early  map[[2]string]bool
	next   int   // the next connection's number
	traced bool  // plain: a data line was written since the last head or note, as curl writes one a run
	err    error // the first write that failed
}

// openCurlTrace opens the dump --trace-ascii, --trace-hex or --trace-verbose asks for, if one does: a file
// (created 0600: it holds the heads, cookies included), or stdout for "-" and stderr for "%", as in curl.
// nil when none is given.
func openCurlTrace(s *Streams, o *OutputOptions) (*curlTrace, error) {
	t := &curlTrace{stamp: o.TraceTime, conns: map[[2]string]int{}, early: map[[2]string]bool{}}
	t.secrets = format.Secrets{Show: o.ShowSecrets}
	given := 0
	for _, d := range []struct {
		flag, path string
		hex, plain bool
	}{{"--trace-ascii", o.TraceASCII, false, false}, {"--trace-hex", o.TraceHex, true, false}, {"--trace-verbose", o.TraceVerbose, false, true}} {
		if d.path != "" {
			t.flag, t.path, t.hex, t.plain = d.flag, d.path, d.hex, d.plain
			given++
		}
	}
	switch given {
	case 0:
		return nil, nil
	case 1:
	default:
		return nil, usageErrorf("--trace-ascii, --trace-hex and --trace-verbose: give one of them")
	}
	// curl leaves the data lines out when the body goes to stdout on a terminal and the lines to stdout or
	// stderr (not to a file, --stderr's included).
	toStream := t.path == "-" || t.path == "%" && (o.Stderr == "" || o.Stderr == "-")
	t.quietData = t.plain && toStream && s.OutTTY && !o.downloading() && !o.URLName
	switch t.path {
	case "-":
		t.w = s.Out
	case "%":
		t.w = s.Err
		if f, ok := s.Err.(*os.File); ok {
			// curl -v's reader may go before it ends (2>&1 | grep -q): the dump then stops, and hop carries on,
			// as curl does, rather than die of SIGPIPE on stderr.
			t.w, t.closeStream = detached(f)
		}
	default:
		f, err := os.OpenFile(t.path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
		if err != nil {
			return nil, usageErrorf("%s %s: %v", t.flag, t.path, argfile.Reason(err))
		}
		t.w, t.file = f, f
	}
	return t, nil
}

// close closes the file and says whether the whole dump could be written.
func (t *curlTrace) close() error {
	if t == nil {
		return nil
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.file != nil {
		t.err = cmp.Or(t.err, t.file.Close())
		t.file = nil
	}
	if t.closeStream != nil {
		t.closeStream()
		t.closeStream = nil
	}
	switch {
	case t.err == nil:
	case (t.path == "%" || t.path == "-") && errors.Is(t.err, syscall.EPIPE):
		// The reader of stderr or stdout went away: its choice, as in curl, which goes on without a word.
	default:
		return fmt.Errorf("writing %s file %s: %w", t.flag, t.path, argfile.Reason(t.err))
	}
	return nil
}

func (t *curlTrace) now() string {
	if !t.stamp {
		return ""
	}
	return time.Now().Format(format.TraceStamp)
}

// info writes "== Info:" lines (-v's "* " lines); call it with t.mu held.
func (t *curlTrace) info(lines ...string) {
	for _, l := range lines {
		switch {
		case t.err != nil:
		case t.plain:
			t.traced = false
			t.err = format.TraceLines(t.w, t.now(), "* ", format.Escape(l)+"\n")
		default:
			t.err = format.TraceInfo(t.w, t.now(), l)
		}
	}
}

// block writes one block of bytes; call it with t.mu held.
func (t *curlTrace) block(title string, p []byte) {
	if t.err == nil {
		t.err = format.TraceBlock(t.w, t.now(), title, p, t.hex)
	}
}

// head writes a head as -v does, each line after mark ("> " sent, "< " received); call it with t.mu held.
func (t *curlTrace) head(mark, head string) {
	t.traced = false
	if t.err == nil {
		t.err = format.TraceLines(t.w, t.now(), mark, head)
	}
}

// data writes -v's line for bytes of a body, mark "} " sent or "{ " received: one for a run of them, as
// curl writes it, with the size of the first; call it with t.mu held.
func (t *curlTrace) data(mark string, n int) {
	if t.traced || t.quietData || n == 0 || t.err != nil {
		return
	}
	t.traced = true
	t.err = format.TraceData(t.w, t.now(), mark, n)
}

// maxTracedConns bounds the connections whose numbers a dump remembers.
const maxTracedConns = 4096

func (t *curlTrace) Connecting(addr string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.info("  Trying " + addr + "...")
}

// ConnectFailed says, as curl does, that a connection to addr was refused or could not reach it, the
// system's words capitalised as strerror has them ("Connection refused"); an attempt given up for another
// (the address that connected first, a timeout) is not a failure curl notes there.
func (t *curlTrace) ConnectFailed(addr string, err error) {
	var errno syscall.Errno
	if !errors.As(err, &errno) || errno == 0 {
		return
	}
	host, port, _ := net.SplitHostPort(addr)
	why := errno.Error()
	t.mu.Lock()
	defer t.mu.Unlock()
	t.info("connect to " + host + " port " + port + " failed: " + strings.ToUpper(why[:1]) + why[1:])
}

// Connected says which connection a request got, in curl's words: a new one numbered in the order opened,
// with its TLS and protocol, or a reused one by its number.
func (t *curlTrace) Connected(c trace.Conn) {
	t.mu.Lock()
	defer t.mu.Unlock()
	key := [2]string{addrText(c.Local), addrText(c.Remote)}
	if c.Reused {
		with := "host " + c.Host
		if c.Proxied {
			with = "proxy " + c.Host
		}
		if n, ok := t.conns[key]; ok {
			t.info(fmt.Sprintf("Re-using existing connection #%d with %s", n, with))
		} else {
			t.info("Re-using existing connection with " + with)
		}
		return
	}
	again, said := t.early[key]
	delete(t.early, key)
	switch {
	case again: // said before its SOCKS handshake, and again now, with the same number, as curl says it
		t.connectedLine(c, t.conns[key])
	case said: // said with its tunnel
	default:
		t.opened(c)
	}
	if c.TLS != nil {
		t.handshake(c, "Server", c.Server)
	}
	switch {
	case c.QUIC:
		t.info("using HTTP/3")
	case c.TLS != nil && c.TLS.NegotiatedProtocol == "h2":
		t.info("using HTTP/2")
	}
}

// handshake says what curl says of c's TLS handshake with whose ("Server", "Proxy") certificate, which
// must name host: the protocols offered and the one accepted, the version and cipher, the certificate; call
// it with t.mu held.
func (t *curlTrace) handshake(c trace.Conn, whose, host string) {
	cs := c.TLS
	if len(c.ALPN) > 0 && !c.QUIC {
		t.info("ALPN: offers " + strings.Join(c.ALPN, ","))
	}
	// OpenSSL's names for the versions, as curl prints them: TLSv1.3.
	version := strings.Replace(tls.VersionName(cs.Version), "TLS 1.", "TLSv1.", 1)
	t.info("SSL connection using " + version + " / " + tls.CipherSuiteName(cs.CipherSuite))
	switch {
	case c.QUIC:
	case cs.NegotiatedProtocol != "":
		t.info("ALPN: server accepted " + cs.NegotiatedProtocol)
	default:
		t.info("ALPN: server did not agree on a protocol. Uses default.")
	}
	t.info(tlsinfo.CurlCertNotes(cs, whose, host, time.Now())...)
}

// opened numbers a new connection, as curl numbers them, and says it is connected; call it with t.mu held.
func (t *curlTrace) opened(c trace.Conn) {
	if len(t.conns) >= maxTracedConns {
		clear(t.conns) // --repeat --fresh may open 100,000: the numbers of the long closed ones go
		clear(t.early)
	}
	n := t.next
	t.next++
	t.conns[[2]string{addrText(c.Local), addrText(c.Remote)}] = n
	t.connectedLine(c, n)
}

// connectedLine says connection c, number n, is connected; call it with t.mu held.
func (t *curlTrace) connectedLine(c trace.Conn, n int) {
	to := fmt.Sprintf("(%s)", addrText(c.Remote))
	if host, port, err := net.SplitHostPort(addrText(c.Remote)); err == nil {
		to = fmt.Sprintf("(%s) port %s", host, port)
	}
	t.info(fmt.Sprintf("Connected to %s %s (#%d)", c.Host, to, n))
}

func addrText(a net.Addr) string {
	if a == nil {
		return ""
	}
	return a.String()
}

// SentHead writes the request head as it was written, credentials masked unless --show-secrets.
// -v's lines are escaped (they go to a terminal); a dump's blocks show bytes outside printable ASCII as
// dots.
func (t *curlTrace) SentHead(h trace.Head) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.sent(h)
}

// sent writes a request head; call it with t.mu held.
func (t *curlTrace) sent(h trace.Head) {
	esc := func(s string) string { return s }
	if t.plain {
		esc = format.Escape
	}
	var b strings.Builder
	b.WriteString(esc(h.Line) + "\r\n")
	for _, f := range h.Fields {
		b.WriteString(esc(f[0]) + ": " + esc(t.secrets.Field(f[0], f[1])) + "\r\n")
	}
	b.WriteString("\r\n")
	if t.plain {
		t.head("> ", b.String())
	} else {
		t.block(format.TraceSendHeader, []byte(b.String()))
	}
}

func (t *curlTrace) Sent(p []byte) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.plain {
		t.data("} ", len(p))
	} else {
		t.block(format.TraceSendData, p)
	}
}

// ReceivedHead writes a response head a line to a block, as curl does, in -D's form (fields in the order
// received over HTTP/1.x, else sorted by name), credentials masked unless --show-secrets.
// An informational head (100 Continue) is shown without the blank line that ends it, as curl shows it.
func (t *curlTrace) ReceivedHead(proto string, code int, status string, header http.Header, order []string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.received(proto, code, status, header, order)
}

// received writes a response head; call it with t.mu held.
func (t *curlTrace) received(proto string, code int, status string, header http.Header, order []string) {
	var b strings.Builder
	format.DumpHead(&b, format.Status{Proto: proto, Code: code, Status: status, Order: order}, t.secrets.Header(header), t.plain)
	head := b.String()
	if code < 200 {
		head = strings.TrimSuffix(head, "\r\n")
	}
	if t.plain {
		t.head("< ", head)
		return
	}
	for line := range strings.SplitAfterSeq(head, "\n") {
		if line != "" {
			t.block(format.TraceRecvHeader, []byte(line))
		}
	}
}

// Finished says what becomes of the connection, in curl's words.
func (t *curlTrace) Finished(c trace.Conn, closing bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	n, ok := t.conns[[2]string{addrText(c.Local), addrText(c.Remote)}]
	switch {
	case !ok:
	case closing:
		t.info(fmt.Sprintf("Closing connection %d", n))
	default:
		t.info(fmt.Sprintf("Connection #%d to host %s left intact", n, c.Host))
	}
}

// Tunneling says, as curl does, that a new connection to an HTTP proxy asks it for a tunnel: the
// connection, then the CONNECT's head (its credentials masked unless --show-secrets).
func (t *curlTrace) Tunneling(c trace.Conn, target string, h trace.Head) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.opened(c)
	t.early[[2]string{addrText(c.Local), addrText(c.Remote)}] = false
	if c.TLS != nil {
		t.handshake(c, "Proxy", c.Host)
	}
	t.info("Establish HTTP proxy tunnel to " + target)
	t.sent(h)
}

// TunnelAnswer writes the proxy's answer to a CONNECT, and what curl says of it. A refused tunnel's
// connection is closed: no request will get it.
func (t *curlTrace) TunnelAnswer(c trace.Conn, proto string, code int, status string, header http.Header) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.received(proto, code, status, header, nil)
	if code/100 == 2 {
		t.info("CONNECT phase completed", fmt.Sprintf("CONNECT tunnel established, response %d", code))
	} else {
		delete(t.early, [2]string{addrText(c.Local), addrText(c.Remote)})
		t.info(fmt.Sprintf("CONNECT tunnel failed, response %d", code))
	}
}

// SOCKSConnect says, as curl does, that a new connection to a SOCKS proxy asks it to connect: the
// connection, then what it asks for.
func (t *curlTrace) SOCKSConnect(c trace.Conn, scheme, host, port string, ip net.IP) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.opened(c)
	t.early[[2]string{addrText(c.Local), addrText(c.Remote)}] = true
	switch {
	case strings.HasPrefix(scheme, "socks4"):
		t.info("SOCKS4 communication to " + net.JoinHostPort(host, port))
		if ip != nil {
			t.info("SOCKS4 connect to IPv4 " + ip.String() + " (locally resolved)")
		}
	case ip == nil:
		t.info("SOCKS5 connect to " + net.JoinHostPort(host, port) + " (remotely resolved)")
	case ip.To4() != nil:
		t.info("SOCKS5 connect to IPv4 " + ip.String() + ":" + port + " (locally resolved)")
	default:
		t.info("SOCKS5 connect to IPv6 " + ip.String() + ":" + port + " (locally resolved)")
	}
}

// SOCKSAnswer says, as curl does, that the SOCKS proxy connected. A refusal is the error line's to say; its
// connection is closed, and forgotten here.
func (t *curlTrace) SOCKSAnswer(c trace.Conn, scheme string, granted bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if !granted {
		delete(t.early, [2]string{addrText(c.Local), addrText(c.Remote)})
		return
	}
	version := map[string]string{"socks4": "SOCKS4", "socks4a": "SOCKS4a"}[scheme]
	t.info(cmp.Or(version, "SOCKS5") + " request granted.")
}

// Following says, as curl does, that credentials are cleared for a redirect to another port or scheme
// (unless --location-trusted), and where the redirect takes the exchange (credentials in the URL masked
// unless --show-secrets).
func (t *curlTrace) Following(r trace.Redirect) {
	u := r.To.String()
	if !t.secrets.Show {
		u = redact.URL(u)
	}
	port := func(u *url.URL) string {
		if p := u.Port(); p != "" {
			return p
		}
		return map[string]string{"http": "80", "https": "443"}[u.Scheme]
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	switch from, to := port(r.From), port(r.To); {
	case r.Trusted:
	case from != to:
		t.info("Clear auth, redirects to port from " + from + " to " + to)
	case r.From.Scheme != r.To.Scheme:
		t.info("Clear auth, redirects scheme from " + r.From.Scheme + " to " + r.To.Scheme)
	}
	t.info("Issue another request to this URL: '" + u + "'")
}

func (t *curlTrace) Received(p []byte) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.plain {
		t.data("{ ", len(p))
	} else {
		t.block(format.TraceRecvData, p)
	}
}
