package auth

import (
	"crypto/md5"
	"crypto/rand"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/hex"
	"fmt"
	"hash"
	"net/http"
	"strings"

	"github.com/hop-cli/hop/request"
)

// Digest answers a server's Digest challenge (RFC 7616, and RFC 2069's older form without qop) with a user
// name and password: the Authorization header to send the request again with. It speaks MD5 and SHA-256,
// their -sess variants (with a qop only, as curl), and qop=auth (auth-int, which hashes the body, is not
// answered; curl 7.88 answers it as if the body were empty).
type Digest struct {
	User, Password string
	// AnyScheme is --auth-type any (curl's --anyauth): a Basic challenge is answered too, when the server
	// offers no Digest one.
	AnyScheme bool
	// Count is how many requests the challenge answered before this one (curl answers a proxy's again and
	// again, the nonce count going up): the answer's nc is Count+1.
	Count  int
	cnonce func() string // the client nonce; random unless a test fixes it
}

// digestAlgorithms are the algorithms hop answers, weakest first: with several challenges, the strongest
// wins.
var digestAlgorithms = []struct {
	name string
	hash func() hash.Hash
}{
	{"MD5", md5.New},
	{"MD5-sess", md5.New},
	{"SHA-256", sha256.New},
	{"SHA-256-sess", sha256.New},
	{"SHA-512-256", sha512.New512_256},
	{"SHA-512-256-sess", sha512.New512_256},
}

// Answer reads resp's WWW-Authenticate challenges and returns the Authorization for req, or false when no
// challenge is one hop can answer.
func (d Digest) Answer(resp *http.Response, req *http.Request) (string, bool) {
	return d.AnswerChallenges(resp.Header.Values("Www-Authenticate"), req.Method, req.URL.RequestURI())
}

// AnswerChallenges answers one of challenges (a WWW-Authenticate's or a Proxy-Authenticate's) for a request
// of method to uri (a path and query; a CONNECT's HOST:PORT): the credentials to send with it, or false
// when no challenge is one hop can answer.
func (d Digest) AnswerChallenges(challenges []string, method, uri string) (string, bool) {
	best, rank, offered := map[string]string(nil), -1, false
	for _, v := range challenges {
		scheme, rest, _ := strings.Cut(strings.TrimSpace(v), " ")
		if !strings.EqualFold(scheme, "Digest") {
			continue
		}
		offered = true
		p := authParams(rest)
		if p["nonce"] == "" {
			continue
		}
		qop, hasQop := p["qop"]
		if hasQop && !hasToken(qop, "auth") {
			continue // auth-int only
		}
		alg := p["algorithm"]
		if alg == "" {
			alg = "MD5"
		}
		if !hasQop && len(alg) > 5 && strings.EqualFold(alg[len(alg)-5:], "-sess") {
			continue // its A1 holds a cnonce, which goes only with a qop: no answer a server could check
		}
		for i, a := range digestAlgorithms {
			if strings.EqualFold(a.name, alg) && i > rank {
				best, rank = p, i
			}
		}
	}
	switch {
	case best == nil && offered:
		// Digest is the scheme to answer (curl's --anyauth picks it so, and answers none when it cannot):
		// the password does not go as Basic because a Digest challenge was one hop cannot answer.
		return "", false
	case best == nil:
		return d.answerBasic(challenges)
	}
	alg := digestAlgorithms[rank]
	h := func(s string) string {
		sum := alg.hash()
		sum.Write([]byte(s))
		return hex.EncodeToString(sum.Sum(nil))
	}
	cnonce := d.newCnonce()
	ha1 := h(d.User + ":" + best["realm"] + ":" + d.Password)
	if strings.HasSuffix(alg.name, "-sess") {
		ha1 = h(ha1 + ":" + best["nonce"] + ":" + cnonce)
	}
	ha2 := h(method + ":" + uri)
	user := d.User
	if strings.EqualFold(best["userhash"], "true") {
		user = h(d.User + ":" + best["realm"]) // RFC 7616 3.4.4: the server asked for the name hashed
	}
	var b strings.Builder
	fmt.Fprintf(&b, `Digest username=%s, realm=%s, nonce=%s, uri=%s, algorithm=%s`,
		quote(user), quote(best["realm"]), quote(best["nonce"]), quote(uri), alg.name)
	if _, ok := best["qop"]; ok {
		nc := fmt.Sprintf("%08x", d.Count+1)
		fmt.Fprintf(&b, `, qop=auth, nc=%s, cnonce=%s, response="%s"`, nc, quote(cnonce),
			h(ha1+":"+best["nonce"]+":"+nc+":"+cnonce+":auth:"+ha2))
	} else {
		fmt.Fprintf(&b, `, response="%s"`, h(ha1+":"+best["nonce"]+":"+ha2))
	}
	if o, ok := best["opaque"]; ok {
		fmt.Fprintf(&b, `, opaque=%s`, quote(o))
	}
	if user != d.User {
		b.WriteString(", userhash=true")
	}
	return b.String(), true
}

func (d Digest) newCnonce() string {
	if d.cnonce != nil {
		return d.cnonce()
	}
	return rand.Text()
}

// authParams reads a challenge's auth-params: name=token or name="quoted string", comma-separated.
func authParams(s string) map[string]string {
	out := map[string]string{}
	for s = strings.TrimSpace(s); s != ""; s = strings.TrimLeft(s, " \t,") {
		name, rest, ok := strings.Cut(s, "=")
		if !ok {
			break
		}
		name = strings.ToLower(strings.TrimSpace(name))
		rest = strings.TrimLeft(rest, " \t")
		var v string
		if strings.HasPrefix(rest, `"`) {
			var b strings.Builder
			i := 1
			for ; i < len(rest) && rest[i] != '"'; i++ {
				if rest[i] == '\\' && i+1 < len(rest) {
					i++
				}
				b.WriteByte(rest[i])
			}
			v, s = b.String(), rest[min(i+1, len(rest)):]
		} else {
			v, s, _ = strings.Cut(rest, ",")
			v = strings.TrimSpace(v)
		}
		out[name] = v
	}
	return out
}

// hasToken reports whether the comma-separated list holds tok.
func hasToken(list, tok string) bool {
	for _, t := range strings.Split(list, ",") {
		if strings.EqualFold(strings.TrimSpace(t), tok) {
			return true
		}
	}
	return false
}

// quote writes s as a quoted-string.
func quote(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
}

// answerBasic answers a Basic challenge, for --auth-type any only.
func (d Digest) answerBasic(challenges []string) (string, bool) {
	if !d.AnyScheme {
		return "", false
	}
	for _, v := range challenges {
		if scheme, _, _ := strings.Cut(strings.TrimSpace(v), " "); strings.EqualFold(scheme, "Basic") {
			return request.BasicAuth(d.User, d.Password), true
		}
	}
	return "", false
}
