package transport

import (
	"bufio"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"time"
)

// StartTLSPorts are the protocols whose servers hop cert can ask to start TLS on a plain connection
// (openssl s_client's -starttls), with their usual ports.
var StartTLSPorts = map[string]string{"smtp": "25", "imap": "143", "pop3": "110", "ftp": "21", "postgres": "5432"}

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
func startTLS(ctx context.Context, conn net.Conn, proto string) error {
	if d, ok := ctx.Deadline(); ok {
		conn.SetDeadline(d)
		defer conn.SetDeadline(time.Time{})
	}
	stop := context.AfterFunc(ctx, func() { conn.SetDeadline(time.Unix(1, 0)) }) // an interrupt ends a read
	defer stop()
	err := dialogue(conn, bufio.NewReaderSize(conn, 4096), proto)
	var se *StartTLSError
	if errors.As(err, &se) {
		se.Proto = proto
	}
	return err
}

func dialogue(conn net.Conn, r *bufio.Reader, proto string) error {
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
		case errors.Is(err, io.EOF):
			return &StartTLSError{Reply: "the server closed the connection"}
		case err != nil:
			return err
		case b == 'S':
			return nil
		case b == 'N':
			return &StartTLSError{Reply: "N (it does not accept SSL connections)"}
		}
		return &StartTLSError{Reply: fmt.Sprintf("%q (not a PostgreSQL server?)", b)}
	}
	return fmt.Errorf("STARTTLS over %q is not something hop speaks", proto)
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
		if errors.Is(err, io.EOF) {
			return "", &StartTLSError{Reply: "the server closed the connection"}
		}
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
