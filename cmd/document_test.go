package cmd_test

import (
	"bytes"
	"encoding/json"
	"io"
	"math"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"testing"

	"github.com/hop-cli/hop/testserver"
)

func keys(m map[string]any) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func object(t *testing.T, v any, what string) map[string]any {
	t.Helper()
	m, ok := v.(map[string]any)
	if !ok {
		t.Fatalf("%s is %T, want an object", what, v)
	}
	return m
}

func TestFormatJSONDocument(t *testing.T) {
	srv := testserver.Start(testserver.Config{})
	defer srv.Close()
	out, code := runHop(t, "get", srv.URL+"/redirect/2", "-L", "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, out)
	}
	var doc map[string]any
	if err := json.Unmarshal(out, &doc); err != nil {
		t.Fatalf("stdout is not one JSON document: %v\n%s", err, out)
	}
	wantTop := []string{"error", "exit_code", "hops", "request", "response", "schema_version", "timings_ms", "tls"}
	if got := keys(doc); !reflect.DeepEqual(got, wantTop) {
		t.Errorf("top-level keys %q, want %q", got, wantTop)
	}
	if doc["schema_version"] != 1.0 || doc["exit_code"] != 0.0 || doc["error"] != nil || doc["tls"] != nil {
		t.Errorf("schema_version %v exit_code %v error %v tls %v", doc["schema_version"], doc["exit_code"], doc["error"], doc["tls"])
	}
	req := object(t, doc["request"], "request")
	if got := keys(req); !reflect.DeepEqual(got, []string{"headers", "method", "url"}) {
		t.Errorf("request keys %q", got)
	}
	resp := object(t, doc["response"], "response")
	wantResp := []string{"body", "body_bytes", "body_encoding", "body_truncated", "headers", "proto", "reason", "status"}
	if got := keys(resp); !reflect.DeepEqual(got, wantResp) {
		t.Errorf("response keys %q, want %q", got, wantResp)
	}
	if resp["body_encoding"] != "json" || resp["status"] != 200.0 || resp["reason"] != "OK" {
		t.Errorf("response = %v", resp)
	}
	// The JSON body is embedded as a value, not a string.
	if body := object(t, resp["body"], "response.body"); body["url"] == nil {
		t.Errorf("body = %v", body)
	}
	hops, _ := doc["hops"].([]any)
	if len(hops) != 3 {
		t.Fatalf("%d hops, want 3 for two redirects", len(hops))
	}
	wantHop := []string{"attempt", "method", "proto", "remote_addr", "reused", "route", "skipped", "status", "timings_ms", "tls", "url", "wait_ms"}
	for i, h := range hops {
		hop := object(t, h, "hop")
		if got := keys(hop); !reflect.DeepEqual(got, wantHop) {
			t.Errorf("hop %d keys %q, want %q", i, got, wantHop)
		}
		tm := object(t, hop["timings_ms"], "timings_ms")
		if got := keys(tm); !reflect.DeepEqual(got, []string{"connect", "dns", "proxy", "quic", "send", "server", "tls", "total", "transfer"}) {
			t.Errorf("hop %d timing keys %q", i, got)
		}
		if tm["dns"] != nil || tm["tls"] != nil || tm["proxy"] != nil || tm["quic"] != nil {
			t.Errorf("hop %d: dns %v tls %v proxy %v, want null for an IP literal over plain http, no proxy", i, tm["dns"], tm["tls"], tm["proxy"])
		}
		if s, ok := tm["server"].(float64); !ok || s < 0 {
			t.Errorf("hop %d: server = %v, want a non-negative number", i, tm["server"])
		}
	}
	if reused := object(t, hops[1], "hop")["reused"]; reused != true {
		t.Errorf("second hop reused = %v, want true", reused)
	}
}

func TestFormatJSONOnError(t *testing.T) {
	out, code := runHop(t, "get", "http://127.0.0.1:1/", "--format", "json")
	if code != 7 {
		t.Fatalf("exit %d, want 7", code)
	}
	var doc struct {
		Response *json.RawMessage `json:"response"`
		Error    *struct {
			Class, Message, Phase string
		} `json:"error"`
		ExitCode int `json:"exit_code"`
	}
	if err := json.Unmarshal(out, &doc); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if doc.Error == nil || doc.Error.Class != "connect" || doc.Error.Phase != "the connection" || doc.ExitCode != 7 || doc.Response != nil {
		t.Errorf("document = %s", out)
	}
	// A redirect that is refused or goes on for ever is not about the network: no phase.
	srv := testserver.Start(testserver.Config{})
	defer srv.Close()
	for args, class := range map[[2]string]string{
		{srv.URL + "/misbehave/loop", "-L"}:                           "redirects",
		{srv.URL + "/redirect-to?url=file:///etc/passwd", "--follow"}: "redirect_refused",
	} {
		out, code = runHop(t, "get", args[0], args[1], "--format", "json")
		if err := json.Unmarshal(out, &doc); err != nil {
			t.Fatalf("%v\n%s", err, out)
		}
		if doc.Error == nil || doc.Error.Class != class || doc.Error.Phase != "" || doc.ExitCode != code {
			t.Errorf("%s: exit %d, document error %+v; want class %s and no phase", args[0], code, doc.Error, class)
		}
	}
	out, code = runHop(t, "post", "example.com", "a:=bad", "--format", "json")
	if code != 2 || !json.Valid(out) {
		t.Errorf("usage error: exit %d, document %s", code, out)
	}
}

// harOf runs hop with args, --har and -q, wants exit code want, and returns the HAR file it wrote.
func harOf(t *testing.T, want int, args ...string) []byte {
	t.Helper()
	path := filepath.Join(t.TempDir(), "x.har")
	if _, code := runHop(t, append(args, "--har", path, "-q")...); code != want {
		t.Fatalf("hop %q: exit %d, want %d", args, code, want)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func TestHAR(t *testing.T) {
	srv := testserver.Start(testserver.Config{})
	defer srv.Close()
	data := harOf(t, 0, "post", srv.URL+"/redirect-to?url=/anything&status_code=307", "a=1", "-L")
	var har struct {
		Log struct {
			Version string
			Creator struct{ Name string }
			Entries []struct {
				StartedDateTime string
				Time            float64
				Request         struct {
					Method, URL string
					Headers     []struct{ Name, Value string }
					PostData    *struct{ MimeType, Text string }
				}
				Response struct {
					Status      int
					RedirectURL string
					Content     struct {
						Size int64
						Text string
					}
				}
				Timings map[string]float64
			}
		}
	}
	if err := json.Unmarshal(data, &har); err != nil {
		t.Fatal(err)
	}
	l := har.Log
	if l.Version != "1.2" || l.Creator.Name != "hop" || len(l.Entries) != 2 {
		t.Fatalf("log version %q creator %q entries %d", l.Version, l.Creator.Name, len(l.Entries))
	}
	first, last := l.Entries[0], l.Entries[1]
	if first.Response.Status != 307 || first.Response.RedirectURL != "/anything" || last.Response.Status != 200 {
		t.Errorf("statuses %d %d redirect %q", first.Response.Status, last.Response.Status, first.Response.RedirectURL)
	}
	if first.Request.PostData == nil || first.Request.PostData.Text != `{"a":"1"}` || last.Request.PostData == nil {
		t.Errorf("post data not carried on both hops of a 307")
	}
	if last.Response.Content.Size == 0 || last.Response.Content.Text == "" {
		t.Errorf("final body not in the HAR")
	}
	// The request head as sent, as browsers write it: Host first over HTTP/1.1, and the body's length.
	if hs := first.Request.Headers; len(hs) == 0 || hs[0].Name != "Host" || !slices.ContainsFunc(hs, func(h struct{ Name, Value string }) bool {
		return h.Name == "Content-Length" && h.Value == "9"
	}) {
		t.Errorf("request headers %v: want Host first and Content-Length: 9", hs)
	}
	for i, e := range l.Entries {
		for _, k := range []string{"blocked", "dns", "connect", "ssl", "send", "wait", "receive"} {
			v, ok := e.Timings[k]
			if !ok {
				t.Errorf("entry %d: timings.%s missing", i, k)
			}
			if (k == "send" || k == "wait" || k == "receive") && v < 0 {
				t.Errorf("entry %d: timings.%s = %v, HAR requires >= 0", i, k, v)
			}
		}
		if e.Timings["dns"] != -1 || e.Timings["ssl"] != -1 {
			t.Errorf("entry %d: dns %v ssl %v, want -1 for an IP literal over http", i, e.Timings["dns"], e.Timings["ssl"])
		}
		if e.StartedDateTime == "" || e.Time <= 0 {
			t.Errorf("entry %d: started %q time %v", i, e.StartedDateTime, e.Time)
		}
		if sum := harTimingsSum(e.Timings); math.Abs(e.Time-sum) > 0.0015 {
			t.Errorf("entry %d: time %v, timings sum to %v", i, e.Time, sum)
		}
	}
}

// harTimingsSum is what HAR 1.2 makes an entry's time: the sum of the timings given (not -1), ssl being
// counted within connect.
func harTimingsSum(timings map[string]float64) float64 {
	sum := 0.0
	for _, k := range []string{"blocked", "dns", "connect", "send", "wait", "receive"} {
		sum += max(timings[k], 0)
	}
	return sum
}

// The HAR of an exchange that timed out waiting for its answer counts the wait where it went, HAR's
// wait, and its time is still the sum of its timings: it said 0 ms of wait and a time of a millisecond.
func TestHARFailedWait(t *testing.T) {
	srv := testserver.Start(testserver.Config{})
	defer srv.Close()
	data := harOf(t, 28, "get", srv.URL+"/misbehave/delay-first-byte/5000", "--timeout", "300ms")
	var har struct {
		Log struct {
			Entries []struct {
				Time    float64
				Timings map[string]float64
			}
		}
	}
	if err := json.Unmarshal(data, &har); err != nil || len(har.Log.Entries) != 1 {
		t.Fatalf("%v: %s", err, data)
	}
	e := har.Log.Entries[0]
	sum := harTimingsSum(e.Timings)
	if e.Timings["wait"] <= 0 || e.Timings["receive"] != 0 || math.Abs(e.Time-sum) > 0.0015 || e.Time < e.Timings["wait"] {
		t.Errorf("time %v, timings %v: want the wait counted, the time their sum", e.Time, e.Timings)
	}
}

// TestHARBodySizes: response.bodySize is the bytes on the wire, content.size the decoded body, as HAR 1.2
// defines them; for a gzip body they differ.
func TestHARBodySizes(t *testing.T) {
	srv := testserver.Start(testserver.Config{})
	defer srv.Close()
	raw := &http.Client{Transport: &http.Transport{DisableCompression: true}}
	resp, err := raw.Get(srv.URL + "/misbehave/gzip-json")
	if err != nil {
		t.Fatal(err)
	}
	wire, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	decoded, code := runHop(t, "get", srv.URL+"/misbehave/gzip-json")
	if code != 0 || resp.Header.Get("Content-Encoding") != "gzip" || len(wire) == len(decoded) {
		t.Fatalf("exit %d, encoding %q, %d bytes on the wire and %d decoded: want a gzip body", code, resp.Header.Get("Content-Encoding"), len(wire), len(decoded))
	}
	data := harOf(t, 0, "get", srv.URL+"/misbehave/gzip-json")
	var har struct {
		Log struct {
			Entries []struct {
				Response struct {
					BodySize int64
					Content  struct{ Size int64 }
				}
			}
		}
	}
	if err := json.Unmarshal(data, &har); err != nil || len(har.Log.Entries) != 1 {
		t.Fatalf("%v: %s", err, data)
	}
	r := har.Log.Entries[0].Response
	if r.BodySize != int64(len(wire)) || r.Content.Size != int64(len(decoded)) {
		t.Errorf("bodySize %d, content.size %d; want %d (wire) and %d (decoded)", r.BodySize, r.Content.Size, len(wire), len(decoded))
	}
}

// TestFormatJSONAlwaysOneDocument: whatever happens, --format json prints exactly one JSON document on
// stdout, with the exit code in it.
func TestFormatJSONAlwaysOneDocument(t *testing.T) {
	tests := []struct {
		args  []string
		code  int
		class string
	}{
		{[]string{"post", "http://127.0.0.1:9/x", "a=1", "--offline", "--format", "json"}, 0, ""},
		{[]string{"get", "--format", "json"}, 2, "usage"},
		{[]string{"get", "http://127.0.0.1:9/", "--format=json", "--no-such-flag"}, 2, "usage"},
		{[]string{"--format", "json", "get", "http://127.0.0.1:9/", "--pretty", "loud"}, 2, "usage"},
		{[]string{"cert", "--format", "json", "--no-such-flag", "example.com"}, 2, "usage"},
	}
	for _, tt := range tests {
		out, code := runHop(t, tt.args...)
		var doc map[string]any
		dec := json.NewDecoder(bytes.NewReader(out))
		if err := dec.Decode(&doc); err != nil || dec.More() {
			t.Errorf("hop %q: stdout is not one JSON document (%v):\n%s", tt.args, err, out)
			continue
		}
		var class any
		if e, ok := doc["error"].(map[string]any); ok {
			class = e["class"]
		}
		if code != tt.code || doc["exit_code"] != float64(tt.code) || (tt.class == "") != (class == nil) || tt.class != "" && class != tt.class {
			t.Errorf("hop %q: exit %d, document exit_code %v, error class %v; want %d and %q", tt.args, code, doc["exit_code"], class, tt.code, tt.class)
		}
	}
	out, _ := runHop(t, "post", "http://127.0.0.1:9/x", "a=1", "--offline", "--format", "json")
	var doc struct {
		Request  struct{ Method, URL string }
		Response *json.RawMessage
	}
	if err := json.Unmarshal(out, &doc); err != nil || doc.Request.Method != "POST" || doc.Response != nil {
		t.Errorf("--offline document: %v %s", err, out)
	}
}

// TestHARRequestBodySize: request.bodySize is the bytes of the body sent; postData holds it when it is text,
// held in memory or streamed (a file) within 4 MiB, and not when it is binary or larger.
func TestHARRequestBodySize(t *testing.T) {
	srv := testserver.Start(testserver.Config{})
	defer srv.Close()
	dir := t.TempDir()
	file := filepath.Join(dir, "body.txt")
	os.WriteFile(file, []byte("twelve bytes"), 0o644)
	binary := filepath.Join(dir, "body.bin")
	os.WriteFile(binary, []byte("\xff\xfe\x00bin"), 0o644)
	large := filepath.Join(dir, "large.txt")
	os.WriteFile(large, bytes.Repeat([]byte("x"), 4<<20+1), 0o644)
	for _, tt := range []struct {
		args     []string
		size     int
		postData bool
	}{
		{[]string{"put", srv.URL + "/put", "@" + file}, 12, true},
		{[]string{"put", srv.URL + "/put", "@" + binary}, 6, false},
		{[]string{"put", srv.URL + "/put", "@" + large}, 4<<20 + 1, false},
		{[]string{"post", srv.URL + "/post", "a=1"}, len(`{"a":"1"}`), true},
		{[]string{"get", srv.URL + "/get"}, 0, false},
	} {
		path := filepath.Join(dir, "x.har")
		if _, code := runHop(t, append(tt.args, "--har", path, "-q")...); code != 0 {
			t.Fatalf("hop %q: exit %d", tt.args, code)
		}
		data, _ := os.ReadFile(path)
		var har struct {
			Log struct {
				Entries []struct {
					Request struct {
						BodySize int
						PostData *struct{ Text string }
					}
				}
			}
		}
		if err := json.Unmarshal(data, &har); err != nil || len(har.Log.Entries) != 1 {
			t.Fatalf("%v: %s", err, data)
		}
		r := har.Log.Entries[0].Request
		if r.BodySize != tt.size || (r.PostData != nil) != tt.postData {
			t.Errorf("hop %q: request.bodySize %d, postData %v; want %d, %v", tt.args, r.BodySize, r.PostData != nil, tt.size, tt.postData)
		}
	}
}
