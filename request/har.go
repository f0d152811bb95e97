package request

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/textproto"
	"net/url"
	"strings"

	"github.com/hop-cli/hop/redact"
)

// HAREntry is one request of a HAR file (1.2: hop's --har, a browser's export), as hop replay sends it
// again: the method, the URL, the headers worth sending again, and the body.
type HAREntry struct {
	Method, URL string
	Headers     http.Header
	Body        *string // nil when there is none
	// Masked names the headers left out because the file holds them masked ("****", hop's --har without
	// --show-secrets): sending the mask would be wrong, the caller says what to give instead.
	Masked []string
}

// harReplayed leaves out what a HAR records but a new request gets of its own: HTTP/2 pseudo-headers (":"
// names), Host (the URL's), the body's framing, and the connection's own headers.
func harReplayed(name string) bool {
	switch textproto.CanonicalMIMEHeaderKey(name) {
	case "Host", "Content-Length", "Transfer-Encoding", "Connection", "Keep-Alive", "Proxy-Connection", "Upgrade", "Te", "Trailer":
		return false
	}
	return name != "" && !strings.HasPrefix(name, ":")
}

// harRequest is a HAR entry's request, as the file holds it.
type harRequest struct {
	Method  string `json:"method"`
	URL     string `json:"url"`
	Headers []struct {
		Name  string `json:"name"`
		Value string `json:"value"`
	} `json:"headers"`
	BodySize int64 `json:"bodySize"`
	PostData *struct {
		MimeType string  `json:"mimeType"`
		Text     *string `json:"text"`
		Params   []struct {
			Name     string `json:"name"`
			Value    string `json:"value"`
			FileName string `json:"fileName"`
		} `json:"params"`
	} `json:"postData"`
}

// readHAR reads the requests of a HAR file's entries, in order.
func readHAR(data []byte) ([]harRequest, error) {
	var f struct {
		Log struct {
			Entries []struct {
				Request harRequest `json:"request"`
			} `json:"entries"`
		} `json:"log"`
	}
	if err := json.Unmarshal(data, &f); err != nil {
		return nil, fmt.Errorf("not a HAR file: %v", err)
	}
	if len(f.Log.Entries) == 0 {
		return nil, errors.New("the HAR file holds no entries")
	}
	out := make([]harRequest, len(f.Log.Entries))
	for i, e := range f.Log.Entries {
		out[i] = e.Request
	}
	return out, nil
}

// ReadHAR reads entry n (from 1) of a HAR file; n 0 means the only one, and a file of several asks for one.
func ReadHAR(data []byte, n int) (HAREntry, int, error) {
	entries, err := readHAR(data)
	if err != nil {
		return HAREntry{}, 0, err
	}
	switch {
	case n == 0 && len(entries) > 1:
		return HAREntry{}, len(entries), fmt.Errorf("the HAR file holds %d entries: pick one with --entry N (1 is %s %s)",
			len(entries), entries[0].Method, entries[0].URL)
	case n == 0:
		n = 1
	case n < 0 || n > len(entries):
		return HAREntry{}, len(entries), fmt.Errorf("--entry %d: the HAR file holds %d entries", n, len(entries))
	}
	e, err := entries[n-1].entry(n)
	return e, len(entries), err
}

// ReadHARAll reads every entry of a HAR file, in order, for hop replay --all: each with its own error (an
// entry without a URL, a body the file does not hold) beside it.
func ReadHARAll(data []byte) ([]HAREntry, []error, error) {
	requests, err := readHAR(data)
	if err != nil {
		return nil, nil, err
	}
	entries, errs := make([]HAREntry, len(requests)), make([]error, len(requests))
	for i, r := range requests {
		entries[i], errs[i] = r.entry(i + 1)
	}
	return entries, errs, nil
}

// entry turns the request of entry n into what hop replay sends.
func (r harRequest) entry(n int) (HAREntry, error) {
	e := HAREntry{Method: r.Method, URL: r.URL, Headers: http.Header{}}
	if e.Method == "" || e.URL == "" {
		return HAREntry{}, fmt.Errorf("entry %d has no method or URL", n)
	}
	for _, h := range r.Headers {
		if !harReplayed(h.Name) {
			continue
		}
		if name := textproto.CanonicalMIMEHeaderKey(h.Name); (name == "Authorization" || name == "Proxy-Authorization" || name == "Cookie" || redact.KeyHeader(name)) && strings.Contains(h.Value, "****") {
			e.Masked = append(e.Masked, name)
			continue
		}
		// A name or value no request can carry (a hand-edited file) is refused, as -H's would be, rather
		// than left out in silence; the error names the header, never its value.
		if err := ValidateHeader(h.Name, h.Value); err != nil {
			return HAREntry{}, fmt.Errorf("entry %d: %v", n, err)
		}
		e.Headers.Add(h.Name, h.Value)
	}
	if r.PostData == nil && r.BodySize > 0 {
		// hop's --har holds a body up to 4 MiB of text; a browser's, when it could read it.
		return HAREntry{}, fmt.Errorf("entry %d sent a body of %d bytes that the HAR file does not hold", n, r.BodySize)
	}
	if p := r.PostData; p != nil {
		body := ""
		switch {
		case p.Text != nil:
			body = *p.Text
		case len(p.Params) > 0:
			var form []string // in the order recorded
			for _, param := range p.Params {
				if param.FileName != "" {
					return HAREntry{}, fmt.Errorf("entry %d uploads the file %q, which the HAR file does not hold", n, param.FileName)
				}
				form = append(form, url.QueryEscape(param.Name)+"="+url.QueryEscape(param.Value))
			}
			body = strings.Join(form, "&")
		}
		e.Body = &body
		if e.Headers.Get("Content-Type") == "" && p.MimeType != "" {
			e.Headers.Set("Content-Type", p.MimeType)
		}
	}
	return e, nil
}
