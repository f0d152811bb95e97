package redact

import (
	"net/url"
	"testing"
)

func TestURL(t *testing.T) {
	for raw, want := range map[string]string{
		"http://ann:s3cret@[bad":       "http://ann:xxxxx@[bad",
		"ftp://ann:s3cret@x:1/p":       "ftp://ann:xxxxx@x:1/p",
		"ann:s3cret@[::1":              "ann:xxxxx@[::1",
		"http://ann:s3cret@exa mple/x": "http://ann:xxxxx@exa mple/x",
		"http://a:b:c@host/x@y":        "http://a:xxxxx@host/x@y", // an @ in the path is not userinfo
		"http://ann@host/":             "http://ann@host/",        // no password, nothing hidden
		"http://host/p?q=a:b@c":        "http://host/p?q=a:b@c",
		"socks5://ann:s3cret@/x":       "socks5://ann:xxxxx@/x",
		"":                             "",
		"http://x:y@z:w@host/":         "http://x:xxxxx@host/", // the last @ ends the userinfo, as in url.Parse
		"//ann:s3cret@host/p":          "//ann:xxxxx@host/p",   // scheme-relative, as a Location may be
		"/p/a:b@c":                     "/p/a:b@c",
	} {
		if got := URL(raw); got != want {
			t.Errorf("URL(%q) = %q, want %q", raw, got, want)
		}
	}
	// Where the URL parses, the result is url.URL's own.
	for _, raw := range []string{"http://ann:s3cret@example.com:8080/p?q=1", "https://ann@example.com/", "http://example.com/"} {
		u, err := url.Parse(raw)
		if err != nil {
			t.Fatal(err)
		}
		if got := URL(raw); got != u.Redacted() {
			t.Errorf("URL(%q) = %q, url.URL says %q", raw, got, u.Redacted())
		}
	}
}

// A header is a key by its name's last word: the API keys and tokens services name so, not the headers
// that merely mention tokens or keys.
func TestKeyHeader(t *testing.T) {
	for name, want := range map[string]bool{
		"X-Api-Key": true, "x-api-key": true, "X_API_KEY": true, "Api-Key": true, "apikey": true, "X-Goog-Api-Key": true,
		"X-Auth-Token": true, "Private-Token": true, "X-Amz-Security-Token": true, "X-Vault-Token": true, "Token": true,
		"Ocp-Apim-Subscription-Key": true, "X-Client-Secret": true, "X-Auth-Key": true, "X-Access-Key": true, "X-Password": true,
		"X-RateLimit-Remaining-Tokens": false, "Idempotency-Key": false, "Sec-WebSocket-Key": false, "X-Token-Expires": false,
		"Key": false, "Content-Type": false, "Authorization": false, "": false, "-": false, "X-Hub-Signature": false,
	} {
		if got := KeyHeader(name); got != want {
			t.Errorf("KeyHeader(%q) = %v, want %v", name, got, want)
		}
	}
}
