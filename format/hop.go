package format

import (
	"net/http"

	"github.com/hop-cli/hop/trace"
)

// Hop is one request sent, as the renderers see it: the request as it went out, the response (nil when the
// hop failed) and its trace. The waterfall, the document and the HAR are all drawn from one list of them.
type Hop struct {
	Request  *http.Request
	Response *http.Response
	Record   trace.Record
}

func records(hops []Hop) []trace.Record {
	out := make([]trace.Record, len(hops))
	for i, h := range hops {
		out[i] = h.Record
	}
	return out
}
