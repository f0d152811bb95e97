package format

import (
	"bytes"
	"crypto/x509"
	"encoding/json"
	"io"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/hop-cli/hop/tlsinfo"
)

// WriteOut holds what curl's -w/--write-out variables name, with curl's meanings.
type WriteOut struct {
	HTTPCode     int    // 0 when no response came (printed 000)
	HTTPVersion  string // "1.1", "2", "3", "1" for HTTP/1.0 (curl's words); "0" when no response came
	NumRedirects int
	NumRetries   int
	NumConnects  int    // new connections opened, every hop
	RedirectURL  string // where a redirect not followed would have gone
	FileName     string // the file the body was written to (-o, -O), as curl's filename_effective
	RemoteIP     string
	RemotePort   int
	LocalIP      string
	LocalPort    int
	SizeDownload int64 // body bytes received on the wire, final response
	SizeHeader   int64 // header bytes received, every response
	SizeRequest  int64 // request bytes sent, every request
	SizeUpload   int64 // request body bytes sent, last request
	ContentType  string
	URL          string // the URL as given (the first request's)
	URLNum       int    // which URL of the command line, from 0 (hop curl's several; a glob's URLs share one)
	URLEffective string
	Referer      string // the last request's Referer header
	Method       string
	Scheme       string // upper case, as curl prints it
	ExitCode     int
	ErrorMsg     string
	Header       http.Header // the final response's, for %header{NAME}, %{header_json} and num_headers
	// HeaderGone: the last request got no answer, or one curl no longer looks up (too many redirects):
	// %header{NAME} and %{header_json} are empty, as curl's, and num_headers keeps Header's count.
	HeaderGone     bool
	HeadOrder      []string            // its field names as received (HTTP/1.x), for %{header_json}
	Heads          []http.Header       // every response's header in the order they came, for %header{NAME:all:SEP}
	Now            time.Time           // when the template is written, for %time{FORMAT}
	XferID         int64               // curl 8.2's xfer_id: this exchange's number in the command, from 0
	ConnID         int64               // curl 8.2's conn_id: the final hop's connection's number, from 0; -1 for none
	NumCerts       int                 // certificates the final hop's server presented; 0 without TLS
	Certs          []*x509.Certificate // those certificates, for %{certs}
	SSLVerify      int                 // OpenSSL's number for the verification of the server (tlsinfo.VerifyResult)
	ProxySSLVerify int                 // the same for an https:// proxy (tlsinfo.ProxyVerifyResult)
	HTTPConnect    int                 // the proxy's answer to the CONNECT of the final hop's tunnel; 0 without one
	ProxyUsed      bool                // the final hop went through a proxy (a tunnel, SOCKS, or forwarded whole)
	NameLookup     time.Duration
	Connect        time.Duration
	AppConnect     time.Duration
	PreTransfer    time.Duration
	StartTransfer  time.Duration
	PostTransfer   time.Duration // curl 8.10's: the request sent whole
	Redirect       time.Duration
	Total          time.Duration
}

// writeOutVars are curl's variables hop knows, each as curl prints it and as %{json} holds it.
var writeOutVars = map[string]func(v *WriteOut) (text string, value any){
	"http_code":          func(v *WriteOut) (string, any) { return code3(v.HTTPCode), v.HTTPCode },
	"response_code":      func(v *WriteOut) (string, any) { return code3(v.HTTPCode), v.HTTPCode },
	"http_version":       func(v *WriteOut) (string, any) { return v.HTTPVersion, v.HTTPVersion },
	"num_redirects":      func(v *WriteOut) (string, any) { return strconv.Itoa(v.NumRedirects), v.NumRedirects },
	"num_retries":        func(v *WriteOut) (string, any) { return strconv.Itoa(v.NumRetries), v.NumRetries },
	"num_connects":       func(v *WriteOut) (string, any) { return strconv.Itoa(v.NumConnects), v.NumConnects },
	"xfer_id":            func(v *WriteOut) (string, any) { return itoa64(v.XferID), v.XferID },
	"conn_id":            func(v *WriteOut) (string, any) { return itoa64(v.ConnID), v.ConnID },
	"redirect_url":       func(v *WriteOut) (string, any) { return v.RedirectURL, nullIfEmpty(v.RedirectURL) },
	"filename_effective": func(v *WriteOut) (string, any) { return v.FileName, nullIfEmpty(v.FileName) },
	"remote_ip":          func(v *WriteOut) (string, any) { return v.RemoteIP, v.RemoteIP },
	"remote_port":        func(v *WriteOut) (string, any) { return strconv.Itoa(v.RemotePort), v.RemotePort },
	"local_ip":           func(v *WriteOut) (string, any) { return v.LocalIP, v.LocalIP },
	"local_port":         func(v *WriteOut) (string, any) { return strconv.Itoa(v.LocalPort), v.LocalPort },
	"size_download":      func(v *WriteOut) (string, any) { return itoa64(v.SizeDownload), v.SizeDownload },
	"size_header":        func(v *WriteOut) (string, any) { return itoa64(v.SizeHeader), v.SizeHeader },
	"size_request":       func(v *WriteOut) (string, any) { return itoa64(v.SizeRequest), v.SizeRequest },
	"speed_download":     func(v *WriteOut) (string, any) { s := v.speed(v.SizeDownload); return itoa64(s), s },
	"size_upload":        func(v *WriteOut) (string, any) { return itoa64(v.SizeUpload), v.SizeUpload },
	"speed_upload":       func(v *WriteOut) (string, any) { s := v.speed(v.SizeUpload); return itoa64(s), s },
	"num_headers":        func(v *WriteOut) (string, any) { n := v.numHeaders(); return strconv.Itoa(n), n },
	"url":                func(v *WriteOut) (string, any) { return v.URL, v.URL },
	"urlnum":             func(v *WriteOut) (string, any) { return strconv.Itoa(v.URLNum), v.URLNum },
	"referer":            func(v *WriteOut) (string, any) { return v.Referer, nullIfEmpty(v.Referer) },
	"content_type":       func(v *WriteOut) (string, any) { return v.ContentType, nullIfEmpty(v.ContentType) },
	"url_effective":      func(v *WriteOut) (string, any) { return v.URLEffective, v.URLEffective },
	"method":             func(v *WriteOut) (string, any) { return v.Method, v.Method },
	"scheme":             func(v *WriteOut) (string, any) { return v.Scheme, v.Scheme },
	"exitcode":           func(v *WriteOut) (string, any) { return strconv.Itoa(v.ExitCode), v.ExitCode },
	"errormsg":           func(v *WriteOut) (string, any) { return v.ErrorMsg, nullIfEmpty(v.ErrorMsg) },
	"time_namelookup":    func(v *WriteOut) (string, any) { return seconds(v.NameLookup) },
	"time_connect":       func(v *WriteOut) (string, any) { return seconds(v.Connect) },
	"time_appconnect":    func(v *WriteOut) (string, any) { return seconds(v.AppConnect) },
	"time_pretransfer":   func(v *WriteOut) (string, any) { return seconds(v.PreTransfer) },
	"time_starttransfer": func(v *WriteOut) (string, any) { return seconds(v.StartTransfer) },
	"time_redirect":      func(v *WriteOut) (string, any) { return seconds(v.Redirect) },
	"time_posttransfer":  func(v *WriteOut) (string, any) { return seconds(v.PostTransfer) },
	"time_total":         func(v *WriteOut) (string, any) { return seconds(v.Total) },
	"num_certs":          func(v *WriteOut) (string, any) { return strconv.Itoa(v.NumCerts), v.NumCerts },
	"certs":              func(v *WriteOut) (string, any) { t := tlsinfo.CertInfo(v.Certs); return t, t },
	"ssl_verify_result":  func(v *WriteOut) (string, any) { return strconv.Itoa(v.SSLVerify), v.SSLVerify },
	"proxy_ssl_verify_result": func(v *WriteOut) (string, any) {
		return strconv.Itoa(v.ProxySSLVerify), v.ProxySSLVerify
	},
	"http_connect": func(v *WriteOut) (string, any) { return code3(v.HTTPConnect), v.HTTPConnect },
	"proxy_used":   func(v *WriteOut) (string, any) { n := boolInt(v.ProxyUsed); return strconv.Itoa(n), n },
	// curl 8's time_queue (a transfer held back by a connection limit) and tls_earlydata (bytes sent as
	// TLS 1.3 0-RTT data): hop holds no transfer back once its turn comes, and Go's TLS sends no early data.
	"time_queue":    func(*WriteOut) (string, any) { return seconds(0) },
	"tls_earlydata": func(*WriteOut) (string, any) { return "0", 0 },
}

// urlParts are curl's %{url.NAME} (the URL given) and %{urle.NAME} (the effective URL) variables: each
// part of the URL, as curl 8.1 names them. The port is the scheme's default when the URL names none; a
// password is shown as the URL is (masked unless --show-secrets).
var urlParts = map[string]func(u *url.URL) string{
	"scheme":   func(u *url.URL) string { return u.Scheme },
	"user":     func(u *url.URL) string { return u.User.Username() },
	"password": func(u *url.URL) string { p, _ := u.User.Password(); return p },
	"options":  func(*url.URL) string { return "" }, // for IMAP, POP3 and SMTP logins: none in HTTP
	"host": func(u *url.URL) string {
		h, _, _ := strings.Cut(u.Hostname(), "%") // without an IPv6 zone, which zoneid gives
		return h
	},
	"zoneid": func(u *url.URL) string { _, z, _ := strings.Cut(u.Hostname(), "%"); return z },
	"port": func(u *url.URL) string {
		if p := u.Port(); p != "" {
			return p
		}
		return map[string]string{"http": "80", "https": "443"}[u.Scheme]
	},
	"path":     func(u *url.URL) string { return u.EscapedPath() },
	"query":    func(u *url.URL) string { return u.RawQuery },
	"fragment": func(u *url.URL) string { return u.EscapedFragment() },
}

// urlVar is %{url.NAME} or %{urle.NAME}; ok is false for any other name.
func (v *WriteOut) urlVar(name string) (string, bool) {
	which, part, _ := strings.Cut(name, ".")
	f, ok := urlParts[part]
	if !ok || which != "url" && which != "urle" {
		return "", false
	}
	raw := v.URL
	if which == "urle" {
		raw = v.URLEffective
	}
	u, err := url.Parse(raw)
	if err != nil || raw == "" {
		return "", true
	}
	return f(u), true
}

func code3(c int) string { return strconv.FormatInt(int64(1000+c), 10)[1:] }

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
func itoa64(n int64) string { return strconv.FormatInt(n, 10) }

// speed is curl's average speed of n bytes over the whole exchange, in bytes per second.
func (v *WriteOut) speed(n int64) int64 {
	if v.Total <= 0 {
		return 0
	}
	return int64(float64(n) / v.Total.Seconds())
}

// numHeaders counts the final response's header lines.
func (v *WriteOut) numHeaders() int {
	n := 0
	for _, vs := range v.Header {
		n += len(vs)
	}
	return n
}

// headerJSON is %{header_json}: the final response's headers, names in lower case, each with its values in
// order, laid out as curl writes it: one name per line, in the order they first came (over HTTP/1.x; the
// rest sorted by name).
func (v *WriteOut) headerJSON() []byte {
	m := make(map[string][]string, len(v.Header))
	var keys []string
	var fields [][2]string
	if !v.HeaderGone {
		fields = Fields(v.Header, v.HeadOrder)
	}
	for _, f := range fields {
		key := strings.ToLower(f[0])
		if _, seen := m[key]; !seen {
			keys = append(keys, key)
		}
		m[key] = append(m[key], f[1])
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	buf.WriteByte('{')
	for i, key := range keys {
		if i > 0 {
			buf.WriteString(",\n")
		}
		enc.Encode(key)
		buf.Truncate(buf.Len() - 1) // Encode's newline
		buf.WriteByte(':')
		enc.Encode(m[key])
		buf.Truncate(buf.Len() - 1)
	}
	buf.WriteString("\n}") // "{\n}" when there is none, as curl writes it
	return buf.Bytes()
}

// seconds prints a duration as curl prints time_*: seconds with six decimals; the JSON value is the same
// number.
func seconds(d time.Duration) (string, any) {
	s := strconv.FormatFloat(d.Seconds(), 'f', 6, 64)
	return s, json.RawMessage(s)
}

func nullIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// OpenOutput opens the file of curl 8.3's %output{NAME}, truncated, or appended to for %output{>>NAME}.
// When it fails the output goes on where it was, as curl's does; telling the user is the caller's part.
type OpenOutput func(name string, appending bool) (io.WriteCloser, error)

// WriteOutput renders tmpl as curl's -w does: %{variable}, %header{name}, %{json}, %{header_json},
// %{onerror} (what follows is written only when the exchange failed), %{stdout} and %{stderr} to switch
// the stream written to, %output{NAME} and %output{>>NAME} to switch it to a file opened by open, %% for a
// percent sign, and the escapes \n, \r and \t (any other backslash pair is written as it is, as curl
// does). Output starts on out. Unknown variables print nothing; their names are returned, for the caller
// to warn about once.
func WriteOutput(out, errOut io.Writer, tmpl string, v *WriteOut, open OpenOutput) (unknown []string) {
	var b strings.Builder
	w := out
	var file io.Closer // the %output{} file w writes to, closed when the output moves on
	flush := func() {
		io.WriteString(w, b.String())
		b.Reset()
	}
	switchTo := func(to io.Writer, toFile io.Closer) {
		flush()
		if file != nil {
			file.Close()
		}
		w, file = to, toFile
	}
	defer func() {
		if file != nil {
			file.Close()
		}
	}()
	for i := 0; i < len(tmpl); i++ {
		c := tmpl[i]
		switch {
		case c == '%' && i+1 < len(tmpl) && tmpl[i+1] == '%':
			b.WriteByte('%')
			i++
		case c == '%':
			kind, body, width, ok, closed := directive(tmpl[i+1:])
			switch {
			case !ok:
				b.WriteByte(c)
				continue
			case !closed:
				b.WriteString(tmpl[i:])
				i = len(tmpl)
				continue
			}
			i += width
			switch kind {
			case "output":
				name, appending := strings.CutPrefix(body, ">>")
				if open == nil || name == "" {
					continue
				}
				flush() // what came before goes where it was going, even when the file cannot be opened
				if f, err := open(name, appending); err == nil {
					switchTo(f, f)
				}
			case "header":
				b.WriteString(v.header(body))
			case "time":
				b.WriteString(strftime(body, v.Now))
			default:
				switch name := body; name {
				case "stdout", "stderr":
					switchTo(map[string]io.Writer{"stdout": out, "stderr": errOut}[name], nil)
				case "json":
					b.Write(v.json())
				case "header_json":
					b.Write(v.headerJSON())
				case "onerror":
					if v.ExitCode == 0 {
						flush()
						return unknown // the rest is written only when the exchange failed
					}
				default:
					if f, ok := writeOutVars[name]; ok {
						text, _ := f(v)
						b.WriteString(text)
					} else if text, ok := v.urlVar(name); ok {
						b.WriteString(text)
					} else if !slices.Contains(unknown, name) {
						unknown = append(unknown, name)
					}
				}
			}
		case c == '\\' && i+1 < len(tmpl):
			if e, ok := unescape(tmpl[i+1], false); ok {
				b.WriteByte(e)
			} else {
				b.WriteString(tmpl[i : i+2])
			}
			i++
		default:
			b.WriteByte(c)
		}
	}
	flush()
	return unknown
}

// header is %header{SPEC}: the first field named SPEC in the final response, as curl takes it, or with
// curl 8.17's SPEC of NAME:all:SEPARATOR every field of that name in every response of the chain, in the
// order they came, SEPARATOR between them (its escapes \n \r \t \} undone).
func (v *WriteOut) header(spec string) string {
	name, rest, _ := strings.Cut(spec, ":")
	sep, all := strings.CutPrefix(rest, "all:")
	if !all {
		if values := v.Header.Values(spec); len(values) > 0 && !v.HeaderGone {
			return values[0]
		}
		return ""
	}
	var values []string
	for _, h := range v.Heads {
		values = append(values, h.Values(name)...)
	}
	return strings.Join(values, unescapeSeparator(sep))
}

// directive reads what follows a % in a -w template: a variable ({NAME}, kind "") or one of curl's
// instructions (output{...}, header{...}, time{...}), body being what the braces hold; width is how many
// bytes it takes, its } included. ok is false when s starts none of them, closed false when its } is
// missing (a header's SEP may hold \}).
func directive(s string) (kind, body string, width int, ok, closed bool) {
	for _, kind := range []string{"", "output", "header", "time"} {
		rest, found := strings.CutPrefix(s, kind+"{")
		if !found {
			continue
		}
		end := strings.IndexByte(rest, '}')
		if kind == "header" {
			end = unescapedBrace(rest)
		}
		if end < 0 {
			return kind, "", 0, true, false
		}
		return kind, rest[:end], len(kind) + 1 + end + 1, true, true
	}
	return "", "", 0, false, false
}

// unescapedBrace is the index of the first } in s that no backslash escapes, or -1.
func unescapedBrace(s string) int {
	for i := 0; i < len(s); i++ {
		if s[i] == '}' && (i == 0 || s[i-1] != '\\') {
			return i
		}
	}
	return -1
}

// unescapeSeparator undoes curl's escapes in a %header{NAME:all:SEPARATOR}: \n, \r, \t and \}; any
// other backslash pair stays as it is.
func unescapeSeparator(sep string) string {
	var b strings.Builder
	for i := 0; i < len(sep); i++ {
		if sep[i] != '\\' || i+1 == len(sep) {
			b.WriteByte(sep[i])
			continue
		}
		i++
		if e, ok := unescape(sep[i], true); ok {
			b.WriteByte(e)
		} else {
			b.WriteByte('\\')
			b.WriteByte(sep[i])
		}
	}
	return b.String()
}

// unescape is the byte curl's backslash escape \c stands for in -w: \n, \r, \t, and \} where brace (in
// a header's separator); ok is false for any other, which is written as it is.
func unescape(c byte, brace bool) (byte, bool) {
	switch {
	case c == 'n':
		return '\n', true
	case c == 'r':
		return '\r', true
	case c == 't':
		return '\t', true
	case c == '}' && brace:
		return '}', true
	}
	return 0, false
}

// json is %{json}: every variable hop knows, in one object with sorted keys, as curl writes it.
func (v *WriteOut) json() []byte {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, name := range slices.Sorted(maps.Keys(writeOutVars)) {
		if i > 0 {
			b.WriteByte(',')
		}
		_, value := writeOutVars[name](v)
		key, _ := json.Marshal(name)
		val, _ := json.Marshal(value)
		b.Write(key)
		b.WriteByte(':')
		b.Write(val)
	}
	b.WriteByte('}')
	return b.Bytes()
}
