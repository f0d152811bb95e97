package auth

import (
	"crypto/md5"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// TestDigestRFC7616: the example of RFC 7616 3.9.1, whose responses the RFC gives for MD5 and SHA-256.
func TestDigestRFC7616(t *testing.T) {
	u, _ := url.Parse("http://www.example.org/dir/index.html")
	req := &http.Request{Method: "GET", URL: u}
	d := Digest{User: "Mufasa", Password: "Circle of Life",
		cnonce: func() string { return "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ" }}
	for alg, want := range map[string]string{
		"MD5":     "8ca523f5e9506fed4657c9700eebdbec",
		"SHA-256": "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1",
	} {
		resp := &http.Response{StatusCode: 401, Header: http.Header{"Www-Authenticate": {
			`Digest realm="http-auth@example.org", qop="auth, auth-int", algorithm=` + alg +
				`, nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"`}}}
		got, ok := d.Answer(resp, req)
		if !ok {
			t.Fatalf("%s: no answer", alg)
		}
		for _, part := range []string{`Digest username="Mufasa"`, `realm="http-auth@example.org"`, `uri="/dir/index.html"`,
			"algorithm=" + alg, "qop=auth", "nc=00000001", `cnonce="f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ"`,
			`response="` + want + `"`, `opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"`} {
			if !strings.Contains(got, part) {
				t.Errorf("%s: %s\nlacks %s", alg, got, part)
			}
		}
	}
	// Several challenges: the strongest hop knows wins; none it knows, no answer.
	resp := &http.Response{Header: http.Header{"Www-Authenticate": {`Basic realm="x"`,
		`Digest realm="r", nonce="n", algorithm=MD5, qop="auth"`, `Digest realm="r", nonce="n", algorithm=SHA-256, qop="auth"`}}}
	if got, ok := d.Answer(resp, req); !ok || !strings.Contains(got, "algorithm=SHA-256") {
		t.Errorf("two challenges: %q, %v; want SHA-256", got, ok)
	}
	// A -sess algorithm without qop has no answer a server can check: its A1 holds the cnonce, which goes
	// only with a qop (RFC 7616, 3.4.2; RFC 2617, 3.2.2); curl answers none either.
	for _, h := range []string{`Basic realm="x"`, `Digest realm="r", nonce="n", algorithm=SHA-1`, `Digest realm="r", nonce="n", qop="auth-int"`, `Digest realm="r"`,
		`Digest realm="r", nonce="n", algorithm=MD5-sess`, `Digest realm="r", nonce="n", algorithm=SHA-256-sess`} {
		if got, ok := d.Answer(&http.Response{Header: http.Header{"Www-Authenticate": {h}}}, req); ok {
			t.Errorf("%s: answered %q; want none", h, got)
		}
	}
	// RFC 2069's form, without qop.
	resp = &http.Response{Header: http.Header{"Www-Authenticate": {`Digest realm="r", nonce="n"`}}}
	if got, ok := d.Answer(resp, req); !ok || strings.Contains(got, "qop=") || strings.Contains(got, "cnonce") {
		t.Errorf("no qop: %q, %v", got, ok)
	}
}

// TestAnyScheme: --auth-type any answers a Basic challenge when no Digest one is offered, and prefers
// Digest when both are, answering none when it cannot answer the Digest one; plain --auth-type digest
// leaves Basic alone.
func TestAnyScheme(t *testing.T) {
	req, _ := http.NewRequest("GET", "http://x.example/p", nil)
	basic := &http.Response{Header: http.Header{"Www-Authenticate": {`Basic realm="x"`}}}
	both := &http.Response{Header: http.Header{"Www-Authenticate": {`Basic realm="x"`, `Digest realm="x", nonce="n", qop="auth"`}}}
	if _, ok := (Digest{User: "u", Password: "p"}).Answer(basic, req); ok {
		t.Error("--auth-type digest answered a Basic challenge")
	}
	if a, ok := (Digest{User: "u", Password: "p", AnyScheme: true}).Answer(basic, req); !ok || a != "Basic dTpw" {
		t.Errorf("any, Basic offered: %q, %v", a, ok)
	}
	if a, ok := (Digest{User: "u", Password: "p", AnyScheme: true, cnonce: func() string { return "c" }}).Answer(both, req); !ok || !strings.HasPrefix(a, "Digest ") {
		t.Errorf("any, both offered: %q, %v", a, ok)
	}
	// A Digest challenge hop cannot answer beside a Basic one: Digest is the scheme the server offers that
	// curl picks, and it answers neither; the password does not go as Basic in its place.
	for _, d := range []string{`Digest realm="x", nonce="n", algorithm=SHA3-512`, `Digest realm="x", nonce="n", algorithm=MD5-sess`} {
		unknown := &http.Response{Header: http.Header{"Www-Authenticate": {`Basic realm="x"`, d}}}
		if a, ok := (Digest{User: "u", Password: "p", AnyScheme: true}).Answer(unknown, req); ok {
			t.Errorf("any, %s and Basic offered: answered %q; want none", d, a)
		}
	}
}

// TestDigestServer: a server that checks each answer with hashes of its own answers every algorithm of RFC
// 7616, SHA-512-256 and its -sess included (hop answered none: a server offering only it was never
// answered), and userhash=true, where the user name goes hashed (hop sent it plain, and was refused). The
// user name is not ASCII, as in RFC 7616's example; the server reads the request's bytes as UTF-8.
func TestDigestServer(t *testing.T) {
	const user, password, realm, nonce = "J\u00e4s\u00f8n Doe", "Secret, or not?", "api@example.org", "5TsQWLVdgBdmrQ0XsxbDODV+57QdFR34I9HAbC/RVvkK"
	hashes := map[string]func([]byte) []byte{
		"MD5":         func(b []byte) []byte { s := md5.Sum(b); return s[:] },
		"SHA-256":     func(b []byte) []byte { s := sha256.Sum256(b); return s[:] },
		"SHA-512-256": func(b []byte) []byte { s := sha512.Sum512_256(b); return s[:] },
	}
	field := regexp.MustCompile(`(\w+)=(?:"([^"]*)"|([^,\s]*))`)
	for _, alg := range []string{"MD5", "MD5-sess", "SHA-256", "SHA-256-sess", "SHA-512-256", "SHA-512-256-sess"} {
		for _, userhash := range []bool{false, true} {
			h := func(s string) string { return hex.EncodeToString(hashes[strings.TrimSuffix(alg, "-sess")]([]byte(s))) }
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				got := map[string]string{}
				for _, m := range field.FindAllStringSubmatch(strings.TrimPrefix(r.Header.Get("Authorization"), "Digest "), -1) {
					got[m[1]] = m[2] + m[3]
				}
				name := user
				if userhash {
					name = h(user + ":" + realm)
				}
				ha1 := h(user + ":" + realm + ":" + password)
				if strings.HasSuffix(alg, "-sess") {
					ha1 = h(ha1 + ":" + nonce + ":" + got["cnonce"])
				}
				want := h(ha1 + ":" + nonce + ":" + got["nc"] + ":" + got["cnonce"] + ":auth:" + h(r.Method+":"+r.URL.RequestURI()))
				if got["response"] == want && got["username"] == name && got["uri"] == r.URL.RequestURI() && got["algorithm"] == alg {
					return
				}
				challenge := fmt.Sprintf(`Digest realm="%s", qop="auth", algorithm=%s, nonce="%s", charset=UTF-8`, realm, alg, nonce)
				if userhash {
					challenge += ", userhash=true"
				}
				w.Header().Set("WWW-Authenticate", challenge)
				w.WriteHeader(http.StatusUnauthorized)
			}))
			req, _ := http.NewRequest("GET", srv.URL+"/doc/?a=1", nil)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			answer, ok := (Digest{User: user, Password: password}).Answer(resp, req)
			req.Header.Set("Authorization", answer)
			if resp, err = http.DefaultClient.Do(req); err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if !ok || resp.StatusCode != http.StatusOK {
				t.Errorf("%s, userhash %v: %q (%v) refused: %s", alg, userhash, answer, ok, resp.Status)
			}
			srv.Close()
		}
	}
}
