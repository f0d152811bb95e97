package cmd_test

import (
	"cmp"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// TestRandomSessionsAsHTTPieKeepsThem: a few HTTPie command lines in a row on one session (a file, or a
// name kept per host; now and then --session-read-only), with headers typed (kept, emptied, removed, If-*
// and Content-* ones, Cookie headers), credentials (-a, bearer), bodies, --follow through redirects between
// two hosts, against answers that set cookies built at random (Path, Max-Age, Expires, quoted and empty
// values, deletions). HTTPie and hop, each with a session of its own, must send the same request at every
// hop of every step (User-Agent, Accept-Encoding, Connection and Content-Length aside; cookies compared as
// a set); and, at the end, hop must send with HTTPie's file what HTTPie sends with it, and write it back so
// that HTTPie still sends the same with it. Now and then hop joins a named session HTTPie began: it starts
// from HTTPie's session of that name, as the README says, and must send what HTTPie sends from there on.
// HOP_SESSION_SEEDS searches longer, HOP_SESSION_FIRST moves on.
//
// Set aside, as the README says: HTTPie keeps its JSON Accept in the session (jsonAccept); it keeps a typed
// Cookie for every host (a seed that types one stays on one host) and sends it beside the session's
// cookies of its name, and it removes after the exchange every cookie of a name the server expired
// (cookiesAside); it sends -a's or the session's credentials over a typed Authorization and turns a PUT
// into a GET on a 302 (the pool has neither); its redirects drop a Content-Type typed on a GET (not
// compared after the first hop of a body-less step); Python's jar applies an answer's deletions before its
// other cookies (one Set-Cookie of a name per answer).
func TestRandomSessionsAsHTTPieKeepsThem(t *testing.T) {
	httpie := lookHTTPie(t)
	var mu sync.Mutex
	seen := map[string]http.Header{} // the id of a request (tool.step.hop) → its head
	handler := settingCookies(func(id string, r *http.Request) {
		h := r.Header.Clone()
		h.Set("X-Method", r.Method)
		mu.Lock()
		seen[id] = h
		mu.Unlock()
	})
	srv := httptest.NewServer(handler)
	defer srv.Close()
	u, _ := url.Parse(srv.URL)
	hosts := []string{"127.0.0.1:" + u.Port(), "localhost:" + u.Port()}
	// run runs one tool's line in dir, its home and configuration directory (so a named session is the
	// seed's own, and hop reads no session HTTPie left there unless from names HTTPie's configuration
	// directory): its exit code and stderr's last line.
	run := func(tool, dir, from string, args []string) (int, string) {
		cmd := []string{hopBinary(t)}
		env := []string{"HOME=" + dir, "XDG_CONFIG_HOME=" + filepath.Join(dir, "config"), "HTTPIE_CONFIG_DIR=" + cmp.Or(from, filepath.Join(dir, "none"))}
		if tool == "http" {
			cmd = []string{httpie}
			env[2] = "HTTPIE_CONFIG_DIR=" + filepath.Join(dir, "config")
		}
		_, code, stderr := runEnv(t, dir, env, append(cmd, append([]string{"--ignore-stdin", "--print="}, args...)...)...)
		return code, lastLine(stderr)
	}

	first, n := envSeed("HOP_SESSION_FIRST", 1), envSeed("HOP_SESSION_SEEDS", 15)
	for seed := first; seed < first+n; seed++ {
		r := rand.New(rand.NewPCG(seed, 11))
		pick := func(s ...string) string { return s[r.IntN(len(s))] }
		path := func() string { return pick("/", "/a", "/a/", "/a/b", "/ab", "/x") }
		setCookie := func() string {
			c := pick("c", "c", "d", "s", "t") + "=" + pick("1", "2", "3", `"q"`, "")
			if r.IntN(10) < 4 {
				c += "; Path=" + pick("/", "/a", "/a/b", "/x")
			}
			if r.IntN(5) == 0 {
				c += "; HttpOnly"
			}
			switch r.IntN(6) {
			case 0:
				c += "; Max-Age=" + pick("0", "-1", "60", "3600")
			case 1:
				c += "; Expires=" + pick("Thu, 01 Jan 1970 00:00:00 GMT", "Wed, 01 Jan 2031 00:00:00 GMT")
			}
			return c
		}
		dirs := map[string]string{"http": t.TempDir(), "hop": t.TempDir()}
		// HTTPie's configuration: a user's default_options stay out, and so does its check for a newer version.
		if err := os.MkdirAll(filepath.Join(dirs["http"], "config"), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dirs["http"], "config", "config.json"), []byte(`{"default_options": [], "disable_update_warnings": true}`), 0o600); err != nil {
			t.Fatal(err)
		}
		session := pick("./s.json", "./s.json", "s") // a file, or a name kept per host
		// A seed that types a Cookie header stays on one host: HTTPie keeps such cookies for every host.
		// So does one where hop joins a named session HTTPie began, at step joinAt: hop starts from
		// HTTPie's session of that name for the host.
		typesCookies, joinAt := r.IntN(3) == 0, -1
		if session == "s" && r.IntN(2) == 0 {
			joinAt = 1 + r.IntN(3)
		}
		host := func() string {
			if typesCookies || joinAt > 0 {
				return hosts[seed%2]
			}
			return hosts[r.IntN(len(hosts))]
		}
		var lines []string
		steps, clean := 1+r.IntN(4), true
		saved := false                          // the session file exists
		typedAccept, jsonAccept := false, false // the session keeps an Accept typed, or HTTPie's JSON one
		typedNames, expiredNames := map[string]bool{}, map[string]bool{}
		sessionAuth := false // the session keeps credentials
		for step := range steps {
			follow := r.IntN(4) == 0
			hops := 1
			if follow {
				hops += r.IntN(3)
			}
			var next string
			expiring := map[string]bool{}
			for h := hops - 1; h >= 0; h-- {
				q := url.Values{"id": {"TOOL." + strconv.FormatUint(seed, 10) + "." + strconv.Itoa(step) + "." + strconv.Itoa(h)}}
				names := map[string]bool{} // one Set-Cookie of a name per answer: Python's jar applies the deletions first
				for range r.IntN(3) {
					c := setCookie()
					name, _, _ := strings.Cut(c, "=")
					if names[name] {
						continue
					}
					names[name] = true
					if strings.Contains(c, "Max-Age=0") || strings.Contains(c, "Max-Age=-1") || strings.Contains(c, "1970") {
						expiring[name] = true
					}
					q.Add("set", c)
				}
				if next != "" {
					q.Set("to", next)
				}
				next = "http://" + host() + path() + "?" + q.Encode()
			}
			var drawn []string
			readOnly := r.IntN(5) == 0 && step != joinAt // (read only, hop would not keep what it began from)
			if readOnly {
				drawn = append(drawn, "--session-read-only="+session)
			} else {
				drawn = append(drawn, "--session="+session)
			}
			if follow {
				drawn = append(drawn, "--follow")
			}
			auth := r.IntN(8)
			switch auth {
			case 0:
				drawn = append(drawn, "-a", pick("u:p", "v:q"))
			case 1:
				drawn = append(drawn, "--auth-type=bearer", "-a", pick("tok1", "tok2"))
			}
			method := pick("", "", "", "POST", "PUT")
			if follow && method == "PUT" {
				method = "POST" // HTTPie turns a PUT into a GET after a 302; hop, as browsers and curl, does not
			}
			if method != "" {
				drawn = append(drawn, method)
			}
			drawn = append(drawn, next)
			stepAccept, cookieTyped := false, false
			for range r.IntN(4) {
				item := pick("X-A:1", "X-A:2", "X-B:b", "X-A:", "X-C;", "Accept:text/plain",
					"If-Match:e", "If-None-Match:e2", "Content-Type:text/x", "Cookie:", "Referer:http://r/",
					"Authorization:Bearer typed", "X-D:"+pick("1", "2"))
				switch {
				case item == "Cookie:":
					if !typesCookies || cookieTyped {
						continue
					}
					cookieTyped = true
					item += pick("c=9", "c=8; d=7", "t=5")
					for _, p := range strings.Split(strings.TrimPrefix(item, "Cookie:"), "; ") {
						name, _, _ := strings.Cut(p, "=")
						typedNames[name] = true
					}
				case item == "Authorization:Bearer typed" && (auth < 2 || sessionAuth):
					continue // HTTPie sends -a's credentials over a typed Authorization; hop what was typed
				case item == "Accept:text/plain":
					stepAccept = true
				}
				drawn = append(drawn, item)
			}
			jsonBody := false
			if method != "" || r.IntN(6) == 0 {
				drawn = append(drawn, pick("k=v", "n:=1"))
				jsonBody = true
			}
			joins := ""
			if step == joinAt {
				joins = " (hop joins here)"
			}
			lines = append(lines, strings.Join(drawn, " ")+joins)
			line := "seed " + strconv.FormatUint(seed, 10) + ": http " + strings.Join(lines, "\n\tthen http ")
			codes, why := map[string]int{}, map[string]string{}
			tools := []string{"hop", "http"} // hop first: where it joins, it starts from HTTPie's session before the step
			if step < joinAt {
				tools = tools[1:]
			}
			for _, tool := range tools {
				args := make([]string, len(drawn))
				for i, a := range drawn {
					args[i] = strings.ReplaceAll(a, "TOOL", tool)
				}
				from := ""
				if step == joinAt {
					from = filepath.Join(dirs["http"], "config")
				}
				codes[tool], why[tool] = run(tool, dirs[tool], from, args)
			}
			// keep notes what the step left in HTTPie's session.
			keep := func() {
				if readOnly && saved {
					return
				}
				saved = true
				switch {
				case stepAccept:
					typedAccept, jsonAccept = true, false
				case jsonBody && !typedAccept:
					jsonAccept = true
				}
				sessionAuth = sessionAuth || auth < 2
				for n := range expiring {
					expiredNames[n] = true
				}
			}
			if step < joinAt {
				keep()
				continue
			}
			if codes["http"] != codes["hop"] {
				t.Errorf("%s: HTTPie exit %d (%s), hop exit %d (%s)", line, codes["http"], why["http"], codes["hop"], why["hop"])
				clean = false
				break
			}
			var apart []string
			for h := range hops {
				id := "." + strconv.FormatUint(seed, 10) + "." + strconv.Itoa(step) + "." + strconv.Itoa(h)
				mu.Lock()
				want, wok := seen["http"+id]
				got, gok := seen["hop"+id]
				mu.Unlock()
				if wok != gok {
					apart = append(apart, fmt.Sprintf("hop %d of step %d reached by HTTPie: %v, by hop: %v", h, step, wok, gok))
					continue
				}
				if !wok {
					continue
				}
				// Set aside: HTTPie keeps its own JSON Accept in the session, and sends the cookies of a
				// name typed beside the session's of that name; it removes, at the end of a step, every
				// cookie of a name the server expired anywhere in it.
				if jsonAccept && !stepAccept && want.Get("Accept") == jsonAcceptValue && got.Get("Accept") == "*/*" {
					want.Set("Accept", "*/*")
				}
				if h > 0 && !jsonBody && want.Get("Content-Type") == "" {
					got.Del("Content-Type") // requests drops it on any redirect but a 307 or 308; hop, as browsers, with the body
				}
				cookiesAside(got, want, typedNames, expiredNames)
				if got.Get("X-Method") != want.Get("X-Method") {
					apart = append(apart, fmt.Sprintf("at hop %d of step %d: %s, HTTPie %s", h, step, got.Get("X-Method"), want.Get("X-Method")))
				} else if d := sessionHeadsApart(got, want); d != "" {
					apart = append(apart, fmt.Sprintf("at hop %d of step %d: %s", h, step, d))
				}
			}
			if len(apart) > 0 {
				hs, _ := os.ReadFile(filepath.Join(dirs["http"], "s.json"))
				ps, _ := os.ReadFile(filepath.Join(dirs["hop"], "s.json"))
				t.Errorf("%s:\n\t%s\nHTTPie's session:\n%s\nhop's:\n%s", line, strings.Join(apart, "\n\t"), hs, ps)
				clean = false
				break
			}
			keep()
		}
		if !clean {
			continue
		}
		// hop reads HTTPie's file as HTTPie does, and writes it back so that HTTPie still does.
		theirs := filepath.Join(dirs["http"], "s.json")
		if _, err := os.Stat(theirs); err != nil {
			continue // a named session
		}
		target := "http://" + hosts[r.IntN(len(hosts))] + path() + "?id=" + strconv.FormatUint(seed, 10) + ".WHO"
		copied := filepath.Join(dirs["hop"], "theirs.json")
		data, _ := os.ReadFile(theirs)
		if err := os.WriteFile(copied, data, 0o600); err != nil {
			t.Fatal(err)
		}
		run("http", dirs["http"], "", []string{"--session-read-only=" + theirs, strings.ReplaceAll(target, "WHO", "http")})
		run("hop", dirs["hop"], "", []string{"--session-read-only=" + theirs, strings.ReplaceAll(target, "WHO", "hop")})
		run("hop", dirs["hop"], "", []string{"--session=" + copied, strings.ReplaceAll(target, "WHO", "write")})
		run("http", dirs["http"], "", []string{"--session-read-only=" + copied, strings.ReplaceAll(target, "WHO", "back")})
		id := strconv.FormatUint(seed, 10) + "."
		mu.Lock()
		want, wok := seen[id+"http"]
		got, gok := seen[id+"hop"]
		back, bok := seen[id+"back"]
		mu.Unlock()
		written, _ := os.ReadFile(copied)
		if !wok || !gok || !bok {
			t.Errorf("seed %d: with HTTPie's session %s reached by HTTPie: %v, by hop: %v, by HTTPie after hop wrote it: %v", seed, target, wok, gok, bok)
			continue
		}
		wantHop, wantBack := want.Clone(), want.Clone()
		cookiesAside(got, wantHop, typedNames, nil)
		cookiesAside(back, wantBack, typedNames, nil)
		if d := sessionHeadsApart(got, wantHop); d != "" {
			t.Errorf("seed %d: hop with HTTPie's session: %s\nthe session:\n%s", seed, d, data)
		} else if d := sessionHeadsApart(back, wantBack); d != "" {
			t.Errorf("seed %d: HTTPie with its session after hop wrote it: %s\nbefore:\n%s\nafter:\n%s", seed, d, data, written)
		}
	}
}

// cookiesAside sets aside, in two request heads' cookies, what HTTPie's sessions do apart on purpose: the
// cookies of a name typed in a Cookie header that HTTPie sends beside (they are kept for no domain), and,
// from hop's, those of a name the server expired in an earlier step that HTTPie removed from every domain
// and path.
func cookiesAside(got, want http.Header, typed, expired map[string]bool) {
	if got.Get("Cookie") == "" && want.Get("Cookie") == "" {
		return
	}
	g, w := cookiePairs(got.Values("Cookie")), cookiePairs(want.Values("Cookie"))
	name := func(p string) string { n, _, _ := strings.Cut(p, "="); return n }
	// beyond is whether p, one more of a pair, is beyond the count of it in other.
	beyond := func(other []string) func(string) bool {
		left := map[string]int{}
		for _, p := range other {
			left[p]++
		}
		return func(p string) bool { left[p]--; return left[p] < 0 }
	}
	inG, inW := beyond(g), beyond(w)
	w = slices.DeleteFunc(w, func(p string) bool { return inG(p) && typed[name(p)] })
	g = slices.DeleteFunc(g, func(p string) bool { return inW(p) && expired[name(p)] })
	got.Set("Cookie", strings.Join(g, "; "))
	want.Set("Cookie", strings.Join(w, "; "))
}

const jsonAcceptValue = "application/json, */*;q=0.5"

// cookiePairs are the name=value pairs of Cookie headers, sorted.
func cookiePairs(headers []string) []string {
	var p []string
	for _, h := range headers {
		for _, c := range strings.Split(h, ";") {
			if c = strings.TrimSpace(c); c != "" {
				p = append(p, c)
			}
		}
	}
	slices.Sort(p)
	return p
}

// sessionHeadsApart says how two request heads differ, User-Agent, Accept-Encoding, Connection and
// Content-Length aside and the cookies compared as a set; "" when they do not.
func sessionHeadsApart(got, want http.Header) string {
	var d []string
	names := map[string]bool{}
	for k := range got {
		names[k] = true
	}
	for k := range want {
		names[k] = true
	}
	keys := slices.Sorted(func(yield func(string) bool) {
		for k := range names {
			if !yield(k) {
				return
			}
		}
	})
	for _, k := range keys {
		switch k {
		case "User-Agent", "Accept-Encoding", "Connection", "Content-Length":
			continue
		case "Cookie":
			g, w := strings.Join(got[k], "; "), strings.Join(want[k], "; ")
			if !sameCookies(g, w) {
				d = append(d, fmt.Sprintf("Cookie %q, HTTPie %q", g, w))
			}
			continue
		}
		if !slices.Equal(got[k], want[k]) {
			d = append(d, fmt.Sprintf("%s %q, HTTPie %q", k, got[k], want[k]))
		}
	}
	return strings.Join(d, "; ")
}
