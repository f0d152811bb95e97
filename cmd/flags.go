package cmd

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/hop-cli/hop/auth"
	"github.com/hop-cli/hop/check"
	"github.com/hop-cli/hop/exchange"
	"github.com/hop-cli/hop/format"
	"github.com/hop-cli/hop/request"
	"github.com/hop-cli/hop/transport"
)

// Flag groups. Each binds its flags straight to the struct that uses them; a command registers only the
// groups it honours, and only when it is the command being run.

func addBodyFlags(fs *pflag.FlagSet, s *request.Spec, o *RequestOptions) {
	fs.VarP((*stringsFlag)(&s.Headers), "header", "H", `request header "Name: value" (repeatable; "Name:" removes a default)`)
	for _, d := range []struct {
		name, short, usage string
		kind               request.DataKind
	}{
		{"data", "d", "form body, curl style: @FILE reads a file as text, without its newlines and up to a NUL byte (repeatable, joined with &)", request.DataASCII},
		{"data-raw", "", "as -d, with @ not special", request.DataRaw},
		{"data-binary", "", "as -d, @FILE read as it is", request.DataBinary},
		{"data-urlencode", "", "URL-encoded data: content, name=content, @FILE, name@FILE", request.DataURLEncode},
		{"json", "", "JSON body, curl style; @FILE reads a file", request.DataJSON},
	} {
		fs.VarP(&dataFlag{list: &s.Data, kind: d.kind}, d.name, d.short, d.usage)
	}
	fs.VarP((*stringsFlag)(&s.FormParts), "form-part", "F", "multipart part, curl style: name=value, name=@FILE, name=<FILE (- for stdin), with ;type= ;filename=")
	fs.VarPF(bodyKindFlag{s, &s.Form}, "form", "f", "send data fields as a form instead of JSON").NoOptDefVal = "true"
	fs.VarPF(bodyKindFlag{s, &s.Multipart}, "multipart", "", "send data fields as multipart/form-data").NoOptDefVal = "true"
	// HTTPie's -j: its long name, --json, is curl's --json DATA here.
	fs.VarPF(bodyKindFlag{s, &s.JSONItems}, "json-items", "j",
		"HTTPie's -j: send Accept and Content-Type application/json, with or without data fields").NoOptDefVal = "true"
	fs.MarkHidden("json-items")
	fs.StringVar(&s.Boundary, "boundary", "", "the boundary of a multipart body (random otherwise)")
	fs.BoolVar(&s.FormEscape, "form-escape", false, `in multipart part names and file names, escape " and \ with a backslash, as curl's (" is %22 otherwise, as browsers send it)`)
	fs.Var(&rawFlag{&s.Raw}, "raw", "the body as typed, sent as JSON (a form with -f), as piped input would be")
	fs.CountVar(&s.Compress, "compress", "deflate the body (Content-Encoding: deflate) when that makes it smaller; twice: always")
	fs.BoolVar(&s.Chunked, "chunked", false, "send the body with Transfer-Encoding: chunked (HTTP/1.1), without its length")
	fs.Var(&expect100Flag{on: &s.Expect100, wait: &o.Transport.Expect100Timeout}, "expect100-timeout",
		"announce a -T upload, or a body over 1 MiB or of unknown length, with Expect: 100-continue, and wait up to SECONDS for the server's go-ahead before sending it, as curl does (hop curl does so unless -H 'Expect:')")
	fs.BoolVarP(&s.Get, "get", "G", false, "send the -d data in the URL's query with GET, curl style")
	fs.StringVar(&s.RequestTarget, "request-target", "", "send this in the request line instead of the URL's path and query: * (OPTIONS *) or /path as typed")
	fs.BoolVar(&s.PathAsIs, "path-as-is", false, "send /../ and /./ in the URL's path as typed (resolved otherwise, as curl and HTTPie do)")
	fs.BoolVar(&s.RawQuery, "raw-query", false, "send the URL's query as typed, UTF-8 and all, as curl does (hop curl; percent-encoded otherwise, as HTTPie does)")
	fs.MarkHidden("raw-query")
	fs.StringVar(&s.ContentRange, "content-range", "", "send a body with Content-Range: bytes RANGE/SIZE (hop curl's -r with a POST or PUT, as curl sends it)")
	fs.MarkHidden("content-range")
	fs.StringVar(&s.DefaultScheme, "default-scheme", "", "the scheme of a URL typed without one: http or https (default: http for localhost and loopback, https otherwise)")
	addSwitch(fs, "https", "xh's --https: --default-scheme https",
		func() { s.DefaultScheme = "https" }, func() bool { return s.DefaultScheme == "https" })
	fs.Var((*stringsFlag)(&s.URLQuery), "url-query", "add to the query, URL-encoded as --data-urlencode (+DATA as it is)")
	fs.StringVarP(&s.Upload, "upload-file", "T", "", "send FILE as the body with PUT, curl style (- for stdin)")
	fs.BoolVarP(&o.Head, "head", "I", false, "send HEAD (or -X's method, its body never read) and print the status line and headers on stdout, curl style")
	fs.StringVarP(&s.UserAgent, "user-agent", "A", "", "the User-Agent to send")
	fs.VarP(&refererFlag{ref: &s.Referer, auto: &o.Exchange.AutoReferer}, "referer", "e", "the Referer to send; ending in ;auto (curl's), each redirect followed sends the URL it came from")
	fs.BoolVar(&o.Compressed, "compressed", false, "accepted for curl's sake: hop always asks for and decodes compressed bodies")
	fs.VarP((*methodFlag)(&o.Method), "request", "X", "the method, sent as typed")
	fs.BoolVar(&o.IgnoreStdin, "ignore-stdin", false, "never read stdin as the body")
}

// printFlag is -p PARTS, and that it was typed: -p "" picks no part, where no -p leaves the defaults.
type printFlag struct {
	parts *string
	typed *bool
}

func (f printFlag) String() string { return *f.parts }
func (f printFlag) Type() string   { return "string" }

func (f printFlag) Set(v string) error {
	*f.parts, *f.typed = v, true
	return nil
}

// expect100Flag is --expect100-timeout SECONDS: curl's Expect: 100-continue on the bodies curl announces,
// and how long to wait for the server's 100 before sending the body anyway.
type expect100Flag struct {
	on   *bool
	wait *time.Duration
}

func (f *expect100Flag) String() string {
	if f.on == nil || !*f.on {
		return ""
	}
	return (*durationFlag)(f.wait).String()
}
func (f *expect100Flag) Type() string { return "seconds" }
func (f *expect100Flag) Set(v string) error {
	if err := (*durationFlag)(f.wait).Set(v); err != nil {
		return err
	}
	if *f.wait <= 0 {
		return errors.New("want more than 0 seconds")
	}
	*f.on = true
	return nil
}

// methodFlag is -X: the method as typed, never empty. An unset variable (-X "$METHOD") is a script's
// mistake: Go would send it as GET, and a DELETE meant would become a GET done (curl sends the empty
// method, which no server takes). hop request refuses an empty METHOD the same way.
type methodFlag string

func (f *methodFlag) String() string { return string(*f) }
func (f *methodFlag) Type() string   { return "string" }
func (f *methodFlag) Set(v string) error {
	if v == "" {
		return errors.New("an empty method; give one, or leave -X out for the command's own")
	}
	*f = methodFlag(v)
	return nil
}

// refererFlag is -e: the Referer to send, and curl's ";auto" at its end (alone too), which turns on
// sending the URL a redirect came from.
type refererFlag struct {
	ref  *string
	auto *bool
}

func (f *refererFlag) String() string {
	if *f.auto {
		return *f.ref + ";auto"
	}
	return *f.ref
}
func (f *refererFlag) Type() string { return "string" }

func (f *refererFlag) Set(v string) error {
	*f.ref, *f.auto = strings.CutSuffix(v, ";auto")
	return nil
}

// bodyKindFlag is -f, --multipart or -j: HTTPie's one choice of what the data fields become, the last typed
// winning (argparse's one destination), so that an alias's -j gives way to a typed -f. Off (--no-form) clears
// only its own.
type bodyKindFlag struct {
	s  *request.Spec
	on *bool // &s.Form, &s.Multipart or &s.JSONItems
}

func (f bodyKindFlag) String() string { return strconv.FormatBool(*f.on) }
func (f bodyKindFlag) Type() string   { return "bool" }

func (f bodyKindFlag) Set(v string) error {
	on, err := strconv.ParseBool(v)
	if err != nil {
		return err
	}
	if on {
		f.s.Form, f.s.Multipart, f.s.JSONItems = false, false, false
	}
	*f.on = on
	return nil
}

// switchFlag is a switch that does more than set one bool of its own: HTTPie's --unsorted turns --sorted
// off, xh's --https sets --default-scheme, xh's --curl-long is --curl with long names. on does it; is says
// whether it is done (for --help's default).
type switchFlag struct {
	on func()
	is func() bool
}

func (f switchFlag) String() string { return strconv.FormatBool(f.is != nil && f.is()) }
func (f switchFlag) Type() string   { return "bool" }

func (f switchFlag) Set(v string) error {
	on, err := strconv.ParseBool(v)
	if err == nil && on {
		f.on()
	}
	return err
}

// addSwitch registers a hidden switchFlag.
func addSwitch(fs *pflag.FlagSet, name, usage string, on func(), is func() bool) {
	fs.VarPF(switchFlag{on, is}, name, "", usage).NoOptDefVal = "true"
	fs.MarkHidden(name)
}

// flagAlias is the flag sets' normalisation: the other names a flag answers to (curl's, HTTPie's), which
// need no Flag of their own, so that registering them costs nothing at start-up. curl's --fail,
// --fail-with-body and HTTPie's --check-status and --stream are accepted as -S is: hop behaves so anyway.
func flagAlias(_ *pflag.FlagSet, name string) pflag.NormalizedName {
	switch name {
	case "ignore-netrc": // HTTPie's
		name = "no-netrc"
	case "max-redirs": // curl's
		name = "max-redirects"
	case "location": // curl's
		name = "follow"
	case "cert-key": // HTTPie's
		name = "key"
	case "cert-key-pass": // HTTPie's
		name = "pass"
	case "fail", "fail-with-body", "check-status", "stream":
		name = "show-error"
	}
	return pflag.NormalizedName(name)
}

// stringsFlag is a repeatable flag: every use appends its value whole, commas kept, as pflag's StringArray
// does. pflag's builds a CSV writer (a fresh 4 KiB buffer) to print each such flag's empty default, for every
// flag registered, at every start of hop; this one prints nothing for nothing.
type stringsFlag []string

func (f *stringsFlag) String() string     { return strings.Join(*f, ", ") }
func (f *stringsFlag) Set(v string) error { *f = append(*f, v); return nil }

// Type is pflag's name for the kind, which --help shows and cobra's completion reads (an Array repeats).
func (f *stringsFlag) Type() string { return "stringArray" }

// millisFlag is a duration in whole milliseconds, as curl's --happy-eyeballs-timeout-ms takes it.
type millisFlag time.Duration

func (f *millisFlag) String() string { return strconv.FormatInt(time.Duration(*f).Milliseconds(), 10) }
func (f *millisFlag) Type() string   { return "ms" }

func (f *millisFlag) Set(v string) error {
	n, err := strconv.ParseUint(v, 10, 31)
	if errors.Is(err, strconv.ErrRange) {
		return fmt.Errorf("%q is more milliseconds than hop takes (at most %d)", v, math.MaxInt32)
	}
	if err != nil {
		return fmt.Errorf("%q is not a whole number of milliseconds", v)
	}
	*f = millisFlag(time.Duration(n) * time.Millisecond)
	return nil
}

// durationFlag is a duration in curl's bare seconds (20, 3.5) or Go's units (20s, 1m30s).
type durationFlag time.Duration

func (f *durationFlag) String() string {
	if *f == 0 {
		return "0" // what pflag takes for "no default" in --help
	}
	return time.Duration(*f).String()
}
func (f *durationFlag) Type() string { return "duration" }

// sizeFlag is a number of bytes, with curl's suffixes: k, m and g for KiB, MiB and GiB. 0 means none.
type sizeFlag int64

func (f *sizeFlag) String() string {
	if *f == 0 {
		return ""
	}
	return strconv.FormatInt(int64(*f), 10)
}
func (f *sizeFlag) Type() string { return "size" }
func (f *sizeFlag) Set(v string) error {
	digits, shift := v, 0
	if n := len(v); n > 0 {
		switch v[n-1] {
		case 'k', 'K':
			digits, shift = v[:n-1], 10
		case 'm', 'M':
			digits, shift = v[:n-1], 20
		case 'g', 'G':
			digits, shift = v[:n-1], 30
		}
	}
	n, err := strconv.ParseInt(digits, 10, 64)
	if err != nil || n < 0 || n > math.MaxInt64>>shift || digits[0] == '+' {
		return fmt.Errorf("expected a number of bytes, with k, m or g for KiB, MiB or GiB (100K, 20M)")
	}
	*f = sizeFlag(n << shift)
	return nil
}

func (f *durationFlag) Set(v string) error {
	d, err := check.ParseDuration(v)
	if err != nil {
		return err
	}
	*f = durationFlag(d)
	return nil
}

// countFlag is a number of times (--retry, --repeat, --max-redirects); its error says what it wants rather
// than quoting strconv. A negative number is refused where the flags are checked, with the flag's rule.
type countFlag int

func (f *countFlag) String() string { return strconv.Itoa(int(*f)) }
func (f *countFlag) Type() string   { return "int" }

func (f *countFlag) Set(v string) error {
	n, err := strconv.Atoi(v)
	if errors.Is(err, strconv.ErrRange) {
		return fmt.Errorf("%q is out of range (a count goes up to %d)", v, math.MaxInt)
	}
	if err != nil {
		return fmt.Errorf("%q is not a whole number", v)
	}
	*f = countFlag(n)
	return nil
}

// dataFlag is one of curl's data flags: each value joins one list, in the order typed across the flags.
type dataFlag struct {
	list *[]request.Data
	kind request.DataKind
}

func (f *dataFlag) String() string { return "" }
func (f *dataFlag) Type() string   { return "stringArray" }

func (f *dataFlag) Set(v string) error {
	if f.kind == request.DataJSON && httpieJSON(v) {
		return errors.New("hop's --json is curl's and takes the JSON body as its value; HTTPie's --json switch needs no flag in hop: data fields go as JSON")
	}
	*f.list = append(*f.list, request.Data{Kind: f.kind, Value: v})
	return nil
}

// httpieJSON reports whether a --json value is the argument an HTTPie user typed after its --json switch
// (http --json POST URL, http POST URL --json a=1, http --json --raw DATA URL): a method, a URL, a flag or
// a request item (not curl's @FILE), which no JSON body is.
func httpieJSON(v string) bool {
	switch {
	case methodWord(v):
		return true
	case len(v) > 1 && v[0] == '-' && (v[1] == '-' || v[1] >= 'A'): // --raw, -f: a flag (-1 is JSON)
	case strings.HasPrefix(v, "http://") || strings.HasPrefix(v, "https://") || strings.HasPrefix(v, "localhost"):
	case strings.HasPrefix(v, ":") && len(v) > 1 && (v[1] == '/' || v[1] >= '0' && v[1] <= '9'): // :3000/x
	case !strings.HasPrefix(v, "@") && request.IsItem(v): // a=1, n:=2, f@file, X-A:1, q==1
	default:
		return false
	}
	return !json.Valid([]byte(v))
}

func addAuthFlags(fs *pflag.FlagSet, a *auth.Flags) {
	fs.StringVarP(&a.Basic, "auth", "a", "", "basic auth user[:password]; prompts for a missing password (or @FILE, @env:VAR)")
	fs.StringVarP(&a.Basic, "user", "u", "", "same as --auth (curl's name)")
	fs.StringVar(&a.Bearer, "bearer", "", "bearer token (or @FILE, @env:VAR)")
	fs.StringVar(&a.Type, "auth-type", "basic", "how -a's credentials go: basic, digest (answers the server's challenge, RFC 7616), any (the challenge's scheme, Digest or Basic: curl's --anyauth), or bearer (-a is the token)")
	fs.BoolVar(&a.Digest, "digest", false, "curl's --digest: --auth-type digest")
	fs.StringVar(&a.SigV4, "aws-sigv4", "", "sign each request with AWS Signature V4, -a ACCESS_KEY:SECRET_KEY, as curl does: aws:amz[:REGION[:SERVICE]]")
	fs.MarkHidden("digest")
	fs.StringVar(&a.Netrc.File, "netrc-file", "", "read credentials for the host typed from FILE (default: $NETRC, then ~/.netrc)")
	fs.BoolVar(&a.Netrc.Off, "no-netrc", false, "never read credentials from .netrc")
}

func addRedirectFlags(fs *pflag.FlagSet, e *exchange.Options) {
	fs.BoolVarP(&e.Follow, "follow", "L", false, "follow redirects")
	e.MaxRedirects = 10 // the default, which --help shows
	fs.Var((*countFlag)(&e.MaxRedirects), "max-redirects", "most redirects to follow with -L")
	fs.BoolVar(&e.LocationTrusted, "location-trusted", false, "keep credentials when a redirect changes origin")
	fs.BoolVar(&e.AllowDowngrade, "allow-downgrade", false, "follow redirects from https to http")
	fs.BoolVar(&e.AnyRedirect, "follow-any", false, "with -L, follow any 3xx answer with a Location, as curl does (hop curl)")
	fs.MarkHidden("follow-any")
	// curl's --post301, --post302, --post303: hidden, as its other accepted names.
	fs.Var(&keepPostFlag{&e.KeepPost, 301}, "post301", "keep a POST a POST, body and all, when following a 301")
	fs.Var(&keepPostFlag{&e.KeepPost, 302}, "post302", "keep a POST a POST, body and all, when following a 302")
	fs.Var(&keepPostFlag{&e.KeepPost, 303}, "post303", "keep a POST a POST, body and all, when following a 303")
	for _, name := range []string{"post301", "post302", "post303"} {
		fs.Lookup(name).NoOptDefVal = "true"
		fs.MarkHidden(name)
	}
	fs.Var(&protocolsFlag{&e.Protocols}, "proto", "allow only these protocols, for the URL and redirects, curl style: =https, -http, all")
	fs.Var(&protocolsFlag{&e.RedirectProtocols}, "proto-redir", "allow only these protocols for redirects, curl style (as --proto)")
}

func addInsecureFlag(fs *pflag.FlagSet, t *transport.TLSOptions) {
	fs.BoolVarP(&t.Insecure, "insecure", "k", false, "do not verify the server's certificate (always warned about)")
	fs.Var((*verifyFlag)(t), "verify", "HTTPie's --verify: no (-k), yes, or a CA bundle (--cacert)")
	fs.MarkHidden("verify")
}

// verifyFlag is HTTPie's --verify: no turns verification off (-k), yes keeps it, anything else is a CA
// bundle to trust (--cacert).
type verifyFlag transport.TLSOptions

func (f *verifyFlag) String() string { return "" }
func (f *verifyFlag) Type() string   { return "string" }

func (f *verifyFlag) Set(v string) error {
	switch strings.ToLower(v) {
	case "no", "false":
		f.Insecure = true
	case "yes", "true":
	default:
		f.CACert = v
	}
	return nil
}

func addTLSFlags(fs *pflag.FlagSet, t *transport.TLSOptions) {
	fs.StringVar(&t.CACert, "cacert", "", "trust the CA certificates in this PEM file instead of the system's")
	fs.StringVar(&t.CAPath, "capath", "", "trust the CA certificates in this directory's files instead of the system's (DIR:DIR for several; with --cacert, both)")
	fs.StringVar(&t.Cert, "cert", "", "client certificate for mutual TLS: PEM (may hold the key too), DER, or PKCS#12 (.p12, .pfx: holds the key)")
	fs.StringVar(&t.Key, "key", "", "private key of --cert: PEM or DER")
	fs.StringVar(&t.Pass, "pass", "", "passphrase of an encrypted --key or a PKCS#12 --cert, as curl's --pass (or @FILE, @env:VAR; asked for on a terminal)")
	fs.StringVar(&t.MinVersion, "tls-min", "", "lowest TLS version to accept: 1.2 or 1.3 (1.0, 1.1 if you must)")
	fs.StringVar(&t.MaxVersion, "tls-max", "", "highest TLS version to offer")
	fs.Var(&sslFlag{t}, "ssl", "HTTPie's --ssl: tls1, tls1.1, tls1.2 or tls1.3 pins that version (--tls-min and --tls-max both); ssl2.3 negotiates")
	fs.MarkHidden("ssl")
	fs.BoolVar(&t.CertStatus, "cert-status", false, "require a stapled OCSP response saying the certificate is good, as curl does (exit 60 otherwise)")
	fs.StringVar(&t.CRLFile, "crlfile", "", "certificate revocation lists (PEM or DER): each CA of the chain must have a current one, not listing the certificate it issued, as curl's (exit 60 otherwise)")
	fs.StringVar(&t.Curves, "curves", "", "offer only these key exchange groups, as curl: X25519:P-256 (X25519MLKEM768 for post-quantum)")
	fs.StringVar(&t.Ciphers, "ciphers", "", "offer only these TLS 1.2 cipher suites, as curl: OpenSSL's or IANA's names, colon-separated")
	fs.StringVar(&t.Pin, "pin", "", "require this public key in the chain: sha256//BASE64 (;-separated for several)")
	fs.StringVar(&t.Sessions, "ssl-sessions", "", "keep the TLS sessions servers give in FILE (mode 0600, names hashed), as curl's --ssl-sessions, so that later runs' handshakes resume them")
	fs.StringVar(&t.ECH, "ech", "", "Encrypted Client Hello, as curl's --ech: true hides the server's name where DNS's HTTPS record gives a config, hard fails where it cannot, ecl:BASE64 uses this ECHConfigList (ecl:@PATH reads it)")
}

// rawFlag is HTTPie's --raw: a body that may be empty, so that "given" is told apart from "".
type rawFlag struct{ dst **string }

func (f *rawFlag) String() string {
	if *f.dst == nil {
		return ""
	}
	return **f.dst
}
func (f *rawFlag) Type() string { return "string" }
func (f *rawFlag) Set(v string) error {
	*f.dst = &v
	return nil
}

// sslFlag is HTTPie's --ssl: one TLS version, or ssl2.3 (its name for "negotiate the highest").
type sslFlag struct{ t *transport.TLSOptions }

func (f *sslFlag) String() string { return "" }
func (f *sslFlag) Type() string   { return "string" }
func (f *sslFlag) Set(v string) error {
	ver, ok := map[string]string{"ssl2.3": "", "tls1": "1.0", "tls1.1": "1.1", "tls1.2": "1.2", "tls1.3": "1.3"}[strings.ToLower(v)]
	if !ok {
		return errors.New("expected tls1, tls1.1, tls1.2, tls1.3 or ssl2.3 (hop's own: --tls-min, --tls-max)")
	}
	f.t.MinVersion, f.t.MaxVersion = ver, ver
	return nil
}

// httpVersionFlag is xh's --http-version, its values the switches of protocols: 1.1, 2 (and xh's
// 2-prior-knowledge, which hop's --http2 does for http://), 3 (3-prior-knowledge).
type httpVersionFlag struct{ dst *transport.Protocol }

func (f *httpVersionFlag) String() string { return "" }
func (f *httpVersionFlag) Type() string   { return "version" }

func (f *httpVersionFlag) Set(v string) error {
	name, ok := map[string]string{"1.1": "http1.1", "2": "http2", "2-prior-knowledge": "http2", "3": "http3", "3-prior-knowledge": "http3"}[v]
	switch {
	case v == "1.0" || v == "1":
		return errors.New("hop speaks HTTP/1.1 at the oldest: Go's client sends no HTTP/1.0 request")
	case !ok:
		return errors.New("expected 1.1, 2 or 3 (hop's own: --http1.1, --http2, --http3)")
	}
	for _, p := range protocols {
		if p.name == name {
			return (&protocolFlag{dst: f.dst, proto: p.proto, name: p.name}).Set("true")
		}
	}
	return nil
}

// protocols are the switches that choose the HTTP version.
var protocols = []struct {
	name, usage string
	proto       transport.Protocol
}{
	{"http1.1", "use HTTP/1.1 only", transport.HTTP1},
	{"http2", "use HTTP/2 (prior knowledge for http://)", transport.HTTP2},
	{"http3", "use HTTP/3 over QUIC (UDP; https only)", transport.HTTP3},
	{"http3-try", "try HTTP/3 first, and TCP when QUIC cannot reach the server, as curl's --http3", transport.HTTP3Try},
}

func addProtocolFlags(fs *pflag.FlagSet, t *transport.Options) {
	for _, p := range protocols {
		fs.VarPF(&protocolFlag{dst: &t.Protocol, proto: p.proto, name: p.name}, p.name, "", p.usage).NoOptDefVal = "true"
	}
	fs.Var(&httpVersionFlag{dst: &t.Protocol}, "http-version", "xh's --http-version: 1.1, 2 or 3 (--http1.1, --http2, --http3)")
	fs.MarkHidden("http-version")
	fs.StringVar(&t.AltSvc, "alt-svc", "", "keep the HTTP/3 alternatives servers announce (Alt-Svc) in FILE, curl's format, and use them")
}

func addRouteFlags(fs *pflag.FlagSet, t *transport.Options) {
	fs.Var((*stringsFlag)(&t.Resolve), "resolve", "connect to ADDR for HOST:PORT without DNS: HOST:PORT:ADDR (repeatable, as in curl)")
	fs.Var((*stringsFlag)(&t.ConnectTo), "connect-to", "connect to HOST2:PORT2 for HOST1:PORT1; URL, SNI and Host stay: HOST1:PORT1:HOST2:PORT2 (repeatable)")
	fs.StringVar(&t.UnixSocket, "unix-socket", "", "connect through this unix socket (e.g. /var/run/docker.sock) instead of TCP")
	fs.Var((*millisFlag)(&t.HappyEyeballs), "happy-eyeballs-timeout-ms", "curl's: milliseconds the first address family gets before the other is tried (default 300), and HTTP/3 before TCP (default 200)")
	fs.MarkHidden("happy-eyeballs-timeout-ms")
	fs.StringVar(&t.Interface, "interface", "", "send from this network interface (eth0), address or host name, as curl does")
	fs.StringVar(&t.DoHURL, "doh-url", "", "resolve names by DNS over HTTPS at this URL, as curl does (https://dns.example/dns-query)")
	fs.BoolVar(&t.DoHInsecure, "doh-insecure", false, "curl's: do not verify --doh-url's server certificate (always warned about)")
	fs.MarkHidden("doh-insecure")
	fs.BoolVar(&t.DoHCertStatus, "doh-cert-status", false, "curl's: require --doh-url's server to staple an OCSP response saying its certificate is good")
	fs.MarkHidden("doh-cert-status")
	for _, f := range []struct {
		dst         *string
		name, usage string
	}{
		{&t.DNSIPv4Addr, "dns-ipv4-addr", "curl's: send DNS queries to IPv4 servers from this address"},
		{&t.DNSIPv6Addr, "dns-ipv6-addr", "curl's: send DNS queries to IPv6 servers from this address"},
		{&t.DNSInterface, "dns-interface", "curl's: send DNS queries from this network interface's addresses"},
	} {
		fs.StringVar(f.dst, f.name, "", f.usage)
		fs.MarkHidden(f.name)
	}
	fs.StringVar(&t.DNSServers, "dns-servers", "", "resolve names with these DNS servers (IP[:PORT], comma-separated), not the system's, as curl does")
	fs.StringVar(&t.LocalPort, "local-port", "", "send from this local port, or the first free one of a range FROM-TO, as curl does")
	fs.VarPF(&familyFlag{dst: &t.Family, family: 4}, "ipv4", "4", "use IPv4 addresses only").NoOptDefVal = "true"
	fs.VarPF(&familyFlag{dst: &t.Family, family: 6}, "ipv6", "6", "use IPv6 addresses only").NoOptDefVal = "true"
	fs.VarP(proxyFlag{t}, "proxy", "x", `send through this proxy: http://, https://, socks5://, socks5h://, socks4:// or socks4a:// URL (default: the *_PROXY variables; "" for none); HTTPie's SCHEME:URL for one scheme's requests`)
	fs.StringVar(&t.PreProxy, "preproxy", "", "curl's: go through this SOCKS proxy first (socks4://, socks4a://, socks5://, socks5h://), to --proxy's or to the server")
	fs.MarkHidden("preproxy")
	fs.Var((*stringsFlag)(&t.ProxyHeaders), "proxy-header", `a header for the proxy only, "Name: value": in its CONNECT, or with a plain-http request it forwards (repeatable), as curl's`)
	fs.BoolVar(&t.HAProxy, "haproxy-protocol", false, "begin every connection with a PROXY protocol v1 line giving its addresses, as curl's (for a server behind a load balancer)")
	fs.StringVar(&t.HAProxyClientIP, "haproxy-clientip", "", "begin every connection with a PROXY protocol v1 line giving this client address, as curl's --haproxy-clientip (implies --haproxy-protocol)")
	fs.BoolVar(&t.ProxyTunnel, "proxytunnel", false, "through an HTTP proxy, tunnel plain http too (CONNECT), as curl's -p, rather than have it forwarded")
	fs.StringVarP(&t.ProxyUser, "proxy-user", "U", "", "USER[:PASSWORD] for the proxy, replacing any in its URL; prompts for a missing password (or @FILE, @env:VAR)")
	fs.StringVar(&t.ProxyAuth, "proxy-auth-type", transport.ProxyBasic, "how the proxy's credentials go to an HTTP(S) proxy: basic (with every request), digest (answering its challenge, RFC 7616: curl's --proxy-digest) or any (its challenge's scheme, Digest or Basic: --proxy-anyauth)")
	fs.Var(&noProxyFlag{dst: &t.NoProxy}, "noproxy", "reach these hosts directly: comma-separated names, IPs, CIDRs, * for all (replaces NO_PROXY)")
	fs.StringVar(&t.ProxyTLS.CACert, "proxy-cacert", "", "trust these CA certificates (PEM) for an https:// proxy's own certificate")
	fs.BoolVar(&t.ProxyTLS.Insecure, "proxy-insecure", false, "do not verify an https:// proxy's own certificate (-k is the server's)")
	fs.StringVar(&t.ProxyTLS.Cert, "proxy-cert", "", "client certificate for an https:// proxy that asks for one: PEM (may hold the key too), DER, or PKCS#12")
	fs.StringVar(&t.ProxyTLS.Key, "proxy-key", "", "private key of --proxy-cert: PEM or DER")
	fs.StringVar(&t.ProxyTLS.Pin, "proxy-pin", "", "require this public key in an https:// proxy's chain: sha256//BASE64, as curl's --proxy-pinnedpubkey")
	for _, f := range []struct {
		dst          *string
		name, server string
	}{
		{&t.ProxyTLS.Pass, "proxy-pass", "--pass"}, {&t.ProxyTLS.CAPath, "proxy-capath", "--capath"},
		{&t.ProxyTLS.Ciphers, "proxy-ciphers", "--ciphers"}, {&t.ProxyTLS.CRLFile, "proxy-crlfile", "--crlfile"},
	} {
		fs.StringVar(f.dst, f.name, "", "curl's: "+f.server+" for an https:// proxy")
		fs.MarkHidden(f.name)
	}
}

// familyFlag is -4 or -6.
type familyFlag struct {
	dst    *int
	family int
}

func (f *familyFlag) String() string { return strconv.FormatBool(*f.dst == f.family) }
func (f *familyFlag) Type() string   { return "bool" }

func (f *familyFlag) Set(v string) error {
	on, err := strconv.ParseBool(v)
	if err != nil {
		return err
	}
	if on {
		*f.dst = f.family
	}
	return nil
}

// formatOptionsFlag is HTTPie's and xh's --format-options: SECTION.KEY:VALUE, comma-separated and
// repeatable, read as HTTPie reads it (case-insensitively; a value of the key's type). It writes the options
// --sorted and --unsorted write, so whichever comes last wins, as in HTTPie. hop formats JSON only, and shows
// headers sorted by name (Go's HTTP client keeps no order of those received): an option hop cannot honour is
// refused, not dropped.
type formatOptionsFlag struct {
	o     *OutputOptions
	typed []string
}

// maxJSONIndent bounds json.indent: a deep document at a huge indent would be gigabytes of spaces.
const maxJSONIndent = 16

func (f *formatOptionsFlag) String() string { return strings.Join(f.typed, ",") }
func (f *formatOptionsFlag) Type() string   { return "options" }

func (f *formatOptionsFlag) Set(v string) error {
	for _, opt := range strings.Split(v, ",") {
		bad := func(why string, a ...any) error { // naming the option when v holds several
			if opt != v {
				why = "%q: " + why
				a = append([]any{opt}, a...)
			}
			return fmt.Errorf(why, a...)
		}
		path, value, ok := strings.Cut(strings.ToLower(opt), ":")
		if !ok || strings.Count(path, ".") != 1 || strings.Contains(value, ":") {
			return bad("expected SECTION.KEY:VALUE, such as json.indent:2")
		}
		on := value == "true"
		var n int
		var err error
		switch path {
		case "headers.sort", "json.format", "json.sort_keys", "xml.format":
			if !on && value != "false" {
				return bad("%s takes true or false", path)
			}
		case "json.indent", "xml.indent":
			if n, err = strconv.Atoi(value); err != nil || strings.ContainsAny(value, "+-") {
				return bad("%s takes a number of spaces", path)
			}
		default:
			return bad("hop knows headers.sort, json.format, json.indent, json.sort_keys and xml.format, not %s", path)
		}
		switch {
		case path == "headers.sort" && !on:
			return bad("hop shows headers sorted by name, always: Go's HTTP client keeps no order of the headers received")
		case path == "json.format":
			f.o.KeepJSONLayout = !on
		case path == "json.sort_keys":
			f.o.Sorted = on
		case path == "json.indent" && n > maxJSONIndent:
			return bad("at most %d spaces", maxJSONIndent)
		case path == "json.indent" && n == 0:
			f.o.Indent = format.Unindented
		case path == "json.indent":
			f.o.Indent = n
		case strings.HasPrefix(path, "xml.") && (path != "xml.format" || on):
			return bad("hop shows XML as received, unformatted (xml.format:false)")
		}
	}
	f.typed = append(f.typed, v)
	return nil
}

// noProxyFlag is --noproxy: set, even to "", it replaces NO_PROXY.
// keepPostFlag is one of curl's --post301, --post302, --post303: a boolean that adds its code to the list.
type keepPostFlag struct {
	dst  *[]int
	code int
}

func (f *keepPostFlag) String() string { return strconv.FormatBool(slices.Contains(*f.dst, f.code)) }
func (f *keepPostFlag) Type() string   { return "bool" }
func (f *keepPostFlag) Set(v string) error {
	on, err := strconv.ParseBool(v)
	if err != nil {
		return err
	}
	*f.dst = slices.DeleteFunc(*f.dst, func(c int) bool { return c == f.code })
	if on {
		*f.dst = append(*f.dst, f.code)
	}
	return nil
}

// protocolsFlag is curl's --proto or --proto-redir list, read as curl reads it (exchange.ParseProtocols).
type protocolsFlag struct{ dst *[]string }

func (f *protocolsFlag) String() string {
	if *f.dst == nil {
		return ""
	}
	return "=" + strings.Join(*f.dst, ",")
}
func (f *protocolsFlag) Type() string { return "string" }
func (f *protocolsFlag) Set(v string) error {
	*f.dst = exchange.ParseProtocols(v)
	return nil
}

// proxyFlag is --proxy: a proxy URL, or "" for no proxy at all, whatever the *_PROXY variables say (curl's
// -x ""); or HTTPie's SCHEME:URL, the proxy for the requests of that scheme (given once for each).
type proxyFlag struct{ t *transport.Options }

func (f proxyFlag) String() string { return f.t.Proxy }
func (f proxyFlag) Type() string   { return "string" }
func (f proxyFlag) Set(v string) error {
	for _, scheme := range []string{"http", "https"} {
		if rest, ok := strings.CutPrefix(v, scheme+":"); ok && strings.Contains(rest, "://") {
			if f.t.ProxyFor == nil {
				f.t.ProxyFor = map[string]string{}
			}
			f.t.ProxyFor[scheme] = rest
			return nil
		}
	}
	f.t.Proxy, f.t.ProxyOff = v, v == ""
	return nil
}

type noProxyFlag struct{ dst **string }

func (f *noProxyFlag) String() string {
	if *f.dst == nil {
		return ""
	}
	return **f.dst
}
func (f *noProxyFlag) Type() string { return "string" }
func (f *noProxyFlag) Set(v string) error {
	*f.dst = &v
	return nil
}

func addConnectTimeoutFlag(fs *pflag.FlagSet, t *transport.Options) {
	t.ConnectTimeout = 10 * time.Second
	fs.Var((*durationFlag)(&t.ConnectTimeout), "connect-timeout", "limit for DNS, TCP connect, proxy and TLS handshake together (0 = none)")
}

func addTimeoutFlags(fs *pflag.FlagSet, t *transport.Options, e *exchange.Options) {
	t.IdleTimeout = 30 * time.Second
	fs.Var((*durationFlag)(&t.IdleTimeout), "timeout", "fail when no bytes move, or no response head comes, for this long (0 = none)")
	fs.VarP((*durationFlag)(&e.MaxTime), "max-time", "m", "limit for the whole exchange, body included (0 = none)")
}

// addBodyLimitFlags are curl's --max-filesize, a limit on the body hop reads, against a server that sends
// more than was bargained for (a body without end, a decompression bomb), and --limit-rate.
func addBodyLimitFlags(fs *pflag.FlagSet, e *exchange.Options) {
	fs.Var((*sizeFlag)(&e.MaxFileSize), "max-filesize", "fail (exit 63) rather than read a body larger than SIZE bytes (100K, 20M, 1G)")
	fs.Var((*countFlag)(&e.MaxHeaders), "max-headers", "refuse a response with more than N header fields, as HTTPie's --max-headers (0: no limit)")
	fs.Var((*sizeFlag)(&e.LimitRate), "limit-rate", "send and receive bodies at most this many bytes a second, on average (100K, 1M)")
}

func addRetryFlags(fs *pflag.FlagSet, r *exchange.Retry) {
	fs.Var((*countFlag)(&r.N), "retry", "send again up to N times after a connect error, timeout, empty reply, unprocessed refusal or 408/429/500/502/503/504")
	fs.Var((*durationFlag)(&r.Delay), "retry-delay", "the backoff's base: waits grow from it, doubling, with full jitter (default 1s)")
	fs.Var((*durationFlag)(&r.MaxTime), "retry-max-time", "stop retrying once this long has passed since the start (0 = no limit)")
	fs.BoolVar(&r.AllMethods, "retry-all-methods", false, "also retry POST, PATCH and other methods that are not idempotent")
	fs.BoolVar(&r.AllErrors, "retry-all-errors", false, "with --retry, also retry after any other failure and any 4xx or 5xx status (curl's sledgehammer)")
}

func addOutputFlags(fs *pflag.FlagSet, o *OutputOptions, s *Streams) {
	fs.StringVarP(&o.File, "output", "o", "", "write the body to FILE (replaces it once complete; - for stdout)")
	addDownloadFlags(fs, o)
	fs.BoolVarP(&o.Include, "include", "i", false, "print the status line and headers on stdout before the body")
	fs.BoolVarP(&o.Verbose, "verbose", "v", false, "also print the request, every hop, the waterfall and TLS summary")
	fs.BoolVar(&o.All, "all", false, "print every hop (redirects, retried answers), not only the final one (-p's parts, or -P's)")
	fs.BoolVarP(&o.Quiet, "quiet", "q", false, "print nothing but errors and failed checks (HTTPie's quiet; -o still saves the body)")
	fs.BoolVarP(&o.Silent, "silent", "s", false, "print the body and errors, nothing else (curl's silent)")
	fs.BoolVarP(&o.curlAsIs, "show-error", "S", false, "curl's -S, accepted: hop shows errors even with -s")
	fs.BoolVar(&o.headersOnly, "headers", false, "HTTPie's --headers: -p h")
	fs.BoolVar(&o.bodyOnly, "body", false, "HTTPie's --body: -p b")
	fs.BoolVar(&o.metaOnly, "meta", false, "HTTPie's --meta: -p t")
	for _, name := range []string{"show-error", "headers", "body", "meta"} {
		fs.MarkHidden(name)
	}
	fs.VarP(printFlag{&o.Print, &o.printTyped}, "print", "p", "parts to print: H request headers, B request body, h response headers, b body, t timings, s TLS ('' for none)")
	fs.StringVarP(&o.HistoryPrint, "history-print", "P", "", "with --all, the parts of the hops before the final one (redirects, retried answers): H B h (default: -p's)")
	fs.BoolVarP(&o.Trace, "trace", "t", false, "print the timing waterfall")
	fs.BoolVar(&o.TLS, "tls", false, "print the TLS summary")
	fs.StringVar(&o.Pretty, "pretty", "auto", "format the body: all, format, colors, none (auto: all on a terminal)")
	fs.BoolVar(&o.Sorted, "sorted", false, "sort the keys of JSON objects when formatting, as HTTPie's --sorted (default: as received)")
	addSwitch(fs, "unsorted", "HTTPie's --unsorted: JSON keys as received, hop's default",
		func() { o.Sorted = false }, func() bool { return !o.Sorted })
	fs.Var(&formatOptionsFlag{o: o}, "format-options", "HTTPie's formatting options, comma-separated: json.indent:N (spaces, default 2), json.sort_keys:BOOL (as --sorted), json.format:false (JSON laid out as received)")
	fs.StringVar(&o.ResponseMime, "response-mime", "", "show the body as this type (application/json), whatever the server says")
	fs.StringVar(&o.ResponseCharset, "response-charset", "", "show the body in this charset: utf-8 or latin1, whatever the server says")
	addColorFlag(fs, s)
	fs.BoolVar(&o.NoCheckStatus, "no-check-status", false, "exit 0 for 4xx and 5xx responses too")
	fs.BoolVar(&o.RawEncoding, "raw-encoding", false, "keep a compressed body compressed")
	fs.BoolVar(&o.FailNoBody, "fail-no-body", false, "hop curl's -f: the body of a 4xx or 5xx answer is neither written nor saved, as curl writes none")
	fs.MarkHidden("fail-no-body")
	fs.BoolVar(&o.Offline, "offline", false, "print the request without sending it")
	fs.BoolVar(&o.Curl, "curl", false, "print the curl command that sends the same request, and send nothing")
	addSwitch(fs, "curl-long", "xh's --curl-long: --curl with every option by its long name",
		func() { o.Curl, o.CurlLong = true, true }, func() bool { return o.CurlLong })
	fs.StringVar(&o.Format, "format", "text", "output format: text, or json for one document describing the whole exchange")
	fs.BoolVar(&o.ShowSecrets, "show-secrets", false, "print credentials as they are: Authorization, cookies, URL passwords (masked otherwise)")
	fs.StringVarP(&o.DumpHeader, "dump-header", "D", "", "write every response head to FILE as received, CRLF and all, as curl does (- for stdout)")
	fs.StringVar(&o.HAR, "har", "", "also write the exchange to FILE as HAR 1.2 (- writes it to stdout)")
	fs.StringVar(&o.TraceASCII, "trace-ascii", "", "write everything sent and received to FILE as it happens, as curl's --trace-ascii (- for stdout, % for stderr)")
	fs.StringVar(&o.TraceHex, "trace-hex", "", "the same with the bytes in hex beside their text, as curl's --trace (hop's --trace is the waterfall)")
	fs.StringVar(&o.TraceVerbose, "trace-verbose", "", "write curl -v's lines to FILE as it happens: * notes, > the request head, < each response head, {/} [N bytes data] (hop curl's -v is --trace-verbose %)")
	fs.BoolVar(&o.TraceTime, "trace-time", false, "start each line of a --trace-ascii, --trace-hex or --trace-verbose dump with the time")
	fs.StringVar(&o.Stderr, "stderr", "", "write what goes to stderr to FILE instead (- for stdout), as curl does")
	fs.StringVarP(&o.WriteOut, "write-out", "w", "", "after the exchange, write curl's %{variables} in this template (@FILE, @- to read it)")
}

func addCheckFlags(fs *pflag.FlagSet, c *check.Spec) {
	fs.StringVar(&c.Status, "expect-status", "", "check the status: 200, 2xx, 200,204 (replaces the rule that 4xx/5xx fail)")
	fs.Var((*stringsFlag)(&c.Headers), "expect-header", "check a response header: NAME, !NAME or 'NAME: REGEX' (repeatable)")
	fs.Var((*stringsFlag)(&c.JSON), "expect-json", "check the JSON body: 'PATH OP VALUE' (gjson path; == != < <= > >= ~ exists !exists; repeatable)")
	fs.Var((*stringsFlag)(&c.Body), "expect-body", "check that the body matches this regular expression (repeatable)")
	fs.Var((*stringsFlag)(&c.SLO), "slo", "check phase durations: server=200ms,total=1s (ttfb too; with --repeat p95:total=300ms)")
	fs.StringVar(&c.ExpiresWithin, "expires-within", "", "check that no certificate the server presented expires within this window (30d, 2w)")
}

func addRepeatFlags(fs *pflag.FlagSet, r *RepeatOptions) {
	fs.Var((*countFlag)(&r.N), "repeat", "send the request N times, one after another, and show per-phase percentiles (0, the default: one run, shown as usual)")
	fs.Var((*durationFlag)(&r.Interval), "interval", "with --repeat: time between the starts of two runs")
	fs.BoolVar(&r.Fresh, "fresh", false, "with --repeat: open a new connection for every run")
}

// addCertQuietFlags are -q and -s for hop cert: both leave only errors and failed checks.
func addCertQuietFlags(fs *pflag.FlagSet, quiet *bool) {
	fs.BoolVarP(quiet, "quiet", "q", false, "print nothing but errors and failed checks")
	fs.BoolVarP(quiet, "silent", "s", false, "same as --quiet")
}

func addColorFlag(fs *pflag.FlagSet, s *Streams) {
	fs.StringVar(&s.Color, "color", "auto", "colour output: auto, always, never")
}

// protocolFlag is one of --http1.1 and --http2: a switch that sets the protocol, refusing a second one.
type protocolFlag struct {
	dst   *transport.Protocol
	proto transport.Protocol
	name  string
}

func (f *protocolFlag) String() string { return strconv.FormatBool(*f.dst == f.proto) }
func (f *protocolFlag) Type() string   { return "bool" }

func (f *protocolFlag) Set(v string) error {
	on, err := strconv.ParseBool(v)
	switch {
	case err != nil:
		return err
	case !on:
		if *f.dst == f.proto {
			*f.dst = transport.Auto
		}
	case *f.dst != transport.Auto && *f.dst != f.proto:
		for _, p := range protocols {
			if p.proto == *f.dst {
				return fmt.Errorf("--%s and --%s exclude each other", p.name, f.name)
			}
		}
		return fmt.Errorf("--%s excludes the protocol already chosen", f.name)
	default:
		*f.dst = f.proto
	}
	return nil
}
