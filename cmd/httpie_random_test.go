package cmd_test

import (
	"bytes"
	"context"
	"encoding/json"
	"maps"
	"math/rand/v2"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hop-cli/hop/testserver"
)

// TestRandomHopSendsWhatHTTPieSends: HTTPie command lines built at random (a method or none, the URL
// forms HTTPie takes, request items of every kind: headers set, emptied and removed, query items, data
// fields, raw JSON, nested keys, files read into a field, a header or the query, file uploads; -f, -j,
// --multipart, --raw, --boundary, -a, --path-as-is) go to the recording endpoint twice, once through HTTPie
// and once through hop with the same words, and the server must receive the same request from both
// (User-Agent, Accept-Encoding and HTTPie's Connection: keep-alive aside; JSON bodies compared as JSON,
// HTTPie writing a blank after each : and ,), or both must refuse the line. Each case is seeded;
// HOP_HTTPIE_SEEDS searches longer, HOP_HTTPIE_FIRST moves on.
//
// Left out of the pool, as differences the README names: raw JSON (:=) fields with -f or --multipart
// (HTTPie drops them from a multipart body and sends a form's as typed), an upload without -f or
// --multipart (hop sends multipart, HTTPie refuses), a file part of no known type (hop's is
// application/octet-stream, HTTPie sends none), --raw with --multipart (refused by hop, HTTPie drops the
// body), HTTPie's --json switch (curl's --json DATA in hop), and a query or form name repeated with
// another between (HTTPie groups the values of one name; hop keeps the order typed).
func TestRandomHopSendsWhatHTTPieSends(t *testing.T) {
	httpie := lookHTTPie(t)
	dir := fixtures(t)
	for name, content := range map[string]string{"token.txt": "tok en", "unicode.txt": "ünï"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	config := httpieConfig(t, dir)
	srv := recordingServer(t)
	u, _ := url.Parse(srv)
	netrc := filepath.Join(dir, "netrc")
	t.Setenv("NETRC", netrc) // both read it: requests, under HTTPie, as curl and hop do
	first, n := envSeed("HOP_HTTPIE_FIRST", 1), envSeed("HOP_HTTPIE_SEEDS", 40)
	for seed := first; seed < first+n; seed++ {
		r := rand.New(rand.NewPCG(seed, 4))
		args := randomHTTPieLine(r)
		// A .netrc, on a line that follows no redirect, or gives no -a and comes back to no host it left:
		// requests looks up the .netrc again at every redirect, as hop at each host new to the chain, but
		// puts its login over -a's, which hop keeps, and sends a host's entry again when the chain comes
		// back to it, where hop keeps what it dropped dropped.
		logins := ""
		follows := slices.Contains(args, "--follow")
		if !follows || !returns(args) && !slices.ContainsFunc(args, func(a string) bool { return a == "-a" || strings.HasPrefix(a, "--auth=") }) {
			logins = randomNetrc(r)
			// --ignore-netrc holds for the request typed only in HTTPie: requests reads the .netrc at each
			// redirect all the same. hop reads none.
			if logins != "" && r.IntN(6) == 0 && !slices.Contains(args, "--follow") {
				args = append([]string{"--ignore-netrc"}, args...)
			}
		}
		if err := os.WriteFile(netrc, []byte(logins), 0o600); err != nil {
			t.Fatal(err)
		}
		for i, a := range args {
			args[i] = strings.ReplaceAll(a, "PORT", u.Port())
		}
		what := "seed " + strconv.FormatUint(seed, 10) + ": http " + strings.Join(args, " ")
		if logins != "" {
			what += ", with the .netrc " + strconv.Quote(logins)
		}
		ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
		c := exec.CommandContext(ctx, httpie, append([]string{"--ignore-stdin", "--print=b"}, slices.Clone(args)...)...)
		for i, a := range c.Args {
			c.Args[i] = strings.ReplaceAll(a, "REC", srv+"/record")
		}
		c.Dir = dir
		c.Env = append(os.Environ(), "HTTPIE_CONFIG_DIR="+config)
		var stderr bytes.Buffer
		c.Stderr = &stderr
		out, _ := c.Output()
		cancel()
		httpieCode := c.ProcessState.ExitCode()
		var want testserver.Recorded
		if httpieCode == 0 {
			if err := json.Unmarshal(out, &want); err != nil {
				t.Fatalf("%s: %v\n%s\n%s", what, err, out, stderr.String())
			}
		}
		got, hopCode := sent(t, dir, nil, append([]string{"--ignore-stdin"}, args...)...)
		switch {
		case httpieCode != 0 && hopCode == 0:
			t.Errorf("%s: HTTPie refused it (exit %d: %s), hop sent it", what, httpieCode, lastLine(stderr.String()))
		case httpieCode == 0 && hopCode != 0:
			t.Errorf("%s: HTTPie sent it, hop refused it (exit %d)", what, hopCode)
		case httpieCode == 0:
			if g, w := mediaType(got), mediaType(want); g != w {
				t.Errorf("%s: Content-Type %q, want %q", what, g, w)
				continue
			}
			got, want = compactJSONBodies(got), compactJSONBodies(want)
			want = emptyBodyLength(&got, want)
			sameRequest(t, what, got, want, "User-Agent", "Accept-Encoding", "Connection")
		}
	}
}

// lookHTTPie is HTTPie's http command; make test installs it.
// httpieConfig makes HTTPie a configuration directory of its own in dir, for HTTPIE_CONFIG_DIR: a user's
// default_options stay out, and so does its check for a newer version.
func httpieConfig(t *testing.T, dir string) string {
	config := filepath.Join(dir, "httpie-config")
	if err := os.MkdirAll(config, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(config, "config.json"), []byte(`{"default_options": [], "disable_update_warnings": true}`), 0o600); err != nil {
		t.Fatal(err)
	}
	return config
}

func lookHTTPie(t *testing.T) string {
	t.Helper()
	http, err := exec.LookPath("http")
	if err != nil {
		t.Fatal("HTTPie (http) is not installed; make test installs it")
	}
	return http
}

// mediaType is a recorded request's Content-Type without its parameters.
func mediaType(rec testserver.Recorded) string {
	t, _, _ := strings.Cut(strings.Join(rec.Header["Content-Type"], ""), ";")
	return t
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return lines[len(lines)-1]
}

// compactJSONBodies writes a body that is JSON without the blanks between its tokens (HTTPie writes one
// after each : and ,) and with its strings in UTF-8 (HTTPie writes \u00fc for ü), keys in the order
// sent, and drops the Content-Length that changes with them.
func compactJSONBodies(rec testserver.Recorded) testserver.Recorded {
	if !json.Valid(rec.Body) {
		return rec
	}
	var b bytes.Buffer
	d := json.NewDecoder(bytes.NewReader(rec.Body))
	d.UseNumber()
	var open []json.Delim // the arrays and objects around the next token
	counts := []int{0}    // tokens written in each, keys and values alike
	for {
		tok, err := d.Token()
		if err != nil {
			break
		}
		if n := counts[len(counts)-1]; n > 0 && (tok != json.Delim('}') && tok != json.Delim(']')) {
			if len(open) > 0 && open[len(open)-1] == '{' && n%2 == 1 {
				b.WriteByte(':')
			} else {
				b.WriteByte(',')
			}
		}
		counts[len(counts)-1]++
		switch tok := tok.(type) {
		case json.Delim:
			b.WriteRune(rune(tok))
			if tok == '{' || tok == '[' {
				open, counts = append(open, tok), append(counts, 0)
			} else {
				open, counts = open[:len(open)-1], counts[:len(counts)-1]
			}
		case string:
			e := json.NewEncoder(&b)
			e.SetEscapeHTML(false)
			e.Encode(tok)
			b.Truncate(b.Len() - 1) // Encode's newline
		case json.Number:
			b.WriteString(tok.String())
		default:
			v, _ := json.Marshal(tok)
			b.Write(v)
		}
	}
	rec.Body = b.Bytes()
	rec.Header = maps.Clone(rec.Header)
	delete(rec.Header, "Content-Length")
	return rec
}

// returns reports whether a --follow line's chain of /redirect-to URLs comes back to a host it left.
func returns(args []string) bool {
	for _, a := range args {
		if !strings.Contains(a, "/redirect-to?") {
			continue
		}
		var hosts []string
		for next := strings.ReplaceAll(a, "PORT", "1"); next != ""; {
			u, err := url.Parse(next)
			if err != nil {
				return true
			}
			if h := u.Hostname(); len(hosts) == 0 || hosts[len(hosts)-1] != h {
				if slices.Contains(hosts, h) {
					return true
				}
				hosts = append(hosts, h)
			}
			next = u.Query().Get("url")
		}
	}
	return false
}

// randomNetrc is a .netrc's text, or "": logins for the recording endpoint's two host names, a default,
// one for another host, a login or a password alone, a quoted password, all on one line or one a line.
// Set aside, as the README says: a host named twice (hop takes the first entry, as curl; Python's netrc
// the last) and a login that is not ASCII (requests sends a .netrc's in Latin-1, -a's HTTPie in UTF-8).
func randomNetrc(r *rand.Rand) string {
	entries := map[string][]string{
		"127.0.0.1":     {"machine 127.0.0.1 login ip password ipp", "machine 127.0.0.1 login nl", "machine 127.0.0.1 password onlyp"},
		"localhost":     {"machine localhost login lh password lhp", "machine localhost\n  login ml\n  password \"q p\""},
		"other.example": {"machine other.example login o password op"},
	}
	if r.IntN(3) == 0 {
		return ""
	}
	var text []string
	for _, host := range []string{"127.0.0.1", "localhost", "other.example"} {
		if r.IntN(2) == 0 {
			text = append(text, entries[host][r.IntN(len(entries[host]))])
		}
	}
	r.Shuffle(len(text), func(i, j int) { text[i], text[j] = text[j], text[i] })
	if len(text) == 0 || r.IntN(3) == 0 {
		text = append(text, "default login d password dp") // last, as the grammar asks
	}
	sep := "\n"
	if r.IntN(4) == 0 {
		sep = " "
	}
	return strings.Join(text, sep) + "\n"
}

// randomHTTPieLine builds an HTTPie command line (without http itself) for the recording endpoint (REC,
// or its port as PORT), in the directory fixtures writes.
func randomHTTPieLine(r *rand.Rand) []string {
	pick := func(options ...[]string) []string { return options[r.IntN(len(options))] }
	var flags []string
	form := false
	switch r.IntN(6) {
	case 0:
		flags, form = pick([]string{"-f"}, []string{"--form"}), true
	case 1:
		flags, form = pick([]string{"--multipart"}, []string{"-f", "--multipart"}, []string{"--multipart", "--boundary=xyzzy"}), true
	case 2:
		flags = []string{"-j"} // (HTTPie's --json is curl's --json DATA in hop, as the README says)
	}
	if r.IntN(6) == 0 {
		flags = append(flags, pick([]string{"-a", "user:pa ss"}, []string{"--auth=ünï:x"}, []string{"-a", "u:"})...)
	}
	if r.IntN(8) == 0 {
		flags = append(flags, "--path-as-is")
	}
	method := pick(nil, nil, nil, []string{"GET"}, []string{"POST"}, []string{"PUT"}, []string{"PATCH"}, []string{"DELETE"})
	target := pick([]string{"REC/p"}, []string{"REC/a/./b/../c"}, []string{"REC/q?x=1&y="}, []string{":PORT/record/short"},
		[]string{"localhost:PORT/record/h"}, []string{"127.0.0.1:PORT/record/ü%20x"}, []string{"REC/"},
		[]string{"REC/a(1)!*/b|c^d"}, []string{"REC/'q'/{x}/`y`"})
	follow := r.IntN(4) == 0
	var items []string
	data, multipart := false, slices.Contains(flags, "--multipart")  // a body is sent; it is multipart
	raw := r.IntN(10) == 0 && !slices.Contains(flags, "--multipart") // (refused by hop, see above)
	if raw {
		flags = append(flags, pick([]string{"--raw", `{"raw":true}`}, []string{"--raw=a=1&b=2"}, []string{"--raw", "plain text"})...)
	}
	queryNames := map[string]bool{}
	lastQuery := ""
	// grouped says whether a form's field or file name was typed before with another between, which
	// HTTPie's multipart body groups (left out, see above); it notes the name otherwise.
	fieldNames, lastField := map[string]bool{}, ""
	grouped := func(name string) bool {
		if fieldNames[name] && lastField != name {
			return true
		}
		fieldNames[name], lastField = true, name
		return false
	}
	for range r.IntN(6) {
		kind := r.IntN(10)
		if raw && kind >= 4 {
			kind = r.IntN(4) // --raw is the body: no data fields beside it
		}
		switch kind {
		case 0, 1:
			h := pick([]string{"X-Name:value"}, []string{"X-Two:two words"}, []string{"X-Empty;"},
				[]string{"Accept:"}, []string{"Accept:text/plain"}, []string{"X-Colon:a:b"}, []string{"X-File:@token.txt"},
				[]string{`X\:Esc:v`}, []string{"Content-Type:application/x-custom"}, []string{"X-Uni:ünï"})[0]
			if strings.HasPrefix(h, "Content-Type:") && slices.Contains(items, h) {
				continue // typed twice, HTTPie drops one of the two on a redirect that drops the body, and keeps the other
			}
			items = append(items, h)
		case 2, 3:
			q := pick([]string{"q==v"}, []string{"q==two words"}, []string{"e=="}, []string{"u==ünï"}, []string{"amp==a&b=c"},
				[]string{"f==@token.txt"}, []string{`a\===b`})[0]
			name := q[:strings.Index(q, "==")]
			if queryNames[name] && lastQuery != name {
				continue // HTTPie groups the values of a name: left out (see above)
			}
			queryNames[name], lastQuery = true, name
			items = append(items, q)
		case 4, 5, 6:
			f := pick([]string{"name=value"}, []string{"sp=two words"}, []string{"empty="}, []string{"uni=ünï"},
				[]string{"f=@notes.txt"}, []string{"a[b]=1"}, []string{"a[c][d]=2"}, []string{"list[]=x"}, []string{"list[]=y"},
				[]string{`esc\=aped=v`}, []string{"amp=a&b"})[0]
			if form && grouped(f[:strings.Index(f, "=")]) {
				continue
			}
			items, data = append(items, f), true
		case 7:
			if form {
				continue // raw JSON in a form: left out (see above)
			}
			items = append(items, pick([]string{"n:=1"}, []string{"t:=true"}, []string{`arr:=[1,"a",null]`}, []string{`obj:={"k":{"z":[]}}`},
				[]string{"j:=@data.json"}, []string{"a[n]:=3"})...)
			data = true
		case 8, 9:
			if !form {
				continue // an upload without -f: hop sends it as multipart (a README decision), HTTPie refuses it
			}
			f := pick([]string{"up@notes.txt"}, []string{"up@data.json"}, []string{"bin@blob.bin"},
				[]string{"typed@data.zzq;type=application/x-zzq"}, []string{"pic@pic.png"})[0]
			if grouped(f[:strings.Index(f, "@")]) {
				continue
			}
			items, data, multipart = append(items, f), true, true
		}
	}
	if !raw && r.IntN(6) == 0 {
		// A body from a file: alone, or (with -f) a part with no name, as HTTPie reads it.
		body := pick([]string{"@data.json"}, []string{"@notes.txt"}, []string{"@data.zzq"})
		if form && body[0] == "@data.zzq" {
			body = []string{"@data.json"} // a part of no known type: application/octet-stream (see above)
		}
		items, data, multipart = append(items, body...), true, multipart || form
	}
	if follow {
		// --follow through a chain of redirects, on one host or across two. HTTPie (through requests) drops
		// the body of any method on a 301 or 302, and makes a GET of any on a 302, where hop changes a POST
		// only (as browsers and curl do); it cannot send a multipart body again on a 307 or 308, and hangs:
		// those chains are left out.
		codes := []string{"303"}
		if !multipart {
			codes = append(codes, "307", "308")
		}
		if slices.Equal(method, []string{"POST"}) || method == nil && (data || raw) {
			codes = append(codes, "301", "302")
		}
		flags = append(flags, "--follow")
		next := pick([]string{"http://127.0.0.1:PORT/record/end?q=1"}, []string{"http://localhost:PORT/record/end"})[0]
		for range 1 + r.IntN(2) {
			next = pick([]string{"http://127.0.0.1:PORT"}, []string{"http://localhost:PORT"})[0] + "/redirect-to?status_code=" + codes[r.IntN(len(codes))] + "&url=" + url.QueryEscape(next)
		}
		target = []string{next}
	}
	args := slices.Concat(flags, method, target, items)
	return args
}
