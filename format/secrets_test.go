package format

import (
	"net/http"
	"reflect"
	"testing"
)

func TestSecretsMaskHeaders(t *testing.T) {
	h := http.Header{
		"Authorization":       {"Bearer ghp_abcdefghijkl3456"},
		"Proxy-Authorization": {"Basic YW5uOnNlY3JldA=="},
		"Cookie":              {"sid=abc; theme=dark"},
		"Set-Cookie":          {"sid=abc; Path=/; HttpOnly", "plain=1"},
		"X-Other":             {"kept"},
		"Location":            {"https://ann:s3cret@example.com/next"},
		"Content-Location":    {"/plain"},
	}
	want := http.Header{
		"Authorization":       {"Bearer ****3456"},
		"Proxy-Authorization": {"Basic ****"}, // the end of a Basic credential is the end of the password
		"Cookie":              {"sid=****; theme=****"},
		"Set-Cookie":          {"sid=****; Path=/; HttpOnly", "plain=****"},
		"X-Other":             {"kept"},
		"Location":            {"https://ann:xxxxx@example.com/next"}, // hop sends a Location's credentials on
		"Content-Location":    {"/plain"},
	}
	if got := (Secrets{}).Header(h); !reflect.DeepEqual(got, want) {
		t.Errorf("masked = %v\nwant %v", got, want)
	}
	if h.Get("Authorization") != "Bearer ghp_abcdefghijkl3456" {
		t.Errorf("masking changed the caller's header")
	}
	if got := (Secrets{Show: true}).Header(h); !reflect.DeepEqual(got, h) {
		t.Errorf("--show-secrets: %v", got)
	}
	for in, want := range map[string]string{
		"Bearer short":               "Bearer ****", // too short to show an end
		"token-without-scheme":       "****",
		"Digest username=\"a\"":      "Digest ****",
		"Token 0123456789abcdefXYZW": "Token ****XYZW",
	} {
		if got := maskCredential(in); got != want {
			t.Errorf("maskCredential(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSecretsMaskURLs(t *testing.T) {
	for in, want := range map[string]string{
		"http://ann:pw@example.com/x?q=1": "http://ann:xxxxx@example.com/x?q=1",
		"http://ann@example.com/":         "http://ann@example.com/",
		"http://example.com/a@b":          "http://example.com/a@b",
		"http://a:b@[::1/":                "http://a:xxxxx@[::1/", // not a URL, still no password
	} {
		if got := (Secrets{}).URL(in); got != want {
			t.Errorf("URL(%q) = %q, want %q", in, got, want)
		}
	}
	if got := (Secrets{Show: true}).URL("http://ann:pw@h/"); got != "http://ann:pw@h/" {
		t.Errorf("--show-secrets URL = %q", got)
	}
}
