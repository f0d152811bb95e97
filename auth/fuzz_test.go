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

// Signing any request URL, header value and provider never panics, and signs the same request the same way.
func FuzzSigV4(f *testing.F) {
	f.Add("aws:amz:us-east-1:s3", "https://b.s3.amazonaws.com/a%20b/c?z=1&a=&a=2", "text/plain", "tok en")
	f.Add("goog", "http://[::1]:8080/%zz?%=&&", "", "")
	f.Fuzz(func(t *testing.T, provider, rawURL, ctype, token string) {
		s, err := ParseSigV4(provider)
		if err != nil {
			return
		}
		s.AccessKey, s.SecretKey = "K", "S"
		sign := func() string {
			req, err := http.NewRequest("GET", rawURL, nil)
			if err != nil {
				return ""
			}
			req.Header.Set("X-"+s.Provider2+"-Date", "20261203T000000Z")
			req.Header.Set("Content-Type", ctype)
			req.Header.Set("X-"+s.Provider2+"-Security-Token", token)
			if err := s.Sign(req); err != nil {
				return err.Error()
			}
			return req.Header.Get("Authorization")
		}
		if a, b := sign(), sign(); a != b {
			t.Fatalf("signed twice: %q then %q", a, b)
		}
	})
}
