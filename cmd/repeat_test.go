package cmd_test

import (
	"bytes"
	"encoding/json"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hop-cli/hop/testserver"
)

// countingServer is the test server, counting the connections it accepts.
func countingServer(t *testing.T) (url string, conns *atomic.Int64) {
	t.Helper()
	conns = &atomic.Int64{}
	srv := testserver.Start(testserver.Config{ConnState: func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}})
	t.Cleanup(srv.Close)
	return srv.URL, conns
}

// TestRepeatReusesOrNot: by default the first run opens the connection and the others reuse it; --fresh
// opens one per run. The server counts what it accepted.
func TestRepeatReusesOrNot(t *testing.T) {
	for _, tt := range []struct {
		fresh bool
		want  int64
	}{{false, 1}, {true, 6}} {
		url, conns := countingServer(t)
		args := []string{"get", url + "/get", "--repeat", "6", "--format", "json"}
		if tt.fresh {
			args = append(args, "--fresh")
		}
		out, code := runHop(t, args...)
		if code != 0 {
			t.Fatalf("exit %d", code)
		}
		if got := conns.Load(); got != tt.want {
			t.Errorf("--fresh=%v: the server accepted %d connections, want %d", tt.fresh, got, tt.want)
		}
		var doc struct {
			Request struct {
				Headers map[string][]string
			}
			Runs []struct {
				Run    int
				Status int
				Reused bool
			}
			Summary struct {
				Runs      int
				TimingsMS map[string]*struct{ N int } `json:"timings_ms"`
				Statuses  map[string]int
			}
			Checks   []any
			ExitCode int `json:"exit_code"`
		}
		if err := json.Unmarshal(out, &doc); err != nil {
			t.Fatalf("not one JSON document: %v\n%s", err, out)
		}
		reused := 0
		for i, r := range doc.Runs {
			if r.Run != i+1 || r.Status != 200 {
				t.Errorf("run %d: %+v", i+1, r)
			}
			if r.Reused {
				reused++
			}
		}
		if len(doc.Runs) != 6 || doc.Summary.Runs != 6 || doc.Summary.Statuses["200"] != 6 || int64(6-reused) != tt.want {
			t.Errorf("--fresh=%v: %d runs (%d reused), summary %+v", tt.fresh, len(doc.Runs), reused, doc.Summary)
		}
		if c := doc.Summary.TimingsMS["connect"]; c == nil || int64(c.N) != tt.want {
			t.Errorf("--fresh=%v: connect measured %+v times, want %d", tt.fresh, c, tt.want)
		}
		if doc.Checks == nil {
			t.Errorf("checks missing from the document")
		}
		// The request as first sent, as without --repeat: Host too.
		if host := doc.Request.Headers["Host"]; len(host) != 1 || "http://"+host[0] != url {
			t.Errorf("request.headers' Host is %q, want the server's host of %s", host, url)
		}
	}
}

// TestRepeatMeasuresTheServer: against a server that answers after 100 ms, the server phase's p50 is at
// least that (an upper bound would measure the machine, not hop).
func TestRepeatMeasuresTheServer(t *testing.T) {
	srv := testserver.Start(testserver.Config{})
	defer srv.Close()
	out, code := runHop(t, "get", srv.URL+"/misbehave/delay-first-byte/100", "--repeat", "4", "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	var doc struct {
		Summary struct {
			TimingsMS map[string]*struct {
				N        int
				P50, Min float64
			} `json:"timings_ms"`
		}
	}
	if err := json.Unmarshal(out, &doc); err != nil {
		t.Fatal(err)
	}
	s := doc.Summary.TimingsMS["server"]
	if s == nil || s.N != 4 || s.P50 < 100 || s.Min < 100 {
		t.Errorf("server phase %+v, want 4 runs with p50 and min at least 100 ms", s)
	}
}

// TestRepeatInterrupted: Ctrl-C ends the runs with the summary of those done, and exit 130.
func TestRepeatInterrupted(t *testing.T) {
	srv := testserver.Start(testserver.Config{})
	defer srv.Close()
	c := exec.Command(hopBinary(t), "get", srv.URL+"/get", "--repeat", "1000", "--interval", "20ms")
	var stderr bytes.Buffer
	c.Stderr = &stderr
	if err := c.Start(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(500 * time.Millisecond) // some runs are done (the registration happens before the first)
	c.Process.Signal(os.Interrupt)
	c.Wait()
	if code := c.ProcessState.ExitCode(); code != 130 {
		t.Fatalf("exit %d, want 130; stderr:\n%s", code, stderr.String())
	}
	got := stderr.String()
	if !strings.Contains(got, " runs in ") || !strings.Contains(got, "hop: error: interrupted") || strings.Contains(got, "1000 runs in") {
		t.Errorf("stderr does not show a summary of the runs done, then the interruption:\n%s", got)
	}
}
