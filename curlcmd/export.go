package curlcmd

import (
	"cmp"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/hop-cli/hop/exchange"
	"github.com/hop-cli/hop/redact"
	"github.com/hop-cli/hop/request"
	"github.com/hop-cli/hop/transport"
)

// Placeholder stands for a secret in a command written without --show-secrets.
const Placeholder = "<SECRET>"

// Options are what shapes the request beyond the request itself.
type Options struct {
	Transport    transport.Options
	Exchange     exchange.Options
	Cookie       string   // cookies a jar or session adds to the first request, as a Cookie header value
	CookieFiles  []string // -b FILE, each passed on
	JunkSession  bool     // -j: -b FILE's session cookies left out
	CookieJar    string   // -c FILE, passed on
	HSTS         string   // --hsts FILE, passed on
	Output       string   // -o FILE
	Download     bool     // -O: curl's -O -J
	URLName      bool     // with Download: curl's -O alone (hop's --remote-name)
	OutputDir    string
	CreateDirs   bool
	SkipExisting bool // --skip-existing
	NoClobber    bool // --no-clobber
	Xattr        bool // --xattr
	Continue     bool // -C: curl's -C -
	RemoteTime   bool // -R
	ShowSecrets  bool
	// DigestUser and DigestPassword answer a Digest challenge (--auth-type digest): curl's --digest -u.
	DigestUser, DigestPassword string
	AnyAuth                    bool // the challenge picks Digest or Basic: curl's --anyauth rather than --digest
	// SigV4 is curl's --aws-sigv4 value; SigV4User and SigV4Password the keys it signs with (-u).
	SigV4, SigV4User, SigV4Password string
	// Long writes every option by its long name (--header, not -H), as xh's --curl-long does.
	Long bool
}

// curlDefaults are the headers curl sends by itself; hop's request states each one it sends, and removes
// those it does not send, so that curl sends what hop would.
var curlDefaults = []string{"Accept", "User-Agent"}

// Command is a curl command line, quoted for a POSIX shell, that sends r as hop would: the method, URL,
// headers (hop's defaults included, curl's own removed when hop does not send them), the body (inline, from
// the file it came from, or -F parts), and the TLS, route, timeout, redirect and retry flags. Secrets are
// Placeholder unless ShowSecrets. A body hop deflates as it sends it (--compress on a file, standard input or
// a multipart upload) has no curl command: the caller refuses it (Deflated, not in memory).
func Command(r *request.Request, o Options) string {
	args := []string{"curl"}
	add := func(a ...string) { args = append(args, a...) }

	u := *r.URL
	if p, ok := u.User.Password(); ok && !o.ShowSecrets && p != "" {
		u.User = url.UserPassword(u.User.Username(), Placeholder)
	}
	switch {
	case r.Method == http.MethodHead:
		add("-I")
	case r.Method == http.MethodGet && r.Body == nil:
	case r.Method == http.MethodPost && r.Body != nil:
	default:
		add("-X", r.Method)
	}

	names := make([]string, 0, len(r.Header))
	for name := range r.Header {
		names = append(names, name)
	}
	slices.Sort(names)
	// A multipart body without parts (HTTPie's --multipart with no fields) has no -F to write, and a deflated
	// one's parts are not what is sent: each goes as its bytes, with its Content-Type.
	multipart := r.Body != nil && r.Body.Kind == request.BodyMultipart && len(r.Body.Parts) > 0 && !r.Body.Deflated
	for _, name := range names {
		if name == "Content-Length" {
			continue // curl computes it
		}
		if multipart && name == "Content-Type" {
			// curl writes the boundary, and the type when it is multipart/form-data; another type typed
			// (which makes the parts attachments) is written without hop's boundary, which curl adds again.
			v := r.Header.Get(name)
			mt, params, err := mime.ParseMediaType(v)
			if err != nil || strings.EqualFold(mt, "multipart/form-data") {
				continue
			}
			add("-H", "Content-Type: "+strings.TrimSuffix(v, "; boundary="+params["boundary"]))
			continue
		}
		if name == "Referer" && o.Exchange.AutoReferer {
			continue // -e below: curl's -H would be sent to every hop
		}
		for _, v := range r.Header[name] {
			if strings.TrimSpace(v) == "" {
				add("-H", name+";") // curl's way to send one empty: "Name:" would remove it
				continue
			}
			add("-H", name+": "+secretHeader(name, v, o.ShowSecrets))
		}
	}
	if r.Host != "" {
		add("-H", "Host: "+r.Host)
	}
	if o.Exchange.AutoReferer {
		add("-e", r.Header.Get("Referer")+";auto")
	}
	if o.DigestUser != "" {
		pass := Placeholder
		if o.ShowSecrets {
			pass = o.DigestPassword
		}
		scheme := "--digest"
		if o.AnyAuth {
			scheme = "--anyauth"
		}
		add(scheme, "-u", o.DigestUser+":"+pass)
	}
	if o.SigV4 != "" {
		pass := Placeholder
		if o.ShowSecrets {
			pass = o.SigV4Password
		}
		add("--aws-sigv4", o.SigV4, "-u", o.SigV4User+":"+pass)
	}
	for _, name := range curlDefaults {
		if len(r.Header[name]) == 0 {
			add("-H", name+":") // hop does not send it: neither must curl
		}
	}
	if r.Body != nil && !multipart && r.Header.Get("Content-Type") == "" {
		add("-H", "Content-Type:") // curl would add a form type hop does not send
	}
	if r.Body != nil && r.Chunked {
		add("-H", "Transfer-Encoding: chunked")
	}
	if r.Body != nil && (r.Body.Length < 0 || r.Body.Length > 1<<20) && r.Header.Get("Expect") == "" {
		add("-H", "Expect:") // curl asks 100-continue for bodies large or of unknown length; hop only when asked
	}
	if r.Header.Get("Accept-Encoding") != "" {
		add("--compressed") // hop decodes what it asked for; curl does so with --compressed
	}
	if o.Cookie != "" {
		add("-b", secretCookie(o.Cookie, o.ShowSecrets))
	}
	if len(o.CookieFiles) > 0 && o.JunkSession {
		add("-j")
	}
	for _, f := range o.CookieFiles {
		add("-b", f)
	}
	if o.HSTS != "" {
		add("--hsts", o.HSTS)
	}
	if o.CookieJar != "" {
		add("-c", o.CookieJar)
	}
	body, piped := bodyArgs(r)
	add(body...)
	add(transportArgs(o.Transport, r.URL.Scheme, o.ShowSecrets)...)
	add(exchangeArgs(o.Exchange, r.Method)...)
	if o.Output != "" {
		add("-o", o.Output)
	}
	if o.Download && o.URLName {
		add("-O") // curl's own: the name from the URL as typed
	} else if o.Download {
		add("-O", "-J") // -J: the name from Content-Disposition, as hop takes it
	}
	if o.NoClobber {
		add("--no-clobber")
	}
	if o.Xattr {
		add("--xattr")
	}
	if o.SkipExisting {
		add("--skip-existing")
	}
	if o.CreateDirs {
		add("--create-dirs")
	}
	if o.OutputDir != "" {
		add("--output-dir", o.OutputDir)
	}
	if o.Continue {
		add("-C", "-")
	}
	if o.RemoteTime {
		add("-R")
	}
	if dotSegments(u.EscapedPath()) {
		add("--path-as-is") // hop resolves them unless told not to: here it was
	}
	if r.Target != "" {
		add("--request-target", r.Target)
	}
	if strings.ContainsAny(u.String(), "[]{}") {
		add("-g") // sent as it is: curl would read [] and {} as its globbing
	}
	add(u.String())
	if o.Long {
		longNames(args[1:])
	}

	quoted := make([]string, len(args))
	for i, a := range args {
		quoted[i] = Quote(a)
	}
	line := strings.Join(quoted, " ")
	if piped != nil {
		line = printfPipe(piped) + line
	}
	return line
}

// longNames writes curl's options in args by their long names, in place; values stay as they are.
func longNames(args []string) {
	for i := 0; i < len(args); i++ {
		var opt *curlOption
		switch a := args[i]; {
		case len(a) == 2 && a[0] == '-':
			if opt = lookupShort(a[1]); opt != nil {
				args[i] = "--" + opt.long
			}
		case strings.HasPrefix(a, "--"):
			opt = lookupLong(a[2:])
		}
		if opt != nil && opt.value {
			i++ // its value, even one that starts with a dash
		}
	}
}

// formWord is a file name as -F reads it: in double quotes (\ and " escaped) when it holds a ; or , (which
// would end it) or a ".
func formWord(name string) string {
	if !strings.ContainsAny(name, `;,"`) {
		return name
	}
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(name) + `"`
}

// bodyArgs send the body: bytes inline, a file or stdin by name, multipart parts with -F. piped is what
// Command pipes in with printf for "@-" when no argument can carry it (a NUL byte; hop's deflated bytes,
// as curl compresses none); nil when "@-" is the user's own standard input, or nothing is piped.
func bodyArgs(r *request.Request) (args []string, piped []byte) {
	b, method, ctype := r.Body, r.Method, r.Header.Get("Content-Type")
	if b == nil {
		return nil, nil
	}
	data, inMemory := b.Bytes()
	if b.Deflated {
		return []string{"--data-binary", "@-"}, data
	}
	switch b.Kind {
	case request.BodyFile:
		return []string{"--data-binary", "@" + b.Path}, nil
	case request.BodyMultipart:
		if len(b.Parts) == 0 {
			break // its bytes, below
		}
		var out []string
		if b.NamesEscaped {
			out = append(out, "--form-escape")
		}
		// curl writes form-data under multipart/form-data, attachment under another type; a name with
		// an = cannot be typed at all, and an empty one (HTTPie's @file under -f) curl writes as no name:
		// where hop wrote another, its Content-Disposition goes as the part's own header, which curl
		// writes in place of its own.
		curlWord := "attachment"
		if mt, _, err := mime.ParseMediaType(ctype); err == nil && strings.EqualFold(mt, "multipart/form-data") {
			curlWord = "form-data"
		}
		for _, p := range b.Parts {
			var headers string
			own := false
			for _, h := range p.Headers {
				headers += ";headers=" + formWord(h)
				name, _, _ := strings.Cut(h, ":")
				own = own || strings.EqualFold(strings.TrimSpace(name), "Content-Disposition")
			}
			if !own && (curlWord != cmp.Or(b.DispositionWord, "form-data") || strings.Contains(p.Name, "=") || p.Name == "" && !p.Nameless) {
				headers = ";headers=" + formWord("Content-Disposition: "+b.Disposition(p)) + headers
			}
			p.Name = strings.ReplaceAll(p.Name, "=", "_") // a name with an = has a header that replaces it
			if p.Filename != "" && p.File == "" {
				headers = ";filename=" + formWord(p.Filename) + headers
			}
			if p.File == "" && p.ContentType == "" && headers == "" {
				out = append(out, "--form-string", p.Name+"="+p.Value) // taken as it is: no @ or < magic
				continue
			}
			if p.File == "" {
				quoted := strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(p.Value)
				v := p.Name + `="` + quoted + `"`
				if p.ContentType != "" {
					v += ";type=" + p.ContentType
				}
				out = append(out, "-F", v+headers)
				continue
			}
			v := p.Name + "=@" + formWord(p.File)
			if p.Filename != "" {
				v += ";filename=" + formWord(p.Filename)
			}
			if p.ContentType != "" {
				v += ";type=" + p.ContentType
			}
			out = append(out, "-F", v+headers)
		}
		return out, nil
	}
	switch {
	case inMemory && len(data) == 0:
		if method == http.MethodPost || method == http.MethodPut || method == http.MethodPatch || r.Chunked {
			// Go sends these with Content-Length: 0, and so will curl; chunked, the last chunk alone (curl
			// without a body would announce chunks and send none).
			return []string{"--data-binary", ""}, nil
		}
		return nil, nil // and the others without one
	case !inMemory || b.Kind == request.BodyStdin:
		return []string{"--data-binary", "@-"}, nil // standard input: pipe the same input to curl
	case strings.IndexByte(string(data), 0) >= 0:
		return []string{"--data-binary", "@-"}, data // a NUL byte cannot be an argument at all
	}
	if data[0] == '@' {
		return []string{"--data-raw", string(data)}, nil // as it is: --data-binary would read a file
	}
	return []string{"--data-binary", string(data)}, nil
}

// printfPipe is a POSIX printf command that writes data exactly, for a body no argument can carry.
func printfPipe(data []byte) string {
	var b strings.Builder
	b.WriteString("printf '")
	for _, c := range data {
		switch {
		case c == '%':
			b.WriteString("%%")
		case c == '\\':
			b.WriteString(`\\`)
		case c == '\'':
			b.WriteString(`\047`)
		case c < 0x20 || c >= 0x7f:
			fmt.Fprintf(&b, `\%03o`, c)
		default:
			b.WriteByte(c)
		}
	}
	b.WriteString("' | ")
	return b.String()
}

// certArgs write the options curl gives the server's TLS and an https:// proxy's (prefix "--proxy-") alike:
// the forms of the files, the files, the pin, the suites, the revocation lists and the passphrase.
func certArgs(tls transport.TLSOptions, prefix string, show bool) []string {
	var out []string
	// curl reads PEM unless told: hop's DER and PKCS#12 files need their form named.
	for _, f := range []struct{ flag, path string }{{"cert-type", tls.Cert}, {"key-type", tls.Key}} {
		if form := transport.FileForm(f.path); f.path != "" && form != "" {
			out = append(out, prefix+f.flag, form)
		}
	}
	for _, f := range []struct{ flag, v string }{{"cacert", tls.CACert}, {"capath", tls.CAPath}, {"cert", tls.Cert}, {"key", tls.Key}, {"pinnedpubkey", tls.Pin}, {"ciphers", tls.Ciphers}, {"curves", tls.Curves}, {"crlfile", tls.CRLFile}, {"ech", tls.ECH}, {"ssl-sessions", tls.Sessions}} {
		if f.v != "" {
			out = append(out, prefix+f.flag, f.v)
		}
	}
	if tls.Pass != "" || tls.KeyPassword != "" {
		pass := Placeholder
		if show {
			pass = cmp.Or(tls.KeyPassword, tls.Pass)
		}
		out = append(out, prefix+"pass", pass)
	}
	return out
}

func transportArgs(t transport.Options, scheme string, show bool) []string {
	var out []string
	tls := t.TLS
	if tls.Insecure {
		out = append(out, "-k")
	}
	if tls.CertStatus {
		out = append(out, "--cert-status")
	}
	out = append(out, certArgs(tls, "--", show)...)
	if tls.MinVersion != "" {
		out = append(out, "--tlsv"+tls.MinVersion)
	}
	if tls.MaxVersion != "" {
		out = append(out, "--tls-max", tls.MaxVersion)
	}
	switch t.Protocol {
	case transport.HTTP1:
		out = append(out, "--http1.1")
	case transport.HTTP2:
		out = append(out, "--http2-prior-knowledge") // for http://; over TLS curl then insists on h2 by ALPN, as hop does
	case transport.HTTP3:
		out = append(out, "--http3-only")
	case transport.HTTP3Try:
		out = append(out, "--http3")
	}
	if t.AltSvc != "" {
		out = append(out, "--alt-svc", t.AltSvc)
	}
	for _, r := range t.Resolve {
		out = append(out, "--resolve", r)
	}
	for _, r := range t.ConnectTo {
		out = append(out, "--connect-to", r)
	}
	if name, abstract := strings.CutPrefix(t.UnixSocket, "@"); abstract {
		out = append(out, "--abstract-unix-socket", name) // Linux's abstract namespace, @ in Go's notation
	} else if t.UnixSocket != "" {
		out = append(out, "--unix-socket", t.UnixSocket)
	}
	for _, f := range []struct {
		flag, value string // the flag, and its value ("" for a switch)
		on          bool
	}{
		{"--interface", t.Interface, t.Interface != ""},
		{"--local-port", t.LocalPort, t.LocalPort != ""},
		{"--proxytunnel", "", t.ProxyTunnel},
		{"--proxy-digest", "", t.ProxyAuth == transport.ProxyDigest},
		{"--proxy-anyauth", "", t.ProxyAuth == transport.ProxyAny},
		{"--haproxy-protocol", "", t.HAProxy && t.HAProxyClientIP == ""},
		{"--haproxy-clientip", t.HAProxyClientIP, t.HAProxyClientIP != ""},
		{"--dns-servers", t.DNSServers, t.DNSServers != ""},
		{"--dns-ipv4-addr", t.DNSIPv4Addr, t.DNSIPv4Addr != ""},
		{"--dns-ipv6-addr", t.DNSIPv6Addr, t.DNSIPv6Addr != ""},
		{"--dns-interface", t.DNSInterface, t.DNSInterface != ""},
		{"--doh-url", t.DoHURL, t.DoHURL != ""},
		{"--doh-insecure", "", t.DoHInsecure},
		{"--doh-cert-status", "", t.DoHCertStatus},
	} {
		switch {
		case !f.on:
		case f.value != "":
			out = append(out, f.flag, f.value)
		default:
			out = append(out, f.flag)
		}
	}
	if t.Family != 0 {
		out = append(out, "-"+strconv.Itoa(t.Family))
	}
	if t.NoProxy != nil {
		out = append(out, "--noproxy", *t.NoProxy)
	}
	out = append(out, certArgs(t.ProxyTLS, "--proxy-", show)...)
	if t.ProxyTLS.Insecure {
		out = append(out, "--proxy-insecure")
	}
	if t.ProxyOff {
		out = append(out, "--proxy", "") // none, whatever the environment says
	}
	proxy := t.Proxy
	if v := t.ProxyFor[scheme]; v != "" {
		proxy = v // HTTPie's --proxy SCHEME:URL, for the scheme of the one URL the command sends
	}
	for _, p := range []struct{ flag, url string }{{"--preproxy", t.PreProxy}, {"--proxy", proxy}} {
		if p.url == "" {
			continue
		}
		v := p.url
		if u, err := url.Parse(v); err == nil && !show {
			if _, ok := u.User.Password(); ok {
				u.User = url.UserPassword(u.User.Username(), Placeholder)
				v = u.String()
			}
		}
		out = append(out, p.flag, v)
	}
	if t.ProxyUser != "" {
		user, pass, _ := strings.Cut(t.ProxyUser, ":")
		if !show {
			pass = Placeholder
		}
		out = append(out, "--proxy-user", user+":"+pass)
	}
	for _, h := range t.ProxyHeaders {
		name, value, _ := strings.Cut(h, ":")
		if name, value = strings.TrimSpace(name), strings.TrimSpace(value); value == "" {
			out = append(out, "--proxy-header", name+":") // left out, as curl reads it
		} else {
			out = append(out, "--proxy-header", name+": "+secretHeader(name, value, show))
		}
	}
	if t.ConnectTimeout > 0 {
		out = append(out, "--connect-timeout", seconds(t.ConnectTimeout))
	}
	if t.Expect100Timeout > 0 {
		out = append(out, "--expect100-timeout", seconds(t.Expect100Timeout))
	}
	if t.HappyEyeballs > 0 {
		out = append(out, "--happy-eyeballs-timeout-ms", strconv.FormatInt(t.HappyEyeballs.Milliseconds(), 10))
	}
	if t.IdleTimeout > 0 {
		// curl has no idle timeout; its speed limit is the nearest: under 1 byte/s for that long.
		out = append(out, "--speed-limit", "1", "--speed-time", strconv.Itoa(max(1, int(t.IdleTimeout.Round(time.Second)/time.Second))))
	}
	return out
}

func exchangeArgs(e exchange.Options, method string) []string {
	var out []string
	if e.Follow {
		out = append(out, "-L", "--max-redirs", strconv.Itoa(e.MaxRedirects))
	}
	if e.LocationTrusted {
		out = append(out, "--location-trusted")
	}
	for _, code := range e.KeepPost {
		out = append(out, "--post"+strconv.Itoa(code))
	}
	if e.Protocols != nil {
		out = append(out, "--proto", "="+strings.Join(e.Protocols, ","))
	}
	if e.RedirectProtocols != nil {
		out = append(out, "--proto-redir", "="+strings.Join(e.RedirectProtocols, ","))
	}
	if e.MaxTime > 0 {
		out = append(out, "-m", seconds(e.MaxTime))
	}
	if e.MaxFileSize > 0 {
		out = append(out, "--max-filesize", strconv.FormatInt(e.MaxFileSize, 10))
	}
	if e.LimitRate > 0 {
		out = append(out, "--limit-rate", strconv.FormatInt(e.LimitRate, 10))
	}
	if r := e.Retry; r.N > 0 && r.Resends(method) {
		// curl's --retry sends any method again; hop's a POST only with --retry-all-methods. Under it, curl
		// sees no error to retry in a 4xx or 5xx without --fail-with-body, which keeps the body as hop does.
		out = append(out, "--retry", strconv.Itoa(r.N))
		if r.AllErrors {
			out = append(out, "--retry-all-errors")
			if r.ErrorStatuses {
				out = append(out, "--fail-with-body")
			}
		}
		if r.Delay > 0 {
			out = append(out, "--retry-delay", strconv.Itoa(max(1, int(r.Delay.Round(time.Second)/time.Second))))
		}
		budget := r.MaxTime
		if e.MaxTime > 0 && !e.MaxTimeEach && (budget == 0 || e.MaxTime < budget) {
			budget = e.MaxTime // hop's -m bounds every attempt together, curl's each: no retry after it
		}
		if budget > 0 {
			out = append(out, "--retry-max-time", strconv.Itoa(max(1, int(budget.Round(time.Second)/time.Second))))
		}
		out = append(out, "--retry-connrefused")
	}
	return out
}

// seconds writes a duration in curl's bare seconds: 10, 2.5.
func seconds(d time.Duration) string {
	return strconv.FormatFloat(d.Seconds(), 'f', -1, 64)
}

// secretHeader masks the value of a header that carries credentials, keeping Authorization's scheme.
func secretHeader(name, v string, show bool) string {
	if show {
		return v
	}
	switch http.CanonicalHeaderKey(name) {
	case "Authorization", "Proxy-Authorization":
		if scheme, _, ok := strings.Cut(v, " "); ok {
			return scheme + " " + Placeholder
		}
		return Placeholder
	case "Cookie":
		return secretCookie(v, false)
	}
	if redact.KeyHeader(name) {
		return Placeholder
	}
	return v
}

// secretCookie masks each cookie's value: "sid=<SECRET>; theme=<SECRET>".
func secretCookie(v string, show bool) string {
	if show {
		return v
	}
	var parts []string
	for _, c := range strings.Split(v, ";") {
		name, _, _ := strings.Cut(strings.TrimSpace(c), "=")
		parts = append(parts, name+"="+Placeholder)
	}
	return strings.Join(parts, "; ")
}

// Quote quotes s for a POSIX shell: as it is when it needs nothing, in single quotes otherwise, and in
// bash's $'...' when it holds bytes a terminal or a single-quoted string cannot carry (controls, invalid
// UTF-8).
func Quote(s string) string {
	if s == "" {
		return "''"
	}
	plain := true
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.ContainsRune("-_./:=@,+%^", c)) {
			plain = false
			break
		}
	}
	if plain {
		return s
	}
	if utf8.ValidString(s) && !strings.ContainsFunc(s, func(r rune) bool { return r < 0x20 && r != '\n' && r != '\t' || r == 0x7f }) {
		return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
	}
	var b strings.Builder
	b.WriteString("$'")
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '\'' || c == '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case c == '\n':
			b.WriteString(`\n`)
		case c == '\t':
			b.WriteString(`\t`)
		case c < 0x20 || c >= 0x7f:
			fmt.Fprintf(&b, `\x%02x`, c)
		default:
			b.WriteByte(c)
		}
	}
	b.WriteString("'")
	return b.String()
}

// dotSegments reports whether path holds a "." or ".." segment, which curl resolves unless --path-as-is.
func dotSegments(path string) bool {
	for _, seg := range strings.Split(path, "/") {
		if seg == "." || seg == ".." {
			return true
		}
	}
	return false
}
