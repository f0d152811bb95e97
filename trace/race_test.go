package trace

import (
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
)

// Over HTTP/2, under load, the transport reports the request written from another goroutine than the one
// that reads the answer; the server phase must still never be reported as having begun before the request
// was sent. Many GETs on one connection, several at a time.
func TestServerPhaseUnderHTTP2Load(t *testing.T) {
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok") }))
	srv.EnableHTTP2 = true
	srv.StartTLS()
	defer srv.Close()
	client := srv.Client()
	const workers, each = 8, 100
	var mu sync.Mutex
	var early []Phase
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range each {
				req, _ := http.NewRequest("GET", srv.URL, nil)
				resp, hop, err := RoundTrip(client.Transport, req)
				if err != nil {
					t.Error(err)
					return
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				rec := hop.Snapshot()
				if rec.Proto != "HTTP/2.0" {
					t.Errorf("spoke %s, want HTTP/2", rec.Proto)
					return
				}
				if p := rec.Timings().Get(Server); p.Skipped {
					mu.Lock()
					early = append(early, p)
					mu.Unlock()
				}
			}
		}()
	}
	wg.Wait()
	if len(early) > 0 {
		t.Errorf("%d of %d GETs had no server phase: %+v", len(early), workers*each, early[0])
	}
}
