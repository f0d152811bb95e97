package cmd_test

import (
	"math/rand/v2"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hop-cli/hop/testserver"
)

// TestRandomHSTSAsCurlKeepsIt: curl lines in a row on one --hsts file, each an https request whose answer
// carries a Strict-Transport-Security header written at random (max-age plain, quoted, zero, in capitals,
// includeSubDomains before or after, preload, an unknown directive, none at all) or an http request that
// the cache may turn into https, for hosts that share a domain or not. curl and hop curl, each with a file
// of its own, must end every step alike (an http URL upgraded meets the plain server's port over TLS and
// fails the handshake in both) and keep caches that hold the same hosts; and each must upgrade a URL by the
// other's file as by its own. HOP_HSTS_SEEDS searches longer, HOP_HSTS_FIRST moves on.
//
// Set aside, as the README says: headers RFC 6797 tells a client to ignore and curl 7.88 reads anyway (a
// number followed by other characters, blanks before '=', a directive given twice), which are not in the
// pool; the expiry of a max-age beyond 2^31 seconds (hop keeps 68 years, curl the largest time; not in
// the pool); and a host with includeSubDomains under a parent with includeSubDomains, which curl 7.88
// leaves out when it reads its file (hop keeps it, with its own expiry): the seed stops there, counted.
func TestRandomHSTSAsCurlKeepsIt(t *testing.T) {
	lookCurl(t)
	dir := t.TempDir()
	names := []string{"example.com", "www.example.com", "a.www.example.com", "other.org"}
	cert, root, _ := loopbackCertIn(t, dir, names...)
	secure := testserver.Start(testserver.Config{TLS: true, Cert: &cert})
	defer secure.Close()
	plain := testserver.Start(testserver.Config{})
	defer plain.Close()
	portOf := func(s string) string { u, _ := url.Parse(s); return u.Port() }
	sport, pport := portOf(secure.URL), portOf(plain.URL)
	var resolve []string
	for _, h := range names {
		resolve = append(resolve, "--resolve", h+":"+sport+":127.0.0.1", "--resolve", h+":"+pport+":127.0.0.1")
	}
	// run runs curl or hop curl with args in dir: what it wrote on stdout, and its exit code.
	run := func(tool, dir string, args []string) (string, int) {
		out, code, _ := runEnv(t, dir, nil, append(curlTool(t, tool), args...)...)
		return string(out), code
	}
	first, n := envSeed("HOP_HSTS_FIRST", 1), envSeed("HOP_HSTS_SEEDS", 60)
	setAside := 0
	defer func() { t.Logf("%d of %d seeds set aside where curl 7.88 dropped a covered host", setAside, n) }()
	for seed := first; seed < first+n; seed++ {
		r := rand.New(rand.NewPCG(seed, 11))
		pick := func(s ...string) string { return s[r.IntN(len(s))] }
		dirs := map[string]string{"curl": t.TempDir(), "hop": t.TempDir()}
		var lines []string
		before, clean := map[string]hstsEntry{}, true // the cache both read at the step's start; all alike so far
		for step := range 1 + r.IntN(6) {
			host := names[r.IntN(len(names))]
			var target string
			if r.IntN(5) < 3 {
				sts := pick("max-age=3600", "max-age=3600; includeSubDomains", "includeSubDomains; max-age=600", "max-age=0",
					"MAX-AGE=60", `max-age="120"`, "max-age=100;includesubdomains", "max-age=100 ; includeSubDomains ",
					"includeSubDomains", "max-age=100; preload", "max-age=-1", "max-age=abc", "max-age=0; includeSubDomains",
					"Max-Age=7200; IncludeSubDomains; preload", "")
				target = "https://" + host + ":" + sport + "/response-headers"
				if sts != "" {
					target += "?Strict-Transport-Security=" + url.QueryEscape(sts)
				}
			} else {
				target = "http://" + host + ":" + pport + "/get"
			}
			args := slices.Concat([]string{"-s", "-o", "/dev/null", "--cacert", root, "--hsts", "hsts.txt", "-w", "%{url_effective}"}, resolve, []string{target})
			lines = append(lines, target)
			line := "seed " + strconv.FormatUint(seed, 10) + ": " + strings.Join(lines, "\n\tthen ")
			out := map[string]string{}
			codes := map[string]int{}
			for tool, d := range dirs {
				out[tool], codes[tool] = run(tool, d, args)
			}
			clean = false
			if codes["curl"] != codes["hop"] || out["curl"] != out["hop"] {
				t.Errorf("%s:\n\tcurl exit %d (%s), hop curl exit %d (%s)", line, codes["curl"], out["curl"], codes["hop"], out["hop"])
				break
			}
			g, w := readHSTS(t, filepath.Join(dirs["hop"], "hsts.txt")), readHSTS(t, filepath.Join(dirs["curl"], "hsts.txt"))
			if sameHSTS(g, w) {
				before, clean = g, true
				continue
			}
			if droppedOnLoad(g, w, before) {
				setAside++ // curl 7.88 dropped, reading its file, a host a parent's includeSubDomains covers
				break
			}
			t.Errorf("%s: after step %d\n\thop curl's cache %v\n\tcurl's %v", line, step, g, w)
			break
		}
		if !clean {
			continue
		}
		// The caches hold the same hosts: each tool upgrades an http URL by the other's file as by its own.
		target := "http://" + names[r.IntN(len(names))] + ":" + pport + "/get"
		for _, reader := range []string{"curl", "hop"} {
			ends := map[string]string{}
			for owner, d := range dirs {
				file := filepath.Join(dirs[reader], "copy-of-"+owner+".txt") // a copy: the reader writes it back
				data, _ := os.ReadFile(filepath.Join(d, "hsts.txt"))
				if err := os.WriteFile(file, data, 0o600); err != nil {
					t.Fatal(err)
				}
				args := slices.Concat([]string{"-s", "-o", "/dev/null", "--hsts", file, "-w", "%{url_effective}"}, resolve, []string{target})
				out, code := run(reader, dirs[reader], args)
				ends[owner] = out + " exit " + strconv.Itoa(code)
			}
			if ends["curl"] != ends["hop"] {
				t.Errorf("seed %d: %s: %s by curl's cache: %s; by hop curl's: %s", seed, target, reader, ends["curl"], ends["hop"])
			}
		}
	}
}

// hstsEntry is a line of an HSTS cache file: whether it covers subdomains, and when it expires.
type hstsEntry struct {
	subdomains bool
	expires    time.Time // zero: unlimited
}

// readHSTS reads a cache file in curl's format (host "YYYYMMDD HH:MM:SS", a leading dot for subdomains); a
// missing file is an empty cache.
func readHSTS(t *testing.T, name string) map[string]hstsEntry {
	t.Helper()
	data, err := os.ReadFile(name)
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	m := map[string]hstsEntry{}
	for _, l := range strings.Split(string(data), "\n") {
		host, date, ok := strings.Cut(strings.TrimSpace(l), " ")
		if !ok || strings.HasPrefix(host, "#") {
			continue
		}
		e := hstsEntry{}
		host, e.subdomains = strings.CutPrefix(host, ".")
		if date = strings.Trim(date, `"`); date != "unlimited" {
			if e.expires, err = time.Parse("20060102 15:04:05", date); err != nil {
				t.Fatalf("%s: %q: %v", name, l, err)
			}
		}
		m[host] = e
	}
	return m
}

// sameHSTS reports whether two caches hold the same hosts, each with the same subdomain flag and expiry
// times within a minute (a max-age counts from when each tool ran).
func sameHSTS(a, b map[string]hstsEntry) bool {
	if len(a) != len(b) {
		return false
	}
	for host, ea := range a {
		eb, ok := b[host]
		if !ok || ea.subdomains != eb.subdomains || ea.expires.IsZero() != eb.expires.IsZero() {
			return false
		}
		if d := ea.expires.Sub(eb.expires); d > time.Minute || d < -time.Minute {
			return false
		}
	}
	return true
}

// droppedOnLoad reports whether curl's cache lacks only hosts hop's holds that curl 7.88 left out when it
// read the file the step started from: a host with includeSubDomains under a parent with includeSubDomains
// (it adds a line only when no entry covers it yet). The rest must agree.
func droppedOnLoad(hop, curl, before map[string]hstsEntry) bool {
	dropped := 0
	for host := range hop {
		if _, ok := curl[host]; ok {
			continue
		}
		b, wasThere := before[host]
		parentCovered := false
		for p, pe := range before {
			parentCovered = parentCovered || pe.subdomains && strings.HasSuffix(host, "."+p)
		}
		if !wasThere || !b.subdomains || !parentCovered {
			return false
		}
		dropped++
		delete(hop, host)
	}
	return dropped > 0 && sameHSTS(hop, curl)
}
