package transport

import (
	"bytes"
	"crypto/x509"
	"encoding/base64"
	"net"
	"net/http"
	"reflect"
	"strconv"
	"testing"
	"time"
)

// FuzzAltSvc: whatever Alt-Svc header a server sends, learning it never panics, and what is kept is a
// host:port with a usable port that expires in the future, for the origin that sent it.
func FuzzAltSvc(f *testing.F) {
	for _, seed := range []string{
		`h3=":443"; ma=86400`, `h3-29=":443", h3=":8443"; ma=60`, `h3="[2001:db8::1]:443"; persist=1`,
		`clear`, `h3=":443;x", h3=":1"`, `h3="`, `h3=":"`, `;;,,=""`, `h3=":443"; ma=99999999999999999999`,
	} {
		f.Add(seed)
	}
	now := time.Date(2026, 12, 3, 0, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, header string) {
		a := &AltSvc{entries: map[string]altEntry{}, now: func() time.Time { return now }}
		a.Learn("example.com:443", "HTTP/2.0", http.Header{"Alt-Svc": {header}})
		for origin, e := range a.entries {
			if origin != "example.com:443" {
				t.Fatalf("%q: an entry for %q", header, origin)
			}
			_, port, err := net.SplitHostPort(e.dst)
			if n, perr := strconv.Atoi(port); err != nil || perr != nil || n < 1 || n > 65535 {
				t.Fatalf("%q: kept the alternative %q", header, e.dst)
			}
			if !e.expires.After(now) {
				t.Fatalf("%q: kept an entry that expires at %v", header, e.expires)
			}
		}
	})
}

// FuzzDecryptPKCS8: whatever an encrypted key file holds, reading it never panics and fails with an error
// or yields a PKCS#8 key; the seed is openssl's (AES-256-CBC, PBKDF2 with one iteration, passphrase "x").
func FuzzDecryptPKCS8(f *testing.F) {
	seed, _ := base64.StdEncoding.DecodeString("MIHrMFYGCSqGSIb3DQEFDTBJMCgGCSqGSIb3DQEFDDAbBAhtRTUlegSSQQIBATAMBggqhkiG9w0CCQUAMB0GCWCGSAFlAwQBKgQQudu1cLiD0hkDWft0ase2VgSBkIonBcM1c5EJ6n4GnvXCZtbhXzhBRvUk95f4+zVhU7ms/G5yHUREEBL6uSIbwrUpuetwTKFd2JcUAV1PlThVRAo/y3zIUCzpthGVhwu1ABZ6nKdINa6LpiInLie1fPLMloq44PmAWqCklprn5pd4UDGhpVhM6Byxg852eQHqyPjbc533yMSdlEyebz1keUBzlw==")
	if _, err := decryptPKCS8(seed, []byte("x")); err != nil {
		f.Fatalf("the seed does not decrypt: %v", err)
	}
	f.Add(seed, "x")
	f.Add(seed[:40], "x")
	f.Add([]byte{0x30, 0x00}, "")
	f.Fuzz(func(t *testing.T, der []byte, pass string) {
		key, err := decryptPKCS8(der, []byte(pass))
		if err == nil {
			if _, perr := x509.ParsePKCS8PrivateKey(key); perr != nil {
				t.Fatalf("decrypted to something that is not a key: %v", perr)
			}
		}
	})
}

// FuzzReadPKCS12: whatever a .p12 file holds, hop's own reader of the PBES2 form never panics, and what it
// yields is certificates and a key; the seed is OpenSSL 3's default form (PBES2, AES-256-CBC, one PBKDF2
// iteration, passphrase "x") of a throwaway certificate and key. (The old form is x/crypto/pkcs12's.)
func FuzzReadPKCS12(f *testing.F) {
	seed, _ := base64.StdEncoding.DecodeString("MIID9gIBAzCCA7AGCSqGSIb3DQEHAaCCA6EEggOdMIIDmTCCAlEGCSqGSIb3DQEHBqCCAkIwggI+AgEAMIICNwYJKoZIhvcNAQcBMFYGCSqGSIb3DQEFDTBJMCgGCSqGSIb3DQEFDDAbBAirjd10gySbagIBATAMBggqhkiG9w0CCQUAMB0GCWCGSAFlAwQBKgQQZDNeWa4YkZXgGHiYvKVWwICCAdDvyI3ORE1WY+e4Pxwb8xaIOsILyDSp593BDa54x3EU/paceodtFxvoiYeJuGYuyZy1LPR99A/NkPv8rlAbToZMlHsN83g8DfU4mgyeSznChWa8ZxgV3MDzeN77cD2rmzGFAPNSvN/kocaKp2t+nAcnE/XQkwi4GNAdTsROkqfIjPjPwR2OJCE2OAjp+KA2ZIvoI5iQ1xHX2wb5VsJAb6Bzr3+SdA40NMqvQR64nRpfNgX4HoZ0fIfN1+Ho26Aqb/FWcCndkV654k7iB0SbKPimYv93kzF9HqNx4jxtyzE1nT0+N9PgdkcXhLtL4Z3aYrr5nH9vCbdWZaIeYx/7yhUV19HGZn34n+xUT/7t5kliob0ojjgS9kmljhMACdYgym3d8LZC0zJnoshvhzrCJdVaOhBxUhP1ePXwoUvofIBfmhkjKUcPlGYJpLq5STm2jiNL3fpm8zNXRDPHa42aRJ1wGHiMvh5YMHYURH4kjuWm4/W7FgcJCD14yQUicCsJnOeG55ZKQIWJFG5TtdnECF130xnBBbq07nXxlT0zhaOpWn3q2hTGkHGby0JZCluFyLTVaa5cl5C2gJVoHDhia9sP5PaTZ+RS0B4KNHGjnGhRhTCCAUAGCSqGSIb3DQEHAaCCATEEggEtMIIBKTCCASUGCyqGSIb3DQEMCgECoIHuMIHrMFYGCSqGSIb3DQEFDTBJMCgGCSqGSIb3DQEFDDAbBAgcZmsKvE8cSwIBATAMBggqhkiG9w0CCQUAMB0GCWCGSAFlAwQBKgQQ7P62ul+o4NMaRonnFXLCqwSBkHcyYJtFpIEhD0geGxkmd8JpqDuG3YHlDQrDYEMs7zsnyGdRJJfbcF6bF8ZOhACprMH7Yc406hxI7L07rVxfVunIq3NTHMYjwZE/ugQGOQz2kdjc8UdYhwogcxN0Q0gvUMz5UeJsDVhRHnSsCg7RXmlXt1GIk7IurSXOX3sNaJU2mD3pZJtQZSsWz9k6qRpMhTElMCMGCSqGSIb3DQEJFTEWBBSnb7zewhtZB0KErckSbwAZK4TjgDA9MDEwDQYJYIZIAWUDBAIBBQAEIBDyeqgFMa2bnYwvihEyJqwmoyqT/LL2aZOevvCBj0nDBAg8ij7QjtvRpg==")
	if _, _, err := readPKCS12(seed, "x"); err != nil {
		f.Fatalf("the seed does not open: %v", err)
	}
	f.Add(seed, "x")
	f.Add(seed[:200], "x")
	f.Fuzz(func(t *testing.T, der []byte, pass string) {
		blocks, err := readPBES2PKCS12(der, []byte(pass))
		for _, b := range blocks {
			if err == nil && b.Type != "CERTIFICATE" && b.Type != "PRIVATE KEY" {
				t.Fatalf("a block of type %q", b.Type)
			}
		}
	})
}

// FuzzHeadTap: whatever a server sends and however it arrives in pieces, the tap keeps the same heads as
// when it arrives at once, and they are the stream's first bytes, in order: the 1xx heads, then the final
// one, or the first bytes of a head that has not ended.
func FuzzHeadTap(f *testing.F) {
	f.Add([]byte("HTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\nHTTP/1.1 200 OK\r\nA: 1\r\n\r\nbody"), uint8(7))
	f.Add([]byte("HTTP/1.1 100 Continue\n\nHTTP/1.1 101 Switching\r\n\r\n"), uint8(1))
	f.Add([]byte("HTTP/1.1 1\r\n\r\n\r\n\n\n"), uint8(2))
	f.Fuzz(func(t *testing.T, data []byte, piece uint8) {
		whole := &headTap{}
		whole.RecordHead()
		whole.take(data)
		pieces := &headTap{}
		read := pieces.RecordHead()
		for rest := data; len(rest) > 0 && pieces.on.Load(); {
			n := min(len(rest), int(piece)+1)
			pieces.take(rest[:n])
			rest = rest[n:]
		}
		informs, head, begun := read()
		if !reflect.DeepEqual(informs, whole.informs) || !bytes.Equal(head, whole.head) {
			t.Fatalf("in pieces of %d: %q then %q; at once: %q then %q", int(piece)+1, informs, head, whole.informs, whole.head)
		}
		kept := bytes.Join(append(informs, head), nil)
		if !bytes.HasPrefix(data, kept) {
			t.Fatalf("kept %q, not the start of %q", kept, data)
		}
		for _, in := range informs {
			if !informational(in) || headEnd(in, 0) != len(in) {
				t.Fatalf("kept %q as a 1xx head", in)
			}
		}
		// An unfinished head is given back from where the 1xx heads end, no more than maxBegun of it.
		if head != nil && begun != nil || len(begun) > maxBegun || !bytes.HasPrefix(data[len(kept):], begun) {
			t.Fatalf("gave back %q as a head begun, after %q", begun, kept)
		}
	})
}
