package auth

import (
	"net/http"
	"strings"
	"testing"
)

// TestSigV4Suite signs requests of AWS's published Signature Version 4 test suite (aws-sig-v4-test-suite:
// AKIDEXAMPLE, us-east-1, the service "service", 20150830T123600Z) and compares the signatures it lists.
func TestSigV4Suite(t *testing.T) {
	for _, tt := range []struct {
		name, method, target, sig string
	}{
		{"get-vanilla", "GET", "/", "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"},
		{"post-vanilla", "POST", "/", "5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b"},
		{"get-vanilla-empty-query-key", "GET", "/?Param1=value1", "a67d582fa61cc504c4bae71f336f98b97f1ea3c7a6bfe1b6e45aec72011b9aeb"},
		{"get-utf8", "GET", "/\u1234", "8318018e0b0f223aa2bbf98705b62bb787dc9c0e678f255a891fd03141be5d85"},
		{"get-space", "GET", "/example space/", "652487583200325589f1fba4c7e578f72c47cb61beeca81406b39ddec1366741"},
	} {
		req, err := http.NewRequest(tt.method, "https://example.amazonaws.com"+strings.ReplaceAll(tt.target, " ", "%20"), nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("X-Amz-Date", "20150830T123600Z")
		s := SigV4{Provider1: "aws", Provider2: "amz", Region: "us-east-1", Service: "service", AccessKey: "AKIDEXAMPLE", SecretKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"}
		if err := s.Sign(req); err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		want := "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=" + tt.sig
		if got := req.Header.Get("Authorization"); got != want {
			t.Errorf("%s: Authorization\n%s\nwant\n%s", tt.name, got, want)
		}
	}
}

// TestSigV4Details: curl's value grammar, the providers' names, the region and service read from the host,
// the query's order, and a body that cannot be read twice.
func TestSigV4Details(t *testing.T) {
	for _, bad := range []string{"", "aws::r", "a:b:c:d:e", ":amz", "a b", "aws:amz:us east:s3", "aws:a-z", "aws:amz:r:s/3"} {
		if _, err := ParseSigV4(bad); err == nil {
			t.Errorf("ParseSigV4(%q) accepted", bad)
		}
	}
	s, err := ParseSigV4("goog")
	if err != nil || s.Provider2 != "goog" || s.Region != "" {
		t.Fatalf("ParseSigV4(goog) = %+v, %v", s, err)
	}
	s.AccessKey, s.SecretKey = "K", "S"
	req, _ := http.NewRequest("GET", "https://storage.europe-west1.example.com/b?z=1&a-b=2&a=3&a=1", nil)
	if err := s.Sign(req); err != nil {
		t.Fatal(err)
	}
	auth := req.Header.Get("Authorization")
	if !strings.HasPrefix(auth, "GOOG4-HMAC-SHA256 Credential=K/") || !strings.Contains(auth, "/europe-west1/storage/goog4_request, SignedHeaders=host;x-goog-date,") ||
		len(req.Header.Get("X-Goog-Date")) != 16 {
		t.Errorf("goog: %q, date %q", auth, req.Header.Get("X-Goog-Date"))
	}
	if got := canonicalQuery("z=1&a-b=2&a=3&a=1&sp=a b&e="); got != "a=1&a=3&a-b=2&e=&sp=a%20b&z=1" {
		t.Errorf("canonicalQuery = %q", got)
	}
	short, _ := http.NewRequest("GET", "https://localhost/", nil)
	if err := (SigV4{Provider1: "aws", Provider2: "amz", AccessKey: "K", SecretKey: "S"}).Sign(short); err == nil {
		t.Error("a host that names no region and service, and none given: signed")
	}
	once, _ := http.NewRequest("PUT", "https://x.example/k", strings.NewReader("body"))
	once.GetBody = nil
	if err := (SigV4{Provider1: "aws", Provider2: "amz", Region: "r", Service: "execute-api", AccessKey: "K", SecretKey: "S"}).Sign(once); err == nil {
		t.Error("a body that cannot be read again was signed with a guessed hash")
	}
	if err := (SigV4{Provider1: "aws", Provider2: "amz", Region: "r", Service: "s3", AccessKey: "K", SecretKey: "S"}).Sign(once); err != nil ||
		once.Header.Get("X-Amz-Content-Sha256") != UnsignedPayload {
		t.Errorf("S3, a body read once: %v, %q", err, once.Header.Get("X-Amz-Content-Sha256"))
	}
}
