package testserver

import (
	"bufio"
	be "encoding/binary"
	"io"
	"net"
	"strconv"
	"sync"
	"sync/atomic"
)

// SOCKS is a SOCKS5 proxy for tests (RFC 1928, CONNECT only), with username/password authentication (RFC
// 1929) when User is set, that answers SOCKS4 and SOCKS4a requests too, as Dante and ssh -D do (their user ID
// must then be User). Route maps the requested HOST:PORT to the address it dials, as Proxy's does; Hosts
// records the host part of every request as the client sent it (a name for socks5h and socks4a, an address
// for socks5 and socks4), and UserIDs the user ID of every SOCKS4 request. Reply, when set, is the SOCKS5
// reply code every request gets instead of a connection (5: connection refused; SOCKS4 gets 91).
type SOCKS struct {
	User, Password string
	Route          func(hostport string) string
	Reply          byte

	ln       net.Listener
	mu       sync.Mutex
	hosts    []string
	userIDs  []string
	Connects atomic.Int64
}

// StartSOCKS serves s on a loopback port.
func StartSOCKS(s *SOCKS) (*SOCKS, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	s.ln = ln
	if s.Route == nil {
		s.Route = func(hostport string) string { return hostport }
	}
	go accept(ln, s.serve)
	return s, nil
}

// accept serves every connection ln takes, each on its own goroutine, until ln is closed.
func accept(ln net.Listener, serve func(net.Conn)) {
	for {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		go serve(c)
	}
}

// Addr is the proxy's HOST:PORT.
func (s *SOCKS) Addr() string { return s.ln.Addr().String() }

// Close stops accepting connections.
func (s *SOCKS) Close() { s.ln.Close() }

// Hosts returns the hosts requested so far.
func (s *SOCKS) Hosts() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.hosts...)
}

// UserIDs returns the user IDs of the SOCKS4 requests so far.
func (s *SOCKS) UserIDs() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.userIDs...)
}

func (s *SOCKS) serve(c net.Conn) {
	defer c.Close()
	var version [1]byte
	if _, err := io.ReadFull(c, version[:]); err != nil {
		return
	}
	switch version[0] {
	case 4:
		s.serve4(c)
		return
	case 5:
	default:
		return
	}
	var head [1]byte
	if _, err := io.ReadFull(c, head[:]); err != nil {
		return
	}
	methods := make([]byte, head[0])
	if _, err := io.ReadFull(c, methods); err != nil {
		return
	}
	want := byte(0)
	if s.User != "" {
		want = 2
	}
	offered := false
	for _, m := range methods {
		offered = offered || m == want
	}
	if !offered {
		c.Write([]byte{5, 0xff})
		return
	}
	c.Write([]byte{5, want})
	if want == 2 && !s.authenticate(c) {
		return
	}
	var req [4]byte
	if _, err := io.ReadFull(c, req[:]); err != nil || req[1] != 1 {
		return
	}
	var host string
	switch req[3] {
	case 1, 4:
		ip := make([]byte, map[byte]int{1: 4, 4: 16}[req[3]])
		if _, err := io.ReadFull(c, ip); err != nil {
			return
		}
		host = net.IP(ip).String()
	case 3:
		var n [1]byte
		if _, err := io.ReadFull(c, n[:]); err != nil {
			return
		}
		name := make([]byte, n[0])
		if _, err := io.ReadFull(c, name); err != nil {
			return
		}
		host = string(name)
	default:
		return
	}
	var port [2]byte
	if _, err := io.ReadFull(c, port[:]); err != nil {
		return
	}
	s.relay(c, host, be.BigEndian.Uint16(port[:]), func(code byte) { c.Write([]byte{5, code, 0, 1, 0, 0, 0, 0, 0, 0}) })
}

// serve4 answers a SOCKS4 or SOCKS4a CONNECT, its version byte read.
func (s *SOCKS) serve4(c net.Conn) {
	var req [7]byte // command, port, address
	if _, err := io.ReadFull(c, req[:]); err != nil || req[0] != 1 {
		return
	}
	r := bufio.NewReader(io.LimitReader(c, 512))
	readString := func() (string, bool) {
		b, err := r.ReadBytes(0)
		return string(b[:max(len(b)-1, 0)]), err == nil
	}
	userID, ok := readString()
	if !ok {
		return
	}
	host := net.IP(req[3:7]).String()
	if req[3] == 0 && req[4] == 0 && req[5] == 0 && req[6] != 0 { // SOCKS4a: the name follows
		if host, ok = readString(); !ok {
			return
		}
	}
	s.mu.Lock()
	s.userIDs = append(s.userIDs, userID)
	s.mu.Unlock()
	reply := func(code byte) {
		answer := byte(90) // granted
		if code != 0 {
			answer = 91 // rejected or failed
		}
		c.Write([]byte{0, answer, 0, 0, 0, 0, 0, 0})
	}
	if s.User != "" && userID != s.User {
		s.mu.Lock()
		s.hosts = append(s.hosts, host)
		s.mu.Unlock()
		c.Write([]byte{0, 93, 0, 0, 0, 0, 0, 0})
		return
	}
	s.relay(c, host, be.BigEndian.Uint16(req[1:3]), reply)
}

// relay records host, connects to it (through Route) and copies both ways; reply says 0 (granted) or a
// SOCKS5 failure code.
func (s *SOCKS) relay(c net.Conn, host string, port uint16, reply func(code byte)) {
	s.mu.Lock()
	s.hosts = append(s.hosts, host)
	s.mu.Unlock()
	if s.Reply != 0 {
		reply(s.Reply)
		return
	}
	upstream, err := net.Dial("tcp", s.Route(net.JoinHostPort(host, strconv.Itoa(int(port)))))
	if err != nil {
		reply(5)
		return
	}
	defer upstream.Close()
	s.Connects.Add(1)
	reply(0)
	done := make(chan struct{})
	go func() { io.Copy(upstream, c); upstream.(*net.TCPConn).CloseWrite(); close(done) }()
	io.Copy(c, upstream)
	<-done
}

func (s *SOCKS) authenticate(c net.Conn) bool {
	read := func() (string, bool) {
		var n [1]byte
		if _, err := io.ReadFull(c, n[:]); err != nil {
			return "", false
		}
		b := make([]byte, n[0])
		_, err := io.ReadFull(c, b)
		return string(b), err == nil
	}
	var ver [1]byte
	if _, err := io.ReadFull(c, ver[:]); err != nil {
		return false
	}
	user, ok1 := read()
	pass, ok2 := read()
	if !ok1 || !ok2 || user != s.User || pass != s.Password {
		c.Write([]byte{1, 1})
		return false
	}
	c.Write([]byte{1, 0})
	return true
}
