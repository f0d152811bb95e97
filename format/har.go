package format

import (
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/hop-cli/hop/download"
	"github.com/hop-cli/hop/trace"
)

// HARBodies are the bodies HAR holds beside the hops: the request's, when it was held in memory, and the
// final response's as captured.
type HARBodies struct {
	Request      []byte // nil when there was none or it was streamed
	RequestType  string
	Response     []byte // the final body as captured, decoded
	ResponseSize int64  // decoded bytes of the final body
}

type harFile struct {
	Log harLog `json:"log"`
}

type harLog struct {
	Version string     `json:"version"`
	Creator harCreator `json:"creator"`
	Pages   []any      `json:"pages"`
	Entries []harEntry `json:"entries"`
}

type harCreator struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

type harEntry struct {
	StartedDateTime string      `json:"startedDateTime"`
	Time            float64     `json:"time"`
	Request         harRequest  `json:"request"`
	Response        harResponse `json:"response"`
	Cache           struct{}    `json:"cache"`
	Timings         harTimings  `json:"timings"`
	ServerIPAddress string      `json:"serverIPAddress,omitempty"`
	Connection      string      `json:"connection,omitempty"`
	Comment         string      `json:"comment,omitempty"` // a retry: which attempt, after what wait; a failure: why
}

type harNV struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// harCookie is a cookie sent (name and value) or set (with the attributes HAR 1.2 names).
type harCookie struct {
	Name     string `json:"name"`
	Value    string `json:"value"`
	Path     string `json:"path,omitempty"`
	Domain   string `json:"domain,omitempty"`
	Expires  string `json:"expires,omitempty"`
	HTTPOnly bool   `json:"httpOnly,omitempty"`
	Secure   bool   `json:"secure,omitempty"`
}

// sentCookies are the cookies of a request's Cookie header, as a browser's HAR lists them (the header
// masked as sec says, so are they).
func sentCookies(h http.Header) []harCookie {
	out := []harCookie{}
	for _, v := range h.Values("Cookie") {
		for _, pair := range strings.Split(v, ";") {
			if name, value, ok := strings.Cut(strings.TrimSpace(pair), "="); ok && name != "" {
				out = append(out, harCookie{Name: name, Value: value})
			}
		}
	}
	return out
}

// setCookies are the cookies a response's Set-Cookie lines set, with their attributes: an Expires hop cannot
// read, and Max-Age, which a HAR has no field for, are left out.
func setCookies(h http.Header) []harCookie {
	out := []harCookie{}
	for _, line := range h.Values("Set-Cookie") {
		attrs := strings.Split(line, ";")
		name, value, ok := strings.Cut(strings.TrimSpace(attrs[0]), "=")
		if !ok || name == "" {
			continue
		}
		c := harCookie{Name: name, Value: value}
		for _, a := range attrs[1:] {
			k, v, _ := strings.Cut(a, "=")
			switch v = strings.TrimSpace(v); strings.ToLower(strings.TrimSpace(k)) {
			case "path":
				c.Path = v
			case "domain":
				c.Domain = v
			case "expires":
				if t, ok := download.ParseDate(v); ok { // as the jar reads it: curl's date forms too
					c.Expires = t.UTC().Format(time.RFC3339)
				}
			case "httponly":
				c.HTTPOnly = true
			case "secure":
				c.Secure = true
			}
		}
		out = append(out, c)
	}
	return out
}

type harRequest struct {
	Method      string       `json:"method"`
	URL         string       `json:"url"`
	HTTPVersion string       `json:"httpVersion"`
	Cookies     []harCookie  `json:"cookies"`
	Headers     []harNV      `json:"headers"`
	QueryString []harNV      `json:"queryString"`
	PostData    *harPostData `json:"postData,omitempty"`
	HeadersSize int          `json:"headersSize"`
	BodySize    int          `json:"bodySize"`
}

type harPostData struct {
	MimeType string `json:"mimeType"`
	Text     string `json:"text"`
}

type harResponse struct {
	Status      int         `json:"status"`
	StatusText  string      `json:"statusText"`
	HTTPVersion string      `json:"httpVersion"`
	Cookies     []harCookie `json:"cookies"`
	Headers     []harNV     `json:"headers"`
	Content     harContent  `json:"content"`
	RedirectURL string      `json:"redirectURL"`
	HeadersSize int         `json:"headersSize"`
	BodySize    int64       `json:"bodySize"`
}

type harContent struct {
	Size     int64      `json:"size"`
	MimeType string     `json:"mimeType"`
	Text     *bodyValue `json:"text,omitempty"` // always a string: text, or base64 with Encoding
	Encoding string     `json:"encoding,omitempty"`
}

// harTimings follows HAR 1.2: -1 for a phase that does not apply; connect includes ssl.
type harTimings struct {
	Blocked float64 `json:"blocked"`
	DNS     float64 `json:"dns"`
	Connect float64 `json:"connect"`
	SSL     float64 `json:"ssl"`
	Send    float64 `json:"send"`
	Wait    float64 `json:"wait"`
	Receive float64 `json:"receive"`
}

// nvs are a head's fields for a HAR: in the order received where order gives it (HTTP/1.x responses), else
// sorted by name; credentials masked as sec says.
func nvs(h http.Header, order []string, sec Secrets) []harNV {
	out := []harNV{}
	for _, f := range Fields(sec.Header(h), order) {
		out = append(out, harNV{Name: f[0], Value: f[1]})
	}
	return out
}

func phaseMS(t trace.Timings, name string, skipped float64) float64 {
	p := t.Get(name)
	if p.Skipped && p.Unfinished > 0 {
		return ms(p.Unfinished) // under way when the exchange failed: the time went there
	}
	if p.Skipped {
		return skipped
	}
	return ms(p.Duration)
}

// harTimingsOf maps hop's phases to HAR's: blocked (waiting for a connection slot), dns, connect (TCP and
// TLS, as HAR wants), ssl, send, wait (server), receive (transfer).
func harTimingsOf(rec trace.Record) harTimings {
	t := rec.Timings()
	ht := harTimings{
		Blocked: -1,
		DNS:     phaseMS(t, trace.DNS, -1),
		SSL:     phaseMS(t, trace.TLS, -1),
		Send:    phaseMS(t, trace.Send, 0),
		Wait:    phaseMS(t, trace.Server, 0),
		Receive: phaseMS(t, trace.Transfer, 0),
	}
	ht.Connect = phaseMS(t, trace.Connect, -1)
	if ht.Connect >= 0 {
		// HAR's connect covers everything up to a usable connection: TLS, and a proxy's CONNECT.
		ht.Connect += max(ht.SSL, 0) + max(phaseMS(t, trace.Proxy, 0), 0)
	}
	if q := phaseMS(t, trace.QUIC, -1); q >= 0 {
		// HTTP/3: the QUIC handshake is the connection and its TLS at once.
		ht.Connect, ht.SSL = q, q
	}
	e := rec.Events
	for _, first := range []time.Time{e.DNSStart, e.ConnectStart, e.GotConn} {
		if !first.IsZero() {
			ht.Blocked = ms(first.Sub(e.Start))
			break
		}
	}
	return ht
}

// sum is an entry's time as HAR 1.2 defines it: the sum of the timings given (not -1), ssl counted within
// connect. hop's total also holds the microseconds between phases, which would make the two disagree.
func (t harTimings) sum() float64 {
	total := 0.0
	for _, v := range []float64{t.Blocked, t.DNS, t.Connect, t.Send, t.Wait, t.Receive} {
		total += max(v, 0)
	}
	return math.Round(total*1000) / 1000
}

// HAR writes the exchange as a HAR 1.2 log with one entry per hop.
func HAR(w io.Writer, version string, hops []Hop, bodies HARBodies, sec Secrets) error {
	f := harFile{Log: harLog{Version: "1.2", Creator: harCreator{Name: "hop", Version: version}, Pages: []any{}, Entries: []harEntry{}}}
	var finalBody *bodyValue // streamed into the file when large
	for i, h := range hops {
		final := i == len(hops)-1
		rec := h.Record
		timings := harTimingsOf(rec)
		e := harEntry{
			StartedDateTime: rec.Events.Start.UTC().Format(time.RFC3339Nano),
			Time:            timings.sum(),
			Timings:         timings,
		}
		var comment []string
		if h.Attempt > 1 {
			comment = append(comment, fmt.Sprintf("attempt %d after %s", h.Attempt, waitWords(h.Waited, h.RetryAfter)))
		}
		if h.Err != "" {
			comment = append(comment, "failed: "+h.Err)
		}
		e.Comment = strings.Join(comment, "; ")
		if host, _, err := net.SplitHostPort(rec.RemoteAddr); err == nil {
			e.ServerIPAddress = host
			_, port, _ := net.SplitHostPort(rec.LocalAddr)
			e.Connection = port
		}
		var reqBody []byte
		bodySize := 0
		if h.Request.Body != nil {
			// A body hop held is written out; one it streamed (a file, standard input) only counted, as sent.
			reqBody, bodySize = bodies.Request, int(rec.BodySent)
			if reqBody != nil {
				bodySize = len(reqBody)
			}
		}
		// The head as sent, as a browser's HAR has it, Host first.
		sent, proto := h.sentHead()
		headers := nvs(sent.Header, nil, sec)
		if sent.Header.Get("Host") == "" && sent.Host != "" {
			headers = append([]harNV{{Name: "Host", Value: sent.Host}}, headers...)
		}
		e.Request = harRequest{Method: rec.Method, URL: sec.URL(rec.URL), HTTPVersion: proto, Cookies: sentCookies(sec.Header(sent.Header)),
			Headers: headers, QueryString: []harNV{}, HeadersSize: -1, BodySize: bodySize}
		if u, err := url.Parse(rec.URL); err == nil {
			for k, vs := range u.Query() {
				for _, v := range vs {
					e.Request.QueryString = append(e.Request.QueryString, harNV{Name: k, Value: v})
				}
			}
			sort.Slice(e.Request.QueryString, func(i, j int) bool { return e.Request.QueryString[i].Name < e.Request.QueryString[j].Name })
		}
		if reqBody != nil {
			e.Request.PostData = &harPostData{MimeType: bodies.RequestType, Text: string(reqBody)}
		}
		e.Response = harResponse{Status: 0, HTTPVersion: proto, Cookies: []harCookie{}, Headers: []harNV{}, HeadersSize: -1, BodySize: -1}
		if r := h.Response; r != nil {
			e.Response.Status = r.StatusCode
			e.Response.Cookies = setCookies(sec.Header(r.Header))
			if len(rec.Head) > 0 {
				e.Response.HeadersSize = len(rec.Head) // HTTP/1.x's, its blank line included; -1 else
			}
			e.Response.StatusText = Reason(r.StatusCode, r.Status)
			e.Response.Headers = nvs(r.Header, rec.HeadOrder, sec)
			e.Response.RedirectURL = sec.URL(r.Header.Get("Location"))
			// HAR's bodySize is what came over the wire, content.size the body once decoded.
			e.Response.BodySize = -1
			if rec.BodyComplete {
				e.Response.BodySize = rec.BodyBytes
			}
			var body []byte
			size := int64(0)
			switch {
			case final:
				body, size = bodies.Response, bodies.ResponseSize
			case r.Header.Get("Content-Encoding") == "":
				size = max(e.Response.BodySize, 0)
			}
			e.Response.Content = harContent{Size: size, MimeType: r.Header.Get("Content-Type")}
			if len(body) > 0 {
				kind := bodyKind(body, r.Header.Get("Content-Type"), false)
				finalBody = newBodyValue(body, kind)
				e.Response.Content.Text = finalBody
				if kind == "base64" {
					e.Response.Content.Encoding = "base64"
				}
			}
		}
		f.Log.Entries = append(f.Log.Entries, e)
	}
	return writeJSON(w, f, finalBody)
}
