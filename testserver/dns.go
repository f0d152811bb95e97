package testserver

import (
	"io"
	"net"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"golang.org/x/net/dns/dnsmessage"
)

// DNS is a DNS server for tests, over UDP on loopback, and over HTTPS when mounted as a handler (DNS over
// HTTPS, RFC 8484: POST application/dns-message): it answers A queries for names under Zone with
// 127.0.0.1, AAAA queries there with no record, and any other name with NXDOMAIN. Queries counts the
// questions it was asked, either way; From lists the addresses UDP queries came from.
type DNS struct {
	Zone    string // e.g. "hop.test."
	Queries atomic.Int64
	// ECH holds the ECHConfigLists of names under Zone (lower case, without the final dot): an HTTPS query
	// (RFC 9460) for one is answered with a record that gives it (SvcParam ech); for another name there,
	// with no record. Set before the server starts.
	ECH map[string][]byte

	pc   net.PacketConn
	mu   sync.Mutex
	from []string
}

// StartDNS serves d on a loopback UDP port.
func StartDNS(d *DNS) (*DNS, error) {
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	d.pc = pc
	go d.serve()
	return d, nil
}

// Addr is the server's HOST:PORT.
func (d *DNS) Addr() string { return d.pc.LocalAddr().String() }

// From lists the IP addresses the UDP queries so far came from, in order.
func (d *DNS) From() []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return slices.Clone(d.from)
}

// Close stops the server.
func (d *DNS) Close() { d.pc.Close() }

func (d *DNS) serve() {
	buf := make([]byte, 1500)
	for {
		n, from, err := d.pc.ReadFrom(buf)
		if err != nil {
			return
		}
		if a, ok := from.(*net.UDPAddr); ok {
			d.mu.Lock()
			d.from = append(d.from, a.IP.String())
			d.mu.Unlock()
		}
		if msg := d.answer(buf[:n]); msg != nil {
			d.pc.WriteTo(msg, from)
		}
	}
}

// ServeHTTP answers DNS over HTTPS (RFC 8484's POST form).
func (d *DNS) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	q, err := io.ReadAll(io.LimitReader(r.Body, 4096))
	if r.Method != http.MethodPost || r.Header.Get("Content-Type") != "application/dns-message" || err != nil {
		http.Error(w, "POST application/dns-message", http.StatusBadRequest)
		return
	}
	msg := d.answer(q)
	if msg == nil {
		http.Error(w, "not a DNS query", http.StatusBadRequest)
		return
	}
	w.Header().Set("Content-Type", "application/dns-message")
	w.Write(msg)
}

// answer is the response to query, a DNS message; nil when it cannot be read.
func (d *DNS) answer(query []byte) []byte {
	var p dnsmessage.Parser
	h, err := p.Start(query)
	if err != nil {
		return nil
	}
	q, err := p.Question()
	if err != nil {
		return nil
	}
	d.Queries.Add(1)
	ours := strings.HasSuffix(strings.ToLower(q.Name.String()), "."+strings.ToLower(d.Zone))
	head := dnsmessage.Header{ID: h.ID, Response: true, Authoritative: true, RecursionDesired: h.RecursionDesired}
	if !ours {
		head.RCode = dnsmessage.RCodeNameError
	}
	b := dnsmessage.NewBuilder(nil, head)
	b.EnableCompression()
	b.StartQuestions()
	b.Question(q)
	b.StartAnswers()
	if ours && q.Type == dnsmessage.TypeA {
		b.AResource(dnsmessage.ResourceHeader{Name: q.Name, Class: dnsmessage.ClassINET, TTL: 60}, dnsmessage.AResource{A: [4]byte{127, 0, 0, 1}})
	}
	if list, ok := d.ECH[strings.TrimSuffix(strings.ToLower(q.Name.String()), ".")]; ok && q.Type == dnsmessage.TypeHTTPS {
		rr := dnsmessage.HTTPSResource{SVCBResource: dnsmessage.SVCBResource{Priority: 1, Target: dnsmessage.MustNewName(".")}}
		rr.SetParam(dnsmessage.SVCParamALPN, []byte("\x02h2\x08http/1.1"))
		rr.SetParam(dnsmessage.SVCParamECH, list)
		b.HTTPSResource(dnsmessage.ResourceHeader{Name: q.Name, Class: dnsmessage.ClassINET, TTL: 60}, rr)
	}
	msg, err := b.Finish()
	if err != nil {
		return nil
	}
	return msg
}
