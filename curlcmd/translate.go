package curlcmd

import (
	"cmp"
	"errors"
	"fmt"
	"iter"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/hop-cli/hop/redact"
	"github.com/hop-cli/hop/request"
	"github.com/hop-cli/hop/suggest"
	"github.com/hop-cli/hop/transport"
)

// curlOption is one curl option hop understands: its names, whether it takes a value, and the hop flag it
// becomes (to, with the same value), or what it does (hop); with neither, it is accepted and changes
// nothing, because hop already behaves so.
type curlOption struct {
	long   string
	short  byte
	value  bool
	to     string
	hop    func(v string, t *translation) []string
	global bool // curl's global option: it holds for every part of a command split by --next
}

// same maps a curl option to the hop flag of the same name.
func same(long string, short byte, value bool) curlOption {
	return curlOption{long: long, short: short, value: value, to: "--" + long}
}

// accepted is a curl option whose effect hop has anyway.
func accepted(long string, short byte, value bool) curlOption {
	return curlOption{long: long, short: short, value: value}
}

// global marks one of curl's global options: they hold for the whole command, whichever part of it split
// by --next they are typed in.
func global(o curlOption) curlOption {
	o.global = true
	return o
}

// options are the curl options hop curl takes. Anything else is refused by name, never dropped.
var options = []curlOption{
	{long: "request", short: 'X', value: true, hop: func(v string, t *translation) []string {
		if v == "" {
			// curl sends the empty method as typed (" / HTTP/1.1"), which no server takes; an unset
			// "$METHOD" is the likely cause, and hop's own -X refuses it too.
			t.err = errors.New("-X '': an empty method; give one, or leave -X out")
		}
		if strings.HasPrefix(v, "-") {
			// curl sends "-v" as the method of -X -v (an option typed where the method goes); hop reads the
			// method as a word of its own, and no method begins with a dash: said rather than misread.
			t.err = fmt.Errorf("-X %s: a method was expected, not an option", v)
		}
		t.method = v
		return nil
	}},
	{long: "url", value: true, hop: func(v string, t *translation) []string { t.urls = append(t.urls, v); return nil }},
	{long: "config", short: 'K', value: true}, // read by readArgs: its options take its place
	{long: "variable", value: true},           // set as it is read (reader.take): --expand-OPTION uses it
	same("header", 'H', true),
	same("data", 'd', true),
	{long: "data-ascii", value: true, to: "--data"},
	same("data-raw", 0, true),
	same("data-binary", 0, true),
	same("data-urlencode", 0, true),
	same("json", 0, true),
	{long: "form", short: 'F', value: true, to: "--form-part"},
	{long: "form-string", value: true, hop: func(v string, t *translation) []string {
		name, value, ok := strings.Cut(v, "=") // the value as it is: quoted, -F takes it so
		if !ok && t.err == nil {
			// Refused in its own words (curl: "badly used").
			t.err = fmt.Errorf("--form-string %q: expects name=value", v)
		}
		return []string{"--form-part", name + `="` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(value) + `"`}
	}},
	same("get", 'G', false),
	same("url-query", 0, true),
	same("head", 'I', false),
	same("upload-file", 'T', true),
	accepted("compressed", 0, false), // hop always asks for and decodes compressed bodies
	same("user-agent", 'A', true),
	same("referer", 'e', true),
	same("cookie", 'b', true),
	same("cookie-jar", 'c', true),
	same("junk-session-cookies", 'j', false),
	same("user", 'u', true),
	{long: "oauth2-bearer", value: true, hop: func(v string, t *translation) []string { t.bearer = true; return []string{"--bearer", v} }},
	accepted("basic", 0, false),
	{long: "anyauth", to: "--auth-type=any"},    // the server's challenge picks Digest or Basic
	{long: "netrc", short: 'n', hop: readNetrc}, // hop reads .netrc unless --no-netrc; curl only with -n
	{long: "netrc-optional", hop: readNetrc},
	same("netrc-file", 0, true),
	same("insecure", 'k', false),
	same("cacert", 0, true),
	same("capath", 0, true),
	{long: "cert", short: 'E', value: true, hop: func(v string, _ *translation) []string {
		file, pass, ok := transport.SplitCertPassword(v)
		if !ok {
			return []string{"--cert", file}
		}
		return []string{"--cert", file, "--pass", literalSecret(pass)}
	}},
	same("key", 0, true),
	{long: "pass", value: true, hop: func(v string, _ *translation) []string { return []string{"--pass", literalSecret(v)} }},
	{long: "pinnedpubkey", value: true, to: "--pin"},
	{long: "tlsv1", hop: tlsMin("1.0")},
	{long: "tlsv1.0", hop: tlsMin("1.0")},
	{long: "tlsv1.1", hop: tlsMin("1.1")},
	{long: "tlsv1.2", hop: tlsMin("1.2")},
	{long: "tlsv1.3", hop: tlsMin("1.3")},
	same("tls-max", 0, true),
	same("http1.1", 0, false),
	// curl's --http2 offers h2 by ALPN over TLS, as hop does anyway; over plain http curl asks the server to
	// upgrade (Upgrade: h2c), which Go's client cannot, so the request stays HTTP/1.1, as it does with curl
	// when the server does not upgrade. hop's --http2 (prior knowledge) is curl's --http2-prior-knowledge.
	accepted("http2", 0, false),
	{long: "http2-prior-knowledge", to: "--http2"},
	{long: "http3", to: "--http3-try"}, // HTTP/3, else TCP: curl 7.88's --http3 falls back
	{long: "http3-only", to: "--http3"},
	same("alt-svc", 0, true),
	same("hsts", 0, true),
	same("resolve", 0, true),
	same("connect-to", 0, true),
	same("unix-socket", 0, true),
	// Linux's abstract socket namespace, which Go's dialer names with a leading @.
	{long: "abstract-unix-socket", value: true, hop: func(v string, _ *translation) []string { return []string{"--unix-socket", "@" + v} }},
	same("interface", 0, true),
	same("local-port", 0, true),
	same("dns-servers", 0, true),
	same("doh-url", 0, true),
	same("doh-insecure", 0, false),
	same("doh-cert-status", 0, false),
	same("crlfile", 0, true),
	{long: "ech", value: true, hop: echOption},
	same("ssl-sessions", 0, true),
	same("aws-sigv4", 0, true),
	same("ciphers", 0, true),
	same("curves", 0, true),
	same("cert-status", 0, false),
	same("ipv4", '4', false),
	same("ipv6", '6', false),
	same("noproxy", 0, true),
	same("proxy-cacert", 0, true),
	same("proxy-insecure", 0, false),
	same("proxy-cert", 0, true),
	same("proxy-key", 0, true),
	{long: "proxy-pass", value: true, hop: func(v string, _ *translation) []string { return []string{"--proxy-pass", literalSecret(v)} }},
	{long: "proxy-pinnedpubkey", value: true, to: "--proxy-pin"},
	same("proxy-capath", 0, true),
	same("proxy-ciphers", 0, true),
	same("proxy-crlfile", 0, true),
	{long: "proxy-cert-type", value: true, hop: formIn("--proxy-cert-type", "PEM", "DER", "P12")},
	{long: "proxy-key-type", value: true, hop: formIn("--proxy-key-type", "PEM", "DER")},
	{long: "proxy", short: 'x', value: true, to: "--proxy"},
	same("proxy-user", 'U', true),
	same("proxy-header", 0, true),
	same("haproxy-protocol", 0, false),
	same("haproxy-clientip", 0, true),
	same("preproxy", 0, true),
	same("dns-ipv4-addr", 0, true),
	same("dns-ipv6-addr", 0, true),
	same("dns-interface", 0, true),
	same("form-escape", 0, false),
	// curl's proxy authentication: --proxy-anyauth over --proxy-digest over --proxy-basic (Basic, as hop
	// sends anyway), whichever order they are typed in.
	{long: "proxy-basic", hop: proxyAuth(transport.ProxyBasic)},
	{long: "proxy-digest", hop: proxyAuth(transport.ProxyDigest)},
	{long: "proxy-anyauth", hop: proxyAuth(transport.ProxyAny)},
	accepted("suppress-connect-headers", 0, false), // hop never shows a CONNECT's answer
	{long: "proxytunnel", short: 'p', to: "--proxytunnel"},
	{long: "socks5", value: true, hop: func(v string, _ *translation) []string { return []string{"--proxy", "socks5://" + v} }},
	{long: "socks5-hostname", value: true, hop: func(v string, _ *translation) []string { return []string{"--proxy", "socks5h://" + v} }},
	{long: "socks4", value: true, hop: func(v string, _ *translation) []string { return []string{"--proxy", "socks4://" + v} }},
	{long: "socks4a", value: true, hop: func(v string, _ *translation) []string { return []string{"--proxy", "socks4a://" + v} }},
	accepted("tcp-nodelay", 0, false),  // Go sets TCP_NODELAY on every connection, as curl has by default since 7.50.2
	accepted("tcp-fastopen", 0, false), // a latency hint: without TCP Fast Open the same request goes
	accepted("socks5-basic", 0, false), // SOCKS5 user and password: what hop sends when the proxy URL or -U has them
	accepted("ssl", 0, false),          // try TLS on FTP, IMAP, POP3, SMTP, LDAP: nothing over HTTP
	accepted("egd-file", 0, true),      // deprecated in curl 7.84, and ignored: the system seeds TLS
	accepted("random-file", 0, true),   // the same
	same("happy-eyeballs-timeout-ms", 0, true),
	{long: "disallow-username-in-url", hop: func(_ string, t *translation) []string { t.noUserInURL = true; return nil }},
	same("connect-timeout", 0, true),
	same("max-time", 'm', true),
	same("max-filesize", 0, true),
	same("limit-rate", 0, true),
	same("retry", 0, true),
	same("retry-delay", 0, true),
	same("retry-max-time", 0, true),
	same("retry-connrefused", 0, false),
	same("retry-all-errors", 0, false),
	// curl's low-speed limit, as hop's --curl writes its --timeout: under 1 byte/s for N seconds.
	{long: "speed-limit", short: 'Y', value: true, hop: func(v string, t *translation) []string { t.speedLimit = v; return nil }},
	{long: "speed-time", short: 'y', value: true, hop: func(v string, t *translation) []string { t.speedTime = v; return nil }},
	// -L, --follow and --location-trusted turn one switch on (curl keeps one for them), which --no-location
	// and --no-location-trusted turn off: hop's --follow after the part's other flags (see hopArgs).
	{long: "location", short: 'L', hop: follow(false)},
	{long: "follow", hop: follow(false)}, // curl 8.16's: -L, the method kept as the spec says (hop's -L does so)
	{long: "max-redirs", value: true, to: "--max-redirects"},
	{long: "location-trusted", hop: follow(true)}, // -L too, with credentials kept on every host
	same("proto", 0, true),
	same("proto-redir", 0, true),
	{long: "proto-default", value: true, to: "--default-scheme"}, // for a URL without a scheme: http or https
	same("post301", 0, false),
	same("post302", 0, false),
	same("post303", 0, false),
	// -o and -O go to the URLs in turn, the first to the first URL, as curl pairs them.
	{long: "output", short: 'o', value: true, hop: func(v string, t *translation) []string {
		if v == "" && t.err == nil {
			t.err = errors.New("-o/--output: the file name is empty") // as curl refuses it ("badly used"), and hop's own -o
		}
		t.outputs = append(t.outputs, output{file: v})
		return nil
	}},
	// curl 8.16's --out-null: the URL's body read whole and thrown away, as -o /dev/null.
	{long: "out-null", hop: func(_ string, t *translation) []string {
		t.outputs = append(t.outputs, output{file: os.DevNull})
		return nil
	}},
	{long: "remote-name", short: 'O', hop: func(_ string, t *translation) []string {
		t.outputs = append(t.outputs, output{remote: true})
		return nil
	}},
	// -J: -O's file is named by Content-Disposition, and never replaces one (hop's own -O, as curl -OJ).
	{long: "remote-header-name", short: 'J', hop: func(_ string, t *translation) []string { t.headerName = true; return nil }},
	same("output-dir", 0, true),
	same("create-dirs", 0, false),
	same("skip-existing", 0, false),
	same("xattr", 0, false),
	accepted("create-file-mode", 0, true), // the mode of files curl creates remotely (SFTP, SCP, FILE): none over HTTP
	same("time-cond", 'z', true),
	same("remote-time", 'R', false),
	same("etag-compare", 0, true),
	same("etag-save", 0, true),
	{long: "continue-at", short: 'C', value: true, hop: func(v string, t *translation) []string {
		t.continueAt = true
		if v == "-" {
			t.resume = true
			return []string{"--continue"}
		}
		return []string{"--continue-at=" + v} // resumed only when the file holds that many bytes (0: anew)
	}},
	same("include", 'i', false),
	{long: "show-headers", to: "--include"}, // curl 8.10's name for -i
	same("digest", 0, false),
	same("dump-header", 'D', true),
	{long: "range", short: 'r', value: true, hop: func(v string, t *translation) []string { t.byteRange = v; return nil }},
	{long: "globoff", short: 'g', hop: func(_ string, t *translation) []string { t.globoff = true; return nil }},
	same("path-as-is", 0, false),
	same("request-target", 0, true),
	// -v is curl's trace in its plain layout, to stderr: the last of -v, --trace-ascii and --trace wins.
	{long: "verbose", short: 'v', global: true, hop: func(_ string, t *translation) []string { t.dump = []string{"--trace-verbose", "%"}; return nil }},
	global(same("silent", 's', false)),
	global(accepted("show-error", 'S', false)), // hop always says what went wrong
	// hop fails on 4xx and 5xx already (exit 4 and 5); curl's -f also writes no body of such an answer.
	{long: "fail", short: 'f', hop: func(_ string, t *translation) []string { t.fail = true; return []string{"--fail-no-body"} }},
	{long: "fail-with-body", hop: func(_ string, t *translation) []string { t.failWithBody = true; return nil }},
	{long: "fail-early", global: true, hop: func(_ string, t *translation) []string { t.failEarly = true; return nil }},
	{long: "rate", value: true, global: true, hop: func(v string, t *translation) []string { t.rate = v; return nil }},
	{long: "parallel", short: 'Z', global: true, hop: func(_ string, t *translation) []string { t.parallel = true; return nil }},
	{long: "parallel-max", value: true, global: true, hop: func(v string, t *translation) []string { t.parallelMax = v; return nil }},
	global(accepted("parallel-immediate", 0, false)), // hop opens another connection whenever a transfer needs one
	{long: "next", short: ':'},                   // Translate's: what follows is the next part
	accepted("ssl-no-revoke", 0, false),          // Windows' schannel option; hop checks revocation only when --crlfile or --cert-status ask
	accepted("ssl-revoke-best-effort", 0, false), // the same
	{long: "raw", to: "--raw-encoding"},
	same("write-out", 'w', true),
	global(same("stderr", 0, true)),
	// --trace-ascii and --trace (hop's --trace-hex): one dump for the whole command, the last one typed (-v's too).
	{long: "trace-ascii", value: true, global: true, hop: func(v string, t *translation) []string { t.dump = []string{"--trace-ascii", v}; return nil }},
	{long: "trace", value: true, global: true, hop: func(v string, t *translation) []string { t.dump = []string{"--trace-hex", v}; return nil }},
	{long: "trace-time", global: true, hop: func(_ string, t *translation) []string { t.traceTime = true; return nil }},
	global(accepted("progress-bar", '#', false)),
	global(accepted("progress-meter", 0, false)), // hop shows a meter only on a terminal, and only for downloads
	accepted("buffer", 'N', false),               // curl's -N is --no-buffer: hop writes a body as it arrives
	{long: "remote-name-all", hop: func(_ string, t *translation) []string { t.remoteAll = true; return nil }}, // -O for every URL without -o
	accepted("alpn", 0, false),        // --no-alpn: HTTP/1.1 (see turnOff)
	accepted("npn", 0, false),         // NPN is gone from TLS stacks, hop's (Go's) too
	accepted("false-start", 0, false), // likewise obsolete; Go never uses it
	accepted("sessionid", 0, false),   // --no-sessionid: each URL of hop curl has a connection of its own, no session to resume
	accepted("ssl-reqd", 0, false),    // for FTP, IMAP, SMTP; curl does nothing with it for HTTP
	{long: "expect100-timeout", value: true, hop: func(v string, t *translation) []string { t.expect100 = v; return nil }},
	accepted("keepalive-time", 0, true),                                               // TCP keepalive probes: nothing a single request notices
	accepted("keepalive-cnt", 0, true),                                                // the number of those probes (curl 8.9), likewise
	accepted("keepalive", 0, false),                                                   // on already, as in curl; --no-keepalive, the same as keepalive-time
	accepted("ca-native", 0, false),                                                   // hop trusts the system's CA store unless --cacert says otherwise
	accepted("proxy-ca-native", 0, false),                                             // the same for an https proxy
	accepted("clobber", 0, false),                                                     // -o replaces the file, as curl does by default; --no-clobber (see turnOff)
	accepted("remove-on-error", 0, false),                                             // hop writes -o's file whole or not at all (a temporary file)
	global(accepted("styled-output", 0, false)),                                       // hop styles headers on a terminal already; --no-styled-output (see turnOff)
	{long: "cert-type", value: true, hop: formIn("--cert-type", "PEM", "DER", "P12")}, // hop tells them by their content
	{long: "key-type", value: true, hop: formIn("--key-type", "PEM", "DER")},
}

// literalSecret is curl's literal secret v as hop's secret flags take it: a leading @ doubled, since hop
// reads @FILE and @env:VAR there.
func literalSecret(v string) string {
	if strings.HasPrefix(v, "@") {
		return "@" + v
	}
	return v
}

// formIn takes curl's --cert-type or --key-type when it names a form hop reads (PEM, curl's default; DER;
// P12 for a certificate: hop recognises each by its content), and refuses another (ENG).
func formIn(flag string, forms ...string) func(string, *translation) []string {
	return func(v string, t *translation) []string {
		if !slices.ContainsFunc(forms, func(f string) bool { return strings.EqualFold(f, v) }) && t.err == nil {
			t.err = fmt.Errorf("curl's %s %s: hop reads %s only", flag, v, strings.Join(forms, ", "))
		}
		return nil
	}
}

// readNetrc is curl's -n and --netrc-optional: .netrc is read, which hop does anyway, and so may answer
// --digest's challenge.
func readNetrc(_ string, t *translation) []string {
	t.netrc = true
	return nil
}

// follow turns following redirects on, keeping credentials on every host when trusted.
func follow(trusted bool) func(string, *translation) []string {
	return func(_ string, t *translation) []string {
		t.follow = true
		t.trusted = t.trusted || trusted
		return nil
	}
}

func tlsMin(v string) func(string, *translation) []string {
	return func(string, *translation) []string { return []string{"--tls-min", v} }
}

// translation collects what a part of a curl command says: the whole command, or each part of it that
// --next separates, all sharing the command's globals.
type translation struct {
	*globals

	method string
	urls   []string
	flags  []string
	stdin  bool // a value reads standard input (@-, <-, -T -)
	data   bool // a body flag was given
	form   bool // -F or --form-string: a multipart body, which -G leaves as it is
	bearer bool // --oauth2-bearer, whose token curl sends rather than -u's user and password
	netrc  bool // -n or --netrc-optional: curl reads .netrc
	noHead bool // --no-head: curl's request method set to GET
	// fail and failWithBody are -f and --fail-with-body, which curl refuses together.
	fail, failWithBody bool
	userAt             []int // where each -u's --user flag stands in flags
	// cookieAt is where each -b NAME=VALUE stands in flags; cookieHeader, an -H naming Cookie (with a value
	// or without): curl then leaves those strings out.
	cookieAt     []int
	cookieHeader bool
	upload       bool
	head         bool
	get          bool
	byteRange    string // -r's RANGE: a Range for a GET or HEAD, a Content-Range for a body (see hopArgs)

	follow, trusted bool // -L (or --follow, --location-trusted); --location-trusted

	speedLimit, speedTime string // curl's -Y and -y, which together are one hop flag
	expect100             string // --expect100-timeout's seconds ("" for curl's 1)

	outputs            []output // -o and -O in the order typed: the nth for the nth URL
	remoteAll          bool     // --remote-name-all: -O for a URL without -o or -O
	headerName         bool     // -J: -O names the file from Content-Disposition
	resume             bool     // -C -: resume the file there
	continueAt         bool     // -C, - or an offset
	globoff            bool     // -g
	noUserInURL        bool     // --disallow-username-in-url
	part               int      // which part this is, from 0
	uploadAt           []int    // where each -T's --upload-file stands in flags: the first is for the URL
	dumpFile, etagSave bool     // -D FILE (not -), --etag-save: one file, written by each URL
	proxyAuth          string   // transport.ProxyAny, ProxyDigest, ProxyBasic: the first of them any option asked for
	echMode, echList   string   // --ech's keyword (false, true, hard) and its ecl:LIST, which curl keeps apart
}

// echOption is curl's --ech: a keyword, or a config list (ecl:), each kept until the last of its kind, as
// curl keeps them (see echArgs).
func echOption(v string, t *translation) []string {
	switch {
	case v == "":
		t.err = errors.New("--ech: the value is empty (curl refuses it too: false, true, hard or ecl:BASE64)")
	case strings.HasPrefix(v, "ecl:"):
		t.echList = v
	default:
		t.echMode = v // pn: and grease among them, which hop's --ech refuses by name
	}
	return nil
}

// echArgs are hop's flags for curl's --ech options: false turns ECH off even beside a list; a list is
// used, and then required, whether the keyword was true or hard.
func (t *translation) echArgs() []string {
	switch {
	case t.echMode == "false" || t.echMode == "" && t.echList == "":
		return nil
	case t.echList != "" && (t.echMode == "true" || t.echMode == "hard" || t.echMode == ""):
		return []string{"--ech", t.echList}
	}
	return []string{"--ech", t.echMode}
}

// proxyAuth is one of curl's proxy authentication options, which asks for mode: the strongest asked for
// holds, as curl ranks them (any, then digest, then basic).
func proxyAuth(mode string) func(string, *translation) []string {
	return func(_ string, t *translation) []string {
		rank := []string{"", transport.ProxyBasic, transport.ProxyDigest, transport.ProxyAny}
		if slices.Index(rank, mode) > slices.Index(rank, t.proxyAuth) {
			t.proxyAuth = mode
		}
		return nil
	}
}

// partFlags are hop flags from a part of the command.
type partFlags struct {
	part  int
	flags []string
}

// globals is what holds for a whole curl command: its global options and the state of reading it.
type globals struct {
	failEarly   bool        // --fail-early
	rate        string      // --rate N/U
	parallel    bool        // -Z
	parallelMax string      // --parallel-max
	globalFlags []partFlags // hop's flags for curl's other global options (-v, -s...), by the part typed in
	stderr      []string    // --stderr's, which hop applies once, with the first part
	dump        []string    // -v's, --trace-ascii's or --trace's, applied with the first part: one dump for all
	traceTime   bool        // --trace-time

	err error // an option's value hop cannot take
}

// Translate turns a curl command's arguments into hop's: "request METHOD URL" followed by hop flags of
// the same meaning, and the URLs to send them to when there are several (see Plan); --next (-:) splits the
// command into parts, each with its own flags but curl's global options, which hold for all. The arguments
// are read as readArgs reads them (read reads -K files). The method is curl's: -X, else HEAD for -I, GET
// for -G, PUT for -T, POST with data or a form, else GET. Standard input is read only when a value asks for
// it, as curl does.
func Translate(args []string, read func(name string) ([]byte, error)) (*Plan, error) {
	opts, err := readArgs(args, read)
	if err != nil {
		return nil, err
	}
	t := &translation{globals: &globals{}}
	parts := []*translation{t}
	for _, e := range opts {
		switch {
		case e.opt == nil:
			t.urls = append(t.urls, e.v)
		case e.opt.long == "next":
			t = &translation{globals: t.globals, part: len(parts)}
			parts = append(parts, t)
		case e.off:
			t.turnOff(e.opt)
		default:
			t.apply(e.opt, e.v)
		}
	}
	if t.err != nil {
		return nil, t.err
	}
	plan := &Plan{FailEarly: t.failEarly}
	if t.rate != "" {
		var err error
		if plan.Interval, err = ParseRate(t.rate); err != nil {
			return nil, err
		}
	}
	if t.parallel {
		var err error
		if plan.Parallel, err = parallelMax(t.parallelMax); err != nil {
			return nil, err
		}
	}
	stdin := 0 // parts that read standard input
	for i, t := range parts {
		switch {
		case len(t.urls) > 0:
		case len(parts) == 1:
			return nil, errors.New("the curl command has no URL")
		default:
			return nil, fmt.Errorf("part %d of %d of the curl command (--next separates them) has no URL", i+1, len(parts))
		}
		args, err := t.hopArgs(plan)
		if err != nil {
			return nil, err
		}
		plan.Parts = append(plan.Parts, args)
		if t.stdin {
			stdin++
		}
	}
	if stdin > 1 {
		return nil, fmt.Errorf("%d parts of the curl command (--next separates them) read standard input, which can be read only once: put it in files", stdin)
	}
	plan.Args = plan.Parts[0]
	if tr := plan.Transfers; len(parts) == 1 && len(tr) == 1 && tr[0].URL.Patterns() == 0 && (tr[0].Upload == nil || tr[0].Upload.Patterns() == 0) {
		plan.Transfers, plan.Parts = nil, nil // the one request of Args
	}
	return plan, nil
}

// hopArgs adds the URLs of a part of the command (the whole of it without --next) to the plan, and returns
// hop's arguments for it: "request METHOD URL" (its first URL), then its flags, the command's global ones
// included (--stderr, which redirects hop's own stderr once, and the --trace dump, which all share, only
// with the first part).
func (t *translation) hopArgs(plan *Plan) ([]string, error) {
	if t.noHead && (t.head || t.data || t.upload) {
		// curl sets its request method as it reads the options, and --no-head sets GET: beside -I's HEAD, or
		// the POST or PUT of a body, that is two methods, which it refuses ("is badly used here", exit 2).
		return nil, errors.New("--no-head asks for GET, and -I, a body (-d, -F) or -T for another method: curl refuses two (exit 2)")
	}
	if t.upload && (t.data || t.form) {
		// Refused before anything is sent, as curl refuses it: with several URLs, one past the last -T's would
		// otherwise go with -d's body alone.
		return nil, errors.New("-T uploads a file with PUT, and -d, --json or -F send a body with POST: curl refuses two methods (exit 2); give one")
	}
	if t.continueAt && t.upload {
		// curl sends the file from the offset, with Content-Range (bytes 0- for -C - over HTTP, which cannot
		// ask the server how much it has).
		return nil, errors.New("-C with -T resumes an upload from an offset, sent with Content-Range, which hop curl does not do: send the whole file without -C")
	}
	if t.fail && t.failWithBody {
		return nil, errors.New("-f and --fail-with-body: one writes no body of a 4xx or 5xx answer, the other writes it; curl refuses the two together (exit 2)")
	}
	if t.resume && t.headerName {
		// The name -J takes comes with the answer, and -C - resumes a file known before the request.
		return nil, errors.New("-C - with -J: curl refuses the two together (exit 2), as -J's name comes with the answer; without -J, -C - resumes the file the URL names")
	}
	method := t.method
	switch {
	case method != "":
	case t.head:
		method = "HEAD"
	case t.upload:
		method = "PUT" // with -G too: curl's -G moves -d's data to the query, and nothing else
	case t.form:
		method = "POST"
	case t.get:
		method = "GET"
	case t.data:
		method = "POST"
	default:
		method = "GET"
	}
	transfers, err := t.transfers(plan)
	if err != nil {
		return nil, err
	}
	url, _ := next(transfers[0].URL.All())
	var dropped []int // where flags curl would not apply stand in t.flags
	if t.bearer {
		// curl sends the token, not -u's Basic credentials: each --user and its value are left out.
		dropped = append(dropped, t.userAt...)
	}
	if t.cookieHeader {
		// curl adds -b's NAME=VALUE strings only where no Cookie header of the user's is (http_cookies()).
		dropped = append(dropped, t.cookieAt...)
	}
	// curl uploads the nth -T's file to the nth URL: each goes with its transfer (Transfer.Upload).
	dropped = append(dropped, t.uploadAt...)
	if len(t.uploadAt) > len(t.urls) {
		plan.Warnings = append(plan.Warnings, fmt.Sprintf("more -T than URLs (%d for %d): the extra ones are not used, as in curl", len(t.uploadAt), len(t.urls)))
	}
	flags := withoutPairs(t.flags, dropped)
	if len(t.userAt) == 0 && !t.netrc && !slices.Contains(flags, "--netrc-file") && !slices.ContainsFunc(t.urls, userInURL) {
		// --digest and --anyauth say how credentials go, and there are none: curl sends the request without
		// any (it reads .netrc only when told), where hop would refuse the auth type without credentials.
		if kept := slices.DeleteFunc(slices.Clone(flags), isChallenge); len(kept) < len(flags) {
			flags = append(kept, "--no-netrc")
		}
	}
	if slices.Contains(flags, "--retry-all-errors") && !t.fail && !t.failWithBody {
		// Without -f a 4xx or 5xx answer is no error to curl, and --retry-all-errors does not retry it.
		flags = append(flags, "--retry-no-status")
	}
	args := append([]string{"request", method, url}, flags...)
	if slices.ContainsFunc(t.urls, encodedQuery) {
		args = append(args, "--raw-query") // as curl sends it, UTF-8 and all
	}
	if t.follow {
		args = append(args, "--follow", "--follow-any") // any 3xx with a Location, as curl follows
	}
	if t.trusted {
		args = append(args, "--location-trusted")
	}
	if t.proxyAuth == transport.ProxyDigest || t.proxyAuth == transport.ProxyAny {
		args = append(args, "--proxy-auth-type="+t.proxyAuth)
	}
	args = append(args, t.echArgs()...)
	if t.method != "" && (t.method != strings.ToUpper(t.method) || t.head) {
		// Sent as typed, as curl sends it ("request" makes it upper case), and over -I's HEAD: curl's -I -X GET
		// sends GET and shows its head.
		args = append(args, "-X", t.method)
	}
	for _, g := range t.globalFlags {
		if g.part != t.part {
			args = append(args, g.flags...)
		}
	}
	if t.part == 0 {
		args = append(args, t.stderr...)
		args = append(args, t.dump...)
		if t.traceTime {
			args = append(args, "--trace-time")
		}
	}
	args = append(args, transfers[0].flags()...)
	idle, err := t.idleTimeout()
	if err != nil {
		return nil, err
	}
	args = append(args, idle...)
	if t.byteRange != "" {
		// curl's http_range: Range for a GET or HEAD; for the body of a POST (-d and its kin) or a PUT (-T),
		// Content-Range with the body's size; for a -F form, neither.
		switch {
		case t.upload || t.data && !t.form && !t.get && !t.head:
			args = append(args, "--content-range", t.byteRange)
		case t.form && !t.head:
		default:
			args = append(args, "--header", "Range: bytes="+t.byteRange)
		}
	}
	if t.data || t.form || t.upload {
		// curl announces an upload, and a body over 1 MiB or of unknown length, with Expect: 100-continue
		// (-H 'Expect:' keeps it out); hop does so when asked.
		args = append(args, "--expect100-timeout", cmp.Or(t.expect100, "1"))
	}
	if !t.stdin {
		args = append(args, "--ignore-stdin")
	}
	return args, nil
}

// withoutPairs is flags without the flag at each index in at and the value after it.
func withoutPairs(flags []string, at []int) []string {
	if len(at) == 0 {
		return flags
	}
	var kept []string
	for i := 0; i < len(flags); i++ {
		if slices.Contains(at, i) {
			i++
			continue
		}
		kept = append(kept, flags[i])
	}
	return kept
}

// Plan is what a curl command asks hop to do: Args, hop's arguments for the request to the first URL
// ("request METHOD URL flags..."), and when the command names several URLs, or one with {} or [] patterns,
// every URL in Transfers, each sent with its part's flags (Args' without --next) and its own output.
type Plan struct {
	Args      []string
	Transfers []Transfer
	Parts     [][]string    // hop's arguments for each part of a command that --next splits (Parts[0] is Args)
	FailEarly bool          // --fail-early: stop at the first URL that fails
	Parallel  int           // -Z: how many URLs may be under way at once (--parallel-max); 0 one after another
	Interval  time.Duration // --rate: the least time from one URL's start to the next one's
	Warnings  []string      // what curl would warn about and go on
}

// Transfer is one URL of a curl command, with curl's globbing, and the -o or -O paired with it.
type Transfer struct {
	Part   int // the part of the command (--next separates them) it was typed in: its flags are Parts[Part]
	URL    *Glob
	Output string // -o's file; #N stands for the value the URL's Nth pattern took
	Remote bool   // -O: a file named by the URL as typed, replaced if there, as curl names and writes it
	// ByResponse (-O with -J) names Remote's file by the response's Content-Disposition, else the URL, and
	// never replaces one: hop's own -O.
	ByResponse bool
	// Upload is -T's file (- for standard input), the nth -T's for the nth URL typed, globbed as a URL is
	// (-T '{a,b}.txt'): each file goes to each of the URL's, the files outermost, as curl sends them. nil
	// without -T.
	Upload *Glob
	Method string // the method in place of the part's: GET for a URL past the last -T's, when -X gives none
}

// Files yields the files the transfer uploads, each to each of its URLs: "" once without -T.
func (tr Transfer) Files() iter.Seq[string] {
	return func(yield func(string) bool) {
		if tr.Upload == nil {
			yield("")
			return
		}
		for file := range tr.Upload.All() {
			if !yield(file) {
				return
			}
		}
	}
}

// urls is the number of URLs the transfer sends: each of its URL's for each file it uploads (at most
// math.MaxInt64).
func (tr Transfer) urls() uint64 {
	n := tr.URL.Len()
	if tr.Upload != nil && n > 0 {
		n = min(tr.Upload.Len(), math.MaxInt64/n) * n
	}
	return n
}

// flags are hop's flags for the transfer's upload (its first file) and output.
func (tr Transfer) flags() []string {
	if tr.Upload != nil {
		file, _ := next(tr.Upload.All())
		return append([]string{"--upload-file", file}, Transfer{Output: tr.Output, Remote: tr.Remote, ByResponse: tr.ByResponse}.flags()...)
	}
	switch {
	case tr.Output != "":
		return []string{"--output", tr.Output}
	case tr.Remote && tr.ByResponse:
		return []string{"--remote-header-name"} // hop's -O, without its following redirects: curl's -OJ
	case tr.Remote:
		return []string{"--remote-name"}
	}
	return nil
}

// Len is the number of URLs the plan sends (at most math.MaxInt64).
func (p *Plan) Len() uint64 {
	var n uint64
	for _, tr := range p.Transfers {
		n = min(n+tr.urls(), math.MaxInt64)
	}
	return n
}

// transfers pairs the URLs with the outputs as curl does (the nth -o or -O goes to the nth URL), globs each
// URL unless -g, and refuses what several URLs cannot share.
func (t *translation) transfers(plan *Plan) ([]Transfer, error) {
	var transfers []Transfer
	var n uint64
	for i, u := range t.urls {
		if t.noUserInURL && userInURL(u) {
			// curl exits 67 (login denied) without sending; nothing is sent here either.
			return nil, fmt.Errorf("--disallow-username-in-url: %s holds a user name", redact.URL(u))
		}
		if err := curlURL(u); err != nil {
			return nil, err
		}
		g := literalGlob(u)
		if !t.globoff {
			if parsed, err := ParseGlob(u); err == nil {
				g = parsed
			} else {
				// curl stops (exit 3); what the pasted command means is the URL as typed (?filter[id]=7).
				plan.Warnings = append(plan.Warnings, fmt.Sprintf("%s: %v; sent as typed, as with -g (curl would stop, exit 3)", redact.URL(u), err))
			}
		}
		tr := Transfer{Part: t.part, URL: g, Remote: t.remoteAll, ByResponse: t.headerName}
		if i < len(t.outputs) {
			tr.Output, tr.Remote = t.outputs[i].file, t.outputs[i].remote
		}
		switch {
		case i < len(t.uploadAt):
			file := t.flags[t.uploadAt[i]+1]
			tr.Upload = literalGlob(file)
			if parsed, err := ParseGlob(file); err == nil && !t.globoff && file != "-" {
				tr.Upload = parsed // a pattern that does not parse is a file name as typed
			}
		case len(t.uploadAt) > 0 && t.method == "":
			tr.Method = "GET" // past the last -T's, curl sends no body, with -X's method or GET (-d and -F beside -T are refused)
		}
		n += tr.urls()
		transfers = append(transfers, tr)
	}
	plan.Transfers = append(plan.Transfers, transfers...)
	if len(t.outputs) > len(t.urls) {
		plan.Warnings = append(plan.Warnings, fmt.Sprintf("more -o or -O than URLs (%d for %d): the extra ones are not used, as in curl", len(t.outputs), len(t.urls)))
	}
	if n > 1 {
		for _, r := range []struct {
			refused bool
			why     string
		}{
			{t.stdin, "reads standard input (@-, -T -), which can be read only once: put it in a file"},
			{len(t.uploadAt) > 0 && len(t.uploadAt) < len(t.urls) && t.byteRange != "", "has -r with fewer -T than URL arguments: curl sends Content-Range with each upload and Range with the rest, which hop curl does not; send them apart"},
			{t.dumpFile, "has -D FILE, which would keep only the last URL's heads: -D - writes each on stdout"},
			{t.etagSave, "has --etag-save, which would keep only the last URL's ETag"},
		} {
			if r.refused {
				return nil, fmt.Errorf("the curl command sends %d URLs and %s", n, r.why)
			}
		}
	}
	return transfers, nil
}

// curlURL refuses what curl's URL parser refuses, or would send in a way hop cannot: a space anywhere
// (hop's own commands send it as %20, as HTTPie does; curl stops, exit 3), and a '%' in the path that begins
// no escape, which curl sends as it is and Go's URL cannot carry (hop's own commands send %25).
func curlURL(u string) error {
	if strings.Contains(u, " ") {
		return fmt.Errorf("%s: the URL holds a space, which curl refuses too (exit 3): write it as %%20", redact.URL(u))
	}
	if request.StrayPercentInPath(u) {
		return fmt.Errorf("%s: a '%%' in the path begins no escape; curl sends it as it is, which hop cannot: write it as %%25", redact.URL(u))
	}
	return nil
}

// encodedQuery reports whether hop's own rule would percent-encode bytes of a URL's query as typed (UTF-8,
// '"', '<', '>'), which curl sends as they are.
func encodedQuery(u string) bool {
	_, q, ok := strings.Cut(u, "?")
	q, _, _ = strings.Cut(q, "#")
	return ok && request.EscapeQuery(q) != q
}

// isChallenge reports whether a hop flag answers the server's challenge with credentials: curl's --digest
// and --anyauth.
func isChallenge(flag string) bool { return flag == "--digest" || flag == "--auth-type=any" }

// userInURL reports whether a URL as typed holds credentials (user@ or user:password@ before its host).
func userInURL(u string) bool {
	_, rest, ok := strings.Cut(u, "://")
	if !ok {
		rest = u
	}
	if end := strings.IndexAny(rest, "/?#"); end >= 0 {
		rest = rest[:end]
	}
	return strings.Contains(rest, "@")
}

// ParseRate reads curl's --rate N/U, at most N transfers started per unit U (s, m, h or d; h when none
// is given), as the least interval between two starts. Faster than one a millisecond is no limit, as in
// curl 7.88.
func ParseRate(v string) (time.Duration, error) {
	n, unit, slash := strings.Cut(v, "/")
	if !slash {
		unit = "h"
	}
	per, ok := map[string]time.Duration{"s": time.Second, "m": time.Minute, "h": time.Hour, "d": 24 * time.Hour}[unit]
	count, err := strconv.ParseUint(n, 10, 32)
	if !ok || err != nil || count == 0 {
		return 0, fmt.Errorf("curl's --rate %q: expected N/U, N transfers started at most per unit U (s, m, h or d), such as 2/s", v)
	}
	interval := per / time.Duration(count)
	if interval < time.Millisecond {
		return 0, nil
	}
	return interval, nil
}

// parallelMax reads curl's --parallel-max as curl 7.88 does: 50 when not given or under 1, at most 300.
func parallelMax(v string) (int, error) {
	if v == "" {
		return 50, nil
	}
	n, err := strconv.ParseUint(v, 10, 64)
	switch {
	case err != nil && !errors.Is(err, strconv.ErrRange):
		return 0, fmt.Errorf("curl's --parallel-max %q: expected a number of transfers", v)
	case n < 1:
		return 50, nil
	}
	return int(min(n, 300)), nil
}

// output is an -o (file) or -O (remote).
type output struct {
	file   string
	remote bool
}

// next returns the first value of seq.
func next[K, V any](seq iter.Seq2[K, V]) (K, V) {
	for k, v := range seq {
		return k, v
	}
	var k K
	var v V
	return k, v
}

// taken is an option as read from the command (a URL when opt is nil: v), in the order typed; --next is one too.
type taken struct {
	opt *curlOption
	v   string
	off bool // --no-NAME: a boolean option turned off (its earlier ones are gone)
}

// reader reads a curl command's arguments, -K files included.
type reader struct {
	read    func(name string) ([]byte, error) // reads a -K file ("-": standard input); nil: none can be
	configs int                               // -K files read so far
	vars    map[string]string                 // --variable's, for --expand-OPTION
	taken   []taken
}

// readArgs reads a curl command's arguments into the options and URLs they hold, in order: a leading
// "curl" (from a paste) is skipped; short options may be grouped (-sSL) and take their value attached
// (-XPOST, -d@file); an option hop does not take is an error naming it; a -K file stands for the options it
// holds, in its place.
func readArgs(args []string, read func(name string) ([]byte, error)) ([]taken, error) {
	if len(args) > 0 && args[0] == "curl" {
		args = args[1:]
	}
	r := &reader{read: read}
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case (a == "-q" || a == "--disable") && i == 0: // curl's "do not read .curlrc", only valid first; hop reads none
		case strings.HasPrefix(a, "--") && len(a) > 2:
			// curl 8.16's --NAME=VALUE: the value in the option's word.
			name, attached, hasValue := strings.Cut(a[2:], "=")
			opt, expand := longOption(name)
			if opt == nil {
				no, err := negation("--" + name) // an unknown option named without its value, which may be a password
				switch {
				case err != nil:
					return nil, err
				case hasValue:
					return nil, fmt.Errorf("curl option %s: --%s takes no value (curl would drop it)", a, name)
				}
				r.turn(no, false)
				continue
			}
			if expand && !opt.value {
				return nil, fmt.Errorf("curl option %s: --%s takes no value to expand", a, opt.long)
			}
			v := ""
			switch {
			case hasValue && !opt.value:
				// curl 8.16 drops the value and turns the option on: --verbose=no would be verbose.
				return nil, fmt.Errorf("curl option %s: --%s takes no value (curl would drop it and turn --%s on; --no-%s turns it off)", a, opt.long, opt.long, opt.long)
			case hasValue:
				v = attached
			case opt.value:
				if i+1 >= len(args) {
					return nil, fmt.Errorf("curl option %s needs a value", a)
				}
				i++
				v = args[i]
			}
			var err error
			if expand {
				if v, err = r.expand(opt.long, v); err != nil {
					return nil, err
				}
			}
			if args, err = r.take(opt, v, args, i); err != nil {
				return nil, err
			}
		case strings.HasPrefix(a, "-") && len(a) > 1:
			for j := 1; j < len(a); j++ {
				opt := lookupShort(a[j])
				if opt == nil {
					return nil, unknown("-" + string(a[j]))
				}
				v := ""
				if opt.value {
					v = a[j+1:]
					if v == "" {
						if i+1 >= len(args) {
							return nil, fmt.Errorf("curl option -%c needs a value", a[j])
						}
						i++
						v = args[i]
					}
					j = len(a)
				}
				var err error
				if args, err = r.take(opt, v, args, i); err != nil {
					return nil, err
				}
			}
		default:
			r.taken = append(r.taken, taken{v: a})
		}
	}
	return r.taken, nil
}

// take takes one option with its value v, read from args[i] or before: a -K file's arguments are put
// after it, to be read next, and the arguments returned.
func (r *reader) take(opt *curlOption, v string, args []string, i int) ([]string, error) {
	switch {
	case isBoolean(opt):
		r.turn(opt, true)
		return args, nil
	case opt.long == "variable": // set now, for the --expand- options after it
		return args, r.setVariable(v)
	case opt.long != "config":
		r.taken = append(r.taken, taken{opt: opt, v: v})
		return args, nil
	}
	more, err := r.config(v)
	if err != nil {
		return nil, err
	}
	return slices.Concat(args[:i+1], more, args[i+1:]), nil
}

// booleans are curl 7.88's options that --no-NAME turns off again (it refuses "--no-" before any other:
// "used '--no-' for option that isn't a boolean"), among those hop curl takes, and curl 8's since
// (out-null, show-headers, skip-existing).
var booleans = strings.Fields(`alpn anyauth basic buffer cert-status clobber compressed create-dirs digest
	disallow-username-in-url doh-cert-status doh-insecure fail fail-early fail-with-body false-start
	form-escape get globoff haproxy-protocol head include insecure junk-session-cookies keepalive location out-null
	location-trusted netrc netrc-optional npn parallel parallel-immediate path-as-is post301 post302 post303
	progress-bar progress-meter proxy-anyauth proxy-basic proxy-digest proxy-insecure proxytunnel raw remote-header-name remote-name
	remote-name-all remote-time remove-on-error retry-all-errors retry-connrefused sessionid show-error show-headers
	silent skip-existing socks5-basic ssl ssl-no-revoke ssl-reqd ssl-revoke-best-effort styled-output
	suppress-connect-headers tcp-fastopen tcp-nodelay trace-time verbose xattr`)

// offByDefault are the booleans curl documents by their --no- form, which its users type: hop curl's
// help lists them so.
var offByDefault = []string{"alpn", "buffer", "npn", "sessionid", "progress-meter"}

func isBoolean(opt *curlOption) bool { return slices.Contains(booleans, opt.long) }

// negation is the boolean option a --no-NAME hop curl does not know by that name turns off.
func negation(a string) (*curlOption, error) {
	name, ok := strings.CutPrefix(a, "--no-")
	opt := lookupLong(name)
	switch {
	case !ok || opt == nil:
		return nil, unknown(a)
	case !isBoolean(opt):
		return nil, fmt.Errorf("curl option %s: --no- turns off an option that is on or off, and --%s is not one (curl refuses it too)", a, name)
	}
	return opt, nil
}

// turn takes a boolean option, on or off (--no-NAME): the last one typed holds, as in curl, so the ones
// before it are dropped: in its part of the command, or in every part for a global option. -O alone is
// not a switch but one more output, paired with its URL: --no-remote-name is a URL's output to stdout. -I
// is not one either: it picks a method, HEAD, and --no-head picks GET (see turnOff).
func (r *reader) turn(opt *curlOption, on bool) {
	if !on && opt.long == "anyauth" {
		return // curl: "--no-anyauth simply doesn't touch it"
	}
	if opt.long != "remote-name" {
		from := 0
		for i := len(r.taken) - 1; i >= 0 && !opt.global; i-- {
			if t := r.taken[i]; t.opt != nil && t.opt.long == "next" {
				from = i + 1 // this part's options begin after the last --next
				break
			}
		}
		kept := slices.DeleteFunc(r.taken[from:], func(t taken) bool {
			return t.opt == opt && (opt.long != "head" || t.off == !on) // -I's and --no-head's methods both stay
		})
		r.taken = r.taken[:from+len(kept)]
	}
	r.taken = append(r.taken, taken{opt: opt, off: !on})
}

// config reads a -K file and returns the arguments it stands for.
func (r *reader) config(name string) ([]string, error) {
	if r.read == nil {
		return nil, fmt.Errorf("-K %s: no config file can be read here", name)
	}
	if r.configs++; r.configs > maxConfigs {
		return nil, fmt.Errorf("-K %s: more than %d config files (does one name itself?)", name, maxConfigs)
	}
	b, err := r.read(name)
	if err != nil {
		return nil, fmt.Errorf("-K %s: %w", name, err)
	}
	return configArgs(name, string(b))
}

// idleTimeout turns curl's low-speed limit into hop's --timeout, which ends a transfer that moves no byte for
// that long: curl's --speed-limit 1 (its limit when only --speed-time is given; --speed-time is 30 when only
// the limit is). 0 turns curl's check off, and hop's with it. A limit above 1 byte/s hop cannot keep.
func (t *translation) idleTimeout() ([]string, error) {
	switch t.speedLimit {
	case "":
		if t.speedTime == "" {
			return nil, nil
		}
	case "0":
		return []string{"--timeout", "0"}, nil
	case "1":
		if t.speedTime == "" {
			t.speedTime = "30"
		}
	default:
		return nil, fmt.Errorf("hop curl takes curl's --speed-limit 0 or 1, not %s: hop's --timeout ends a transfer that moves no byte for that long, and has no higher limit", t.speedLimit)
	}
	return []string{"--timeout", t.speedTime}, nil
}

func (t *translation) apply(opt *curlOption, v string) {
	switch opt.long {
	case "data", "data-ascii", "data-raw", "data-binary", "data-urlencode", "json":
		t.data = true
	case "form", "form-string":
		t.data, t.form = true, true
	case "upload-file":
		t.upload = true
	case "dump-header":
		t.dumpFile = t.dumpFile || v != "-"
	case "etag-save":
		t.etagSave = true
	case "head":
		t.head = true
	case "get":
		t.get = true
	}
	if opt.value && readsStdin(opt.long, v) {
		t.stdin = true
	}
	var flags []string
	switch {
	case opt.hop != nil:
		flags = opt.hop(v, t)
	case opt.to != "" && opt.value:
		flags = []string{opt.to, v}
	case opt.to != "":
		flags = []string{opt.to}
	}
	switch {
	case opt.long == "stderr":
		t.stderr = flags
	case opt.long == "user":
		t.userAt = append(t.userAt, len(t.flags))
		t.flags = append(t.flags, flags...)
	case opt.long == "upload-file":
		t.uploadAt = append(t.uploadAt, len(t.flags))
		t.flags = append(t.flags, flags...)
	case opt.long == "cookie" && strings.Contains(v, "="):
		t.cookieAt = append(t.cookieAt, len(t.flags))
		t.flags = append(t.flags, flags...)
	case opt.long == "header" && len(v) > len("Cookie") && strings.EqualFold(v[:len("Cookie")], "Cookie") && strings.IndexByte(":;", v[len("Cookie")]) >= 0:
		t.cookieHeader = true
		t.flags = append(t.flags, flags...)
	case opt.global && flags != nil:
		t.globalFlags = append(t.globalFlags, partFlags{t.part, flags})
		fallthrough
	default:
		t.flags = append(t.flags, flags...)
	}
}

// turnOff applies a boolean option turned off (--no-NAME), once the ones before it were dropped. Most
// need nothing more; a few leave a mark: --no-verbose ends the dump any --trace asked for too (curl sets
// its trace to none), --no-alpn speaks HTTP/1.1, --no-clobber and --no-styled-output are hop's own
// --no-clobber and --color=never, --no-location and --no-location-trusted stop following redirects
// whichever of them (or --follow) turned it on (curl keeps one switch for it), --no-netrc keeps .netrc
// unread (hop reads it unless told, curl only with -n), --no-remote-name sends a URL's body to stdout. The
// rest keep hop's rule where it has one: 4xx and 5xx fail with or without --fail, and compressed bodies
// are asked for.
func (t *translation) turnOff(opt *curlOption) {
	switch opt.long {
	case "location":
		t.follow = false
	case "location-trusted":
		t.follow, t.trusted = false, false
	case "head":
		t.noHead = true
	case "verbose":
		t.dump = nil
	case "netrc", "netrc-optional":
		t.flags = append(t.flags, "--no-netrc")
	case "alpn":
		t.flags = append(t.flags, "--http1.1") // without ALPN a server speaks HTTP/1.1 over TLS
	case "clobber":
		t.flags = append(t.flags, "--no-clobber")
	case "styled-output":
		t.globalFlags = append(t.globalFlags, partFlags{t.part, []string{"--color=never"}})
		t.flags = append(t.flags, "--color=never")
	case "remote-name":
		// curl fills the next URL's output without a name, or none when every URL typed so far has one
		// (and --remote-name-all would not give the next its own).
		if len(t.outputs) < len(t.urls) || t.remoteAll {
			t.outputs = append(t.outputs, output{})
		}
	}
}

// readsStdin reports whether an option's value reads standard input.
func readsStdin(long, v string) bool {
	switch long {
	case "upload-file":
		return v == "-"
	case "data", "data-ascii", "data-binary", "json":
		return v == "@-"
	case "data-urlencode":
		return v == "@-" || strings.HasSuffix(v, "@-")
	case "form":
		_, val, _ := strings.Cut(v, "=")
		return strings.HasPrefix(val, "@-") || strings.HasPrefix(val, "<-")
	}
	return false
}

// longOption finds the option --NAME names; expand says NAME was curl's --expand-OPTION form of it, whose
// value has {{variables}} (reader.expand).
func longOption(name string) (opt *curlOption, expand bool) {
	if o := lookupLong(name); o != nil {
		return o, false
	}
	if rest, ok := strings.CutPrefix(name, "expand-"); ok {
		if o := lookupLong(rest); o != nil {
			return o, true
		}
	}
	return nil, false
}

func lookupLong(name string) *curlOption {
	for i := range options {
		if options[i].long == name {
			return &options[i]
		}
	}
	return nil
}

func lookupShort(c byte) *curlOption {
	for i := range options {
		if options[i].short == c {
			return &options[i]
		}
	}
	return nil
}

func unknown(flag string) error {
	switch flag {
	case "-V", "--version", "-h", "--help":
		// Known alone (hop curl -V, hop curl --help); beside a request, curl would print and send nothing.
		return fmt.Errorf("hop curl %s stands alone (curl would print and send nothing): drop it, or drop the rest", flag)
	}
	if isCurlOption(flag) {
		return fmt.Errorf("hop curl does not know curl's %s option (hop never drops one silently); see hop curl --help", flag)
	}
	// A typo, or another tool's option: curl 8 calls it unknown too (7.x took an unambiguous start of a
	// name, --verbos for --verbose, which 8.6 dropped).
	near := ""
	if name, ok := strings.CutPrefix(flag, "--"); ok {
		var names []string
		for _, n := range LongOptions() {
			names = append(names, strings.TrimPrefix(n, "--"))
		}
		near = suggest.Flags(name, names)
	}
	return fmt.Errorf("%s is not a curl option (%ssee hop curl --help)", flag, near)
}

// curlLongs are curl's long options (curl 8.22's src/tool_getparam.c, its aliases and its booleans' names
// without --no- among them), and curlShorts its short ones: hop curl's and those it does not take.
const (
	curlLongs = `
	abstract-unix-socket alpn alt-svc anyauth append aws-sigv4 basic buffer ca-native cacert capath cert
	cert-status cert-type ciphers clobber compressed compressed-ssh config connect-timeout connect-to
	continue-at cookie cookie-jar create-dirs create-file-mode crlf crlfile curves data data-ascii
	data-binary data-raw data-urlencode delegation digest disable disable-eprt disable-epsv
	disallow-username-in-url dns-interface dns-ipv4-addr dns-ipv6-addr dns-servers doh-cert-status
	doh-insecure doh-url dump-ca-embed dump-header ech egd-file engine eprt epsv etag-compare etag-save
	expect100-timeout fail fail-early fail-with-body false-start follow form form-escape form-string
	ftp-account ftp-alternative-to-user ftp-create-dirs ftp-method ftp-pasv ftp-port ftp-pret
	ftp-skip-pasv-ip ftp-ssl ftp-ssl-ccc ftp-ssl-ccc-mode ftp-ssl-control ftp-ssl-reqd get globoff
	happy-eyeballs-timeout-ms haproxy-clientip haproxy-protocol head header help hostpubmd5 hostpubsha256
	hsts http0.9 http1.0 http1.1 http2 http2-prior-knowledge http3 http3-only httpsig-algo httpsig-headers
	httpsig-key httpsig-keyid ignore-content-length include insecure interface ip-tos ipfs-gateway ipv4
	ipv6 json junk-session-cookies keepalive keepalive-cnt keepalive-time key key-type knownhosts krb krb4
	libcurl limit-rate list-only local-port location location-trusted login-options mail-auth mail-from
	mail-rcpt mail-rcpt-allowfails manual max-filesize max-redirs max-time metalink mptcp negotiate netrc
	netrc-file netrc-optional next noproxy npn ntlm ntlm-wb oauth2-bearer out-null output output-dir
	parallel parallel-immediate parallel-max parallel-max-host pass path-as-is pinnedpubkey post301 post302
	post303 preproxy progress-bar progress-meter proto proto-default proto-redir proxy proxy-anyauth
	proxy-basic proxy-ca-native proxy-cacert proxy-capath proxy-cert proxy-cert-type proxy-ciphers
	proxy-crlfile proxy-digest proxy-header proxy-http2 proxy-http3 proxy-insecure proxy-key proxy-key-type
	proxy-negotiate proxy-ntlm proxy-pass proxy-pinnedpubkey proxy-service-name proxy-ssl-allow-beast
	proxy-ssl-auto-client-cert proxy-tls13-ciphers proxy-tlsauthtype proxy-tlspassword proxy-tlsuser
	proxy-tlsv1 proxy-user proxy1.0 proxytunnel pubkey quote random-file range rate raw referer
	remote-header-name remote-name remote-name-all remote-time remove-on-error request request-target
	resolve retry retry-all-errors retry-connrefused retry-delay retry-max-time sasl-authzid sasl-ir
	service-name sessionid show-error show-headers sigalgs silent skip-existing socks4 socks4a socks5
	socks5-basic socks5-gssapi socks5-gssapi-nec socks5-gssapi-service socks5-hostname speed-limit
	speed-time ssl ssl-allow-beast ssl-auto-client-cert ssl-no-revoke ssl-reqd ssl-revoke-best-effort
	ssl-sessions sslv2 sslv3 stderr styled-output suppress-connect-headers tcp-fastopen tcp-nodelay
	telnet-option tftp-blksize tftp-no-options time-cond tls-earlydata tls-max tls13-ciphers tlsauthtype
	tlspassword tlsuser tlsv1 tlsv1.0 tlsv1.1 tlsv1.2 tlsv1.3 tr-encoding trace trace-ascii trace-config
	trace-ids trace-time unix-socket upload-file upload-flags url url-query use-ascii user user-agent
	variable verbose version vlan-priority write-out xattr`
	curlShorts = "aNEKCbcdqDfFPGgIHh0k46jlLMmn:oZ#xUpQreJORXSisYy23tz1TBuAvVw"
)

// isCurlOption says whether flag (--name, --no-name, --expand-name or -x) is one of curl's options, read on
// the error path only.
func isCurlOption(flag string) bool {
	name, ok := strings.CutPrefix(flag, "--")
	if !ok {
		return len(flag) == 2 && strings.IndexByte(curlShorts, flag[1]) >= 0
	}
	longs := strings.Fields(curlLongs)
	for _, n := range []string{name, strings.TrimPrefix(name, "no-"), strings.TrimPrefix(name, "expand-")} {
		if slices.Contains(longs, n) {
			return true
		}
	}
	return false
}

// ValueOption names the option whose value is the word after arg (-o, --output, -sSo), for shell
// completion: by the hop flag it turns into when it is one (-F: form-part), else by curl's long name; ok is
// false when no value follows arg (a switch, --NAME=VALUE, a URL, an option hop curl does not take).
func ValueOption(arg string) (name string, ok bool) {
	if !strings.HasPrefix(arg, "-") || strings.HasPrefix(arg, "--") && strings.Contains(arg, "=") {
		return "", false
	}
	o, err := lookup(arg)
	if err != nil || o == nil || !o.value {
		return "", false
	}
	if to, ok := strings.CutPrefix(o.to, "--"); ok {
		return to, true
	}
	return o.long, true
}

// LongOptions are the long names of the curl options hop curl takes, and the --no- forms of its booleans,
// for shell completion.
func LongOptions() []string {
	var names []string
	for _, o := range options {
		names = append(names, "--"+o.long)
		if isBoolean(&o) {
			names = append(names, "--no-"+o.long)
		}
	}
	return names
}

// Known lists the curl options hop curl takes ("-X/--request --url ..."), in lines of at most width
// columns, for help.
func Known(width int) []string {
	var lines []string
	line := ""
	for _, o := range options {
		name := "--" + o.long
		if slices.Contains(offByDefault, o.long) {
			name = "--no-" + o.long
		}
		if o.short != 0 {
			name = "-" + string(o.short) + "/" + name
		}
		if line != "" && len(line)+1+len(name) > width {
			lines = append(lines, line)
			line = ""
		}
		line = strings.TrimPrefix(line+" "+name, " ")
	}
	return append(lines, line)
}

// Equivalent is what one curl option typed to a hop request command (hop get -r 0-99 URL) is among hop's
// own flags, as hop curl would turn it into them.
type Equivalent struct {
	Typed []string // the option, with its value when it takes one
	Flags []string // hop's flags for it: none when hop behaves so without it
	// Secret: the value is a credential (--oauth2-bearer's token), to be written masked.
	Secret bool
}

// hintURL is the URL an option is translated beside, to read what it adds.
const hintURL = "http://hop.invalid/"

// AsHop reads the curl option args[0] ("--name", or "-x" with what followed the letter in its group as
// args[1]), with its value args[1] when it takes one, and says what it is among hop's request flags. known
// is false when hop curl does not take the option; ok is false when it does more than set a request's flags
// (a URL, -K, --next, --rate...) or its value is missing or wrong: hop curl is where it goes then.
func AsHop(args []string) (eq Equivalent, known, ok bool) {
	if len(args) == 0 || len(args[0]) < 2 || args[0][0] != '-' {
		return eq, false, false
	}
	var opt *curlOption
	off := false // --no-NAME
	switch a := args[0]; {
	case strings.HasPrefix(a, "--"):
		if opt = lookupLong(a[2:]); opt == nil {
			opt, _ = negation(a)
			off = true
		}
	case len(a) == 2:
		opt = lookupShort(a[1])
	}
	if opt == nil {
		return eq, false, false
	}
	eq.Typed = args[:1]
	if opt.value && !off {
		if len(args) < 2 {
			return eq, true, false
		}
		eq.Typed = args[:2]
	}
	switch opt.long {
	case "config", "variable", "url", "next":
		return eq, true, false
	}
	plan, err := Translate(append(slices.Clone(eq.Typed), hintURL), nil)
	if err != nil || len(plan.Parts) > 1 || plan.FailEarly || plan.Parallel > 0 || plan.Interval > 0 {
		return eq, true, false
	}
	base, err := Translate([]string{hintURL}, nil)
	if err != nil {
		return eq, true, false
	}
	head, tail := base.Args[:3], base.Args[3:]
	got := plan.Args
	if len(got) < len(base.Args) || !slices.Equal(got[:3], head) || !slices.Equal(got[len(got)-len(tail):], tail) {
		return eq, true, false // it changes the method or what is read (-I, -T...): hop's own flags have those
	}
	eq.Flags = slices.Clone(got[3 : len(got)-len(tail)])
	if len(plan.Transfers) == 1 {
		eq.Flags = append(eq.Flags, plan.Transfers[0].flags()...)
	}
	// hop's commands read .netrc anyway, and their -O names the file by the response (curl's -OJ).
	byDefault := slices.Contains([]string{"netrc", "netrc-optional", "remote-header-name"}, opt.long)
	if len(eq.Flags) == 0 && (opt.to != "" || opt.hop != nil) && !byDefault {
		return eq, true, false // it changes what others do (--disallow-username-in-url): hop curl's
	}
	eq.Secret = opt.value && slices.ContainsFunc(eq.Flags, func(f string) bool {
		return slices.Contains([]string{"--bearer", "--user", "--pass", "--proxy-user", "--proxy-pass"}, f)
	})
	return eq, true, true
}
