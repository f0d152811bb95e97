package cmd_test

import (
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/creack/pty"
	"github.com/rogpeppe/go-internal/testscript"
	"golang.org/x/crypto/ocsp"

	"github.com/hop-cli/hop/cmd"
	"github.com/hop-cli/hop/testserver"
	"github.com/hop-cli/hop/tlsinfo"
)

func TestMain(m *testing.M) {
	// Under the race detector every process sleeps a second before it exits (GORACE's atexit_sleep_ms),
	// and these tests start hop some thousand times: a race found is still reported, and still fails.
	if os.Getenv("GORACE") == "" {
		os.Setenv("GORACE", "atexit_sleep_ms=0")
	}
	testscript.Main(cleanup{m}, map[string]func(){
		"hop": func() { os.Exit(cmd.Main()) },
	})
}

// hostEnv are the variables of the machine the tests run on that change what hop does.
var hostEnv = []string{
	"http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY", "no_proxy", "NO_PROXY",
	"REQUEST_METHOD", "CURL_CA_BUNDLE", "REQUESTS_CA_BUNDLE", "SSLKEYLOGFILE", "NETRC", "HTTPIE_CONFIG_DIR",
	"NO_COLOR", "FORCE_COLOR",
}

// cleanup removes the plain build of hop after the tests ran (testscript.Main exits on its own).
type cleanup struct{ m *testing.M }

func (c cleanup) Run() int {
	// The tests run hop against servers on loopback, in this process and as a child that inherits this
	// environment: a developer's proxy, CA bundle, .netrc or colour settings must not reach them. (Here,
	// not in TestMain, which hop's children run too, with the variables a test gave them.)
	for _, name := range hostEnv {
		os.Unsetenv(name)
	}
	code := c.m.Run()
	if plainDir != "" {
		os.RemoveAll(plainDir)
	}
	return code
}

// TestScripts runs testdata/script/*.txtar: the real hop binary against real servers on loopback.
//
// Each script gets its own servers: $SERVER (plain HTTP/1.1 httpbin), $SERVER2 (the same on another port,
// another origin), $TLSSERVER (HTTPS with HTTP/2, its certificate in $WORK/ca.pem), and $PORT (the port of
// $SERVER, for URL shorthand), $PROXY (a forward proxy that sends example.com to these servers; $AUTHPROXY
// and $AUTHSOCKS want the user ann, password s3cret; $EAGERPROXY answers a CONNECT with the server's first
// bytes), $H2C (plain HTTP that also speaks HTTP/2 with prior knowledge), $SILENT (HOST:PORT that accepts connections and never answers) and $BLACKHOLE
// (HOST:PORT where a TCP connect never completes), $DNS (a DNS server, HOST:PORT over UDP, that resolves any
// name under hop.test to 127.0.0.1 and no other). Extra commands:
//
//	exits N command args...   run command; fail unless its exit code is N (stdout/stderr kept for checks)
//	pty [-stdin TEXT] [-stdout] [-stderr] [-code N] command args...
//	                          run command with the chosen streams on pseudo-terminals
//	tlsservers                make a PKI and start an HTTPS server per kind of certificate (see cmdTLSServers)
//	echsite                   start an HTTPS server with an ECH key and its DNS server (see cmdECHSite)
func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir:   filepath.Join("..", "testdata", "script"),
		Setup: setupServers,
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"exits":      cmdExits,
			"pty":        cmdPty,
			"tlsservers": cmdTLSServers,
			"echsite":    cmdECHSite,
		},
		RequireExplicitExec: true,
	})
}

func setupServers(env *testscript.Env) error {
	plain := testserver.Start(testserver.Config{})
	env.Defer(plain.Close)
	second := testserver.Start(testserver.Config{})
	env.Defer(second.Close)
	tlsSrv := testserver.Start(testserver.Config{TLS: true})
	env.Defer(tlsSrv.Close)
	h2c := testserver.Start(testserver.Config{H2C: true})
	env.Defer(h2c.Close)
	env.Setenv("H2C", h2c.URL)
	dns, err := testserver.StartDNS(&testserver.DNS{Zone: "hop.test."})
	if err != nil {
		return err
	}
	env.Defer(dns.Close)
	env.Setenv("DNS", dns.Addr())
	env.Setenv("GORACE", os.Getenv("GORACE"))
	// $PROXY tunnels example.com:443 to $TLSSERVER (whose certificate is valid for example.com) and
	// forwards example.com:80 to $SERVER.
	tlsAddr, plainAddr := strings.TrimPrefix(tlsSrv.URL, "https://"), strings.TrimPrefix(plain.URL, "http://")
	proxy := httptest.NewServer(&testserver.Proxy{Route: func(hostport string) string {
		switch hostport {
		case "example.com:443":
			return tlsAddr
		case "example.com:80", "example.com":
			return plainAddr
		}
		return hostport
	}})
	env.Defer(proxy.Close)
	env.Setenv("PROXY", proxy.URL)
	env.Setenv("PROXYADDR", strings.TrimPrefix(proxy.URL, "http://"))
	env.Setenv("PROXYPORT", proxy.URL[strings.LastIndexByte(proxy.URL, ':')+1:])
	// $EAGERPROXY tunnels as $PROXY does, and sends its answer to CONNECT with the server's first bytes.
	eager := httptest.NewServer(&testserver.Proxy{Route: proxy.Config.Handler.(*testserver.Proxy).Route, Eager: true})
	env.Defer(eager.Close)
	env.Setenv("EAGERPROXY", eager.URL)

	// $REFUSINGPROXY answers every CONNECT 503, as a squid with no route does; $SOCKS tunnels as $PROXY does;
	// $REFUSINGSOCKS answers every connect "connection refused".
	refusing := httptest.NewServer(&testserver.Proxy{Refuse: http.StatusServiceUnavailable})
	env.Defer(refusing.Close)
	env.Setenv("REFUSINGPROXY", refusing.URL)
	socks, err := testserver.StartSOCKS(&testserver.SOCKS{Route: func(hostport string) string {
		switch hostport {
		case "example.com:443":
			return tlsAddr
		case "example.com:80":
			return plainAddr
		}
		return hostport
	}})
	if err != nil {
		return err
	}
	env.Defer(socks.Close)
	env.Setenv("SOCKS", socks.Addr())
	refusingSocks, err := testserver.StartSOCKS(&testserver.SOCKS{Reply: 5})
	if err != nil {
		return err
	}
	env.Defer(refusingSocks.Close)
	env.Setenv("REFUSINGSOCKS", refusingSocks.Addr())
	// $AUTHPROXY and $AUTHSOCKS route as $PROXY and $SOCKS do, for the user ann with the password s3cret only.
	authProxy := httptest.NewServer(&testserver.Proxy{Route: proxy.Config.Handler.(*testserver.Proxy).Route, User: "ann", Password: "s3cret"})
	env.Defer(authProxy.Close)
	env.Setenv("AUTHPROXY", authProxy.URL)
	env.Setenv("AUTHPROXYADDR", strings.TrimPrefix(authProxy.URL, "http://"))
	authSocks, err := testserver.StartSOCKS(&testserver.SOCKS{Route: socks.Route, User: "ann", Password: "s3cret"})
	if err != nil {
		return err
	}
	env.Defer(authSocks.Close)
	env.Setenv("AUTHSOCKS", authSocks.Addr())
	// $UNIXSOCK is the test server on a unix socket (in a short directory: socket paths are short).
	sockDir, err := os.MkdirTemp("", "hop")
	if err != nil {
		return err
	}
	env.Defer(func() { os.RemoveAll(sockDir) })
	unixLn, err := net.Listen("unix", filepath.Join(sockDir, "s.sock"))
	if err != nil {
		return err
	}
	unixSrv := &http.Server{Handler: testserver.Handler()}
	go unixSrv.Serve(unixLn)
	env.Defer(func() { unixSrv.Close() })
	env.Setenv("UNIXSOCK", filepath.Join(sockDir, "s.sock"))

	// $H3SERVER is the test server over HTTP/3 (UDP, on $H3PORT), with $TLSSERVER's certificate.
	h3, err := testserver.StartHTTP3(tlsSrv.TLS.Certificates[0])
	if err != nil {
		return err
	}
	env.Defer(h3.Close)
	env.Setenv("H3SERVER", h3.URL)
	env.Setenv("H3PORT", h3.URL[strings.LastIndexByte(h3.URL, ':')+1:])

	ca := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: tlsSrv.Certificate().Raw})
	if err := os.WriteFile(filepath.Join(env.WorkDir, "ca.pem"), ca, 0o644); err != nil {
		return err
	}
	// $SILENT accepts connections and never says a word.
	silent, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	env.Defer(func() { silent.Close() })
	testserver.HoldConns(silent)
	env.Setenv("SILENT", silent.Addr().String())
	blackhole, err := blackhole()
	if err != nil {
		return err
	}
	env.Defer(blackhole.close)
	env.Setenv("BLACKHOLE", blackhole.addr)
	u, _ := url.Parse(plain.URL)
	env.Setenv("SERVER", plain.URL)
	env.Setenv("SERVER2", second.URL)
	env.Setenv("TLSSERVER", tlsSrv.URL)
	env.Setenv("PORT", u.Port())
	env.Setenv("HOSTPORT", u.Host)
	tu, _ := url.Parse(tlsSrv.URL)
	env.Setenv("TLSPORT", tu.Port())
	env.Setenv("HOME", env.WorkDir)
	env.Setenv("CR", "\r")     // for arguments that end in a carriage return
	env.Setenv("CTRL", "\x01") // for arguments with a control character in them
	return nil
}

func exitCode(err error) int {
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return ee.ExitCode()
	}
	if err != nil {
		return -1
	}
	return 0
}

func cmdExits(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 {
		ts.Fatalf("usage: exits N command args...")
	}
	want, err := strconv.Atoi(args[0])
	ts.Check(err)
	got := exitCode(ts.Exec(args[1], args[2:]...))
	if got != want {
		ts.Fatalf("%s exited %d, want %d", args[1], got, want)
	}
}

// cmdPty runs a command with the chosen standard streams attached to pseudo-terminals (100 columns), the
// others to pipes. What the terminals showed becomes the command's stdout and stderr, with CRLF turned
// back into LF.
func cmdPty(ts *testscript.TestScript, neg bool, args []string) {
	var stdinText *string
	outTTY, errTTY, code := false, false, 0
	for len(args) > 0 && strings.HasPrefix(args[0], "-") {
		switch args[0] {
		case "-stdin":
			s := strings.ReplaceAll(args[1], `\n`, "\n")
			stdinText, args = &s, args[1:]
		case "-stdout":
			outTTY = true
		case "-stderr":
			errTTY = true
		case "-code":
			n, err := strconv.Atoi(args[1])
			ts.Check(err)
			code, args = n, args[1:]
		default:
			ts.Fatalf("pty: unknown option %s", args[0])
		}
		args = args[1:]
	}
	if neg || len(args) == 0 {
		ts.Fatalf("usage: pty [-stdin TEXT] [-stdout] [-stderr] [-code N] command args...")
	}
	path, err := lookPath(ts.Getenv("PATH"), args[0])
	ts.Check(err)
	c := exec.Command(path, args[1:]...)
	c.Dir = ts.MkAbs(".")
	c.Env = scriptEnv(ts)

	var wg sync.WaitGroup
	var outBuf, errBuf bytes.Buffer
	var closeAfter []*os.File
	attach := func(tty bool, buf *bytes.Buffer) *os.File {
		if !tty {
			r, w, err := os.Pipe()
			ts.Check(err)
			wg.Add(1)
			go func() { defer wg.Done(); io.Copy(buf, r); r.Close() }()
			closeAfter = append(closeAfter, w)
			return w
		}
		master, slave, err := pty.Open()
		ts.Check(err)
		pty.Setsize(master, &pty.Winsize{Rows: 40, Cols: 100})
		wg.Add(1)
		go func() { defer wg.Done(); io.Copy(buf, master); master.Close() }()
		closeAfter = append(closeAfter, slave)
		return slave
	}
	c.Stdout = attach(outTTY, &outBuf)
	c.Stderr = attach(errTTY, &errBuf)
	if stdinText != nil {
		master, slave, err := pty.Open()
		ts.Check(err)
		defer master.Close()
		c.Stdin = slave
		closeAfter = append(closeAfter, slave)
		c.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true, Ctty: 0}
		go func() {
			time.Sleep(200 * time.Millisecond) // let hop switch the terminal to no-echo first
			master.Write([]byte(*stdinText))
		}()
	}
	ts.Check(c.Start())
	for _, f := range closeAfter {
		f.Close()
	}
	waitErr := c.Wait()
	wg.Wait()
	clean := func(b *bytes.Buffer) string { return strings.ReplaceAll(b.String(), "\r\n", "\n") }
	fmt.Fprint(ts.Stdout(), clean(&outBuf))
	fmt.Fprint(ts.Stderr(), clean(&errBuf))
	if got := exitCode(waitErr); got != code {
		ts.Fatalf("%s exited %d, want %d\nstdout:\n%s\nstderr:\n%s", args[0], got, code, clean(&outBuf), clean(&errBuf))
	}
}

func lookPath(pathEnv, name string) (string, error) {
	for _, dir := range filepath.SplitList(pathEnv) {
		p := filepath.Join(dir, name)
		if st, err := os.Stat(p); err == nil && !st.IsDir() {
			return p, nil
		}
	}
	return "", fmt.Errorf("%s not found in PATH", name)
}

// scriptEnv is the script's environment for commands the pty builtin starts itself.
func scriptEnv(ts *testscript.TestScript) []string {
	var env []string
	for _, k := range []string{"PATH", "HOME", "WORK", "TMPDIR", "SERVER", "SERVER2", "TLSSERVER", "PORT",
		"NO_COLOR", "FORCE_COLOR", "TERM", "HOP_TOKEN"} {
		if v := ts.Getenv(k); v != "" {
			env = append(env, k+"="+v)
		}
	}
	// testscript.Main finds the command to run through this variable in the environment.
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "GO_TESTSCRIPT") || strings.HasPrefix(kv, "GOCOVERDIR") {
			env = append(env, kv)
		}
	}
	return env
}

// cmdTLSServers makes a fresh PKI (root → intermediate → leaves) and starts one HTTPS server per kind of
// leaf, exporting HOST:PORT as $GOOD (ECDSA P-256), $RSA, $ED25519, $EXPIRED, $NOTYET, $WRONGNAME ($GOOD's
// chain for another name), $SELFSIGNED, $SOON (expires in 5 days), $MTLS (requires a client certificate),
// $STAPLED and $REVOKED (staple an OCSP response signed by the intermediate: good, revoked), $DISORDER
// (sends leaf, root, intermediate).
// Files in $WORK: root.pem, chain.pem ($GOOD's leaf and intermediate), leaf.der, client.pem, client-key.pem,
// other-key.pem (a key that matches nothing), crl-ok.pem, crl-revoked.pem and crl-inter.pem (revocation
// lists, below); $GOOD_PIN is the SPKI pin of $GOOD's leaf, $GOOD_PORT its port. $GOOD staples an OCSP
// response and sends two SCTs.
// cmdECHSite starts testserver's ECHSite: an HTTPS server on $ECHPORT with an ECH key, for ech.hop.test
// (its config in DNS), stale.hop.test (an old config in DNS) and plain.hop.test (none); $ECHDNS is its DNS
// server (HOST:PORT over UDP), $ECHCONFIG its ECHConfigList in base64, ech-root.pem the CA to trust.
func cmdECHSite(ts *testscript.TestScript, neg bool, args []string) {
	site, err := testserver.StartECHSite()
	ts.Check(err)
	ts.Defer(site.Close)
	ts.Setenv("ECHPORT", site.Port)
	ts.Setenv("ECHDNS", site.DNS.Addr())
	ts.Setenv("ECHCONFIG", base64.StdEncoding.EncodeToString(site.ECH.ConfigList))
	ts.Check(os.WriteFile(ts.MkAbs("ech-root.pem"), site.Root, 0o644))
}

func cmdTLSServers(ts *testscript.TestScript, neg bool, args []string) {
	pki, err := testserver.NewPKI()
	ts.Check(err)
	now := time.Now()
	local := []string{"127.0.0.1", "localhost"}
	leaves := map[string]testserver.Leaf{
		"GOOD":       {Names: local},
		"RSA":        {Names: local, Key: "rsa"},
		"ED25519":    {Names: local, Key: "ed25519"},
		"EXPIRED":    {Names: local, NotBefore: now.AddDate(0, -2, 0), NotAfter: now.AddDate(0, -1, 0)},
		"NOTYET":     {Names: local, NotBefore: now.AddDate(0, 1, 0), NotAfter: now.AddDate(0, 2, 0)},
		"WRONGNAME":  {Names: []string{"other.example"}},
		"SELFSIGNED": {Names: local, SelfSigned: true},
		"SOON":       {Names: local, NotAfter: now.Add(5*24*time.Hour + time.Hour)},
		"MTLS":       {Names: local},
		"STAPLED":    {Names: local},
		"REVOKED":    {Names: local},
		"DISORDER":   {Names: local},
	}
	roots := x509.NewCertPool()
	roots.AddCert(pki.Root)
	for name, leaf := range leaves {
		cert, err := pki.Issue(leaf)
		ts.Check(err)
		switch name {
		case "GOOD":
			// Served as they are: the staple cannot be read (hop says so), the SCTs are counted.
			cert.OCSPStaple = []byte("not a real OCSP response")
			cert.SignedCertificateTimestamps = [][]byte{[]byte("sct-1"), []byte("sct-2")}
		case "DISORDER":
			cert.Certificate = [][]byte{cert.Certificate[0], pki.Root.Raw, pki.Inter.Raw} // the root before the intermediate
		case "STAPLED", "REVOKED":
			status := map[string]int{"STAPLED": ocsp.Good, "REVOKED": ocsp.Revoked}[name]
			cert.OCSPStaple, err = pki.OCSP(cert.Leaf, status)
			ts.Check(err)
			if name == "REVOKED" {
				// --crlfile's lists: the root's and the intermediate's (crl-ok.pem); the same with $REVOKED's
				// leaf revoked (crl-revoked.pem); the intermediate's alone (crl-inter.pem).
				rootList, err := pki.CRL(false)
				ts.Check(err)
				interList, err := pki.CRL(true)
				ts.Check(err)
				revokedList, err := pki.CRL(true, cert.Leaf)
				ts.Check(err)
				for file, data := range map[string][]byte{"crl-ok.pem": append(rootList, interList...),
					"crl-revoked.pem": append(append([]byte{}, rootList...), revokedList...), "crl-inter.pem": interList} {
					ts.Check(os.WriteFile(ts.MkAbs(file), data, 0o644))
				}
			}
		}
		cfg := testserver.Config{TLS: true, Cert: &cert}
		if name == "MTLS" {
			cfg.ClientAuth, cfg.ClientCAs = tls.RequireAndVerifyClientCert, roots
		}
		srv := testserver.Start(cfg)
		ts.Defer(srv.Close)
		ts.Setenv(name, strings.TrimPrefix(srv.URL, "https://"))
		if name == "GOOD" {
			ts.Setenv("GOOD_PORT", strings.TrimPrefix(srv.URL, "https://127.0.0.1:"))
			ts.Setenv("GOOD_PIN", tlsinfo.SPKIPin(cert.Leaf))
			ts.Check(os.WriteFile(ts.MkAbs("chain.pem"), testserver.CertPEM(cert.Leaf, pki.Inter), 0o644))
			ts.Check(os.WriteFile(ts.MkAbs("leaf.der"), cert.Leaf.Raw, 0o644))
		}
	}
	// $SMTP, $IMAP, $POP3, $FTP, $POSTGRES, $LDAP, $MYSQL and $XMPP (domain localhost) start TLS when asked
	// (with a certificate like GOOD's); $SMTP_REFUSING, $POSTGRES_REFUSING, $LDAP_REFUSING, $MYSQL_NOSSL and
	// $XMPP_NOTLS say no; $SMTP_CHATTY answers EHLO without end.
	mail, err := pki.Issue(testserver.Leaf{Names: local})
	ts.Check(err)
	for _, v := range []struct {
		env, proto     string
		refuse, chatty bool
	}{
		{"SMTP", "smtp", false, false}, {"IMAP", "imap", false, false}, {"POP3", "pop3", false, false},
		{"FTP", "ftp", false, false}, {"POSTGRES", "postgres", false, false},
		{"SMTP_REFUSING", "smtp", true, false}, {"POSTGRES_REFUSING", "postgres", true, false},
		{"SMTP_CHATTY", "smtp", false, true},
		{"LDAP", "ldap", false, false}, {"LDAP_REFUSING", "ldap", true, false},
		{"MYSQL", "mysql", false, false}, {"MYSQL_NOSSL", "mysql", true, false},
		{"XMPP", "xmpp", false, false}, {"XMPP_NOTLS", "xmpp", true, false},
	} {
		srv, err := testserver.StartStartTLS(&testserver.StartTLS{Proto: v.proto, Cert: mail, Refuse: v.refuse, Chatty: v.chatty})
		ts.Check(err)
		ts.Defer(srv.Close)
		ts.Setenv(v.env, srv.Addr())
	}
	// $TLSPROXY is an https:// proxy (a certificate like $GOOD's, its key's pin in $TLSPROXY_PIN) that sends
	// example.com:80 to $SERVER; $MTLSPROXY is the same, wanting a client certificate the PKI issued.
	proxyCert, err := pki.Issue(testserver.Leaf{Names: local})
	ts.Check(err)
	plainAddr := strings.TrimPrefix(ts.Getenv("SERVER"), "http://")
	route := func(string) string { return plainAddr }
	for _, v := range []struct {
		env  string
		mtls bool
	}{{"TLSPROXY", false}, {"MTLSPROXY", true}} {
		srv := httptest.NewUnstartedServer(&testserver.Proxy{Route: route})
		srv.TLS = &tls.Config{Certificates: []tls.Certificate{proxyCert}}
		if v.mtls {
			srv.TLS.ClientAuth, srv.TLS.ClientCAs = tls.RequireAndVerifyClientCert, roots
		}
		srv.StartTLS()
		ts.Defer(srv.Close)
		ts.Setenv(v.env, strings.TrimPrefix(srv.URL, "https://"))
	}
	ts.Setenv("TLSPROXY_PIN", tlsinfo.SPKIPin(proxyCert.Leaf))
	client, err := pki.Issue(testserver.Leaf{Client: true})
	ts.Check(err)
	clientKey, err := testserver.KeyPEM(client.PrivateKey)
	ts.Check(err)
	other, err := pki.Issue(testserver.Leaf{Names: local})
	ts.Check(err)
	otherKey, err := testserver.KeyPEM(other.PrivateKey)
	ts.Check(err)
	_, err = pki.WriteRoot(ts.MkAbs("."))
	ts.Check(err)
	ts.Check(os.WriteFile(ts.MkAbs("client.pem"), testserver.CertPEM(client.Leaf, pki.Inter), 0o644))
	ts.Check(os.WriteFile(ts.MkAbs("client-key.pem"), clientKey, 0o600))
	ts.Check(os.WriteFile(ts.MkAbs("other-key.pem"), otherKey, 0o600))
}

type hole struct {
	addr  string
	close func()
}

// blackhole makes a loopback port where connecting hangs: a listener with a backlog of 0 whose one queue
// slot is taken by a connection nobody accepts, so the kernel drops further SYNs.
func blackhole() (hole, error) {
	fd, err := syscall.Socket(syscall.AF_INET, syscall.SOCK_STREAM, 0)
	if err != nil {
		return hole{}, err
	}
	if err := syscall.Bind(fd, &syscall.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}); err != nil {
		syscall.Close(fd)
		return hole{}, err
	}
	if err := syscall.Listen(fd, 0); err != nil {
		syscall.Close(fd)
		return hole{}, err
	}
	sa, err := syscall.Getsockname(fd)
	if err != nil {
		syscall.Close(fd)
		return hole{}, err
	}
	addr := fmt.Sprintf("127.0.0.1:%d", sa.(*syscall.SockaddrInet4).Port)
	filler, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		syscall.Close(fd)
		return hole{}, err
	}
	return hole{addr: addr, close: func() { filler.Close(); syscall.Close(fd) }}, nil
}
