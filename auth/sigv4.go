package auth

import (
	"cmp"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"maps"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
)

// SigV4 signs requests as AWS Signature Version 4 says (curl's --aws-sigv4): an Authorization header made
// from the method, the path, the query, the signed headers and the body's SHA-256, keyed by the secret key
// through the date, region and service. Provider1 and Provider2 name the algorithm and the header prefix as
// curl's "aws:amz" does ("AWS4-HMAC-SHA256", X-Amz-Date); other providers that copied the scheme (goog,
// osc) take theirs. An empty Region or Service is read from the host name (service.region.example.com).
type SigV4 struct {
	Provider1, Provider2 string
	Region, Service      string
	AccessKey, SecretKey string
	now                  func() time.Time
}

// ParseSigV4 reads curl's --aws-sigv4 value: PROVIDER1[:PROVIDER2[:REGION[:SERVICE]]].
func ParseSigV4(v string) (SigV4, error) {
	parts := strings.Split(v, ":")
	if len(parts) > 4 || slices.ContainsFunc(parts, func(p string) bool { return !sigV4Word(p) }) ||
		strings.ContainsAny(strings.Join(parts[:min(2, len(parts))], ""), "._-") {
		return SigV4{}, fmt.Errorf("--aws-sigv4 %q: expected PROVIDER1[:PROVIDER2[:REGION[:SERVICE]]], none empty (aws:amz:us-east-1:s3); providers are letters and digits", v)
	}
	s := SigV4{Provider1: parts[0], Provider2: parts[0]}
	if len(parts) > 1 {
		s.Provider2 = parts[1]
	}
	if len(parts) > 2 {
		s.Region = parts[2]
	}
	if len(parts) > 3 {
		s.Service = parts[3]
	}
	return s, nil
}

// sigV4Word reports whether a part of --aws-sigv4's value can go into a header name and a credential scope:
// letters, digits, and for a region or service also . _ -.
func sigV4Word(p string) bool {
	if p == "" {
		return false
	}
	for _, c := range p {
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '.' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

// UnsignedPayload is what S3 takes instead of the body's hash when the body cannot be read twice.
const UnsignedPayload = "UNSIGNED-PAYLOAD"

// Sign adds to req the date header (unless one was given: curl's rule, which makes a signature
// reproducible), S3's content hash header, and the Authorization header. The body is hashed from a fresh
// copy (req.GetBody); one that cannot be read again (standard input) is signed as UNSIGNED-PAYLOAD for S3
// and refused otherwise.
func (s SigV4) Sign(req *http.Request) error {
	if s.Provider1 == "" || s.Provider2 == "" {
		return errors.New("--aws-sigv4: no provider (aws:amz)")
	}
	up1, low2 := strings.ToUpper(s.Provider1), strings.ToLower(s.Provider2)
	host := cmp.Or(req.Host, req.URL.Host)
	region, service := s.Region, s.Service
	if service == "" || region == "" {
		labels := strings.Split(strings.ToLower(stripPort(host)), ".")
		if len(labels) < 3 {
			return fmt.Errorf("--aws-sigv4: give the region and service (aws:amz:REGION:SERVICE): the host %s does not name them", host)
		}
		service, region = cmp.Or(service, labels[0]), cmp.Or(region, labels[1])
	}
	dateHeader := "X-" + strings.ToUpper(low2[:1]) + low2[1:] + "-Date"
	stamp := req.Header.Get(dateHeader)
	if stamp == "" {
		now := time.Now
		if s.now != nil {
			now = s.now
		}
		stamp = now().UTC().Format("20060102T150405Z")
		req.Header.Set(dateHeader, stamp)
	}
	if len(stamp) < 8 {
		return fmt.Errorf("--aws-sigv4: the %s header %q is not a date (YYYYMMDDTHHMMSSZ)", dateHeader, stamp)
	}
	payload, err := payloadHash(req, service == "s3")
	if err != nil {
		return err
	}
	if service == "s3" {
		req.Header.Set("X-"+strings.ToUpper(low2[:1])+low2[1:]+"-Content-Sha256", payload)
	}

	// Signed: host, the body's type, and every X-Amz-* header (the date, S3's hash, a security token).
	signed := map[string]string{"host": host}
	for name, values := range req.Header {
		lname := strings.ToLower(name)
		if lname == "content-type" || strings.HasPrefix(lname, "x-"+low2+"-") {
			trimmed := make([]string, len(values)) // as signed: blanks trimmed and collapsed; sent as given
			for i, v := range values {
				trimmed[i] = strings.Join(strings.Fields(v), " ")
			}
			signed[lname] = strings.Join(trimmed, ",")
		}
	}
	names := slices.Sorted(maps.Keys(signed))
	var headers strings.Builder
	for _, n := range names {
		headers.WriteString(n + ":" + signed[n] + "\n")
	}
	signedNames := strings.Join(names, ";")
	canonical := strings.Join([]string{req.Method, canonicalPath(req.URL), canonicalQuery(req.URL.RawQuery),
		headers.String(), signedNames, payload}, "\n")

	day := stamp[:8]
	scope := day + "/" + region + "/" + service + "/" + strings.ToLower(s.Provider1) + "4_request"
	sum := sha256.Sum256([]byte(canonical))
	toSign := up1 + "4-HMAC-SHA256\n" + stamp + "\n" + scope + "\n" + hex.EncodeToString(sum[:])
	key := []byte(up1 + "4" + s.SecretKey)
	for _, part := range []string{day, region, service, strings.ToLower(s.Provider1) + "4_request", toSign} {
		key = hmacSHA256(key, part)
	}
	req.Header.Set("Authorization", fmt.Sprintf("%s4-HMAC-SHA256 Credential=%s/%s, SignedHeaders=%s, Signature=%s",
		up1, s.AccessKey, scope, signedNames, hex.EncodeToString(key)))
	return nil
}

func hmacSHA256(key []byte, data string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(data))
	return m.Sum(nil)
}

func stripPort(host string) string {
	if h, _, err := net.SplitHostPort(host); err == nil {
		return h
	}
	return host
}

// payloadHash is the hex SHA-256 of req's body, read from a fresh copy.
func payloadHash(req *http.Request, s3 bool) (string, error) {
	if req.Body == nil || req.Body == http.NoBody {
		sum := sha256.Sum256(nil)
		return hex.EncodeToString(sum[:]), nil
	}
	var rc io.ReadCloser
	var err error
	if req.GetBody != nil {
		rc, err = req.GetBody()
	} else {
		err = errors.New("it can be read only once")
	}
	if err != nil {
		if s3 {
			return UnsignedPayload, nil
		}
		return "", fmt.Errorf("--aws-sigv4 signs the body's hash, and this body (standard input) can be read only once: save it to a file and send @FILE")
	}
	defer rc.Close()
	h := sha256.New()
	if _, err := io.Copy(h, rc); err != nil {
		return "", fmt.Errorf("--aws-sigv4: reading the body to sign it: %w", err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// canonicalPath is the URL's path as SigV4 signs it: each segment URI-encoded as AWS encodes (unreserved
// characters kept), once, as AWS's own test suite signs it.
func canonicalPath(u *url.URL) string {
	p := u.EscapedPath()
	if p == "" {
		return "/"
	}
	segments := strings.Split(p, "/")
	for i, seg := range segments {
		if raw, err := url.PathUnescape(seg); err == nil {
			seg = raw
		}
		segments[i] = awsEscape(seg)
	}
	return strings.Join(segments, "/")
}

// canonicalQuery is the query as SigV4 signs it: each name and value URI-encoded as AWS encodes, the pairs
// sorted by name, then value.
func canonicalQuery(raw string) string {
	if raw == "" {
		return ""
	}
	var pairs [][2]string
	for _, kv := range strings.Split(raw, "&") {
		if kv == "" {
			continue
		}
		k, v, _ := strings.Cut(kv, "=")
		if u, err := url.QueryUnescape(k); err == nil {
			k = u
		}
		if u, err := url.QueryUnescape(v); err == nil {
			v = u
		}
		pairs = append(pairs, [2]string{awsEscape(k), awsEscape(v)})
	}
	slices.SortFunc(pairs, func(a, b [2]string) int { return cmp.Or(strings.Compare(a[0], b[0]), strings.Compare(a[1], b[1])) })
	out := make([]string, len(pairs))
	for i, p := range pairs {
		out[i] = p[0] + "=" + p[1]
	}
	return strings.Join(out, "&")
}

// awsEscape URI-encodes s as SigV4 does: every byte but A-Z a-z 0-9 - _ . ~ as %XX, in capitals.
func awsEscape(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '_' || c == '.' || c == '~' {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}
