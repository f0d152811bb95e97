package cmd_test

import (
	"os/exec"
	"strconv"
	"strings"
	"testing"

	"github.com/hop-cli/hop/testserver"
)

// writeOutVars are the -w variables compared with curl's: everything but the times, the speed and the local
// port, which differ from run to run.
var writeOutVars = []string{"http_code", "response_code", "http_version", "num_redirects", "remote_ip", "remote_port",
	"local_ip", "size_download", "size_header", "size_request", "content_type", "url_effective", "method", "scheme",
	"exitcode", "num_connects", "redirect_url", "filename_effective", "size_upload", "url", "urlnum", "num_headers", "referer"}

var timeVars = []string{"time_namelookup", "time_connect", "time_appconnect", "time_pretransfer", "time_starttransfer", "time_total"}

func template(vars []string) string {
	var b strings.Builder
	for _, v := range vars {
		b.WriteString("%{" + v + "}\\n")
	}
	return b.String()
}

// TestWriteOutAgreesWithCurl runs the same requests with curl and with hop, each sending exactly what the
// other sends (curl's User-Agent and Accept, no Accept-Encoding), and compares the -w values: equal for
// every variable that does not measure time, and the time marks in curl's order.
func TestWriteOutAgreesWithCurl(t *testing.T) {
	curl, err := exec.LookPath("curl")
	if err != nil {
		t.Fatal("curl is not installed; make test installs it")
	}
	srv := testserver.Start(testserver.Config{})
	defer srv.Close()
	same := []string{"User-Agent:curl/7.88.1", "Accept:*/*", "Accept-Encoding:"}
	tests := []struct {
		name       string
		hop, curlA []string
	}{
		{"GET", []string{"get", srv.URL + "/get"}, []string{srv.URL + "/get"}},
		{"chunked", []string{"get", srv.URL + "/stream/2"}, []string{srv.URL + "/stream/2"}},
		{"redirects", []string{"get", srv.URL + "/redirect/3", "-L"}, []string{"-L", srv.URL + "/redirect/3"}},
		{"redirect not followed", []string{"get", srv.URL + "/redirect/3"}, []string{srv.URL + "/redirect/3"}},
		{"--max-redirs met", []string{"get", srv.URL + "/absolute-redirect/3", "-L", "--max-redirs", "1"},
			[]string{"-L", "--max-redirs", "1", srv.URL + "/absolute-redirect/3"}},
		{"404", []string{"get", srv.URL + "/status/404", "--no-check-status"}, []string{srv.URL + "/status/404"}},
		{"POST", []string{"post", srv.URL + "/post", "Content-Type:application/json", "--json", `{"a":1}`},
			[]string{"-H", "Content-Type: application/json", "-d", `{"a":1}`, srv.URL + "/post"}},
		{"refused", []string{"get", "http://127.0.0.1:1/"}, []string{"http://127.0.0.1:1/"}},
		// The head as received: the 1xx heads counted in size_header, a Connection field net/http takes out
		// of its header counted in num_headers.
		{"1xx heads", []string{"get", srv.URL + "/raw/informs"}, []string{srv.URL + "/raw/informs"}},
		{"Connection: close", []string{"get", srv.URL + "/raw/close"}, []string{srv.URL + "/raw/close"}},
		{"HTTP/1.0", []string{"get", srv.URL + "/raw/http10"}, []string{srv.URL + "/raw/http10"}},
		{"two Content-Types", []string{"get", srv.URL + "/raw/two-types"}, []string{srv.URL + "/raw/two-types"}},
		// A transfer that fails after a redirect: the code and the version of the last answer received, and
		// the last Content-Type any answer gave (the 301's, where the 302 after it has none), as curl keeps them.
		{"redirect, then an empty reply", []string{"get", srv.URL + "/redirect-to?url=/misbehave/empty&status_code=302", "-L"},
			[]string{"-L", srv.URL + "/redirect-to?url=/misbehave/empty&status_code=302"}},
		{"empty reply", []string{"get", srv.URL + "/misbehave/empty"}, []string{srv.URL + "/misbehave/empty"}},
		{"a type from an earlier answer", []string{"get", srv.URL + "/status/301", "-L", "--max-redirs", "1"},
			[]string{"-L", "--max-redirs", "1", srv.URL + "/status/301"}},
		{"upload, referer, redirect", []string{"put", srv.URL + "/redirect-to?url=/put&status_code=307", "-L", "-e", "http://from/", "--data-binary", "0123456789"},
			[]string{"-L", "-X", "PUT", "-e", "http://from/", "--data-binary", "0123456789", srv.URL + "/redirect-to?url=/put&status_code=307"}},
	}
	for _, tt := range tests {
		tmpl := template(append(writeOutVars, timeVars...))
		hopOut, _ := exec.Command(hopBinary(t), append(append(tt.hop, same...), "-o", "/dev/null", "-w", tmpl)...).Output()
		curlOut, _ := exec.Command(curl, append(tt.curlA, "-s", "-o", "/dev/null", "-w", tmpl)...).Output()
		h, c := strings.Split(string(hopOut), "\n"), strings.Split(string(curlOut), "\n")
		if len(h) < len(writeOutVars)+len(timeVars) || len(c) < len(writeOutVars)+len(timeVars) {
			t.Fatalf("%s: hop wrote %q, curl %q", tt.name, hopOut, curlOut)
		}
		for i, v := range writeOutVars {
			if v == "exitcode" && tt.name == "refused" {
				continue // both fail to connect: curl says 7, and so does hop; checked below
			}
			if v == "size_request" && tt.name == "redirect, then an empty reply" {
				continue // curl sends the request again on a new connection when the one it reused closed unanswered
			}
			if h[i] != c[i] {
				t.Errorf("%s: %s = %q, curl says %q", tt.name, v, h[i], c[i])
			}
		}
		times := h[len(writeOutVars) : len(writeOutVars)+len(timeVars)]
		ordered := func(vals []string) bool {
			prev := 0.0
			for i, s := range vals {
				f, err := strconv.ParseFloat(s, 64)
				if err != nil {
					return false
				}
				if timeVars[i] == "time_appconnect" && f == 0 {
					continue // 0 over plain http, as in curl
				}
				if f < prev {
					return false
				}
				prev = f
			}
			return true
		}
		if tt.name == "refused" {
			if h[len(h)-2] == "0.000000" {
				t.Errorf("refused: time_total is 0")
			}
			continue // curl's own marks are not ordered when nothing connected
		}
		// curl's own marks are ordered too, except after a redirect on a reused connection, where its
		// time_namelookup (the first hop's) can come after time_connect (the last's).
		curlOrdered := tt.name == "redirects" || ordered(c[len(writeOutVars):len(writeOutVars)+len(timeVars)])
		if !ordered(times) || !curlOrdered {
			t.Errorf("%s: times out of curl's order: hop %q, curl %q", tt.name, times, c[len(writeOutVars):len(writeOutVars)+len(timeVars)])
		}
	}
}

// A lookup that found nothing and a handshake refused mark no time, in curl and in hop: it gave the
// handshake's end as time_appconnect.
func TestWriteOutFailedSteps(t *testing.T) {
	curl, err := exec.LookPath("curl")
	if err != nil {
		t.Fatal("curl is not installed; make test installs it")
	}
	srv := testserver.Start(testserver.Config{TLS: true}) // a certificate neither trusts
	defer srv.Close()
	tmpl := "%{time_namelookup} %{time_connect} %{time_appconnect}"
	for _, tt := range []struct {
		url  string
		want string // which marks are 0: n for each that is, - for one that is not
	}{
		{srv.URL + "/get", "-nn"},
		{"http://no-such-host.invalid/", "nnn"},
	} {
		for _, cmd := range [][]string{{hopBinary(t), "get", tt.url}, {curl, "-s", tt.url}} {
			out, _ := exec.Command(cmd[0], append(cmd[1:], "-o", "/dev/null", "-w", tmpl)...).Output()
			got := ""
			for _, f := range strings.Fields(string(out)) {
				if v, err := strconv.ParseFloat(f, 64); err == nil && v == 0 {
					got += "n"
				} else {
					got += "-"
				}
			}
			if got != tt.want {
				t.Errorf("%s %s: %q, want zeros as %q", cmd[0], tt.url, out, tt.want)
			}
		}
	}
}

// curl 8's time variables: time_posttransfer (8.10) is the request sent whole, from the start, summed over
// a redirect chain as the other marks are, so it falls between time_pretransfer and time_starttransfer;
// time_queue and tls_earlydata (8.12) are 0, since hop holds no transfer back and sends no TLS early data.
// An exchange that sent nothing has 0 too.
func TestWriteOutCurl8Times(t *testing.T) {
	srv := testserver.Start(testserver.Config{})
	defer srv.Close()
	tmpl := "%{time_pretransfer} %{time_posttransfer} %{time_starttransfer} %{time_total} %{time_queue} %{tls_earlydata}"
	for _, args := range [][]string{
		{"post", srv.URL + "/post", "--data-binary", strings.Repeat("x", 1<<16)},
		{"get", srv.URL + "/redirect/3", "-L"},
	} {
		out, err := exec.Command(hopBinary(t), append(args, "-o", "/dev/null", "-w", tmpl)...).CombinedOutput()
		f := strings.Fields(string(out))
		if err != nil || len(f) != 6 {
			t.Fatalf("%v: %q, %v", args[:2], out, err)
		}
		var marks []float64
		for _, s := range f[:4] {
			v, err := strconv.ParseFloat(s, 64)
			if err != nil {
				t.Fatalf("%v: %q", args[:2], out)
			}
			marks = append(marks, v)
		}
		if !(marks[0] <= marks[1] && marks[1] <= marks[2] && marks[2] <= marks[3]) || marks[1] == 0 {
			t.Errorf("%v: pretransfer, posttransfer, starttransfer, total out of order: %q", args[:2], f[:4])
		}
		if f[4] != "0.000000" || f[5] != "0" {
			t.Errorf("%v: time_queue %s, tls_earlydata %s", args[:2], f[4], f[5])
		}
	}
	out, _ := exec.Command(hopBinary(t), "get", "http://127.0.0.1:1/", "-w", "%{time_posttransfer}").Output()
	if string(out) != "0.000000" {
		t.Errorf("refused: time_posttransfer %q", out)
	}
}

// Over HTTP/2 curl counts in size_header the heads as its -D writes them ("HTTP/2 200 ", a lowercase
// "name: value" line each, a blank line), a 103's too: so does hop, whose -D writes the same bytes.
func TestWriteOutHTTP2HeadsAgreeWithCurl(t *testing.T) {
	curl, err := exec.LookPath("curl")
	if err != nil {
		t.Fatal("curl is not installed; make test installs it")
	}
	srv := testserver.Start(testserver.Config{TLS: true})
	defer srv.Close()
	same := []string{"-H", "User-Agent: curl/7.88.1", "-H", "Accept: */*", "-H", "Accept-Encoding:"}
	tmpl := "%{http_version} %{size_header} %{num_headers} %{http_code}"
	for _, path := range []string{"/get", "/misbehave/early-hints", "/redirect/2"} {
		args := append([]string{"-k", "-s", "-L", "-o", "/dev/null", "-w", tmpl, srv.URL + path}, same...)
		hopOut, _ := exec.Command(hopBinary(t), append([]string{"curl"}, args...)...).Output()
		curlOut, _ := exec.Command(curl, args...).Output()
		if !strings.HasPrefix(string(curlOut), "2 ") || string(hopOut) != string(curlOut) {
			t.Errorf("%s over HTTP/2: hop wrote %q, curl %q (%s)", path, hopOut, curlOut, tmpl)
		}
	}
}
