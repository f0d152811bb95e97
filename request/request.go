// Package request turns what the user typed (a Spec: method, URL, HTTPie request items, curl-style body
// flags, credentials already resolved) into a Request: method, URL, headers and a body whose source is typed,
// so that it can be shown, sent again on a redirect, and exported. Nothing here touches the network.
package request

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
)

// Spec is a request in plain values, as the user described it.
type Spec struct {
	Method string
	URL    string
	Items  []string // HTTPie request items
	// PathAsIs sends the URL's "." and ".." path segments as typed (curl's and HTTPie's --path-as-is);
	// otherwise they are resolved, /a/../b becoming /b.
	PathAsIs bool
	// RequestTarget, when set (curl's --request-target), is sent in the request line instead of the URL's
	// path and query: "*" for OPTIONS *, or a path sent exactly as typed.
	RequestTarget string
	// Compress is HTTPie's --compress, counted: 1 deflates the body when that makes it smaller, 2 always.
	Compress int
	// Chunked sends the body with Transfer-Encoding: chunked over HTTP/1.1 (HTTPie's --chunked), as it
	// arrives, rather than with its Content-Length; HTTP/2 and HTTP/3 frame it anyway.
	Chunked bool
	// Expect100 announces a body with Expect: 100-continue where curl does (--expect100-timeout; hop curl
	// always): a -T upload that is not empty, and any other body over 1 MiB or of unknown length. The server
	// can then refuse it (401, 413) before it is sent.
	Expect100 bool
	// DefaultScheme, when set (HTTPie's --default-scheme: http or https), is the scheme of a URL typed
	// without one; otherwise loopback hosts and ":PORT" get http and every other host https.
	DefaultScheme string
	// RawQuery sends the query's bytes as typed, UTF-8 and all, as curl does (hop curl). Otherwise the bytes
	// a request line cannot carry (non-ASCII, controls, '"', '<', '>') go percent-encoded, as HTTPie, xh and
	// browsers send them.
	RawQuery bool

	Headers   []string // curl -H "Name: value"
	Data      []Data   // curl -d, --data-raw, --data-binary, --data-urlencode, --json, in the order typed
	FormParts []string // curl -F name=value, name=@file, name=<file, with ;type= and ;filename=
	Form      bool     // -f: fields are form fields, not JSON
	Multipart bool     // --multipart: force multipart/form-data
	Boundary  string   // HTTPie's --boundary: a multipart body's boundary ("" for a random one)
	// JSONItems is HTTPie's -j (its --json switch): Accept says JSON, and so does Content-Type, with no
	// data fields too, unless the body has a type of its own (a file's).
	JSONItems bool
	// FormEscape is curl's --form-escape: a part's name and file name escape '"' and '\' with a backslash,
	// not '"' as %22 (curl's and browsers' way otherwise).
	FormEscape bool
	Raw        *string  // HTTPie's --raw: the body as typed, typed as standard input's would be
	Get        bool     // curl -G: the data goes into the query
	URLQuery   []string // curl --url-query
	Upload     string   // curl -T FILE: the body, sent with PUT
	Referer    string   // curl -e
	// ContentRange is hop curl's -r RANGE for a request with a body: sent as Content-Range: bytes
	// RANGE/SIZE, as curl sends it with a POST or PUT (its size -1 when unknown); a header typed wins.
	ContentRange string
	Cookie       string // curl -b NAME=VALUE: sent as given, after any Cookie header, never stored

	// SessionHeaders are headers kept from elsewhere (a session's earlier runs, the request hop replay
	// reads from a HAR file): each is sent unless the command line gives (or removes) one of the same name.
	SessionHeaders http.Header

	User, Password string // basic auth; both empty means none
	Bearer         string
	Challenged     bool // credentials answer the server's challenge (digest): none go at once, the URL's neither

	// Stdin is standard input when it may be read (it is not a terminal); nil means never. Items "@-"
	// read it; with StdinBody it is also the body when no other body is given.
	Stdin     io.Reader
	StdinBody bool
	// Resend says the body will be sent more than once (retries, --repeat): standard input is then held in
	// memory whole, and refused when it is longer than hop holds.
	Resend bool

	UserAgent string // curl -A, or hop's own
}

// DataKind says how one curl data argument is read.
type DataKind int

// The curl data flags.
const (
	DataASCII     DataKind = iota // -d/--data: @FILE is read with CR and LF removed
	DataRaw                       // --data-raw: @ is not special
	DataBinary                    // --data-binary: @FILE is read as it is
	DataURLEncode                 // --data-urlencode: content, =content, name=content, @file, name@file
	DataJSON                      // --json: as --data-binary, and the request is JSON
)

// Data is one curl data argument.
type Data struct {
	Kind  DataKind
	Value string
}

// Request is a built request: everything needed to send it, and to send it again on a redirect.
type Request struct {
	Method string
	URL    *url.URL
	Header http.Header
	Host   string // a Host header the user set, sent instead of the URL's host
	Body   *Body  // nil when there is none
	// Given are the headers typed on the command line (items and -H), as sent, for a session to keep.
	Given http.Header
	// Removed are the headers typed away ("Name:" items, -H 'Name:'), canonical names, sorted.
	Removed []string
	// Chunked sends Body with Transfer-Encoding: chunked, whatever its length (Spec.Chunked).
	Chunked bool
	// Target is sent in the request line instead of the URL's path and query (Spec.RequestTarget); a
	// redirect drops it.
	Target string
}

// Typed reports whether the user typed header name (canonical): a value, or its removal ("Name:"). A
// default hop would add in its place (a download's Accept-Encoding: identity) then stays out.
func (r *Request) Typed(name string) bool {
	_, given := r.Given[name]
	return given || slices.Contains(r.Removed, name)
}

// BodyKind says where a request body comes from.
type BodyKind int

// The body sources.
const (
	BodyBytes     BodyKind = iota // held in memory: data fields, -d, --json
	BodyFile                      // a file (@path), opened each time it is sent
	BodyStdin                     // standard input, which can be sent once
	BodyMultipart                 // multipart/form-data parts; file parts are read while the body is sent
)

// Body is a request body and its source.
type Body struct {
	Kind   BodyKind
	Length int64  // -1 when unknown (sent chunked)
	Path   string // BodyFile: the file
	Parts  []Part // BodyMultipart: the parts, in order
	// NamesEscaped says the parts' names were written with backslash escapes (--form-escape).
	NamesEscaped bool
	// DispositionWord is the parts' Content-Disposition: form-data, or attachment (curl's -F parts under
	// a type typed other than multipart/form-data).
	DispositionWord string
	// Deflated says hop compressed the body (--compress): its bytes are not its source's, which Kind,
	// Path and Parts still describe.
	Deflated bool

	data    []byte                        // BodyBytes, and a multipart body without files
	open    func() (io.ReadCloser, error) // every other source
	changes *changes                      // what the files it reads met: one that changed size while sent
	keep    *kept                         // Keep's copy of what the last send of a streamed body read
}

// Part is one part of a multipart body: a text field, or a file.
type Part struct {
	Name        string
	Nameless    bool   // curl's -F with an empty name (=value): its Content-Disposition names none
	Value       string // a text part's value
	File        string // a file part's path
	Filename    string // the file name sent (a text part's too, with curl's -F name=value;filename=)
	ContentType string
	Headers     []string // more of the part's headers, "Name: value" (curl's -F ...;headers=)
	Size        int64    // a file part's size when the body was built; -1 when it is streamed

	field  *item         // a data item still to be turned into Value
	held   []byte        // a file part read while the body was built (a pipe, a device, /proc)
	stream io.ReadCloser // a file part too long to hold: what was read, then the rest, once
}

// Bytes returns the body when it is held in memory.
func (b *Body) Bytes() ([]byte, bool) { return b.data, b.open == nil }

// Open returns a fresh reader over the body.
func (b *Body) Open() (io.ReadCloser, error) {
	if b.open == nil {
		return io.NopCloser(bytes.NewReader(b.data)), nil
	}
	rc, err := b.open()
	if err != nil || b.keep == nil {
		return rc, err
	}
	return &keeper{ReadCloser: rc, k: b.keep, c: b.keep.start()}, nil
}

// Keep asks a streamed body (a file, standard input, a multipart form with files) to keep a copy of what
// each send reads, up to limit bytes, for Kept: a HAR can then hold it.
func (b *Body) Keep(limit int) {
	if b.open != nil {
		b.keep = &kept{limit: limit}
	}
}

// Kept returns what the last send of a streamed body read, when Keep asked for it and the body was read
// whole within the limit: to its end, or to its known length (the transport's read of the end may come
// after the response); nil otherwise.
func (b *Body) Kept() []byte {
	if b.keep == nil {
		return nil
	}
	b.keep.mu.Lock()
	defer b.keep.mu.Unlock()
	c := b.keep.last
	if c != nil && !c.over && (c.whole || b.Length >= 0 && int64(len(c.data)) == b.Length) {
		return c.data
	}
	return nil
}

// kept is Keep's copies, one per send. The transport may read a body in a goroutine of its own, and an
// earlier send's reader may still be read while a later one starts (a 307 over HTTP/2): each send has its
// own copy, and the copies are locked.
type kept struct {
	mu    sync.Mutex
	limit int
	last  *sendCopy // the latest send's
}

type sendCopy struct {
	data        []byte
	whole, over bool // the send read the body to its end; it read more than the limit
}

// start begins the copy of a new send, which becomes the last.
func (k *kept) start() *sendCopy {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.last = &sendCopy{}
	return k.last
}

// keeper copies what a send reads into its own copy.
type keeper struct {
	io.ReadCloser
	k *kept
	c *sendCopy
}

func (r *keeper) Read(p []byte) (int, error) {
	n, err := r.ReadCloser.Read(p)
	r.k.mu.Lock()
	if len(r.c.data)+n > r.k.limit {
		r.c.over, r.c.data = true, nil
	} else if !r.c.over {
		r.c.data = append(r.c.data, p[:n]...)
	}
	if err == io.EOF {
		r.c.whole = true
	}
	r.k.mu.Unlock()
	return n, err
}

// Changed returns the *ChangedError the body's last send met, if a file it reads changed size while it was
// sent; nil otherwise.
func (b *Body) Changed() error {
	if b.changes == nil {
		return nil
	}
	if err := b.changes.get(); err != nil {
		return err
	}
	return nil // not get()'s nil *ChangedError, which as an error would not be nil
}

// String says what the body is, for display when it is not in memory.
func (b *Body) String() string {
	switch b.Kind {
	case BodyFile:
		if b.Length < 0 {
			return "contents of " + b.Path + ", streamed"
		}
		return fmt.Sprintf("contents of %s, %d bytes", b.Path, b.Length)
	case BodyStdin:
		return "standard input"
	case BodyMultipart:
		var files []string
		for _, p := range b.Parts {
			switch {
			case p.File != "" && p.Size < 0:
				files = append(files, p.File+" (streamed)")
			case p.File != "":
				files = append(files, fmt.Sprintf("%s (%d bytes)", p.File, p.Size))
			}
		}
		return "multipart form with " + strings.Join(files, ", ")
	}
	return fmt.Sprintf("%d bytes", len(b.data))
}

// SetBasicAuth sets the Authorization header for Basic authentication (RFC 7617).
func (r *Request) SetBasicAuth(user, password string) {
	r.Header.Set("Authorization", BasicAuth(user, password))
}

// BasicAuth is the Authorization (or Proxy-Authorization) value of Basic authentication (RFC 7617).
func BasicAuth(user, password string) string {
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(user+":"+password))
}

// HTTPRequest makes an *http.Request for one send of r, bound to ctx.
func (r *Request) HTTPRequest(ctx context.Context) (*http.Request, error) {
	req, err := http.NewRequestWithContext(ctx, r.Method, r.URL.String(), nil)
	if err != nil {
		return nil, err
	}
	req.Header = r.Header.Clone()
	req.Host = r.Host
	if r.Target != "" {
		req.URL.Opaque, req.URL.RawQuery, req.URL.ForceQuery = r.Target, "", false
	}
	if r.Body != nil {
		if r.Body.changes != nil {
			r.Body.changes.set(nil) // a new send
		}
		rc, err := r.Body.Open()
		if err != nil {
			return nil, err
		}
		req.Body = rc
		req.ContentLength = r.Body.Length
		switch {
		case r.Chunked:
			req.ContentLength, req.TransferEncoding = -1, []string{"chunked"}
		case r.Body.Length == 0:
			rc.Close()
			req.Body = http.NoBody // an empty file: send Content-Length: 0, not a chunked nothing
		}
		req.GetBody = r.Body.Open
	}
	return req, nil
}
