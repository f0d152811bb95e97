package format

import (
	"net/http"
	"strings"
	"time"

	"github.com/hop-cli/hop/trace"
)

// Hop is one request sent, as the renderers see it: the request as it went out, the response (nil when the
// hop failed) and its trace. The waterfall, the document and the HAR are all drawn from one list of them.
type Hop struct {
	Request    *http.Request
	Response   *http.Response
	Record     trace.Record
	Err        string        // why the hop failed, when it did
	Attempt    int           // which attempt at this request, from 1 (0 is read as 1)
	Waited     time.Duration // the wait for a retry before it
	RetryAfter bool          // that wait was the server's Retry-After
}

// sentHead is the head of the hop's request as sent, and its protocol (HTTP/1.1 when none was recorded): the
// framing net/http adds (Content-Length, or Transfer-Encoding) and, over HTTP/1.x, the Host; HTTP/2 and
// HTTP/3 name the host in :authority instead, so Host is "" there.
func (h Hop) sentHead() (Request, string) {
	proto := Proto(h.Record.Proto)
	if proto == "" {
		proto = "HTTP/1.1"
	}
	sent := SentRequest(h.Request, proto)
	if !strings.HasPrefix(proto, "HTTP/1") {
		sent.Host = ""
	}
	return sent, proto
}

func records(hops []Hop) []trace.Record {
	out := make([]trace.Record, len(hops))
	for i, h := range hops {
		out[i] = h.Record
	}
	return out
}
