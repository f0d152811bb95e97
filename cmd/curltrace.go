package cmd

import (
	"bytes"
	"cmp"
	"crypto/tls"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/hop-cli/hop/argfile"
	"github.com/hop-cli/hop/format"
	"github.com/hop-cli/hop/trace"
)

// curlTrace writes what an exchange sends and receives as it happens, the way curl's --trace-ascii and
// --trace do: connections in "== Info:" lines, then each head and each piece of a body as it goes by, in
// blocks. It is a trace.Dump; one serves every URL of a command.
type curlTrace struct {
	flag, path string // the option and its file, for the error
	w          io.Writer
	file       *os.File // nil for "-" and "%"
	hex        bool     // --trace-hex (curl's --trace): hex beside the text
	stamp      bool     // --trace-time
	secrets    format.Secrets

	mu    sync.Mutex
	conns map[[2]string]int // the connections opened, numbered from 0 as curl numbers them, by their addresses
	next  int               // the next connection's number
	err   error             // the first write that failed
}

// openCurlTrace opens the dump --trace-ascii or --trace-hex asks for, if one does: a file (created 0600:
// it holds the heads, cookies included), or stdout for "-" and stderr for "%", as in curl. nil when neither
// is given.
func openCurlTrace(s *Streams, o *OutputOptions) (*curlTrace, error) {
	t := &curlTrace{flag: "--trace-ascii", path: o.TraceASCII, stamp: o.TraceTime, conns: map[[2]string]int{}}
	t.secrets = format.Secrets{Show: o.ShowSecrets}
	switch {
	case o.TraceASCII != "" && o.TraceHex != "":
		return nil, usageErrorf("--trace-ascii and --trace-hex: give one of them")
	case o.TraceHex != "":
		t.flag, t.path, t.hex = "--trace-hex", o.TraceHex, true
	case o.TraceASCII == "":
		return nil, nil
	}
	switch t.path {
	case "-":
		t.w = s.Out
	case "%":
		t.w = s.Err
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
	if t.err != nil {
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

// info writes "== Info:" lines; call it with t.mu held.
func (t *curlTrace) info(lines ...string) {
	for _, l := range lines {
		if t.err == nil {
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

// maxTracedConns bounds the connections whose numbers a dump remembers.
const maxTracedConns = 4096

func (t *curlTrace) Connecting(addr string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.info("  Trying " + addr + "...")
}

// Connected says which connection a request got, in curl's words: a new one numbered in the order opened,
// with its TLS and protocol, or a reused one by its number.
func (t *curlTrace) Connected(c trace.Conn) {
	t.mu.Lock()
	defer t.mu.Unlock()
	key := [2]string{addrText(c.Local), addrText(c.Remote)}
	if c.Reused {
		if n, ok := t.conns[key]; ok {
			t.info(fmt.Sprintf("Re-using existing connection #%d with host %s", n, c.Host))
		} else {
			t.info("Re-using existing connection with host " + c.Host)
		}
		return
	}
	if len(t.conns) >= maxTracedConns {
		clear(t.conns) // --repeat --fresh may open 100,000: the numbers of the long closed ones go
	}
	n := t.next
	t.next++
	t.conns[key] = n
	to := fmt.Sprintf("(%s)", addrText(c.Remote))
	if host, port, err := net.SplitHostPort(addrText(c.Remote)); err == nil {
		to = fmt.Sprintf("(%s) port %s", host, port)
	}
	t.info(fmt.Sprintf("Connected to %s %s (#%d)", c.Host, to, n))
	if cs := c.TLS; cs != nil {
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
	}
	switch {
	case c.QUIC:
		t.info("using HTTP/3")
	case c.TLS != nil && c.TLS.NegotiatedProtocol == "h2":
		t.info("using HTTP/2")
	}
}

func addrText(a net.Addr) string {
	if a == nil {
		return ""
	}
	return a.String()
}

// SentHead writes the request head as it was written, credentials masked unless --show-secrets.
func (t *curlTrace) SentHead(h trace.Head) {
	var b bytes.Buffer
	b.WriteString(h.Line + "\r\n")
	for _, f := range h.Fields {
		b.WriteString(f[0] + ": " + t.secrets.Field(f[0], f[1]) + "\r\n")
	}
	b.WriteString("\r\n")
	t.mu.Lock()
	defer t.mu.Unlock()
	t.block(format.TraceSendHeader, b.Bytes())
}

func (t *curlTrace) Sent(p []byte) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.block(format.TraceSendData, p)
}

// ReceivedHead writes a response head a line to a block, as curl does, in -D's form (fields sorted by
// name: Go keeps no order), credentials masked unless --show-secrets.
func (t *curlTrace) ReceivedHead(proto string, code int, status string, header http.Header) {
	var b strings.Builder
	format.DumpHead(&b, format.Status{Proto: proto, Code: code, Status: status}, t.secrets.Header(header), false)
	t.mu.Lock()
	defer t.mu.Unlock()
	for line := range strings.SplitAfterSeq(b.String(), "\n") {
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

func (t *curlTrace) Received(p []byte) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.block(format.TraceRecvData, p)
}
