package cmd_test

import (
	"bufio"
	"crypto/tls"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hop-cli/hop/testserver"
)

// TestRandomHostileProxy: the same promises when the server is fine and the proxy on the way is not. An
// HTTP proxy (over TLS in a quarter of the cases: https://) answers each CONNECT as chosen at random (a tunnel, a 407 with or without a challenge, a
// refusal with a body, a 1xx first, a head with a body or chunked, HTTP/1.0, another protocol's greeting,
// bytes after its head, a head too long, a redirect, a close, a reset, a stall), and a SOCKS5 proxy answers
// its greeting and its CONNECT with random versions, methods, reply codes and address types, or cut short.
func TestRandomHostileProxy(t *testing.T) {
	target := testserver.Start(testserver.Config{TLS: true})
	t.Cleanup(target.Close)
	root := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(root, testserver.CertPEM(target.Certificate()), 0o600); err != nil {
		t.Fatal(err)
	}
	targetAddr := strings.TrimPrefix(target.URL, "https://")
	var reached sync.Map // the seeds whose CONNECT or SOCKS greeting came
	httpProxy := testserver.ServeLoopback(t, func(conn net.Conn) { hostileConnect(conn, targetAddr, &reached) })
	// The same proxy behind TLS (an https:// proxy), with a certificate for 127.0.0.1.
	proxyCert, proxyRoot := loopbackCert(t)
	httpsProxy := testserver.ServeLoopback(t, func(conn net.Conn) {
		hostileConnect(tls.Server(conn, &tls.Config{Certificates: []tls.Certificate{proxyCert}}), targetAddr, &reached)
	})
	hop := hopBinary(t)
	documented := []int{0, 1, 2, 4, 5, 7, 10, 18, 28, 35, 47, 52, 56, 60, 97}
	hostileCases(t, hostileSeeds/3, func(t *testing.T, seed uint64, r *rand.Rand, flags []string) {
		// The HTTP proxy reads the seed from the CONNECT's X-Seed; each SOCKS5 case has a proxy of its own
		// (the name it is asked for, sSEED.hop.test, needs -k: the certificate names 127.0.0.1).
		port := targetAddr[strings.LastIndexByte(targetAddr, ':')+1:]
		via := []string{"--proxy", "http://" + httpProxy, "--proxy-header", fmt.Sprintf("X-Seed: %d", seed), "--cacert", root}
		url := fmt.Sprintf("https://127.0.0.1:%s/r/%d/get", port, seed)
		if seed%4 == 1 {
			via = []string{"--proxy", "https://" + httpsProxy, "--proxy-header", fmt.Sprintf("X-Seed: %d", seed), "--cacert", root, "--proxy-cacert", proxyRoot}
		}
		if seed%2 == 0 {
			socks := testserver.ServeLoopback(t, func(conn net.Conn) {
				reached.Store(seed, true)
				hostileSOCKS(conn, targetAddr, seed)
			})
			via = []string{"--proxy", "socks5h://" + socks, "-k"}
			url = fmt.Sprintf("https://s%d.hop.test:%s/r/%d/get", seed, port, seed)
		}
		args := slices.Concat([]string{"get", url, "--timeout", "1s"}, via, flags)
		runHostile(t, hop, args, flags, documented)
		_, ok := reached.Load(seed)
		mustReach(t, args, flags, ok)
	})
}

// hostileConnect answers a CONNECT with an act chosen by the seed in its X-Seed header, which it marks
// reached.
func hostileConnect(conn net.Conn, targetAddr string, reached *sync.Map) {
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(20 * time.Second))
	br := bufio.NewReader(conn)
	req, err := http.ReadRequest(br)
	if err != nil || req.Method != http.MethodConnect {
		return
	}
	seed, _ := strconv.ParseUint(req.Header.Get("X-Seed"), 10, 64)
	reached.Store(seed, true)
	r := rand.New(rand.NewPCG(seed, 1))
	tunnel := func(head string) {
		up, err := net.Dial("tcp", targetAddr)
		if err != nil {
			return
		}
		defer up.Close()
		io.WriteString(conn, head)
		go io.Copy(up, br)
		io.Copy(conn, up)
	}
	switch r.IntN(16) {
	case 0, 1, 2:
		tunnel("HTTP/1.1 200 Connection established\r\n\r\n")
	case 3:
		tunnel("HTTP/1.0 200 OK\r\nProxy-Agent: x\r\n\r\n")
	case 4:
		tunnel("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\n\r\n")
	case 5:
		io.WriteString(conn, "HTTP/1.1 407 Proxy Authentication Required\r\n"+pickFrom(r, "Proxy-Authenticate: Basic realm=\"p\"\r\n", "Proxy-Authenticate: Digest realm=\"p\", nonce=\"n\"\r\n", "Proxy-Authenticate: Bogus\r\n", "")+"Content-Length: 5\r\n\r\nnope\n")
	case 6:
		io.WriteString(conn, "HTTP/1.1 "+pickFrom(r, "403 Forbidden", "502 Bad Gateway", "503 Service Unavailable", "404 Not Found", "999 Odd")+"\r\nContent-Type: text/html\r\nContent-Length: 12\r\n\r\n<b>no\x1b[31m</b>")
	case 7:
		io.WriteString(conn, "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello")
	case 8:
		io.WriteString(conn, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n")
	case 9:
		io.WriteString(conn, pickFrom(r, "SSH-2.0-OpenSSH_9.2\r\n", "220 smtp ESMTP\r\n", "\x16\x03\x01\x00\x05hello", "garbage\r\n\r\n"))
	case 10:
		tunnel("HTTP/1.1 200 OK\r\n\r\nEXTRA BYTES BEFORE TLS")
	case 11:
		io.WriteString(conn, "HTTP/1.1 200 OK\r\nX-Big: "+strings.Repeat("b", 2<<20)+"\r\n\r\n")
	case 12:
		io.WriteString(conn, "HTTP/1.1 302 Found\r\nLocation: http://127.0.0.1:1/\r\nContent-Length: 0\r\n\r\n")
	case 13:
		raw := conn
		if tc, ok := conn.(*tls.Conn); ok {
			raw = tc.NetConn()
		}
		if tc, ok := raw.(*net.TCPConn); ok {
			tc.SetLinger(0) // a reset
		}
	case 14:
		time.Sleep(1500 * time.Millisecond) // past --timeout
	case 15:
		io.WriteString(conn, "HTTP/1.1 200") // a head cut short
	}
}

// hostileSOCKS answers a SOCKS5 greeting and CONNECT with random bytes chosen by seed, or tunnels to
// targetAddr as a proxy should.
func hostileSOCKS(conn net.Conn, targetAddr string, seed uint64) {
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(20 * time.Second))
	r := rand.New(rand.NewPCG(seed, 2))
	greeting := make([]byte, 2)
	if _, err := io.ReadFull(conn, greeting); err != nil {
		return
	}
	io.CopyN(io.Discard, conn, int64(greeting[1]))
	switch r.IntN(6) {
	case 0:
		conn.Write([]byte{pickFrom(r, byte(4), 5, 0x48), pickFrom(r, byte(0), 0xff, 2, 0x80)})
		if r.IntN(2) == 0 {
			return
		}
	case 1:
		conn.Write([]byte{5}) // cut short
		return
	case 2:
		return
	default:
		conn.Write([]byte{5, 0})
	}
	head := make([]byte, 4)
	if _, err := io.ReadFull(conn, head); err != nil {
		return
	}
	switch head[3] {
	case 1:
		io.CopyN(io.Discard, conn, 4+2)
	case 3:
		n := make([]byte, 1)
		io.ReadFull(conn, n)
		io.CopyN(io.Discard, conn, int64(n[0])+2)
	case 4:
		io.CopyN(io.Discard, conn, 16+2)
	}
	switch r.IntN(5) {
	case 0:
		conn.Write([]byte{5, byte(1 + r.IntN(9)), 0, 1, 127, 0, 0, 1, 0, 80}) // a failure code, or one unknown
	case 1:
		conn.Write([]byte{5, 0, 0, pickFrom(r, byte(3), 4, 9), 200}) // an address type cut short or unknown
	case 2:
		time.Sleep(1500 * time.Millisecond)
	default:
		up, err := net.Dial("tcp", targetAddr)
		if err != nil {
			return
		}
		defer up.Close()
		conn.Write([]byte{5, 0, 0, 1, 127, 0, 0, 1, 0, 80})
		go io.Copy(up, conn)
		io.Copy(conn, up)
	}
}
