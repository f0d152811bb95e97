package session

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"maps"
	"net"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/hop-cli/hop/argfile"
)

// HSTS is curl's --hsts cache (RFC 6797): the hosts that announced Strict-Transport-Security over a
// verified https connection, kept in a file between runs in curl's format, so that curl and hop can share
// one. A request to such a host over http:// goes over https:// instead, before anything is sent.
type HSTS struct {
	mu      sync.Mutex
	hosts   map[string]hstsEntry // by lower-case host name
	changed bool
	now     func() time.Time
}

type hstsEntry struct {
	subdomains bool      // includeSubDomains: the host's subdomains too
	expires    time.Time // zero: unlimited (a file may say so; no header does)
}

// maxHSTSFile bounds the cache file: one short line per host.
const maxHSTSFile = 4 << 20

// hstsTime is the format of the cache's expiry dates, in UTC, as curl writes them.
const hstsTime = "20060102 15:04:05"

// LoadHSTS reads the cache at path: no file is an empty cache; lines that cannot be read and entries
// already expired are left out.
func LoadHSTS(path string) (*HSTS, error) {
	h := &HSTS{hosts: map[string]hstsEntry{}, now: time.Now}
	if _, err := os.Stat(path); os.IsNotExist(err) {
		return h, nil
	}
	data, err := argfile.Read(path, maxHSTSFile) // bounded: /dev/zero cannot exhaust memory
	if err != nil {
		return nil, err
	}
	h.read(data)
	return h, nil
}

// read takes in the entries of a cache file's content.
func (h *HSTS) read(data []byte) {
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		// .example.com "20271203 09:00:00"   (a leading dot: includeSubDomains)
		host, date, ok := strings.Cut(strings.TrimSpace(sc.Text()), " ")
		if !ok || host == "" || host[0] == '#' {
			continue
		}
		e := hstsEntry{}
		host, e.subdomains = strings.CutPrefix(host, ".")
		date = strings.Trim(strings.TrimSpace(date), `"`)
		if date != "unlimited" {
			t, err := time.Parse(hstsTime, date)
			if err != nil || !t.After(h.now()) {
				continue
			}
			e.expires = t
		}
		if host != "" && net.ParseIP(host) == nil {
			h.hosts[strings.ToLower(host)] = e
		}
	}
}

// Upgrade turns u into https when its host is known, and reports whether it did. An explicit port 80
// goes (https's own is used); any other port stays, as RFC 6797 §8.3 says.
func (h *HSTS) Upgrade(u *url.URL) bool {
	if u.Scheme != "http" || !h.known(u.Hostname()) {
		return false
	}
	u.Scheme = "https"
	if u.Port() == "80" {
		u.Host = strings.TrimSuffix(u.Host, ":80")
	}
	return true
}

// known reports whether host, or a parent that covers its subdomains, has a live entry.
func (h *HSTS) known(host string) bool {
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	if net.ParseIP(host) != nil {
		return false
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	for name, sub := host, false; ; sub = true {
		if e, ok := h.hosts[name]; ok && (!sub || e.subdomains) && (e.expires.IsZero() || e.expires.After(h.now())) {
			return true
		}
		_, parent, found := strings.Cut(name, ".")
		if !found || parent == "" {
			return false
		}
		name = parent
	}
}

// Learn takes in the Strict-Transport-Security header of a response from u: only over https with a
// certificate that was verified (not under -k), and never for an IP address (RFC 6797 §8.1). max-age=0
// removes the host; a header that cannot be read changes nothing.
func (h *HSTS) Learn(u *url.URL, resp *http.Response) {
	if u.Scheme != "https" || resp.TLS == nil || len(resp.TLS.VerifiedChains) == 0 {
		return
	}
	host := strings.ToLower(strings.TrimSuffix(u.Hostname(), "."))
	if net.ParseIP(host) != nil || host == "" {
		return
	}
	maxAge, subdomains, ok := parseSTS(resp.Header.Get("Strict-Transport-Security"))
	if !ok {
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if maxAge == 0 {
		if _, had := h.hosts[host]; had {
			delete(h.hosts, host)
			h.changed = true
		}
		return
	}
	h.hosts[host] = hstsEntry{subdomains: subdomains, expires: h.now().Add(maxAge).UTC().Truncate(time.Second)}
	h.changed = true
}

// parseSTS reads a Strict-Transport-Security value (RFC 6797 §6.1): max-age is required, each directive
// at most once, names case-insensitive, values maybe quoted.
func parseSTS(v string) (maxAge time.Duration, subdomains, ok bool) {
	seen := map[string]bool{}
	for _, d := range strings.Split(v, ";") {
		name, value, _ := strings.Cut(strings.TrimSpace(d), "=")
		name = strings.ToLower(strings.TrimSpace(name))
		if name == "" {
			continue
		}
		if seen[name] {
			return 0, false, false
		}
		seen[name] = true
		switch name {
		case "max-age":
			value = strings.TrimSpace(value)
			if len(value) >= 2 && value[0] == '"' && value[len(value)-1] == '"' {
				value = value[1 : len(value)-1] // a quoted-string, closed
			}
			n, err := strconv.ParseUint(value, 10, 63)
			if errors.Is(err, strconv.ErrRange) {
				n, err = 1<<31, nil // more digits than fit: the largest delta-seconds (RFC 2616, 3.3.2)
			}
			if err != nil { // digits only: no sign, no exponent
				return 0, false, false
			}
			maxAge = time.Duration(min(n, 1<<31)) * time.Second // ~68 years at most
		case "includesubdomains":
			subdomains = true
		}
	}
	return maxAge, subdomains, seen["max-age"]
}

// Save writes the cache to path, in curl's format, when it changed, as -c writes a jar (argfile.WriteFile).
func (h *HSTS) Save(path string) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	if !h.changed {
		return nil
	}
	var b strings.Builder
	b.WriteString("# Your HSTS cache. https://curl.se/docs/hsts.html\n# Written by hop, in curl's format.\n")
	for _, host := range slices.Sorted(maps.Keys(h.hosts)) {
		e := h.hosts[host]
		date := "unlimited"
		if !e.expires.IsZero() {
			if !e.expires.After(h.now()) {
				continue
			}
			date = e.expires.UTC().Format(hstsTime)
		}
		if e.subdomains {
			host = "." + host
		}
		fmt.Fprintf(&b, "%s \"%s\"\n", host, date)
	}
	return argfile.WriteFile(path, []byte(b.String()))
}
