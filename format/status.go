package format

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// meanings says in plain words what each registered status code means, indexed by code. An array of
// constants is laid out by the linker; a map would be built at every start of hop, for every command.
var meanings = [...]string{
	100: "go on and send the body",
	101: "the server is switching protocols",
	102: "the server is still working on it",
	103: "hints sent ahead of the response",
	200: "the request worked",
	201: "a new resource was created",
	202: "accepted; the work happens later",
	203: "a proxy changed the response",
	204: "done; there is no body",
	205: "done; reset the form or view",
	206: "part of the body, as the Range asked",
	207: "several statuses, listed in the body",
	208: "members already listed earlier",
	226: "a delta of the resource was returned",
	300: "several representations; pick one",
	301: "moved for good",
	302: "temporarily elsewhere",
	303: "see another URL, with GET",
	304: "your cached copy is still good",
	305: "must be reached through a proxy",
	307: "temporarily elsewhere; repeat the same method",
	308: "moved for good; repeat the same method",
	400: "the server could not understand the request",
	401: "authentication required",
	402: "payment required",
	403: "access denied, whoever you are",
	404: "nothing at this URL",
	405: "this method is not allowed here",
	406: "nothing matches the Accept headers",
	407: "the proxy wants credentials",
	408: "the server gave up waiting for the request",
	409: "conflicts with the current state of the resource",
	410: "gone for good",
	411: "a Content-Length is required",
	412: "a precondition header did not hold",
	413: "the request body is too large",
	414: "the URL is too long",
	415: "the server does not accept this Content-Type",
	416: "the requested range is outside the body",
	417: "the Expect header cannot be met",
	418: "the server is a teapot",
	421: "this server cannot answer for this host",
	422: "well-formed, but the content is invalid",
	423: "the resource is locked",
	424: "a request it depends on failed",
	425: "too early to risk a replayable request",
	426: "switch to another protocol first",
	428: "the request must be conditional",
	429: "slow down",
	431: "the request headers are too large",
	451: "unavailable for legal reasons",
	500: "the server failed",
	501: "the server does not support this",
	502: "a gateway got a bad answer upstream",
	503: "the server is down or overloaded",
	504: "a gateway timed out waiting upstream",
	505: "this HTTP version is not supported",
	506: "the server's negotiation is misconfigured",
	507: "the server is out of storage",
	508: "the server found an infinite loop",
	510: "further extensions are required",
	511: "log in to the network first",
}

// classes names each status class, indexed by the code's first digit.
var classes = [...]string{1: "informational", 2: "success", 3: "redirect", 4: "client error", 5: "server error"}

// meaningOf is the plain words for code, or "" for a code with none.
func meaningOf(code int) string {
	if code < 0 || code >= len(meanings) {
		return ""
	}
	return meanings[code]
}

// Reason is the reason phrase hop shows: the server's on HTTP/1.x when it sent one, else the registered one.
// HTTP/2 and HTTP/3 carry none.
func Reason(code int, status string) string {
	if _, phrase, ok := strings.Cut(status, " "); ok && phrase != "" {
		return phrase
	}
	if t := http.StatusText(code); t != "" {
		return t
	}
	return "Unknown"
}

// Meaning explains a status: its class, what it means in plain words, and hints from the headers (where a
// redirect goes, which auth scheme a 401 wants, when to retry a 429 or 503, which methods a 405 allows).
func Meaning(code int, h http.Header, now time.Time) string {
	class := ""
	if code >= 0 && code/100 < len(classes) {
		class = classes[code/100]
	}
	if class == "" {
		class = "non-standard status"
	}
	m := meaningOf(code)
	if m == "" {
		m = "unregistered code"
	}
	var hints []string
	if loc := h.Get("Location"); loc != "" && (code/100 == 3 || code == 201) {
		hints = append(hints, "→ "+loc)
	}
	switch code {
	case 401:
		if s := authSchemes(h.Values("Www-Authenticate")); s != "" {
			hints = append(hints, "scheme "+s)
		}
	case 407:
		if s := authSchemes(h.Values("Proxy-Authenticate")); s != "" {
			hints = append(hints, "scheme "+s)
		}
	case 405:
		if a := h.Get("Allow"); a != "" {
			hints = append(hints, "allowed: "+a)
		}
	}
	if ra := h.Get("Retry-After"); ra != "" && (code == 429 || code == 503 || code/100 == 3) {
		hints = append(hints, "retry after "+retryAfter(ra, now))
	}
	out := class + ": " + m
	if len(hints) > 0 {
		out += ", " + strings.Join(hints, ", ")
	}
	return out
}

// authSchemes lists the scheme names of WWW-Authenticate challenges: `Bearer realm="x", Basic` → Bearer, Basic.
func authSchemes(challenges []string) string {
	var schemes []string
	for _, c := range challenges {
		for _, part := range strings.Split(c, ",") {
			part = strings.TrimSpace(part)
			name, _, _ := strings.Cut(part, " ")
			if name != "" && !strings.Contains(name, "=") {
				schemes = append(schemes, name)
			}
		}
	}
	return strings.Join(schemes, ", ")
}

func retryAfter(v string, now time.Time) string {
	if secs, err := strconv.Atoi(strings.TrimSpace(v)); err == nil && secs >= 0 {
		return (time.Duration(secs) * time.Second).String()
	}
	if t, err := http.ParseTime(v); err == nil {
		d := t.Sub(now).Round(time.Second)
		if d < 0 {
			d = 0
		}
		return fmt.Sprintf("%s (%s)", d, t.UTC().Format(time.RFC3339))
	}
	return v
}

// Proto shortens Go's protocol names the way users know them: HTTP/2.0 → HTTP/2.
func Proto(p string) string {
	switch p {
	case "HTTP/2.0":
		return "HTTP/2"
	case "HTTP/3.0":
		return "HTTP/3"
	}
	return p
}
