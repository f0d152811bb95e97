package transport

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"time"
)

// StartTLSProtocols are the protocols whose servers hop cert can ask to start TLS on a plain connection
// (openssl s_client's -starttls), with their usual ports, in the order help lists them.
var StartTLSProtocols = []struct{ Name, Port string }{
	{"smtp", "25"}, {"imap", "143"}, {"pop3", "110"}, {"ftp", "21"}, {"postgres", "5432"}, {"ldap", "389"},
	{"mysql", "3306"}, {"xmpp", "5222"},
}

// StartTLSPort is proto's usual port, and whether hop speaks proto (one of StartTLSProtocols).
func StartTLSPort(proto string) (string, bool) {
	for _, p := range StartTLSProtocols {
		if p.Name == proto {
			return p.Port, true
		}
	}
	return "", false
}

// StartTLSError is a server that did not agree to start TLS, or did not speak the protocol it was asked to.
type StartTLSError struct {
	Proto string
	Reply string // what the server said instead, as it said it (the error line escapes it)
}

func (e *StartTLSError) Error() string {
	reply := e.Reply
	if len(reply) > maxQuoted {
		reply = strings.ToValidUTF8(reply[:maxQuoted], "") + "…"
	}
	return fmt.Sprintf("the server did not agree to start TLS over %s: %s", e.Proto, reply)
}

// maxQuoted is the most of a server's reply an error quotes: enough for a reason, not a flood.
const maxQuoted = 200

// TLSHandshakeFailure marks the failure for the exchange's classification (exit 35).
func (e *StartTLSError) TLSHandshakeFailure() bool { return true }

// startTLS speaks proto on conn until the server agrees to start TLS, within ctx's deadline: the greeting,
// the request (SMTP's EHLO first), the go-ahead. Replies are read a line at a time, each bounded, so that a
// server that talks without end cannot make hop read without end.
func startTLS(ctx context.Context, conn net.Conn, proto, name string) error {
	if d, ok := ctx.Deadline(); ok {
		conn.SetDeadline(d)
		defer conn.SetDeadline(time.Time{})
	}
	stop := context.AfterFunc(ctx, func() { conn.SetDeadline(time.Unix(1, 0)) }) // an interrupt ends a read
	defer stop()
	err := dialogue(conn, bufio.NewReaderSize(conn, 4096), proto, name)
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		err = &StartTLSError{Reply: "the server closed the connection"} // in the middle of the dialogue
	}
	var se *StartTLSError
	if errors.As(err, &se) {
		se.Proto = proto
	}
	return err
}

func dialogue(conn net.Conn, r *bufio.Reader, proto, name string) error {
	send := func(line string) error {
		_, err := io.WriteString(conn, line+"\r\n")
		return err
	}
	switch proto {
	case "smtp", "ftp":
		// Replies are "NNN text", or "NNN-text" lines continued until "NNN text".
		if err := expectCode(r, "220"); err != nil {
			return err
		}
		if proto == "ftp" {
			if err := send("AUTH TLS"); err != nil {
				return err
			}
			return expectCode(r, "234")
		}
		if err := send("EHLO " + heloName(conn)); err != nil {
			return err
		}
		if err := expectCode(r, "250"); err != nil {
			return err
		}
		if err := send("STARTTLS"); err != nil {
			return err
		}
		return expectCode(r, "220")
	case "imap":
		if err := expectLine(r, "* OK"); err != nil {
			return err
		}
		if err := send("a1 STARTTLS"); err != nil {
			return err
		}
		for range maxReplyLines {
			reply, err := line(r)
			if err != nil {
				return err
			}
			if strings.HasPrefix(reply, "* ") {
				continue // untagged data (a CAPABILITY) before the answer
			}
			if !strings.HasPrefix(reply, "a1 OK") {
				return &StartTLSError{Reply: reply}
			}
			return nil
		}
		return &StartTLSError{Reply: fmt.Sprintf("more than %d lines before an answer", maxReplyLines)}
	case "pop3":
		if err := expectLine(r, "+OK"); err != nil {
			return err
		}
		if err := send("STLS"); err != nil {
			return err
		}
		return expectLine(r, "+OK")
	case "postgres":
		// The SSLRequest message: length 8, then the code 1234 5679; the server answers one byte.
		msg := binary.BigEndian.AppendUint32(binary.BigEndian.AppendUint32(nil, 8), 80877103)
		if _, err := conn.Write(msg); err != nil {
			return err
		}
		b, err := r.ReadByte()
		switch {
		case err != nil:
			return err
		case b == 'S':
			return nil
		case b == 'N':
			return &StartTLSError{Reply: "N (it does not accept SSL connections)"}
		}
		return &StartTLSError{Reply: fmt.Sprintf("%q (not a PostgreSQL server?)", b)}
	case "ldap":
		return ldapStartTLS(conn, r)
	case "mysql":
		return mysqlStartTLS(conn, r)
	case "xmpp":
		return xmppStartTLS(conn, r, name)
	}
	return fmt.Errorf("STARTTLS over %q is not something hop speaks", proto)
}

// ldapStartTLSRequest is LDAP's StartTLS extended request (RFC 4511 4.14), message 1: SEQUENCE { INTEGER 1,
// [APPLICATION 23] SEQUENCE { [0] "1.3.6.1.4.1.1466.20037" } }.
const ldapStartTLSRequest = "\x30\x1d\x02\x01\x01\x77\x18\x80\x16" + "1.3.6.1.4.1.1466.20037"

// ldapStartTLS sends the request and reads the extended response: its result code must be 0 (success).
func ldapStartTLS(conn net.Conn, r *bufio.Reader) error {
	if _, err := io.WriteString(conn, ldapStartTLSRequest); err != nil {
		return err
	}
	msg, err := berElement(r, 0x30)
	if err != nil {
		return err
	}
	// messageID INTEGER, then the [APPLICATION 24] ExtendedResponse: resultCode ENUMERATED, matchedDN,
	// diagnosticMessage.
	rest, err := berSkip(msg, 0x02)
	if err == nil {
		rest, err = berInside(rest, 0x78)
	}
	if err != nil || len(rest) < 3 || rest[0] != 0x0a || rest[1] != 1 {
		return &StartTLSError{Reply: "not an LDAP extended response (not an LDAP server?)"}
	}
	if code := rest[2]; code != 0 {
		diag := ""
		if after, err := berSkip(rest[3:], 0x04); err == nil { // matchedDN
			if d, err := berInside(after, 0x04); err == nil && len(d) > 0 {
				diag = ": " + string(d)
			}
		}
		return &StartTLSError{Reply: fmt.Sprintf("LDAP result code %d%s", code, diag)}
	}
	return nil
}

// maxBER bounds the LDAP response read: an extended response is a few dozen bytes.
const maxBER = 4096

// berElement reads one BER element of the given tag from r, and returns its contents.
func berElement(r *bufio.Reader, tag byte) ([]byte, error) {
	head := make([]byte, 2)
	if _, err := io.ReadFull(r, head); err != nil {
		return nil, err
	}
	if head[0] != tag {
		return nil, &StartTLSError{Reply: fmt.Sprintf("a message of type 0x%02x (not an LDAP server?)", head[0])}
	}
	n := int(head[1])
	if n&0x80 != 0 {
		size := n & 0x7f
		if size == 0 || size > 2 {
			return nil, &StartTLSError{Reply: "an LDAP message too long to be an answer"}
		}
		b := make([]byte, size)
		if _, err := io.ReadFull(r, b); err != nil {
			return nil, err
		}
		n = 0
		for _, c := range b {
			n = n<<8 | int(c)
		}
	}
	if n > maxBER {
		return nil, &StartTLSError{Reply: "an LDAP message too long to be an answer"}
	}
	body := make([]byte, n)
	if _, err := io.ReadFull(r, body); err != nil {
		return nil, err
	}
	return body, nil
}

// berInside returns the contents of the element at the start of b, which must have the given tag.
func berInside(b []byte, tag byte) ([]byte, error) {
	contents, _, err := berSplit(b, tag)
	return contents, err
}

// berSkip returns what follows the element at the start of b, which must have the given tag.
func berSkip(b []byte, tag byte) ([]byte, error) {
	_, rest, err := berSplit(b, tag)
	return rest, err
}

func berSplit(b []byte, tag byte) (contents, rest []byte, err error) {
	if len(b) < 2 || b[0] != tag {
		return nil, nil, errors.New("unexpected BER element")
	}
	n, at := int(b[1]), 2
	if n&0x80 != 0 {
		size := n & 0x7f
		if size == 0 || size > 2 || len(b) < 2+size {
			return nil, nil, errors.New("bad BER length")
		}
		n, at = 0, 2+size
		for _, c := range b[2:at] {
			n = n<<8 | int(c)
		}
	}
	if len(b) < at+n {
		return nil, nil, errors.New("short BER element")
	}
	return b[at : at+n], b[at+n:], nil
}

// expectLine reads a reply line, which must start with prefix.
func expectLine(r *bufio.Reader, prefix string) error {
	reply, err := line(r)
	if err == nil && !strings.HasPrefix(reply, prefix) {
		err = &StartTLSError{Reply: reply}
	}
	return err
}

// maxReplyLines bounds a multi-line reply (an SMTP EHLO lists a few dozen extensions at most).
const maxReplyLines = 100

// line reads one reply line without its line end; one longer than the reader's buffer is cut there.
func line(r *bufio.Reader) (string, error) {
	b, err := r.ReadSlice('\n')
	if err == bufio.ErrBufferFull {
		err = nil
	}
	if err != nil && len(b) == 0 {
		return "", err
	}
	return strings.TrimRight(string(b), "\r\n"), nil
}

// expectCode reads an SMTP or FTP reply, all its lines, whose code must be want.
func expectCode(r *bufio.Reader, want string) error {
	for range maxReplyLines {
		l, err := line(r)
		if err != nil {
			return err
		}
		if len(l) >= 4 && l[3] == '-' {
			continue
		}
		if strings.HasPrefix(l, want) && (len(l) == 3 || l[3] == ' ') {
			return nil
		}
		return &StartTLSError{Reply: cmpOr(l, "an empty line")}
	}
	return &StartTLSError{Reply: fmt.Sprintf("a reply of more than %d lines", maxReplyLines)}
}

// heloName is the name SMTP's EHLO gives: the local address as an address literal (RFC 5321 4.1.3), which
// says nothing of the machine that a server does not already see.
func heloName(conn net.Conn) string {
	host, _, err := net.SplitHostPort(conn.LocalAddr().String())
	ip := net.ParseIP(host)
	switch {
	case err != nil || ip == nil:
		return "[127.0.0.1]"
	case ip.To4() == nil:
		return "[IPv6:" + host + "]"
	}
	return "[" + host + "]"
}

// mysqlStartTLS reads MySQL's initial handshake, which must offer SSL, and answers with an SSLRequest
// packet (the client's capabilities, SSL among them), after which TLS begins.
func mysqlStartTLS(conn net.Conn, r *bufio.Reader) error {
	head := make([]byte, 4)
	if _, err := io.ReadFull(r, head); err != nil {
		return err
	}
	n := int(head[0]) | int(head[1])<<8 | int(head[2])<<16
	if n < 1 || n > maxBER*4 {
		return &StartTLSError{Reply: fmt.Sprintf("a first packet of %d bytes (not a MySQL server?)", n)}
	}
	p := make([]byte, n)
	if _, err := io.ReadFull(r, p); err != nil {
		return err
	}
	switch p[0] {
	case 0xff: // an error packet: code, then (with protocol 4.1) '#' and a SQL state, then the message
		msg := p[min(3, len(p)):]
		if len(msg) > 6 && msg[0] == '#' {
			msg = msg[6:]
		}
		return &StartTLSError{Reply: "MySQL error: " + string(msg)}
	case 10:
	default:
		return &StartTLSError{Reply: fmt.Sprintf("protocol version %d (not a MySQL server?)", p[0])}
	}
	// Version 10: the server's version (NUL-ended), a connection id (4), auth data (8), a filler (1), then
	// the lower two bytes of its capabilities.
	end := bytes.IndexByte(p[1:], 0)
	if at := 1 + end + 1 + 4 + 8 + 1; end < 0 || len(p) < at+2 || p[at-1] != 0 {
		return &StartTLSError{Reply: "a malformed MySQL handshake"}
	} else if caps := uint16(p[at]) | uint16(p[at+1])<<8; caps&mysqlClientSSL == 0 {
		return &StartTLSError{Reply: "MySQL " + string(p[1:1+end]) + " does not offer SSL"}
	}
	req := make([]byte, 4, 36)
	req[0], req[3] = 32, 1 // the length, and the packet's sequence number
	req = binary.LittleEndian.AppendUint32(req, mysqlClientCaps)
	req = binary.LittleEndian.AppendUint32(req, 1<<24) // the largest packet
	req = append(req, 33)                              // utf8_general_ci
	req = append(req, make([]byte, 23)...)
	_, err := conn.Write(req)
	return err
}

// MySQL's capability flags (its protocol's CLIENT_*): what hop's SSLRequest says it speaks.
const (
	mysqlClientSSL  = 0x0800
	mysqlClientCaps = 0x0001 | 0x0200 | mysqlClientSSL | 0x8000 | 0x80000 // long password, 4.1, SSL, secure connection, plugin auth
)

// xmlAttr escapes the five markup characters of s for a quoted XML attribute, as encoding/xml's EscapeText
// writes them; importing that package would cost every run of hop its initialisation, for this one use.
func xmlAttr(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch r {
		case '&':
			b.WriteString("&amp;")
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		case '\'':
			b.WriteString("&#39;")
		case '"':
			b.WriteString("&#34;")
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// maxXMPP bounds what hop reads of an XMPP server before TLS: its stream header and features.
const maxXMPP = 64 << 10

// xmppStartTLS opens an XMPP client stream to the domain name (RFC 6120 5), reads the server's features,
// which must offer starttls, asks for it, and waits for proceed.
func xmppStartTLS(conn net.Conn, r *bufio.Reader, name string) error {
	if name == "" || net.ParseIP(name) != nil {
		return &StartTLSError{Reply: "XMPP needs the server's domain: give it with --servername"}
	}
	open := "<?xml version='1.0'?><stream:stream to='" + xmlAttr(name) +
		"' xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' version='1.0'>"
	if _, err := io.WriteString(conn, open); err != nil {
		return err
	}
	features, err := readUntil(r, "</stream:features>")
	if err != nil {
		return err
	}
	if !strings.Contains(features, "<starttls") {
		return &StartTLSError{Reply: "its stream features offer no starttls"}
	}
	if _, err := io.WriteString(conn, "<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>"); err != nil {
		return err
	}
	answer, err := readUntil(r, "/>")
	if err != nil {
		return err
	}
	if !strings.Contains(answer, "<proceed") {
		return &StartTLSError{Reply: strings.TrimSpace(answer)}
	}
	return nil
}

// readUntil reads from r up to and including end, at most maxXMPP bytes.
func readUntil(r *bufio.Reader, end string) (string, error) {
	var b strings.Builder
	for b.Len() < maxXMPP {
		c, err := r.ReadByte()
		if err != nil {
			return "", err
		}
		b.WriteByte(c)
		if strings.HasSuffix(b.String(), end) {
			return b.String(), nil
		}
	}
	return "", &StartTLSError{Reply: fmt.Sprintf("more than %d KiB before %s", maxXMPP>>10, end)}
}
