package format

import (
	"time"

	"net/http"

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

func records(hops []Hop) []trace.Record {
	out := make([]trace.Record, len(hops))
	for i, h := range hops {
		out[i] = h.Record
	}
	return out
}
