package trace_test

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/hop-cli/hop/trace"
)

// BenchmarkRoundTrip compares loopback requests through the tracing transport with the bare transport:
// on a fresh connection each time (what one hop run does) and on a reused one (the tracer's worst case,
// where the request itself costs least). The budget is 2 %.
//
// Each iteration sends one request each way, in alternating order, and times them apart: run one after
// the other, as two benchmarks, whichever ran second measured up to 20% slower on a shared VM (traced or
// not), so a difference between them said more about the machine than the tracer. The metrics are the
// mean time of an untraced and of a traced request and the tracer's overhead in percent.
// tracing sends every request on a new hop, as hop's exchange does, and forgets it.
type tracing struct{ base http.RoundTripper }

func (t tracing) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, _, err := trace.RoundTrip(t.base, req)
	return resp, err
}

func BenchmarkRoundTrip(b *testing.B) {
	body := make([]byte, 400)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write(body)
	}))
	defer srv.Close()
	for _, conn := range []string{"fresh", "reused"} {
		base := func() *http.Transport {
			t := http.DefaultTransport.(*http.Transport).Clone()
			if conn == "fresh" {
				t.DisableKeepAlives = true
				// Closing with a reset leaves no socket in TIME_WAIT, which would crowd the port space.
				d := &net.Dialer{}
				t.DialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
					c, err := d.DialContext(ctx, network, addr)
					if tc, ok := c.(*net.TCPConn); ok {
						tc.SetLinger(0)
					}
					return c, err
				}
			}
			return t
		}
		b.Run("conn="+conn, func(b *testing.B) {
			bare := &http.Client{Transport: base()}
			traced := &http.Client{Transport: tracing{base()}}
			get := func(c *http.Client) time.Duration {
				start := time.Now()
				resp, err := c.Get(srv.URL)
				if err != nil {
					b.Fatal(err)
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				return time.Since(start)
			}
			var untracedTime, tracedTime time.Duration
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				if i%2 == 0 {
					untracedTime += get(bare)
					tracedTime += get(traced)
				} else {
					tracedTime += get(traced)
					untracedTime += get(bare)
				}
				i++
			}
			b.ReportMetric(float64(untracedTime.Nanoseconds())/float64(i), "untraced-ns/req")
			b.ReportMetric(float64(tracedTime.Nanoseconds())/float64(i), "traced-ns/req")
			b.ReportMetric(100*(float64(tracedTime)/float64(untracedTime)-1), "overhead-%")
		})
	}
}
