package transport

import (
	"bufio"
	"context"
	"crypto/tls"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"io"
	"math/rand/v2"
	"net"
	"net/url"
	"os"
	"strings"
	"sync"
	"time"

	"golang.org/x/net/dns/dnsmessage"
)

// echOption is curl's --ech read: whether the server name goes in an Encrypted Client Hello (RFC 9849),
// and the ECHConfigList to encrypt it with when one is given (ecl:); without one, DNS's HTTPS record for
// the server's name gives it, at each new connection.
type echOption struct {
	lookup bool   // true or hard: ask DNS for the server's config
	hard   bool   // hard, or a list given: no ECH, no connection
	list   []byte // ecl:'s
}

// parseECH reads --ech: false, true, hard, or ecl:BASE64 (ecl:@FILE reads it from a file), as curl's.
// curl's grease and pn:NAME are refused: Go's TLS can send neither.
func parseECH(v string) (echOption, error) {
	bad := func(format string, a ...any) (echOption, error) {
		return echOption{}, optionErrorf("--ech "+v, format, a...)
	}
	switch {
	case v == "" || v == "false":
		return echOption{}, nil
	case v == "true":
		return echOption{lookup: true}, nil
	case v == "hard":
		return echOption{lookup: true, hard: true}, nil
	case v == "grease":
		return bad("Go's TLS sends no GREASE ECH extension, so hop cannot (true tries ECH where DNS gives a config)")
	case strings.HasPrefix(v, "pn:"):
		return bad("Go's TLS sends the outer hello under the config's own public name; hop cannot override it")
	case !strings.HasPrefix(v, "ecl:"):
		return bad("expected false, true, hard or ecl:BASE64 (an ECHConfigList, or ecl:@FILE)")
	}
	text := v[len("ecl:"):]
	if name, ok := strings.CutPrefix(text, "@"); ok {
		if name == "-" || name == "" {
			return bad("ecl:@ reads a file here, not standard input")
		}
		b, err := readStart(name, 64<<10)
		if err != nil {
			return bad("%v", err)
		}
		text = string(b)
	}
	list, err := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(text), ""))
	if err != nil {
		return bad("the ECHConfigList is not base64: %v", err)
	}
	if err := checkECHConfigList(list); err != nil {
		return bad("%v", err)
	}
	return echOption{hard: true, list: list}, nil
}

// checkECHConfigList says what is wrong with list, an ECHConfigList (RFC 9849, section 4), as crypto/tls
// reads it: a framing it refuses, or no config it can use (the version it speaks, 0xfe0d, a KEM and a
// cipher suite it has, a public name that is a DNS name, no mandatory extension). Configs of other
// versions are skipped, as RFC 9849 asks.
func checkECHConfigList(list []byte) error {
	r := echReader(list)
	body, ok := r.vector(2)
	if !ok || len(r) != 0 {
		return errors.New("not an ECHConfigList: its length does not match")
	}
	usable := false
	for len(body) > 0 {
		version, ok1 := body.uint(2)
		contents, ok2 := body.vector(2)
		if !ok1 || !ok2 {
			return errors.New("not an ECHConfigList: a config is cut short")
		}
		if version != 0xfe0d {
			continue
		}
		ok, err := usableECHConfig(contents)
		if err != nil {
			return err
		}
		usable = usable || ok
	}
	if !usable {
		return errors.New("the ECHConfigList holds no config Go's TLS can use (version 0xfe0d; DHKEM X25519 or P-256, P-384, P-521; HKDF-SHA256, 384 or 512 with AES-GCM or ChaCha20-Poly1305; a DNS name as public name)")
	}
	return nil
}

// echKeySizes are the public key sizes of the KEMs crypto/tls has: DHKEM(P-256), (P-384), (P-521),
// (X25519).
var echKeySizes = map[int]int{0x0010: 65, 0x0011: 97, 0x0012: 133, 0x0020: 32}

// usableECHConfig reads an ECHConfigContents: an error when a field is cut short, else whether
// crypto/tls can use it.
func usableECHConfig(c echReader) (bool, error) {
	cut := func(field string) (bool, error) {
		return false, errors.New("not an ECHConfigList: a config's " + field + " is cut short")
	}
	_, ok1 := c.uint(1) // config_id
	kem, ok2 := c.uint(2)
	key, ok3 := c.vector(2)
	if !ok1 || !ok2 || !ok3 {
		return cut("key")
	}
	suites, ok := c.vector(2)
	if !ok || len(suites)%4 != 0 {
		return cut("cipher_suites")
	}
	suite := false
	for len(suites) > 0 {
		kdf, _ := suites.uint(2)
		aead, _ := suites.uint(2)
		suite = suite || kdf >= 1 && kdf <= 3 && aead >= 1 && aead <= 3
	}
	_, ok1 = c.uint(1) // maximum_name_length
	name, ok2 := c.vector(1)
	if !ok1 || !ok2 {
		return cut("public_name")
	}
	exts, ok := c.vector(2)
	if !ok || len(c) != 0 {
		return cut("extensions")
	}
	mandatory := false
	for len(exts) > 0 {
		typ, ok1 := exts.uint(2)
		_, ok2 := exts.vector(2)
		if !ok1 || !ok2 {
			return cut("extensions")
		}
		mandatory = mandatory || typ&0x8000 != 0
	}
	return suite && !mandatory && echKeySizes[kem] == len(key) && dnsName(string(name)), nil
}

// dnsName reports whether s is a DNS name as crypto/tls takes a public name: letters, digits and hyphens
// in labels of 1 to 63, dot-separated, no dot at the end.
func dnsName(s string) bool {
	if s == "" || len(s) > 253 {
		return false
	}
	for label := range strings.SplitSeq(s, ".") {
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		for _, c := range []byte(label) {
			if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-') {
				return false
			}
		}
	}
	return true
}

// echReader reads the TLS presentation language's integers and vectors off its front.
type echReader []byte

// uint is the next n-byte big-endian integer.
func (r *echReader) uint(n int) (int, bool) {
	if len(*r) < n {
		return 0, false
	}
	v := 0
	for _, b := range (*r)[:n] {
		v = v<<8 | int(b)
	}
	*r = (*r)[n:]
	return v, true
}

// vector is the next vector whose length takes n bytes.
func (r *echReader) vector(n int) (echReader, bool) {
	l, ok := r.uint(n)
	if !ok || len(*r) < l {
		return nil, false
	}
	v := (*r)[:l]
	*r = (*r)[l:]
	return v, true
}

// ECHError is an Encrypted Client Hello that could not be made or was refused: the handshake failed (exit
// 35, curl's 101).
type ECHError struct {
	Reason string
	// Retry is the ECHConfigList the server sent back when it refused the one used (RFC 9849's
	// retry_configs), base64; empty when it sent none.
	Retry string
}

func (e *ECHError) Error() string {
	if e.Retry != "" {
		return "ECH: " + e.Reason + "; it offers another config: --ech ecl:" + e.Retry
	}
	return "ECH: " + e.Reason
}

// TLSHandshakeFailure marks the failure for the exchange's classification (exit 35).
func (e *ECHError) TLSHandshakeFailure() bool { return true }

// HandshakeHint is what to do next, for the handshake's error.
func (e *ECHError) HandshakeHint() string {
	if e.Retry != "" {
		return "the server's keys changed since the config used was published, or it is another's: the config it offers is its own now"
	}
	return "--ech true goes without ECH where there is no config"
}

// echRejected is err as an *ECHError when the server refused ECH: it answered as its public name, whose
// certificate crypto/tls verified, and may have sent configs to retry with.
func echRejected(err error) error {
	var rej *tls.ECHRejectionError
	if !errors.As(err, &rej) {
		return err
	}
	e := &ECHError{Reason: "the server did not accept the Encrypted Client Hello (it answered under its public name)"}
	if len(rej.RetryConfigList) > 0 {
		e.Retry = base64.StdEncoding.EncodeToString(rej.RetryConfigList)
	}
	return e
}

// echFound is the outcome of asking DNS for a server's ECH config: the list, or why there is none.
type echFound struct {
	list []byte
	why  string
}

// lookupECH starts asking DNS for the ECH config of host (the server's name), unless --ech asks for no
// lookup; nil then. Through a proxy that resolves names (an HTTP proxy's CONNECT, socks5h, socks4a) no
// query is sent: the name stays off the local DNS, as the proxy promises, and ECH is not attempted. Nor
// for a protocol that starts TLS itself (starttls, hop cert's --starttls): the HTTPS record is HTTPS's.
func (c *connector) lookupECH(ctx context.Context, chain []*url.URL, host, starttls string) <-chan echFound {
	if !c.ech.lookup {
		return nil
	}
	done := make(chan echFound, 1)
	var last *url.URL // the proxy that reaches the server, which may resolve its name
	if len(chain) > 0 {
		last = chain[len(chain)-1]
	}
	switch {
	case starttls != "":
		done <- echFound{why: "DNS's HTTPS record gives configs for HTTPS, not for --starttls " + starttls + " (give one: --ech ecl:BASE64)"}
	case net.ParseIP(host) != nil:
		done <- echFound{why: "an IP address has no DNS record to give an ECH config"}
	case last != nil && last.Scheme != "socks5" && last.Scheme != "socks4":
		done <- echFound{why: "the proxy resolves the name, and hop sends it to no DNS server of its own (give the config: --ech ecl:BASE64)"}
	default:
		go func() {
			list, why := c.dial.echConfig(ctx, host)
			done <- echFound{list, why}
		}()
	}
	return done
}

// withECH completes cfg (the connection's own copy) with the ECH config found: ECH is then required, and
// TLS 1.3 with it. With none, hard fails and true goes on without ECH.
func (c *connector) withECH(cfg *tls.Config, found echFound) error {
	if found.list == nil {
		if c.ech.hard {
			return &ECHError{Reason: "no config for " + cfg.ServerName + ": " + found.why}
		}
		return nil
	}
	cfg.EncryptedClientHelloConfigList = found.list
	cfg.MinVersion = tls.VersionTLS13
	return nil
}

// echConfig asks DNS for host's HTTPS record (RFC 9460) and returns the ECHConfigList it gives (SvcParam
// ech), or why there is none. It asks the servers hop resolves names with: --doh-url's, --dns-servers', or
// the system's (resolv.conf's first), leaving as their queries leave; over TCP when the answer is truncated.
func (d *dialer) echConfig(ctx context.Context, host string) ([]byte, string) {
	name, err := dnsmessage.NewName(strings.TrimSuffix(host, ".") + ".")
	if err != nil {
		return nil, "the name is not one DNS can ask for"
	}
	if _, ok := d.loopback(net.JoinHostPort(host, "443")); ok {
		return nil, "a local name has no DNS record"
	}
	dial := (&net.Dialer{}).DialContext
	if d.resolver != nil && d.resolver.Dial != nil {
		dial = d.resolver.Dial
	}
	server := systemNameserver()
	msg, why := askHTTPS(ctx, dial, "udp", server, name)
	if why == "truncated" {
		msg, why = askHTTPS(ctx, dial, "tcp", server, name)
	}
	if why != "" {
		return nil, why
	}
	return echFromAnswer(msg, name)
}

// echLookupWait bounds a query for an HTTPS record (the connect budget bounds it too).
const echLookupWait = 5 * time.Second

// askHTTPS sends one query for name's HTTPS record to server over network and returns the answer, or why
// there is none ("truncated" when it came cut short over UDP).
func askHTTPS(ctx context.Context, dial func(context.Context, string, string) (net.Conn, error), network, server string, name dnsmessage.Name) ([]byte, string) {
	ctx, cancel := context.WithTimeout(ctx, echLookupWait)
	defer cancel()
	conn, err := dial(ctx, network, server)
	if err != nil {
		return nil, "DNS could not be asked: " + err.Error()
	}
	defer conn.Close()
	stop := context.AfterFunc(ctx, func() { conn.SetDeadline(time.Unix(1, 0)) })
	defer stop()
	id := uint16(rand.Uint32())
	b := dnsmessage.NewBuilder(nil, dnsmessage.Header{ID: id, RecursionDesired: true})
	b.StartQuestions()
	b.Question(dnsmessage.Question{Name: name, Type: dnsmessage.TypeHTTPS, Class: dnsmessage.ClassINET})
	b.StartAdditionals()
	var opt dnsmessage.ResourceHeader
	opt.SetEDNS0(1232, dnsmessage.RCodeSuccess, false) // room for a config list over UDP
	b.OPTResource(opt, dnsmessage.OPTResource{})
	q, err := b.Finish()
	if err != nil {
		return nil, "DNS could not be asked: " + err.Error()
	}
	stream := network == "tcp"
	if stream {
		q = append(binary.BigEndian.AppendUint16(nil, uint16(len(q))), q...)
	}
	if _, err := conn.Write(q); err != nil {
		return nil, "DNS could not be asked: " + err.Error()
	}
	var buf []byte // a UDP datagram's room
	if !stream {
		buf = make([]byte, 64<<10)
	}
	for {
		var msg []byte
		if stream {
			var n [2]byte
			if _, err := io.ReadFull(conn, n[:]); err != nil {
				return nil, "DNS did not answer: " + err.Error()
			}
			msg = make([]byte, binary.BigEndian.Uint16(n[:]))
			if _, err := io.ReadFull(conn, msg); err != nil {
				return nil, "DNS did not answer: " + err.Error()
			}
		} else {
			n, err := conn.Read(buf)
			if err != nil {
				return nil, "DNS did not answer: " + err.Error()
			}
			msg = buf[:n]
		}
		var p dnsmessage.Parser
		h, err := p.Start(msg)
		if err != nil || h.ID != id || !h.Response {
			if stream {
				return nil, "DNS answered with something else than the answer to its query"
			}
			continue // over UDP, a stray datagram: the answer may still come
		}
		if h.Truncated && !stream {
			return nil, "truncated"
		}
		return msg, ""
	}
}

// echFromAnswer is the ECHConfigList of the first HTTPS record in msg, by priority, that gives one for
// name (or, through the CNAMEs before it, for the name they lead to), or why there is none.
func echFromAnswer(msg []byte, name dnsmessage.Name) ([]byte, string) {
	var p dnsmessage.Parser
	h, err := p.Start(msg)
	if err != nil {
		return nil, "DNS's answer cannot be read"
	}
	switch h.RCode {
	case dnsmessage.RCodeSuccess:
	case dnsmessage.RCodeNameError:
		return nil, "DNS knows no such name"
	default:
		return nil, "DNS answered " + strings.TrimPrefix(h.RCode.String(), "RCode")
	}
	if err := p.SkipAllQuestions(); err != nil {
		return nil, "DNS's answer cannot be read"
	}
	var best []byte
	bestPriority, unusable := uint16(0), ""
	names := map[string]bool{strings.ToLower(name.String()): true} // the name, and those its CNAMEs lead to
	for {
		rh, err := p.AnswerHeader()
		if err == dnsmessage.ErrSectionDone {
			break
		}
		if err != nil {
			return nil, "DNS's answer cannot be read"
		}
		owned := names[strings.ToLower(rh.Name.String())]
		switch {
		case rh.Type == dnsmessage.TypeCNAME && owned:
			cname, err := p.CNAMEResource()
			if err != nil {
				return nil, "DNS's answer cannot be read"
			}
			names[strings.ToLower(cname.CNAME.String())] = true
			continue
		case rh.Type != dnsmessage.TypeHTTPS || !owned:
			if err := p.SkipAnswer(); err != nil {
				return nil, "DNS's answer cannot be read"
			}
			continue
		}
		rr, err := p.HTTPSResource()
		if err != nil {
			return nil, "DNS's HTTPS record cannot be read"
		}
		list, ok := rr.GetParam(dnsmessage.SVCParamECH)
		if !ok || rr.Priority == 0 || best != nil && rr.Priority >= bestPriority {
			continue // alias mode (priority 0) names another; a record without ech
		}
		if err := checkECHConfigList(list); err != nil {
			unusable = err.Error()
			continue
		}
		best, bestPriority = list, rr.Priority
	}
	switch {
	case best == nil && unusable != "":
		return nil, "DNS's HTTPS record gives a config hop cannot use: " + unusable
	case best == nil:
		return nil, "DNS has no HTTPS record for it that gives one"
	}
	return best, ""
}

// systemNameserver is the first nameserver of /etc/resolv.conf, as HOST:53, or Go's default when it
// names none; read once per process, at the first lookup. --doh-url's and --dns-servers' dials ignore it.
var systemNameserver = sync.OnceValue(func() string {
	f, err := os.Open("/etc/resolv.conf")
	if err != nil {
		return "127.0.0.1:53"
	}
	defer f.Close()
	s := bufio.NewScanner(io.LimitReader(f, 64<<10))
	for s.Scan() {
		fields := strings.Fields(s.Text())
		if len(fields) >= 2 && fields[0] == "nameserver" && net.ParseIP(strings.Split(fields[1], "%")[0]) != nil {
			return net.JoinHostPort(fields[1], "53")
		}
	}
	return "127.0.0.1:53"
})
