package auth

import (
	"net/http"
	"net/url"
	"testing"

	"golang.org/x/net/http/httpguts"
)

// Whatever challenge a server sends and whatever credentials a user types, Digest never panics, and an
// answer is a header value net/http will send (not one that fails the request or splits into two headers).
func FuzzDigest(f *testing.F) {
	for _, s := range []string{`realm="r", nonce="n", qop="auth"`, `nonce=n`, `nonce="a\"b", algorithm=SHA-256-sess, opaque="\\"`,
		`nonce="`, `nonce=, qop=auth-int`, `realm="x\` + "\x01" + `", nonce="n"`, `=,=,`, `nonce="n" qop`} {
		f.Add("Digest "+s, "user", "pass")
	}
	f.Fuzz(func(t *testing.T, challenge, user, pass string) {
		resp := &http.Response{StatusCode: 401, Header: http.Header{"Www-Authenticate": {challenge}}}
		u, _ := url.Parse("http://example.com/a?b=c")
		got, ok := Digest{User: user, Password: pass}.Answer(resp, &http.Request{Method: "GET", URL: u})
		if ok && !httpguts.ValidHeaderFieldValue(got) && httpguts.ValidHeaderFieldValue(challenge+user+pass) {
			t.Fatalf("challenge %q, user %q: answer %q is not a valid header value", challenge, user, got)
		}
	})
}

// A .netrc of any content parses or fails with an error; it never panics or loops.
func FuzzNetrc(f *testing.F) {
	for _, s := range []string{"machine a login b password c", "default login x", `machine "a b" password "c\"d"`,
		"macdef init\ncd /\n\nmachine m", "machine", "login", `password "`, "# comment\nmachine a"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		parseNetrc(text)
	})
}
