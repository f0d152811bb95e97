package trace_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/hop-cli/hop/trace"
)

// BenchmarkRoundTrip compares loopback requests through the tracing transport with the bare transport:
// on a fresh connection each time (what one hop run does) and on a reused one (the tracer's worst case,
// where the request itself costs least). The budget is 2 %; compare the pairs with benchstat.
func BenchmarkRoundTrip(b *testing.B) {
	body := make([]byte, 400)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write(body)
	}))
	defer srv.Close()
	run := func(b *testing.B, rt http.RoundTripper, after func()) {
		c := &http.Client{Transport: rt}
		b.ReportAllocs()
		for b.Loop() {
			resp, err := c.Get(srv.URL)
			if err != nil {
				b.Fatal(err)
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			after()
		}
	}
	for _, conn := range []string{"fresh", "reused"} {
		base := func() *http.Transport {
			t := http.DefaultTransport.(*http.Transport).Clone()
			t.DisableKeepAlives = conn == "fresh"
			return t
		}
		b.Run(conn+"/untraced", func(b *testing.B) {
			run(b, base(), func() {})
		})
		b.Run(conn+"/traced", func(b *testing.B) {
			tr := trace.NewTransport(base())
			// Records are taken after each exchange, as hop does; keeping millions would measure the GC.
			run(b, tr, func() { tr.Take() })
		})
	}
}
