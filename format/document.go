package format

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"time"
	"unicode/utf8"

	"github.com/hop-cli/hop/tlsinfo"
	"github.com/hop-cli/hop/trace"
)

// schemaVersion is the version of the --format json document. It changes only when a field changes meaning
// or disappears; new fields may be added within a version.
const schemaVersion = 1

// Document is the whole exchange as one JSON document (--format json).
type Document struct {
	SchemaVersion int                 `json:"schema_version"`
	Request       *DocRequest         `json:"request"`
	Response      *DocResponse        `json:"response"`
	Hops          []DocHop            `json:"hops"`
	TimingsMS     *DocTimings         `json:"timings_ms"`
	TLS           *tlsinfo.Connection `json:"tls"`
	Checks        []DocCheck          `json:"checks,omitempty"` // the checks asked for, each with its result
	Error         *DocError           `json:"error"`
	ExitCode      int                 `json:"exit_code"`
}

// DocRequest is the request as first sent, credentials redacted.
type DocRequest struct {
	Method  string              `json:"method"`
	URL     string              `json:"url"`
	Headers map[string][]string `json:"headers"`
}

// DocResponse is the final response.
type DocResponse struct {
	Proto         string              `json:"proto"`
	Status        int                 `json:"status"`
	Reason        string              `json:"reason"`
	Headers       map[string][]string `json:"headers"`
	Body          any                 `json:"body"`
	BodyEncoding  string              `json:"body_encoding"` // json, text or base64
	BodyBytes     int64               `json:"body_bytes"`
	BodyTruncated bool                `json:"body_truncated"` // more than the cap arrived; body holds the start
	// Trailers are the fields sent after the body (a chunked HTTP/1.1 body's trailer, the end of an HTTP/2
	// or HTTP/3 stream: gRPC's grpc-status); left out when none came.
	Trailers map[string][]string `json:"trailers,omitempty"`
}

// DocHop is one request sent: a redirect hop or the final one.
type DocHop struct {
	Method     string            `json:"method"`
	URL        string            `json:"url"`
	Status     int               `json:"status"`
	Proto      string            `json:"proto"`
	RemoteAddr string            `json:"remote_addr"`
	Proxy      string            `json:"proxy,omitempty"`
	Route      string            `json:"route"` // direct, resolve, connect-to, unix, or the proxy URL
	Reused     bool              `json:"reused"`
	Informs    []int             `json:"informational,omitempty"` // 1xx responses before the final one
	Attempt    int               `json:"attempt"`                 // which attempt at this request, from 1
	WaitMS     float64           `json:"wait_ms"`                 // the wait for a retry before this attempt
	WaitReason string            `json:"wait_reason,omitempty"`   // backoff or retry-after
	Error      string            `json:"error,omitempty"`         // why this hop failed, when it did
	TimingsMS  DocTimings        `json:"timings_ms"`
	Skipped    map[string]string `json:"skipped"` // phase → why it did not happen
	// Unfinished: phase → how long it had run when the hop failed (a server that never answered).
	Unfinished map[string]float64  `json:"unfinished_ms,omitempty"`
	TLS        *tlsinfo.Connection `json:"tls"`
}

// DocTimings are phase durations in milliseconds; null for a phase that did not happen.
type DocTimings struct {
	DNS      *float64 `json:"dns"`
	Connect  *float64 `json:"connect"`
	Proxy    *float64 `json:"proxy"` // the CONNECT through a proxy; null without one
	TLS      *float64 `json:"tls"`
	QUIC     *float64 `json:"quic"` // HTTP/3's handshake, in place of connect and tls; null otherwise
	Send     *float64 `json:"send"`
	Server   *float64 `json:"server"`
	Transfer *float64 `json:"transfer"`
	Total    float64  `json:"total"`
}

// DocCheck is one check the user asked for and how it came out.
type DocCheck struct {
	Check    string `json:"check"`
	Expected string `json:"expected"`
	Actual   string `json:"actual"`
	OK       bool   `json:"ok"`
}

// DocError says what went wrong.
type DocError struct {
	Class   string `json:"class"`
	Message string `json:"message"`
	Phase   string `json:"phase"`
}

func ms(d time.Duration) float64 {
	return float64(d.Microseconds()) / 1000
}

// docTimings converts derived timings to the document's form: the durations, why each skipped phase was,
// and how long a phase under way at a failure had run (nil when none was).
func docTimings(t trace.Timings) (out DocTimings, skipped map[string]string, unfinished map[string]float64) {
	skipped = map[string]string{}
	fields := map[string]**float64{
		trace.DNS: &out.DNS, trace.Connect: &out.Connect, trace.Proxy: &out.Proxy, trace.TLS: &out.TLS, trace.QUIC: &out.QUIC,
		trace.Send: &out.Send, trace.Server: &out.Server, trace.Transfer: &out.Transfer,
	}
	for _, p := range t.Phases {
		if p.Unfinished > 0 {
			if unfinished == nil {
				unfinished = map[string]float64{}
			}
			unfinished[p.Name] = ms(p.Unfinished)
		}
		if p.Skipped {
			skipped[p.Name] = p.Reason
			continue
		}
		v := ms(p.Duration)
		*fields[p.Name] = &v
	}
	out.Total = ms(t.Total)
	return out, skipped, unfinished
}

// DocHops describes every hop; verified says whether certificates were verified (false under -k).
func DocHops(hops []Hop, verified bool, now time.Time, sec Secrets) []DocHop {
	out := make([]DocHop, 0, len(hops))
	for _, hop := range hops {
		h := hop.Record
		t, skipped, unfinished := docTimings(h.Timings())
		dh := DocHop{Method: h.Method, URL: sec.URL(h.URL), Status: h.Status, Proto: Proto(h.Proto), RemoteAddr: h.RemoteAddr,
			Proxy: h.Proxy, Route: h.RouteName(), Reused: h.Reused, Informs: informCodes(h.Informs), TimingsMS: t, Skipped: skipped,
			Unfinished: unfinished, Attempt: max(hop.Attempt, 1), WaitMS: ms(hop.Waited), Error: hop.Err}
		if hop.Attempt > 1 {
			dh.WaitReason = "backoff"
			if hop.RetryAfter {
				dh.WaitReason = "retry-after"
			}
		}
		if h.TLS != nil {
			c := DescribeTLS(h, verified, now)
			dh.TLS = &c
		}
		out = append(out, dh)
	}
	return out
}

// informCodes are the codes of a hop's 1xx responses, for the document; nil when there were none.
func informCodes(informs []trace.Inform) []int {
	var codes []int
	for _, in := range informs {
		codes = append(codes, in.Code)
	}
	return codes
}

// docBody puts a captured body in the document: the JSON value itself when the Content-Type says JSON and
// the bytes are valid JSON (after a byte order mark, if any), a string when they are UTF-8 text, base64
// otherwise.
func docBody(data []byte, contentType string) (*bodyValue, string) {
	if rest, ok := bytes.CutPrefix(data, utf8BOM); ok && bodyKind(rest, contentType, true) == "json" {
		return newBodyValue(rest, "json"), "json" // the byte order mark RFC 8259 lets a reader ignore
	}
	kind := bodyKind(data, contentType, true)
	return newBodyValue(data, kind), kind
}

// bodyKind says how a captured body goes into JSON: json (the value itself, when asked for, labelled JSON
// and valid UTF-8 JSON), text (a string, for UTF-8 text), or base64.
func bodyKind(data []byte, contentType string, asJSON bool) string {
	switch {
	case len(data) == 0:
		return "text"
	case asJSON && isJSON(contentType) && utf8.Valid(data) && json.Valid(data): // a document is UTF-8 JSON, always
		return "json"
	case utf8.Valid(data) && !looksBinary(data[:min(len(data), 1024)], contentType):
		return "text"
	}
	return "base64"
}

// SentHeaders are the headers of the hop's request as it went out, for a document: those of h.Request with
// the framing net/http adds and, over HTTP/1.x, Host (as the HAR has them), credentials masked unless sec.Show.
func SentHeaders(h Hop, sec Secrets) map[string][]string {
	sent, _ := h.sentHead()
	out := HeaderMap(sent.Header, sec)
	if sent.Header.Get("Host") == "" && sent.Host != "" {
		out["Host"] = []string{sent.Host}
	}
	return out
}

// HeaderMap copies headers for a document, credentials masked unless sec.Show.
func HeaderMap(h http.Header, sec Secrets) map[string][]string {
	out := map[string][]string{}
	for k, v := range sec.Header(h) {
		out[k] = append([]string(nil), v...)
	}
	return out
}

// WriteDocument writes the document as indented JSON, without HTML escaping.
func WriteDocument(w io.Writer, d *Document) error {
	d.SchemaVersion = schemaVersion
	if d.Hops == nil {
		d.Hops = []DocHop{}
	}
	if n := len(d.Hops); n > 0 && d.TimingsMS == nil {
		t := d.Hops[n-1].TimingsMS
		d.TimingsMS = &t
	}
	var body *bodyValue
	if d.Response != nil {
		body, _ = d.Response.Body.(*bodyValue)
	}
	return writeJSON(w, d, body)
}

// NewDocResponse describes the final response.
func NewDocResponse(resp *http.Response, body []byte, bodyBytes int64, truncated bool, sec Secrets) *DocResponse {
	v, enc := docBody(body, resp.Header.Get("Content-Type"))
	return &DocResponse{
		Proto: Proto(resp.Proto), Status: resp.StatusCode, Reason: Reason(resp.StatusCode, resp.Status),
		Headers: HeaderMap(resp.Header, sec), Body: v, BodyEncoding: enc, BodyBytes: bodyBytes, BodyTruncated: truncated,
	}
}

// CertDocument is `hop cert --format json`.
type CertDocument struct {
	SchemaVersion int                   `json:"schema_version"`
	Target        string                `json:"target"`
	StartTLS      string                `json:"starttls,omitempty"` // the protocol spoken before the handshake
	RemoteAddr    string                `json:"remote_addr,omitempty"`
	TLS           *tlsinfo.Connection   `json:"tls"` // null for a file
	Chain         []tlsinfo.Certificate `json:"chain"`
	ChainNotes    []string              `json:"chain_notes,omitempty"` // what is amiss in the chain's order and content
	Checks        []tlsinfo.Check       `json:"checks"`
	Verdict       *tlsinfo.Verdict      `json:"verdict"`
	Expiring      []string              `json:"expiring,omitempty"` // subjects expiring within --expires-within
	Error         *DocError             `json:"error"`
	ExitCode      int                   `json:"exit_code"`
}

// WriteCertDocument writes the document as indented JSON.
func WriteCertDocument(w io.Writer, d *CertDocument) error {
	d.complete()
	return writeJSON(w, d)
}

// WriteCertDocuments writes the documents of several targets as one indented JSON array.
func WriteCertDocuments(w io.Writer, ds []*CertDocument) error {
	for _, d := range ds {
		d.complete()
	}
	return writeJSON(w, ds)
}

// complete fills what every document has: the schema version, empty lists rather than null.
func (d *CertDocument) complete() {
	d.SchemaVersion = schemaVersion
	if d.Chain == nil {
		d.Chain = []tlsinfo.Certificate{}
	}
	if d.Checks == nil {
		d.Checks = []tlsinfo.Check{}
	}
}
