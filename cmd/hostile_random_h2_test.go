package cmd_test

import (
	"bytes"
	"crypto/tls"
	"fmt"
	"math/rand/v2"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
	"time"

	"golang.org/x/net/http2"
	"golang.org/x/net/http2/hpack"

	"github.com/hop-cli/hop/testserver"
)

// TestRandomHostileHTTP2: the same promises against an HTTP/2 server (--http2: prior knowledge over h2c,
// ALPN h2 over TLS for every third case) that answers each request with frames chosen at random: heads
// with odd statuses, fields and lengths, bodies cut or longer than said, resets, GOAWAYs, pings, window
// updates, settings, pushes, trailers, frames of no known type, a connection closed or left stalled.
func TestRandomHostileHTTP2(t *testing.T) {
	cert, root := loopbackCert(t)
	plain, plainLog := startScriptedH2(t, nil)
	overTLS, tlsLog := startScriptedH2(t, &tls.Config{Certificates: []tls.Certificate{cert}, NextProtos: []string{"h2"}})
	hop := hopBinary(t)
	upload := hostileUpload(t) // more than HTTP/2's first window of 64 KiB
	documented := []int{0, 1, 2, 4, 5, 10, 18, 28, 47, 52, 63}
	hostileCases(t, hostileSeeds/2, func(t *testing.T, seed uint64, r *rand.Rand, flags []string) {
		srv, log, trust := plain, plainLog, []string(nil)
		if seed%3 == 0 {
			srv, log, trust = overTLS, tlsLog, []string{"--cacert", root}
		}
		method, body := hostileMethod(r, upload) // a POST's 1 MB is sent as the server's window allows
		args := slices.Concat([]string{method, fmt.Sprintf("%s/r/%d/file.bin", srv, seed)}, body, []string{"--http2", "--timeout", "1s"}, trust, flags)
		runHostile(t, hop, args, flags, documented)
		mustReach(t, args, flags, log.reached(seed))
	})
}

// startScriptedH2 starts an HTTP/2 server that answers /r/SEED/... with hostileFrames for that seed and
// attempt: h2c, or over TLS with cfg. It returns the server's URL and its log of requests.
func startScriptedH2(t *testing.T, cfg *tls.Config) (string, *attemptLog) {
	t.Helper()
	attempts := &attemptLog{}
	scheme := "http://"
	if cfg != nil {
		scheme = "https://"
	}
	addr := testserver.ServeLoopback(t, func(conn net.Conn) {
		if cfg != nil {
			conn = tls.Server(conn, cfg)
		}
		defer conn.Close()
		conn.SetDeadline(time.Now().Add(20 * time.Second))
		testserver.ServeFrames(conn, func(fr *http2.Framer, id uint32, path string) bool {
			seed, attempt := attempts.next(path)
			return hostileFrames(fr, id, seed, attempt)
		})
	})
	return scheme + addr, attempts
}

// hostileFrames answers stream id with frames chosen by seed and attempt; false closes the connection.
func hostileFrames(fr *http2.Framer, id uint32, seed, attempt uint64) bool {
	r := rand.New(rand.NewPCG(seed, attempt+1))
	head := func(end bool, fields ...string) {
		var block bytes.Buffer
		enc := hpack.NewEncoder(&block)
		for i := 0; i+1 < len(fields); i += 2 {
			enc.WriteField(hpack.HeaderField{Name: fields[i], Value: fields[i+1]})
		}
		fr.WriteHeaders(http2.HeadersFrameParam{StreamID: id, BlockFragment: block.Bytes(), EndHeaders: true, EndStream: end})
	}
	body := bytes.Repeat([]byte("hop h2 "), pickFrom(r, 1, 100, 20000))
	declared := pickFrom(r, len(body), len(body), -1, len(body)+10, max(0, len(body)-3))
	for range 1 + r.IntN(4) {
		switch r.IntN(16) {
		case 0, 1, 2, 3:
			fields := hostileHeadFields(r, seed, declared)
			head(r.IntN(6) == 0, fields...)
		case 4, 5, 6, 7:
			n := pickFrom(r, len(body), len(body)/2, 1)
			fr.WriteData(id, r.IntN(3) > 0, body[:n])
		case 8:
			fr.WriteRSTStream(id, http2.ErrCode(r.IntN(14)))
		case 9:
			fr.WriteGoAway(pickFrom(r, 0, id, id+2), http2.ErrCode(r.IntN(14)), []byte("bye \x1b[31m"))
			return false
		case 10:
			fr.WritePing(false, [8]byte{1})
		case 11:
			fr.WriteWindowUpdate(pickFrom(r, 0, id), uint32(pickFrom(r, 0, 1, 1<<31-1)))
		case 12:
			fr.WriteSettings(http2.Setting{ID: http2.SettingID(pickFrom(r, 1, 3, 4, 5, 6, 99)), Val: uint32(pickFrom(r, 0, 1, 1<<31, 1<<24))})
		case 13:
			fr.WritePushPromise(http2.PushPromiseParam{StreamID: id, PromiseID: id + 1, BlockFragment: []byte{0x82}, EndHeaders: true})
		case 14:
			head(true, "x-trailer", "t", pickFrom(r, "x-ok", ":status"), "1") // trailers, perhaps with a pseudo field
		case 15:
			fr.WriteRawFrame(http2.FrameType(pickFrom(r, 0x20, 0xff)), 0, id, []byte("unknown"))
		}
	}
	return hostileEnd(r)
}

// hostileHeadFields is a response head for the HTTP/2 and HTTP/3 random servers, as name and value pairs:
// an odd status at times, the body's declared length (none when declared is -1), and now and then a field
// those protocols forbid or a value that breaks a rule.
func hostileHeadFields(r *rand.Rand, seed uint64, declared int) []string {
	fields := []string{":status", pickFrom(r, "200", "200", "404", "503", "204", "304", "301", "999", "20", "abc", "103", "100")}
	if declared >= 0 {
		fields = append(fields, "content-length", strconv.Itoa(declared))
	}
	fields = append(fields, "content-type", pickFrom(r, "application/json", "text/plain", "application/octet-stream"))
	switch r.IntN(8) {
	case 0:
		fields = append(fields, "X-Upper", "1")
	case 1:
		fields = append(fields, "content-length", "7")
	case 2:
		fields = append(fields, "location", pickFrom(r, "/r/"+strconv.FormatUint(seed, 10)+"/again", "http://[::1", "ftp://x"))
	case 3:
		fields = append(fields, "content-encoding", pickFrom(r, "gzip", "br", "zstd", "bogus"))
	case 4:
		fields = append(fields, ":path", "/pseudo-in-a-response")
	case 5:
		fields = append(fields, "connection", "close")
	case 6:
		fields = append(fields, "x-escape", "\x1b[31mred")
	}
	return fields
}

// hostileUpload is a file of about 1 MB for a random case's POST to send.
func hostileUpload(t *testing.T) string {
	upload := filepath.Join(t.TempDir(), "upload.bin")
	if err := os.WriteFile(upload, bytes.Repeat([]byte("upload "), 150_000), 0o600); err != nil {
		t.Fatal(err)
	}
	return upload
}

// hostileMethod is a random case's command and body: a GET mostly, a POST of upload, or a HEAD.
func hostileMethod(r *rand.Rand, upload string) (method string, body []string) {
	switch r.IntN(4) {
	case 0:
		return "post", []string{"@" + upload}
	case 1:
		return "head", nil
	}
	return "get", nil
}

// hostileEnd ends a random answer: the connection closed (false), or left stalled past --timeout, or kept.
func hostileEnd(r *rand.Rand) bool {
	switch r.IntN(5) {
	case 0:
		return false
	case 1:
		time.Sleep(1500 * time.Millisecond)
	}
	return true
}
