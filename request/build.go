package request

import (
	"bytes"
	"compress/zlib"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/hop-cli/hop/argfile"
	"github.com/hop-cli/hop/decompress"
)

const (
	contentJSON = "application/json"
	contentForm = "application/x-www-form-urlencoded; charset=utf-8"
	acceptJSON  = "application/json, */*;q=0.5"
)

// Build turns a Spec into a Request. Every error is a *UsageError naming the offending argument; nothing
// is sent. Items follow HTTPie 3's rules and the curl-style flags curl's.
func Build(spec Spec) (*Request, error) {
	u, err := parseURL(spec.URL, spec.PathAsIs, spec.DefaultScheme, spec.RawQuery)
	if err != nil {
		return nil, err
	}
	method := spec.Method
	if method == "" {
		method = http.MethodGet
		if spec.Upload != "" {
			method = http.MethodPut // curl -T
		}
	}
	for i := 0; i < len(method); i++ {
		if !isTokenChar(method[i]) {
			return nil, usageErrorf(spec.Method, "invalid method name")
		}
	}
	if spec.Upload != "" && spec.Upload != "-" && strings.HasSuffix(u.Path, "/") {
		// curl -T to a URL that ends in / names the file there.
		u = u.JoinPath(filepath.Base(spec.Upload))
	}
	r := &Request{Method: method, URL: u, Header: http.Header{}, Given: http.Header{}, Chunked: spec.Chunked, Target: spec.RequestTarget}
	if t := spec.RequestTarget; t != "" && !validTarget(t) {
		return nil, usageErrorf("--request-target "+t, "expected * or a path starting with /, in ASCII without spaces or control characters")
	}
	b := bodyBuilder{spec: spec}
	removed := map[string]bool{}

	headers, err := headerFiles(spec.Headers)
	if err != nil {
		return nil, err
	}
	for _, raw := range headers {
		if strings.TrimSpace(raw) == "" {
			continue // -H "$UNSET": nothing, as curl takes it
		}
		name, value, ok := strings.Cut(raw, ":")
		kind := itemHeader
		if !ok {
			if n, found := strings.CutSuffix(raw, ";"); found {
				name, kind = n, itemEmptyHeader
			} else {
				return nil, usageErrorf("-H", "expects \"Name: value\", and this argument has no colon") // nor is it echoed: it may be a token
			}
		}
		name, value = strings.TrimSpace(name), strings.TrimSpace(value)
		if err := ValidateHeader(name, value); err != nil {
			return nil, &UsageError{Arg: "-H " + headerArg(name, ":", value), Err: err} // the value may be a token: never echoed
		}
		if kind == itemHeader && value == "" {
			// curl's rule: -H 'Name:' keeps out the header hop would add, never one typed with -H, before
			// it or after (a "Name:" item is HTTPie's, and removes every one typed before it).
			removed[textproto.CanonicalMIMEHeaderKey(name)] = true
			continue
		}
		if err := r.addHeader(kind, name, value, removed); err != nil {
			return nil, &UsageError{Arg: "-H " + headerArg(name, ":", value), Err: err}
		}
	}
	var query []string // the parts added to the URL's query, in order, joined once (one by one was quadratic)
	for _, raw := range spec.Items {
		it, err := parseItem(raw)
		if err != nil {
			return nil, err
		}
		switch it.Kind {
		case itemHeader, itemEmptyHeader:
			if err := r.addHeader(it.Kind, it.Key, it.Value, removed); err != nil {
				return nil, &UsageError{Arg: it.Raw, Err: err}
			}
		case itemHeaderFile:
			// HTTPie's Name:@file: the file's text, trimmed as HTTPie trims every header value. The error
			// names the file, never the value, which may be a token.
			v, err := b.textFile(it)
			if err != nil {
				return nil, err
			}
			v = strings.TrimSpace(v)
			if err := ValidateHeader(it.Key, v); err != nil {
				return nil, &UsageError{Arg: it.Raw, Err: err}
			}
			if err := r.addHeader(it.Kind, it.Key, v, removed); err != nil { // an empty file sends the header empty
				return nil, &UsageError{Arg: it.Raw, Err: err}
			}
		case itemQuery:
			query = append(query, url.QueryEscape(it.Key)+"="+url.QueryEscape(it.Value))
		case itemQueryFile:
			v, err := b.textFile(it) // HTTPie's name==@file: the file's text without its final newlines
			if err != nil {
				return nil, err
			}
			query = append(query, url.QueryEscape(it.Key)+"="+url.QueryEscape(strings.TrimRight(v, "\n")))
		default:
			if err := b.add(it); err != nil {
				return nil, err
			}
		}
	}
	for _, q := range spec.URLQuery {
		part, err := b.urlQuery(q)
		if err != nil {
			return nil, err
		}
		advice := "--url-query encodes the value after =, never the name before it (curl's rule): write the name encoded (a%20b)"
		if strings.HasPrefix(q, "+") {
			advice = "without the + it encodes them"
		}
		if err := sendableQuery("--url-query "+q, part, advice); err != nil {
			return nil, err
		}
		query = append(query, part)
	}
	body, err := b.build(r.Header.Get("Content-Type"))
	if err != nil {
		return nil, err
	}
	if spec.Get && len(spec.Data) > 0 && body.data != nil {
		// curl -G: -d's data goes into the query, and nothing is sent as a body (-F's parts and -T's file
		// stay the body, as curl leaves them).
		if d, _ := body.data.Bytes(); len(d) > 0 {
			if err := sendableQuery("-G", string(d), "--data-urlencode encodes a value (after =), never a name (curl's rule)"); err != nil {
				return nil, err
			}
			query = append(query, string(d))
		}
		var kept built
		if body.accept == contentJSON {
			kept.contentType, kept.accept = body.contentType, body.accept // --json's two headers stay, as in curl
		}
		body = kept
	}
	if spec.JSONItems {
		// HTTPie's -j: both headers say JSON by default, with no body too (a file's own type stays).
		body.accept = acceptJSON
		body.contentType = cmpOr(body.contentType, contentJSON)
	}
	addQuery(r.URL, query...)
	r.Body = body.data
	if spec.Compress > 0 && r.Body != nil {
		if err := r.compress(spec.Compress > 1); err != nil {
			return nil, err
		}
	}

	user, pass := spec.User, spec.Password
	if u := r.URL.User; u != nil && user == "" && pass == "" && spec.Bearer == "" && !spec.Challenged {
		// Credentials in the URL become Basic auth, as in curl and net/http's client, but here, where -v and
		// --offline can show the header they produce; the URL sent carries none.
		user = u.Username()
		pass, _ = u.Password()
	}
	if (user != "" || pass != "") && r.Header.Get("Authorization") == "" {
		r.SetBasicAuth(user, pass) // an empty user name with a password (-u :KEY) too, as curl sends it
	}
	if spec.Bearer != "" && r.Header.Get("Authorization") == "" {
		if err := ValidateHeader("Authorization", spec.Bearer); err != nil {
			return nil, usageErrorf("--bearer", "token contains a control character (CR, LF, NUL or another)")
		}
		r.Header.Set("Authorization", "Bearer "+spec.Bearer)
	}
	// A session's headers come after the command line's and its credentials, before hop's defaults.
	for name, values := range spec.SessionHeaders {
		name = textproto.CanonicalMIMEHeaderKey(name)
		if _, given := r.Header[name]; given || removed[name] {
			continue
		}
		for _, v := range values {
			if ValidateHeader(name, v) == nil {
				r.Header.Add(name, v)
			}
		}
	}
	setDefault := func(name, value string) {
		if value == "" || removed[name] {
			return
		}
		if _, set := r.Header[name]; !set {
			r.Header.Set(name, value)
		}
	}
	if ct := r.Header.Get("Content-Type"); body.boundary != "" && ct != "" {
		// A type the user chose for a multipart body still gets the boundary the body was written with, as
		// curl and HTTPie append it to any type (multipart/related, or text/plain by mistake): without it
		// no server can read the parts.
		if _, params, _ := mime.ParseMediaType(ct); params["boundary"] == "" {
			r.Header.Set("Content-Type", ct+"; boundary="+body.boundary)
		}
	}
	setDefault("Content-Type", body.contentType)
	setDefault("Accept", cmpOr(body.accept, "*/*"))
	setDefault("Accept-Encoding", decompress.AcceptEncoding)
	for name, gone := range removed {
		if gone {
			r.Removed = append(r.Removed, name)
		}
	}
	slices.Sort(r.Removed)
	if spec.Expect100 && r.Body != nil {
		// A chunked body of a known length is judged by that length, as curl does.
		if n := r.Body.Length; spec.Upload != "" && n != 0 || n < 0 || n > expect100Over {
			setDefault("Expect", "100-continue") // -H 'Expect:' keeps it out, as in curl
		}
	}
	if spec.ContentRange != "" && r.Body != nil {
		setDefault("Content-Range", "bytes "+spec.ContentRange+"/"+strconv.FormatInt(r.Body.Length, 10))
	}
	if spec.Referer != "" {
		if err := ValidateHeader("Referer", spec.Referer); err != nil {
			return nil, usageErrorf("-e "+spec.Referer, "%v", err)
		}
		setDefault("Referer", spec.Referer)
	}
	if spec.Cookie != "" {
		if err := ValidateHeader("Cookie", spec.Cookie); err != nil {
			return nil, usageErrorf("-b", "%v", err)
		}
	}
	if len(r.Header["Cookie"]) > 1 || spec.Cookie != "" {
		// Cookie items, -H Cookie lines and -b's pairs go in one header, as a client sends one (RFC 6265,
		// 5.4). Every one is kept, but an empty one ("Cookie;"), which would start the header with "; ".
		given := slices.DeleteFunc(slices.Clone(r.Header.Values("Cookie")), func(v string) bool { return v == "" })
		if spec.Cookie != "" {
			given = append(given, spec.Cookie)
		}
		r.Header.Set("Cookie", strings.Join(given, "; "))
	}
	if spec.UserAgent != "" {
		if err := ValidateHeader("User-Agent", spec.UserAgent); err != nil {
			return nil, usageErrorf("-A", "%v", err)
		}
	}
	setDefault("User-Agent", spec.UserAgent)
	if vs := r.Header["User-Agent"]; len(vs) > 1 {
		// net/http writes one User-Agent line, the first value's: the rest would be shown and never sent.
		return nil, usageErrorf("User-Agent:"+vs[1], "User-Agent is given %d times; hop's HTTP client sends one: give it once", len(vs))
	}
	if removed["User-Agent"] && len(r.Header["User-Agent"]) == 0 {
		// A present but empty User-Agent tells Go's transports to send none at all.
		r.Header["User-Agent"] = nil
	}
	return r, nil
}

// expect100Over is the body length past which curl announces a POST's body with Expect: 100-continue
// (its EXPECT_100_THRESHOLD); a -T upload it announces whatever its length.
const expect100Over = 1 << 20

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// addQuery appends encoded name=value parts to the URL's query.
func addQuery(u *url.URL, parts ...string) {
	if len(parts) == 0 {
		return
	}
	joined := strings.Join(parts, "&")
	if u.RawQuery != "" {
		joined = u.RawQuery + "&" + joined
	}
	u.RawQuery = joined
}

// sendableQuery refuses a part of the query that a request line cannot carry: a space or a control
// character, which curl refuses too (exit 3) and a server would take for the line's end. Other bytes go as
// they are, as curl sends them.
func sendableQuery(flag, part, advice string) error {
	if strings.ContainsFunc(part, func(c rune) bool { return c <= ' ' || c == 0x7f }) {
		return usageErrorf(flag, "the query would hold a space or a control character (%q), which a request line cannot carry; %s", part, advice)
	}
	return nil
}

// validTarget reports whether t can stand in a request line: "*", or a path of printable ASCII without
// spaces, so that nothing can be smuggled in after it.
func validTarget(t string) bool {
	if t != "*" && !strings.HasPrefix(t, "/") {
		return false
	}
	for i := 0; i < len(t); i++ {
		if t[i] <= ' ' || t[i] >= 0x7f {
			return false
		}
	}
	return true
}

// addHeader applies one header item: "Name:" removes a default, "Name;" sends an empty value, "Host" sets
// the request's host, "Transfer-Encoding: chunked" sends the body chunked (as curl does for that header),
// and another transfer coding, which hop cannot apply, is refused.
func (r *Request) addHeader(kind itemKind, name, value string, removed map[string]bool) error {
	name = textproto.CanonicalMIMEHeaderKey(name)
	switch {
	case kind == itemHeader && value == "":
		removed[name] = true
		r.Header.Del(name)
		r.Given.Del(name) // not sent, so not kept by a session either
	case name == "Host":
		r.Host = value
	case name == "Transfer-Encoding":
		if !strings.EqualFold(value, "chunked") {
			return fmt.Errorf("hop applies no transfer coding but chunked (--chunked), and would not send %q as it says", value)
		}
		r.Chunked = true
	default:
		r.Header.Add(name, value)
		r.Given.Add(name, value)
	}
	return nil
}

// bodyBuilder collects the body-making items and flags and decides on one body.
type bodyBuilder struct {
	spec      Spec
	fields    []item // =, =@, :=, :=@ in order
	parts     []Part // multipart parts, in the order typed (items, then -F)
	uploads   bool   // an item uploads a file (field@path)
	bodyItem  *item  // @path
	stdinUsed bool
}

func (b *bodyBuilder) add(it item) error {
	switch it.Kind {
	case itemBodyFile:
		if (b.spec.Form || b.spec.Multipart) && it.Value != "-" {
			// HTTPie's @path is an upload with an empty name: under -f or --multipart it is a part, as
			// HTTPie sends it, beside any fields.
			it.Kind, it.Key = itemUpload, ""
			return b.add(it)
		}
		if b.bodyItem != nil {
			return usageErrorf(it.Raw, "only one @file body can be given")
		}
		b.bodyItem = &it
	case itemUpload:
		p, err := b.filePart(it.Key, it.Value, it.Raw)
		if err != nil {
			return err
		}
		b.parts = append(b.parts, p)
		b.uploads = true
	default:
		b.fields = append(b.fields, it)
		b.parts = append(b.parts, Part{Name: it.Key, field: &it})
	}
	return nil
}

// built is the body chosen, with the Content-Type and Accept that go with it.
type built struct {
	data                *Body
	contentType, accept string
	boundary            string // a multipart body's
}

func (b *bodyBuilder) build(userType string) (built, error) {
	s := b.spec
	for _, f := range s.FormParts {
		p, err := b.curlFormPart(f)
		if err != nil {
			return built{}, err
		}
		p.Nameless = strings.HasPrefix(f, "=") // as curl sends it: a part with no name at all
		b.parts = append(b.parts, p)
	}
	kinds := 0
	for _, present := range []bool{b.bodyItem != nil, len(s.Data) > 0, len(s.FormParts) > 0, len(b.fields) > 0 || b.uploads, s.Upload != "", s.Raw != nil} {
		if present {
			kinds++
		}
	}
	if kinds > 1 {
		return built{}, usageErrorf("", "more than one body given: use one of @file, -d, --json, -F, -T, --raw, or data fields")
	}
	if s.Raw != nil && s.Multipart {
		return built{}, usageErrorf("", "--raw is the whole body, and --multipart builds one from fields: keep one (for a multipart body of your own, --raw with Content-Type:'multipart/form-data; boundary=...')")
	}
	if s.JSONItems && (len(s.FormParts) > 0 || b.uploads) {
		return built{}, usageErrorf("-j", "HTTPie's -j asks for JSON, and -F or a file upload (field@path) for a form: keep one")
	}
	jsonAccept := acceptJSON
	if s.Form {
		jsonAccept = ""
	}
	switch {
	case b.bodyItem != nil:
		// As in HTTPie: a file's type comes from its name, JSON when the name says nothing (a form with -f);
		// stdin is JSON (a form with -f).
		body, err := b.fileBody(b.bodyItem.Value, b.bodyItem.Raw)
		ct := fileType(b.bodyItem.Value)
		if b.bodyItem.Value == "-" || ct == "" {
			ct = b.stdinType()
		}
		return built{data: body, contentType: ct, accept: jsonAccept}, err
	case len(s.Data) > 0:
		return b.curlData()
	case s.Upload != "":
		body, err := b.fileBody(s.Upload, "-T "+s.Upload)
		return built{data: body}, err
	case s.Raw != nil:
		return built{data: memBody([]byte(*s.Raw)), contentType: b.stdinType(), accept: jsonAccept}, nil
	case len(s.FormParts) > 0 || b.uploads || (s.Multipart && len(b.fields) > 0):
		return b.multipartBody(userType)
	case s.Form && !s.Multipart && len(b.fields) == 0 && s.Stdin != nil && s.StdinBody && !b.stdinUsed:
		// -f with no fields: standard input is the form, as HTTPie sends it.
		body, err := b.stdinBody(s.Stdin)
		return built{data: body, contentType: contentForm}, err
	case s.Form || s.Multipart:
		if s.Multipart {
			return b.multipartBody(userType)
		}
		body, err := b.formBody()
		return built{data: body, contentType: contentForm}, err
	case len(b.fields) > 0:
		body, err := b.jsonBody()
		return built{data: body, contentType: contentJSON, accept: acceptJSON}, err
	case s.Stdin != nil && s.StdinBody && !b.stdinUsed: // an item may have read it (X:@-)
		body, err := b.stdinBody(s.Stdin)
		return built{data: body, contentType: b.stdinType(), accept: jsonAccept}, err
	}
	return built{}, nil
}

func (b *bodyBuilder) stdinType() string {
	if b.spec.Form {
		return contentForm
	}
	return contentJSON
}

// fileType is the Content-Type of a file from its name, without parameters ("text/plain", as HTTPie
// sends it, not Go's "text/plain; charset=utf-8"); empty when the name says nothing.
func fileType(name string) string {
	t := mime.TypeByExtension(filepath.Ext(name))
	if mt, _, err := mime.ParseMediaType(t); err == nil {
		return mt
	}
	return ""
}

func memBody(p []byte) *Body {
	if p == nil {
		p = []byte{}
	}
	return &Body{data: p, Length: int64(len(p))}
}

// maxStdinInMemory is how much of standard input is read before sending: a body that fits is sent with a
// Content-Length, which small servers need (Python's http.server reads nothing of a chunked body), and can
// be sent again; a longer one is streamed.
const maxStdinInMemory = 8 << 20

// stdinBody reads standard input as the body: whole when it fits in memory, streamed beyond.
func (b *bodyBuilder) stdinBody(r io.Reader) (*Body, error) {
	if b.stdinUsed {
		return nil, usageErrorf("@-", "standard input is already used")
	}
	b.stdinUsed = true
	head, whole, err := readHeld(r)
	if err != nil {
		return nil, &UsageError{Arg: "standard input", Err: err}
	}
	if whole {
		return &Body{Kind: BodyStdin, data: head, Length: int64(len(head))}, nil
	}
	if b.spec.Resend {
		return nil, usageErrorf("standard input", "longer than %d MiB, the most hop holds to send it again (--retry, --repeat); save it to a file and send that with @FILE", maxStdinInMemory>>20)
	}
	return &Body{Kind: BodyStdin, Length: -1, open: once(io.NopCloser(io.MultiReader(bytes.NewReader(head), r)), "standard input")}, nil
}

// readHeld reads r whole when it holds at most maxStdinInMemory bytes (whole is then true): held, a body can
// be sent with a Content-Length and sent again. Beyond that, head is what was read, and the rest is still in r.
func readHeld(r io.Reader) (head []byte, whole bool, err error) {
	head, err = io.ReadAll(io.LimitReader(r, maxStdinInMemory+1))
	return head, len(head) <= maxStdinInMemory, err
}

// once opens rc the first time and refuses after: a stream (standard input, a pipe) is sent once.
func once(rc io.ReadCloser, what string) func() (io.ReadCloser, error) {
	used := false
	return func() (io.ReadCloser, error) {
		if used {
			return nil, fmt.Errorf("the body was read from %s and cannot be sent again", what)
		}
		used = true
		return rc, nil
	}
}

// isStream says a file the user named is read as a stream, as standard input is, not opened again each time
// the body is sent with the size stat gives: a named pipe (a shell's <(command)) can be read only once, and
// a device or a file that reports size 0 (/proc, /sys) holds what its size does not say.
func isStream(st os.FileInfo) bool { return !st.Mode().IsRegular() || st.Size() == 0 }

// heldStream reads the stream f for argument arg: whole when it fits in memory (held), else head and the
// rest of f, which can be read once; that is refused when the body is to be sent again (--retry, --repeat).
func (b *bodyBuilder) heldStream(f *os.File, arg string) (held []byte, rest io.ReadCloser, err error) {
	head, whole, err := readHeld(f)
	if err != nil {
		f.Close()
		return nil, nil, &UsageError{Arg: arg, Err: fmt.Errorf("reading %s: %w", f.Name(), err)}
	}
	if whole {
		f.Close()
		return head, nil, nil
	}
	if b.spec.Resend {
		f.Close()
		return nil, nil, usageErrorf(arg, "%s is a pipe or a device longer than %d MiB, the most hop holds to send it again (--retry, --repeat); save it to a file and send that", f.Name(), maxStdinInMemory>>20)
	}
	return nil, struct {
		io.Reader
		io.Closer
	}{io.MultiReader(bytes.NewReader(head), f), f}, nil
}

// readFile reads a file the user named for a value ("-" is stdin).
func (b *bodyBuilder) readFile(path, arg string) ([]byte, error) {
	return b.readFileUpTo(path, arg, maxValueFile)
}

// readFileUpTo is readFile for a value that can be at most limit bytes long.
func (b *bodyBuilder) readFileUpTo(path, arg string, limit int64) ([]byte, error) {
	hint := "; a large file is sent as the body with @FILE or -T FILE, which stream it"
	if limit < maxValueFile {
		hint = ""
	}
	if path == "-" {
		if b.spec.Stdin == nil || b.stdinUsed {
			return nil, usageErrorf(arg, "standard input is a terminal or already used")
		}
		b.stdinUsed = true
		p, err := argfile.ReadFrom(b.spec.Stdin, limit)
		switch {
		case errors.Is(err, argfile.ErrTooLarge):
			return nil, usageErrorf(arg, "standard input is longer than %d MiB, too long for this use%s", limit>>20, hint)
		case err != nil:
			return nil, &UsageError{Arg: arg, Err: fmt.Errorf("reading standard input: %w", err)}
		}
		return p, nil
	}
	p, err := argfile.Read(path, limit)
	if errors.Is(err, argfile.ErrTooLarge) {
		err = fmt.Errorf("%w%s", err, hint)
	}
	if err != nil {
		return nil, &UsageError{Arg: arg, Err: err}
	}
	return p, nil
}

// maxHeaderFile bounds a file of headers (-H @FILE).
const maxHeaderFile = 1 << 20

// headerFiles replaces each -H @FILE with the headers FILE holds, one per line, as curl reads them (7.55):
// CR LF or LF, blank lines skipped; a line without a colon is refused with its number. No header name starts
// with @, so the form cannot be taken for a header.
func headerFiles(headers []string) ([]string, error) {
	var out []string
	for _, raw := range headers {
		path, ok := strings.CutPrefix(raw, "@")
		if !ok {
			out = append(out, raw)
			continue
		}
		data, err := argfile.Read(path, maxHeaderFile)
		if err != nil {
			return nil, &UsageError{Arg: "-H " + raw, Err: err}
		}
		n := 0
		for line := range strings.Lines(string(data)) {
			n++
			if line = strings.TrimRight(line, "\r\n"); strings.TrimSpace(line) == "" {
				continue
			}
			if !strings.Contains(line, ":") && !strings.HasSuffix(line, ";") {
				// Said here, where the file and line are known; never echoed, as it may hold a token. curl
				// 7.88 leaves such a line out in silence; a header meant and not sent is hop's to say.
				return nil, usageErrorf("-H "+raw, "line %d has no colon: each line is a header, \"Name: value\"", n)
			}
			out = append(out, line)
		}
	}
	return out, nil
}

// maxValueFile bounds a file read into memory as a value (-d @FILE, field=@FILE, field:=@FILE): such files
// are forms and documents; /dev/zero must end in an error, not in the machine running out of memory.
const maxValueFile = 256 << 20

func (b *bodyBuilder) fileBody(path, arg string) (*Body, error) {
	if path == "-" {
		if b.spec.Stdin == nil {
			return nil, usageErrorf(arg, "standard input is a terminal or already used")
		}
		return b.stdinBody(b.spec.Stdin)
	}
	st, err := os.Stat(path)
	if err != nil {
		return nil, &UsageError{Arg: arg, Err: argfile.Reason(err)}
	}
	if st.IsDir() {
		return nil, usageErrorf(arg, "is a directory")
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, &UsageError{Arg: arg, Err: argfile.Reason(err)}
	}
	if isStream(st) {
		held, rest, err := b.heldStream(f, arg)
		switch {
		case err != nil:
			return nil, err
		case rest == nil:
			return memBody(held), nil
		}
		return &Body{Kind: BodyFile, Path: path, Length: -1, open: once(rest, path)}, nil
	}
	f.Close()
	c := &changes{}
	return &Body{
		Kind:    BodyFile,
		Path:    path,
		Length:  st.Size(),
		open:    func() (io.ReadCloser, error) { return openSized(path, st.Size(), c) },
		changes: c,
	}, nil
}

// textFile reads the file an item names (=@, :@, ==@) as text, which HTTPie requires it to be. A header's
// or a query parameter's is bounded as -H @FILE is: no server takes a longer head.
func (b *bodyBuilder) textFile(it item) (string, error) {
	limit := int64(maxValueFile)
	if it.Kind == itemHeaderFile || it.Kind == itemQueryFile {
		limit = maxHeaderFile
	}
	p, err := b.readFileUpTo(it.Value, it.Raw, limit)
	if err != nil {
		return "", err
	}
	if !utf8.Valid(p) {
		return "", usageErrorf(it.Raw, "cannot embed the content of %s, not a UTF-8 or ASCII-encoded text file", it.Value)
	}
	return string(p), nil
}

// fieldValue returns a field's value: a string, or for := items the JSON value decoded into nodes that
// later fields can extend.
func (b *bodyBuilder) fieldValue(it item) (any, error) {
	switch it.Kind {
	case itemField:
		return it.Value, nil
	case itemFieldFile:
		return b.textFile(it)
	case itemJSON, itemJSONFile:
		raw := []byte(it.Value)
		if it.Kind == itemJSONFile {
			p, err := b.readFile(it.Value, it.Raw)
			if err != nil {
				return nil, err
			}
			raw = p
		}
		v, err := decodeJSON(raw)
		switch {
		case err == nil:
			return v, nil
		case it.Kind == itemJSON && bareWord(it.Value):
			// name:=john, the commonest slip: := takes JSON, where a string is quoted.
			return nil, usageErrorf(it.Raw, `not valid JSON: a JSON string needs quotes (%s:='"%s"'), or %s=%s sends it as a string`,
				it.Key, it.Value, it.Key, it.Value)
		case errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || strings.Contains(err.Error(), "unexpected end of JSON input"):
			// (Go 1.27's encoding/json says the last, where 1.26 returns io.ErrUnexpectedEOF.)
			if len(bytes.TrimSpace(raw)) == 0 {
				return nil, usageErrorf(it.Raw, "not valid JSON: there is none (an empty string is '\"\"')")
			}
			return nil, usageErrorf(it.Raw, "not valid JSON: it ends before the value does (a bracket or quote not closed?)")
		}
		return nil, usageErrorf(it.Raw, "not valid JSON: %v", err)
	}
	return nil, usageErrorf(it.Raw, "internal: not a field")
}

// bareWord reports whether v is a word that is not a JSON literal: letters, digits and "-_." that are
// neither a number nor true, false or null.
func bareWord(v string) bool {
	if v == "" || v == "true" || v == "false" || v == "null" || json.Valid([]byte(v)) {
		return false
	}
	for _, r := range v {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.') {
			return false
		}
	}
	return true
}

func (b *bodyBuilder) jsonBody() (*Body, error) {
	var root any
	for _, it := range b.fields {
		v, err := b.fieldValue(it)
		if err != nil {
			return nil, err
		}
		path, err := parseFieldPath(it.Key)
		if err != nil {
			return nil, &UsageError{Arg: it.Raw, Err: err}
		}
		if root, err = setPath(root, path, v); err != nil {
			return nil, &UsageError{Arg: it.Raw, Err: err}
		}
	}
	var buf bytes.Buffer
	if err := encodeJSON(&buf, root); err != nil {
		return nil, usageErrorf("", "encoding the JSON body: %v", err)
	}
	return memBody(buf.Bytes()), nil
}

// formValue is a field's value in a form: text, or a simple JSON value as HTTPie writes it (1, 1.5,
// True); arrays, objects and null cannot be form values.
func (b *bodyBuilder) formValue(it item) (string, error) {
	v, err := b.fieldValue(it)
	if err != nil {
		return "", err
	}
	switch n := v.(type) {
	case string:
		return n, nil
	case json.RawMessage:
		switch s := string(n); s {
		case "true", "false":
			return strings.ToUpper(s[:1]) + s[1:], nil
		case "null":
		default:
			return s, nil
		}
	}
	return "", usageErrorf(it.Raw, "arrays, objects and null cannot be sent as a form field (use JSON)")
}

func (b *bodyBuilder) formBody() (*Body, error) {
	var parts []string
	for _, it := range b.fields {
		v, err := b.formValue(it)
		if err != nil {
			return nil, err
		}
		parts = append(parts, url.QueryEscape(it.Key)+"="+url.QueryEscape(v))
	}
	return memBody([]byte(strings.Join(parts, "&"))), nil
}

// filePart describes a file upload part: field@path, or -F name=@path, with an optional ;type=.
func (b *bodyBuilder) filePart(name, value, arg string) (Part, error) {
	path, ctype, _ := strings.Cut(value, ";type=")
	st, err := os.Stat(path)
	if err != nil {
		return Part{}, &UsageError{Arg: arg, Err: argfile.Reason(err)}
	}
	if st.IsDir() {
		return Part{}, usageErrorf(arg, "is a directory")
	}
	f, err := os.Open(path)
	if err != nil {
		return Part{}, &UsageError{Arg: arg, Err: argfile.Reason(err)}
	}
	if ctype == "" {
		ctype = cmpOr(fileType(path), "application/octet-stream")
	}
	p := Part{Name: name, File: path, Filename: filepath.Base(path), ContentType: ctype, Size: st.Size()}
	if !isStream(st) {
		f.Close()
		return p, nil
	}
	if p.held, p.stream, err = b.heldStream(f, arg); err != nil {
		return Part{}, err
	}
	p.Size = int64(len(p.held))
	if p.stream != nil {
		p.Size = -1
	}
	return p, nil
}

func (b *bodyBuilder) multipartBody(userType string) (built, error) {
	for i, p := range b.parts {
		if p.field != nil {
			v, err := b.formValue(*p.field)
			if err != nil {
				return built{}, err
			}
			b.parts[i].Value, b.parts[i].field = v, nil
		}
	}
	boundary, flag := b.spec.Boundary, "--boundary"
	disposition := "form-data"
	if _, params, err := mime.ParseMediaType(userType); err == nil && boundary == "" && params["boundary"] != "" {
		boundary, flag = params["boundary"], "Content-Type" // the body is written with the boundary the header names
	}
	if len(b.spec.FormParts) > 0 && userType != "" && !formDataType(userType) {
		// curl's word for its -F parts in any other type given (multipart/mixed, text/plain); HTTPie's
		// requests-toolbelt writes form-data whatever the header says.
		disposition = "attachment"
	}
	names := formNames
	if b.spec.FormEscape {
		names = formNamesEscaped
	}
	body, ct, boundary, err := layoutMultipart(b.parts, boundary, names, disposition)
	if body != nil {
		body.NamesEscaped, body.DispositionWord = b.spec.FormEscape, disposition
	}
	if err != nil && boundary != "" {
		return built{}, usageErrorf(flag+" "+boundary, "not a multipart boundary (1 to 70 letters, digits and '()+_,-./:=? ', not ending in a space)")
	}
	return built{data: body, contentType: ct, boundary: boundary}, err
}

// partDisposition is the Content-Disposition written for a part (its own headers aside).
func partDisposition(p Part, names *strings.Replacer, disposition string) string {
	if !p.Nameless {
		disposition += `; name="` + names.Replace(p.Name) + `"`
	}
	if p.Filename != "" { // a file, or curl's -F name=value;filename=NAME: a file sent from the command line
		disposition += `; filename="` + names.Replace(p.Filename) + `"`
	}
	return disposition
}

// Disposition is the Content-Disposition written for one of a multipart body's parts (its own headers
// aside).
func (b *Body) Disposition(p Part) string {
	names := formNames
	if b.NamesEscaped {
		names = formNamesEscaped
	}
	return partDisposition(p, names, cmpOr(b.DispositionWord, "form-data"))
}

// partHead is a part's head, its lines in curl's order: its Content-Disposition (the word disposition,
// the name and the file name escaped by names), its Content-Type (curl's standard input part may have
// none), then its own headers (curl's -F ...;headers=, checked when read) as typed: an own
// Content-Disposition in place of the one written for it, an own Content-Type never (the part's type came
// from it when type= gave none).
func partHead(p Part, names *strings.Replacer, disposition string) []string {
	var own []string
	ownDisposition := false
	for _, l := range p.Headers {
		name, value, _ := strings.Cut(l, ":")
		name, value = strings.TrimSpace(name), strings.TrimSpace(value)
		switch {
		case strings.EqualFold(name, "Content-Type"):
			continue
		case strings.EqualFold(name, "Content-Disposition"):
			ownDisposition = true
		}
		own = append(own, name+": "+value)
	}
	var head []string
	if !ownDisposition {
		head = append(head, "Content-Disposition: "+partDisposition(p, names, disposition))
	}
	if p.ContentType != "" {
		head = append(head, "Content-Type: "+p.ContentType)
	}
	return append(head, own...)
}

// writePartHead writes a part's boundary line and head, in its order (multipart.Writer's CreatePart sorts
// the names).
func writePartHead(buf *bytes.Buffer, boundary string, first bool, head []string) {
	if !first {
		buf.WriteString("\r\n")
	}
	buf.WriteString("--" + boundary + "\r\n")
	for _, l := range head {
		buf.WriteString(l + "\r\n")
	}
	buf.WriteString("\r\n")
}

// formDataType says whether a Content-Type is multipart/form-data as curl's content_type_match reads it: the
// name in any case, then its end, a parameter or a blank.
func formDataType(ct string) bool {
	const name = "multipart/form-data"
	if len(ct) < len(name) || !strings.EqualFold(ct[:len(name)], name) {
		return false
	}
	rest := ct[len(name):]
	return rest == "" || strings.IndexByte("; \t", rest[0]) >= 0
}

// layoutMultipart writes the parts' headers and text once, with boundary (a random one when empty) and the
// names escaped by names, each part's Content-Disposition the word disposition ("form-data", or "attachment"
// for curl's -F parts under another type); file contents are read each time the body is opened.
func layoutMultipart(parts []Part, boundary string, names *strings.Replacer, disposition string) (*Body, string, string, error) {
	type segment struct {
		data   []byte
		path   string
		size   int64 // a file's, when the body was built
		stream func() (io.ReadCloser, error)
	}
	var segs []segment
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	if boundary != "" {
		if err := mw.SetBoundary(boundary); err != nil {
			return nil, "", boundary, err
		}
	}
	var total int64
	hasFiles, streamed := false, false
	for i, p := range parts {
		writePartHead(&buf, mw.Boundary(), i == 0, partHead(p, names, disposition))
		if p.File == "" {
			buf.WriteString(p.Value)
			continue
		}
		hasFiles = true
		segs = append(segs, segment{data: bytes.Clone(buf.Bytes())})
		switch {
		case p.stream != nil:
			segs = append(segs, segment{stream: once(p.stream, p.File)})
			streamed = true
		case p.held != nil:
			segs = append(segs, segment{data: p.held})
		default:
			segs = append(segs, segment{path: p.File, size: p.Size})
		}
		total += int64(buf.Len()) + p.Size
		buf.Reset()
	}
	if err := mw.Close(); err != nil {
		return nil, "", "", err
	}
	if len(parts) == 0 {
		// No part: the close delimiter alone, as browsers and HTTPie write it (Go's writer puts the line
		// break that ends a part before it).
		buf.Reset()
		buf.WriteString("--" + mw.Boundary() + "--\r\n")
	}
	segs = append(segs, segment{data: bytes.Clone(buf.Bytes())})
	total += int64(buf.Len())
	ct, boundary := mw.FormDataContentType(), mw.Boundary()
	if !hasFiles {
		return &Body{Kind: BodyMultipart, Parts: parts, Length: total, data: segs[0].data}, ct, boundary, nil
	}
	c := &changes{}
	open := func() (io.ReadCloser, error) {
		var readers []io.Reader
		var files []io.Closer
		for _, s := range segs {
			var (
				f   io.ReadCloser
				err error
			)
			switch {
			case s.stream != nil:
				f, err = s.stream()
			case s.path != "":
				f, err = openSized(s.path, s.size, c)
			default:
				readers = append(readers, bytes.NewReader(s.data))
				continue
			}
			if err != nil {
				for _, o := range files {
					o.Close()
				}
				if s.stream != nil {
					return nil, err // it says which stream cannot be read again
				}
				return nil, fmt.Errorf("opening %s: %w", s.path, err)
			}
			files = append(files, f)
			readers = append(readers, f)
		}
		return &multiCloser{Reader: io.MultiReader(readers...), files: files}, nil
	}
	if streamed {
		total = -1 // sent chunked
	}
	return &Body{Kind: BodyMultipart, Parts: parts, Length: total, open: open, changes: c}, ct, boundary, nil
}

// formNames writes a part's name and file name in its Content-Disposition as curl 7.88 and browsers do
// (HTML's multipart/form-data encoding): '"' as %22, CR and LF as %0D and %0A, a backslash as it is.
var formNames = strings.NewReplacer(`"`, "%22", "\r", "%0D", "\n", "%0A")

// formNamesEscaped is curl's --form-escape: a backslash before '"' and '\' (RFC 2045's quoted-string).
// CR and LF stay %0D and %0A, where curl sends them bare: a name never ends the part's head.
var formNamesEscaped = strings.NewReplacer("\\", "\\\\", `"`, "\\\"", "\r", "%0D", "\n", "%0A")

type multiCloser struct {
	io.Reader
	files []io.Closer
}

func (m *multiCloser) Close() error {
	for _, f := range m.files {
		f.Close()
	}
	return nil
}

// compress deflates the body (HTTPie's --compress): zlib's format, which RFC 9110's "deflate" names, with
// Content-Encoding: deflate. A body in memory is sent compressed only when that makes it smaller, unless
// always (--compress twice); a body read while it is sent (a file, standard input, a multipart upload) is
// compressed as it goes, without its length.
func (r *Request) compress(always bool) error {
	if r.Header.Get("Content-Encoding") != "" {
		return usageErrorf("--compress", "the request already says Content-Encoding: %s", r.Header.Get("Content-Encoding"))
	}
	orig := r.Body
	if orig.open == nil {
		var buf bytes.Buffer
		zw := zlib.NewWriter(&buf)
		zw.Write(orig.data)
		zw.Close()
		if buf.Len() >= len(orig.data) && !always {
			return nil
		}
		r.Body = &Body{Kind: orig.Kind, Parts: orig.Parts, data: buf.Bytes(), Length: int64(buf.Len()), Deflated: true}
	} else {
		r.Body = &Body{Kind: orig.Kind, Path: orig.Path, Parts: orig.Parts, Length: -1, changes: orig.changes, Deflated: true,
			open: func() (io.ReadCloser, error) {
				rc, err := orig.Open()
				if err != nil {
					return nil, err
				}
				pr, pw := io.Pipe()
				go func() {
					zw := zlib.NewWriter(pw)
					_, err := io.Copy(zw, rc)
					if cerr := zw.Close(); err == nil {
						err = cerr
					}
					rc.Close()
					pw.CloseWithError(err)
				}()
				return pr, nil
			}}
	}
	r.Header.Set("Content-Encoding", "deflate")
	return nil
}
