package cmd

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/hop-cli/hop/argfile"
	"github.com/hop-cli/hop/exchange"
	"github.com/hop-cli/hop/format"
	"github.com/hop-cli/hop/tlsinfo"
	"github.com/hop-cli/hop/trace"
)

// writeOut writes -w's template for one exchange, after everything else, as curl does; an unknown
// variable is warned about once.
func (p *presenter) writeOut(tmpl string, out *outcome, err error) {
	var roots, proxyRoots *x509.CertPool
	if p.roots != nil {
		roots, proxyRoots = p.roots()
	}
	v := writeOutValues(out, err, p.secrets, roots, proxyRoots)
	v.FileName, v.URLNum, v.Now = p.saved, p.o.urlNum, time.Now()
	if p.o.ids == nil {
		p.o.ids = &transferIDs{}
	}
	v.XferID, v.ConnID = p.o.ids.assign(out)
	if v.FileName == "" && p.o.downloading() && !p.o.Download {
		v.FileName = p.o.outputPath(p.o.File) // -o's file, even when nothing reached it, as curl says it
	}
	open := func(name string, appending bool) (io.WriteCloser, error) {
		flags := os.O_WRONLY | os.O_CREATE | os.O_TRUNC
		if appending {
			flags = os.O_WRONLY | os.O_CREATE | os.O_APPEND
		}
		f, err := os.OpenFile(name, flags, 0o666)
		if err != nil && !p.o.hushed() {
			format.Warning(p.s.Err, p.errStyle, fmt.Sprintf("cannot open --write-out's %%output{%s}: %v; the output goes on where it was", name, argfile.Reason(err)))
		}
		return f, err
	}
	unknown := format.WriteOutput(p.s.Out, p.s.Err, tmpl, v, open)
	if !p.warnedWriteOut && !p.o.hushed() {
		for _, name := range unknown {
			format.Warning(p.s.Err, p.errStyle, fmt.Sprintf("unknown --write-out variable: '%s'", name))
		}
		p.warnedWriteOut = true
	}
}

// transferIDs numbers a command's exchanges and the connections they open, from 0, as curl's xfer_id and
// conn_id count the transfers and connections of one connection pool: hop curl's URLs and --repeat's runs
// share one, and -Z's URLs number theirs at once. A connection is known again by its pair of addresses
// when the trace says it was reused.
type transferIDs struct {
	mu          sync.Mutex
	xfers, next int64
	conns       map[string]int64
}

// assign gives out's exchange its number and returns the number of the connection its final hop used, -1
// when no hop got one.
func (ids *transferIDs) assign(out *outcome) (xfer, conn int64) {
	ids.mu.Lock()
	defer ids.mu.Unlock()
	xfer, conn = ids.xfers, -1
	ids.xfers++
	if ids.conns == nil {
		ids.conns = map[string]int64{}
	}
	if out.ex == nil {
		return xfer, conn
	}
	for _, h := range out.ex.Hops {
		r := h.Record()
		if r.Events.GotConn.IsZero() {
			continue
		}
		key := r.LocalAddr + " " + r.RemoteAddr
		if id, ok := ids.conns[key]; ok && r.Reused {
			conn = id
			continue
		}
		conn = ids.next
		ids.conns[key] = conn
		ids.next++
	}
	return xfer, conn
}

// writeOutValues are curl's -w variables for an exchange. The times are curl's: seconds from the start,
// summed over the hops of a redirect chain as curl sums them, where hop's own timings are durations.
func writeOutValues(out *outcome, err error, sec format.Secrets, roots, proxyRoots *x509.CertPool) *format.WriteOut {
	v := &format.WriteOut{HTTPVersion: "0", ExitCode: exitCode(err), SSLVerify: tlsinfo.VerifyResult(nil, err, roots, time.Now()),
		ProxySSLVerify: tlsinfo.ProxyVerifyResult(nil, err, proxyRoots, time.Now())}
	if err != nil {
		v.ErrorMsg = errorMessage(err)
	}
	if out.ex == nil || len(out.ex.Hops) == 0 {
		return v
	}
	hops := out.ex.Hops
	last := hops[len(hops)-1]
	rec := last.Record()
	// As curl: the last handshake with a server during this URL's exchange; none (a connection an earlier URL
	// opened) is 0. Plain http through an https:// proxy has TLS too, the proxy's: not the server's.
	var handshake, proxyHandshake *tls.ConnectionState
	for _, h := range hops {
		r := h.Record()
		if r.Secure && !r.Reused && r.TLS != nil {
			handshake = r.TLS
		}
		if r.ProxyTLS != nil {
			proxyHandshake = r.ProxyTLS
		}
	}
	v.SSLVerify = tlsinfo.VerifyResult(handshake, err, roots, time.Now())
	v.ProxySSLVerify = tlsinfo.ProxyVerifyResult(proxyHandshake, err, proxyRoots, time.Now())
	first := hops[0].Record()
	// A hop whose attempt is past the one before it is a retry; any other but the first is a redirect
	// followed (or an auth reload, which curl counts too), counted in the last pass only: a retry that
	// began again from the URL typed starts curl's count over.
	for i, h := range hops {
		switch {
		case h.Restarted:
			v.NumRetries, v.NumRedirects = v.NumRetries+1, 0
		case i == 0:
			if h.Attempt > 1 {
				v.NumRetries++
			}
		case h.Attempt > hops[i-1].Attempt:
			v.NumRetries++
		default:
			v.NumRedirects++
		}
	}
	v.URL = sec.URL(hops[0].Request.URL.String())
	v.URLEffective = sec.URL(last.Request.URL.String())
	v.Referer = last.Request.Header.Get("Referer")
	v.Method = last.Request.Method
	if !rec.Events.GotConn.IsZero() {
		v.Scheme = strings.ToUpper(last.Request.URL.Scheme) // as curl, only once connected
	}
	v.RemoteIP, v.RemotePort = splitAddr(rec.RemoteAddr)
	if rec.TLS != nil {
		v.NumCerts, v.Certs = len(rec.TLS.PeerCertificates), rec.TLS.PeerCertificates
	}
	v.ProxyUsed = rec.Proxy != ""
	v.HTTPConnect = rec.ProxyStatus // the CONNECT's answer, a refusal's too, as curl's; none through SOCKS
	v.LocalIP, v.LocalPort = splitAddr(rec.LocalAddr)
	// As curl keeps them: the code, the version and the number of fields of the last answer received, which
	// is an earlier hop's when the last one got none (a redirect followed by an empty reply), and the last
	// Content-Type any answer of the chain gave that was not empty.
	for _, h := range hops {
		resp := h.Response
		if resp == nil {
			continue
		}
		v.HTTPCode = resp.StatusCode
		v.HTTPVersion = strconv.Itoa(resp.ProtoMajor)
		if resp.ProtoMajor == 1 && resp.ProtoMinor > 0 {
			v.HTTPVersion += "." + strconv.Itoa(resp.ProtoMinor) // HTTP/1.0 is "1" in curl's table
		}
		for _, ct := range resp.Header.Values("Content-Type") {
			if ct != "" {
				v.ContentType = ct
			}
		}
		v.Header, v.HeadOrder = trace.ReceivedHeader(resp), h.Record().HeadOrder // curl counts and shows Transfer-Encoding
	}
	if resp := last.Response; resp != nil {
		if l := resp.Header.Get("Location"); l != "" && resp.Request != nil && resp.StatusCode/100 == 3 {
			if loc, lerr := exchange.ResolveLocation(resp.Request.URL, l); lerr == nil {
				v.RedirectURL = sec.URL(loc.String()) // curl's: set when the redirect was not followed
			}
		}
		v.SizeDownload = rec.BodyBytes
	}
	if last.Response == nil || exchange.ClassOf(err) == exchange.Redirects {
		// %header{NAME} and header_json read the last request's answer, which failed, or (too many
		// redirects) was one curl no longer looks up: empty, as in curl; num_headers keeps its count.
		v.HeaderGone = true
	}
	v.SizeUpload = rec.BodySent // the last request's, as curl counts it
	for _, h := range hops {
		r := h.Record()
		if h.Response != nil {
			v.Heads = append(v.Heads, trace.ReceivedHeader(h.Response))
		}
		if !r.Events.WroteRequest.IsZero() {
			v.SizeRequest += requestSize(h.Request)
		}
		if r.HeadSize > 0 {
			v.SizeHeader += r.HeadSize // the heads as they came, 1xx ones included
		} else {
			v.SizeHeader += headsSize(h) // HTTP/2 and HTTP/3, which send no lines
		}
		if !r.Events.GotConn.IsZero() && !r.Reused {
			v.NumConnects++
		}
		t := curlTimes(r)
		if h.Response == nil && exchange.ClassOf(h.Err) == exchange.EmptyReply && !r.Events.WroteRequest.IsZero() && !r.Events.Failed.IsZero() {
			// The connection closed unanswered after the request went: curl marks its first byte when it
			// reads that end, so the marks stay in order.
			t[4] = r.Events.Failed.Sub(r.Events.Start)
		}
		v.NameLookup += t[0]
		v.Connect += t[1]
		v.AppConnect += t[2]
		v.PreTransfer += t[3]
		v.StartTransfer += t[4]
		v.PostTransfer += t[5]
	}
	v.Redirect = rec.Events.Start.Sub(first.Events.Start)
	v.Total = v.Redirect + rec.Timings().Total // a hop that failed: to its failure, which the trace stamps
	if last.Response == nil && rec.Events.Failed.IsZero() {
		v.Total = time.Since(first.Events.Start) // a failure no round trip reported
	}
	return v
}

// curlTimes are one hop's marks as curl takes them, from the hop's start: name resolved, connected, TLS
// done (0 for plain http), about to send, first byte, and request sent (curl 8.10's posttransfer; 0 when
// it was not sent whole). A step a reused connection skipped is marked when the connection was handed over.
func curlTimes(r trace.Record) [6]time.Duration {
	e := r.Events
	since := func(t time.Time) time.Duration {
		if t.IsZero() || t.Before(e.Start) {
			return 0
		}
		return t.Sub(e.Start)
	}
	ready := since(e.GotConn)
	nl := since(e.DNSDone)
	if e.DNSDone.IsZero() {
		nl = since(e.ConnectStart)
	}
	if nl == 0 {
		nl = ready
	}
	conn := since(e.ConnectDone)
	if !e.QUICDone.IsZero() {
		conn = since(e.QUICDone) // HTTP/3: connected once the QUIC handshake is done, as curl counts it
	}
	if conn == 0 {
		conn = ready
	}
	var app time.Duration
	if r.Secure {
		app = since(e.TLSDone)
		if !e.QUICDone.IsZero() {
			app = since(e.QUICDone)
		}
		if app == 0 {
			app = ready
		}
	}
	if !e.Failed.IsZero() {
		// A step that ended in the error the exchange failed with never marks its time in curl: a lookup
		// that found nothing, or a handshake refused (curl 7.88 gives its connect 0 then too).
		if r.DNSFailed {
			nl = 0
		}
		if r.TLSErr != nil {
			conn, app = 0, 0
		}
	}
	return [6]time.Duration{nl, conn, app, ready, since(e.FirstByte), since(e.WroteRequest)}
}

func splitAddr(addr string) (string, int) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "", 0
	}
	n, _ := strconv.Atoi(port)
	return host, n
}

// headsSize is the bytes of a hop's response heads, 1xx ones included, as -D writes them: what curl counts
// in size_header where no lines travelled ("HTTP/2 200 " and a "name: value" line a field, over HTTP/2
// and HTTP/3).
func headsSize(h exchange.Hop) int64 {
	var n countWriter
	for _, d := range dumpedHeads(h) {
		format.DumpHead(&n, d.st, d.header, false)
	}
	return int64(n)
}

// countWriter counts the bytes written to it.
type countWriter int64

func (c *countWriter) Write(p []byte) (int, error) {
	*c += countWriter(len(p))
	return len(p), nil
}

// requestSize is the size of a request as net/http writes it on HTTP/1.1: request line, Host, User-Agent,
// the body's framing, the other headers, a blank line, and the body.
func requestSize(req *http.Request) int64 {
	host := req.Host
	if host == "" {
		host = req.URL.Host
	}
	n := len(req.Method) + 1 + len(req.URL.RequestURI()) + len(" HTTP/1.1\r\n") + len("Host: \r\n") + len(host)
	line := func(k, v string) { n += len(k) + 2 + len(v) + 2 }
	if ua := req.Header.Get("User-Agent"); ua != "" {
		line("User-Agent", ua)
	}
	hasBody := req.Body != nil && req.Body != http.NoBody
	switch {
	case req.ContentLength > 0:
		line("Content-Length", strconv.FormatInt(req.ContentLength, 10))
	case hasBody:
		line("Transfer-Encoding", "chunked")
	case req.Method == http.MethodPost || req.Method == http.MethodPut || req.Method == http.MethodPatch:
		line("Content-Length", "0")
	}
	for k, vs := range req.Header {
		switch k {
		case "Host", "User-Agent", "Content-Length", "Transfer-Encoding", "Trailer":
			continue
		}
		for _, v := range vs {
			line(k, v)
		}
	}
	return int64(n+2) + max(req.ContentLength, 0)
}
