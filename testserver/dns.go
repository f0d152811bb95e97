package testserver

import (
	"net"
	"strings"
	"sync/atomic"

	"golang.org/x/net/dns/dnsmessage"
)

// DNS is a DNS server for tests, over UDP on loopback: it answers A queries for names under Zone with
// 127.0.0.1, AAAA queries there with no record, and any other name with NXDOMAIN. Queries counts the
// questions it was asked.
type DNS struct {
	Zone    string // e.g. "hop.test."
	Queries atomic.Int64

	pc net.PacketConn
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

// Close stops the server.
func (d *DNS) Close() { d.pc.Close() }

func (d *DNS) serve() {
	buf := make([]byte, 1500)
	for {
		n, from, err := d.pc.ReadFrom(buf)
		if err != nil {
			return
		}
		var p dnsmessage.Parser
		h, err := p.Start(buf[:n])
		if err != nil {
			continue
		}
		q, err := p.Question()
		if err != nil {
			continue
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
		if msg, err := b.Finish(); err == nil {
			d.pc.WriteTo(msg, from)
		}
	}
}
