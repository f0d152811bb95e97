package request

import (
	"bytes"
	"encoding/base64"
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
	"strings"

	"github.com/hop-cli/hop/argfile"
	"github.com/hop-cli/hop/decompress"
)

const (
	contentJSON = "application/json"
	contentForm = "application/x-www-form-urlencoded; charset=utf-8"
	acceptJSON  = "application/json, */*;q=0.5"
)

// Build turns a Spec into a Request. Every error is a *UsageError naming the offending argument; nothing
// is sent.
func Build(spec Spec) (*Request, error) {
	u, err := parseURL(spec.URL)
	if err != nil {
		return nil, err
	}
	method := strings.ToUpper(spec.Method)
	if method == "" {
		method = http.MethodGet
	}
	for i := 0; i < len(method); i++ {
		if !isTokenChar(method[i]) {
			return nil, usageErrorf(spec.Method, "invalid method name")
		}
	}
	r := &Request{Method: method, URL: u, Header: http.Header{}}
	b := bodyBuilder{spec: spec}
	removed := map[string]bool{}

	for _, raw := range spec.Headers {
		name, value, ok := strings.Cut(raw, ":")
		kind := itemHeader
		if !ok {
			if n, found := strings.CutSuffix(raw, ";"); found {
				name, kind = n, itemEmptyHeader
			} else {
				return nil, usageErrorf(raw, "-H expects \"Name: value\"")
			}
		}
		name, value = strings.TrimSpace(name), strings.TrimSpace(value)
		if err := validateHeader(name, value); err != nil {
			return nil, &UsageError{Arg: raw, Err: err}
		}
		r.addHeader(kind, name, value, removed)
	}
	for _, raw := range spec.Items {
		it, err := parseItem(raw)
		if err != nil {
			return nil, err
		}
		switch it.Kind {
		case itemHeader, itemEmptyHeader:
			r.addHeader(it.Kind, it.Key, it.Value, removed)
		case itemQuery:
			q := url.QueryEscape(it.Key) + "=" + url.QueryEscape(it.Value)
			if r.URL.RawQuery != "" {
				r.URL.RawQuery += "&"
			}
			r.URL.RawQuery += q
		default:
			if err := b.add(it); err != nil {
				return nil, err
			}
		}
	}
	body, contentType, accept, err := b.build()
	if err != nil {
		return nil, err
	}
	r.Body = body

	user, pass := spec.User, spec.Password
	if u := r.URL.User; u != nil && user == "" {
		// Credentials in the URL become Basic auth, as in curl and net/http's client, but here, where -v and
		// --offline can show the header they produce; the URL sent carries none.
		user = u.Username()
		pass, _ = u.Password()
	}
	if user != "" && r.Header.Get("Authorization") == "" {
		cred := base64.StdEncoding.EncodeToString([]byte(user + ":" + pass))
		r.Header.Set("Authorization", "Basic "+cred)
	}
	if spec.Bearer != "" && r.Header.Get("Authorization") == "" {
		if err := validateHeader("Authorization", spec.Bearer); err != nil {
			return nil, usageErrorf("--bearer", "token contains CR, LF or NUL")
		}
		r.Header.Set("Authorization", "Bearer "+spec.Bearer)
	}
	setDefault := func(name, value string) {
		if value == "" || removed[name] {
			return
		}
		if _, set := r.Header[name]; !set {
			r.Header.Set(name, value)
		}
	}
	setDefault("Content-Type", contentType)
	if accept == "" {
		accept = "*/*"
	}
	setDefault("Accept", accept)
	setDefault("Accept-Encoding", decompress.AcceptEncoding)
	setDefault("User-Agent", spec.UserAgent)
	if removed["User-Agent"] {
		// A present but empty User-Agent tells Go's transports to send none at all.
		r.Header["User-Agent"] = nil
	}
	return r, nil
}

// addHeader applies one header item: "Name:" removes a default, "Name;" sends an empty value, "Host" sets
// the request's host.
func (r *Request) addHeader(kind itemKind, name, value string, removed map[string]bool) {
	name = textproto.CanonicalMIMEHeaderKey(name)
	switch {
	case kind == itemHeader && value == "":
		removed[name] = true
		r.Header.Del(name)
	case name == "Host":
		r.Host = value
	default:
		delete(removed, name)
		r.Header.Add(name, value)
	}
}

// bodyBuilder collects the body-making items and flags and decides on one body.
type bodyBuilder struct {
	spec   Spec
	fields []item // =, =@, :=, :=@
	files  []item // field@path uploads and -F name=@file
	bodyIt *item  // @path
}

func (b *bodyBuilder) add(it item) error {
	switch it.Kind {
	case itemBodyFile:
		if b.bodyIt != nil {
			return usageErrorf(it.Raw, "only one @file body can be given")
		}
		b.bodyIt = &it
	case itemUpload:
		b.files = append(b.files, it)
	default:
		b.fields = append(b.fields, it)
	}
	return nil
}

func (b *bodyBuilder) build() (body *Body, contentType, accept string, err error) {
	s := b.spec
	for _, f := range s.FormParts {
		name, value, ok := strings.Cut(f, "=")
		if !ok || name == "" {
			return nil, "", "", usageErrorf(f, "-F expects name=value or name=@file")
		}
		it := item{Kind: itemField, Key: name, Value: value, Raw: f, escKey: name}
		if path, isFile := strings.CutPrefix(value, "@"); isFile {
			it.Kind, it.Value = itemUpload, path
			b.files = append(b.files, it)
		} else {
			b.fields = append(b.fields, it)
		}
	}
	kinds := 0
	for _, present := range []bool{b.bodyIt != nil, len(s.Data) > 0, len(s.JSONData) > 0, len(b.fields)+len(b.files) > 0} {
		if present {
			kinds++
		}
	}
	if kinds > 1 {
		return nil, "", "", usageErrorf("", "more than one body given: use one of @file, -d, --json, or data fields")
	}
	switch {
	case b.bodyIt != nil:
		// As in HTTPie: a file's type comes from its name; stdin is taken for JSON (a form with -f).
		body, err := b.fileBody(b.bodyIt.Value, b.bodyIt.Raw)
		ct := mime.TypeByExtension(filepath.Ext(b.bodyIt.Value))
		if b.bodyIt.Value == "-" {
			ct = b.stdinType()
		}
		return body, ct, "", err
	case len(s.Data) > 0:
		var parts [][]byte
		for _, d := range s.Data {
			p, err := b.readValue(d, "-d")
			if err != nil {
				return nil, "", "", err
			}
			parts = append(parts, p)
		}
		return memBody(bytes.Join(parts, []byte("&"))), "application/x-www-form-urlencoded", "", nil
	case len(s.JSONData) > 0:
		var buf bytes.Buffer
		for _, d := range s.JSONData {
			p, err := b.readValue(d, "--json")
			if err != nil {
				return nil, "", "", err
			}
			buf.Write(p)
		}
		return memBody(buf.Bytes()), contentJSON, "application/json", nil
	case len(b.files) > 0 || (s.Multipart && len(b.fields) > 0):
		body, ct, err := b.multipartBody()
		return body, ct, "", err
	case len(b.fields) > 0 && s.Form:
		body, err := b.formBody()
		return body, contentForm, "", err
	case len(b.fields) > 0:
		body, err := b.jsonBody()
		return body, contentJSON, acceptJSON, err
	case s.Stdin != nil && s.StdinBody:
		return stdinBody(s.Stdin), b.stdinType(), "", nil
	}
	return nil, "", "", nil
}

func (b *bodyBuilder) stdinType() string {
	if b.spec.Form {
		return contentForm
	}
	return contentJSON
}

func memBody(p []byte) *Body {
	if p == nil {
		p = []byte{}
	}
	return &Body{data: p, Length: int64(len(p))}
}

// readValue reads a curl-style value: "@file" from a file, "@-" from stdin, anything else as is.
func (b *bodyBuilder) readValue(v, flag string) ([]byte, error) {
	path, isFile := strings.CutPrefix(v, "@")
	if !isFile {
		return []byte(v), nil
	}
	return b.readFile(path, flag+" "+v)
}

func (b *bodyBuilder) readFile(path, arg string) ([]byte, error) {
	if path == "-" {
		if b.spec.Stdin == nil {
			return nil, usageErrorf(arg, "standard input is a terminal or already used")
		}
		p, err := io.ReadAll(b.spec.Stdin)
		if err != nil {
			return nil, &UsageError{Arg: arg, Err: fmt.Errorf("reading standard input: %w", err)}
		}
		return p, nil
	}
	p, err := os.ReadFile(path)
	if err != nil {
		return nil, &UsageError{Arg: arg, Err: argfile.Reason(err)}
	}
	return p, nil
}

func (b *bodyBuilder) fileBody(path, arg string) (*Body, error) {
	if path == "-" {
		if b.spec.Stdin == nil {
			return nil, usageErrorf(arg, "standard input is a terminal or already used")
		}
		return stdinBody(b.spec.Stdin), nil
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
	f.Close()
	return &Body{
		Kind:   BodyFile,
		Path:   path,
		Length: st.Size(),
		open:   func() (io.ReadCloser, error) { return os.Open(path) },
	}, nil
}

// stdinBody sends standard input once; a second send (a 307 redirect) fails clearly.
func stdinBody(r io.Reader) *Body {
	used := false
	return &Body{Kind: BodyStdin, Length: -1, open: func() (io.ReadCloser, error) {
		if used {
			return nil, errors.New("the body was read from standard input and cannot be sent again")
		}
		used = true
		return io.NopCloser(r), nil
	}}
}

// fieldValue returns a field's value as a JSON node: a string, or raw JSON for := items.
func (b *bodyBuilder) fieldValue(it item) (any, error) {
	switch it.Kind {
	case itemField:
		return it.Value, nil
	case itemFieldFile:
		p, err := b.readFile(it.Value, it.Raw)
		if err != nil {
			return nil, err
		}
		return string(p), nil
	case itemJSON, itemJSONFile:
		raw := []byte(it.Value)
		if it.Kind == itemJSONFile {
			p, err := b.readFile(it.Value, it.Raw)
			if err != nil {
				return nil, err
			}
			raw = p
		}
		if !json.Valid(raw) {
			var v any
			err := json.Unmarshal(raw, &v)
			return nil, usageErrorf(it.Raw, "not valid JSON: %v", err)
		}
		return json.RawMessage(raw), nil
	}
	return nil, usageErrorf(it.Raw, "internal: not a field")
}

func (b *bodyBuilder) jsonBody() (*Body, error) {
	var root any
	for _, it := range b.fields {
		v, err := b.fieldValue(it)
		if err != nil {
			return nil, err
		}
		path, err := parseFieldPath(it.escKey)
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

func (b *bodyBuilder) formBody() (*Body, error) {
	var parts []string
	for _, it := range b.fields {
		if it.Kind == itemJSON || it.Kind == itemJSONFile {
			return nil, usageErrorf(it.Raw, "raw JSON fields (:=) cannot be sent as a form")
		}
		v, err := b.fieldValue(it)
		if err != nil {
			return nil, err
		}
		parts = append(parts, url.QueryEscape(it.Key)+"="+url.QueryEscape(v.(string)))
	}
	return memBody([]byte(strings.Join(parts, "&"))), nil
}

// multipartBody lays out a multipart/form-data body whose file parts are read from disk only while it is
// sent, so its length is known up front and it can be sent again.
func (b *bodyBuilder) multipartBody() (*Body, string, error) {
	var parts []Part
	for _, it := range b.fields {
		if it.Kind == itemJSON || it.Kind == itemJSONFile {
			return nil, "", usageErrorf(it.Raw, "raw JSON fields (:=) cannot be sent in a multipart form")
		}
		v, err := b.fieldValue(it)
		if err != nil {
			return nil, "", err
		}
		parts = append(parts, Part{Name: it.Key, Value: v.(string)})
	}
	for _, it := range b.files {
		path, ctype, _ := strings.Cut(it.Value, ";type=")
		st, err := os.Stat(path)
		if err != nil {
			return nil, "", &UsageError{Arg: it.Raw, Err: argfile.Reason(err)}
		}
		if st.IsDir() {
			return nil, "", usageErrorf(it.Raw, "is a directory")
		}
		if f, err := os.Open(path); err != nil {
			return nil, "", &UsageError{Arg: it.Raw, Err: argfile.Reason(err)}
		} else {
			f.Close()
		}
		if ctype == "" {
			ctype = mime.TypeByExtension(filepath.Ext(path))
		}
		if ctype == "" {
			ctype = "application/octet-stream"
		}
		parts = append(parts, Part{Name: it.Key, File: path, Filename: filepath.Base(path), ContentType: ctype, Size: st.Size()})
	}
	return layoutMultipart(parts)
}

// layoutMultipart writes the parts' headers and text once; file contents are read each time the body is
// opened.
func layoutMultipart(parts []Part) (*Body, string, error) {
	type segment struct {
		data []byte
		path string
	}
	var segs []segment
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	var total int64
	hasFiles := false
	for _, p := range parts {
		if p.File == "" {
			if err := mw.WriteField(p.Name, p.Value); err != nil {
				return nil, "", err
			}
			continue
		}
		hasFiles = true
		h := textproto.MIMEHeader{}
		h.Set("Content-Disposition", fmt.Sprintf(`form-data; name="%s"; filename="%s"`,
			quoteEscaper.Replace(p.Name), quoteEscaper.Replace(p.Filename)))
		h.Set("Content-Type", p.ContentType)
		if _, err := mw.CreatePart(h); err != nil {
			return nil, "", err
		}
		segs = append(segs, segment{data: bytes.Clone(buf.Bytes())}, segment{path: p.File})
		total += int64(buf.Len()) + p.Size
		buf.Reset()
	}
	if err := mw.Close(); err != nil {
		return nil, "", err
	}
	segs = append(segs, segment{data: bytes.Clone(buf.Bytes())})
	total += int64(buf.Len())
	if !hasFiles {
		return &Body{Kind: BodyMultipart, Parts: parts, Length: total, data: segs[0].data}, mw.FormDataContentType(), nil
	}
	open := func() (io.ReadCloser, error) {
		var readers []io.Reader
		var files []*os.File
		for _, s := range segs {
			if s.path == "" {
				readers = append(readers, bytes.NewReader(s.data))
				continue
			}
			f, err := os.Open(s.path)
			if err != nil {
				for _, o := range files {
					o.Close()
				}
				return nil, fmt.Errorf("opening %s: %w", s.path, err)
			}
			files = append(files, f)
			readers = append(readers, f)
		}
		return &multiCloser{Reader: io.MultiReader(readers...), files: files}, nil
	}
	return &Body{Kind: BodyMultipart, Parts: parts, Length: total, open: open}, mw.FormDataContentType(), nil
}

var quoteEscaper = strings.NewReplacer("\\", "\\\\", `"`, "\\\"", "\r", "%0D", "\n", "%0A")

type multiCloser struct {
	io.Reader
	files []*os.File
}

func (m *multiCloser) Close() error {
	for _, f := range m.files {
		f.Close()
	}
	return nil
}
