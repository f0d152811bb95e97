package transport

import (
	"crypto/tls"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hop-cli/hop/testserver"
)

// --ssl-sessions: a run keeps the sessions servers give in the file, and the next run, a new transport
// as a new process would have, resumes them: over TLS 1.3 and 1.2, and over QUIC. The server names are
// not in the file as typed, and the file is private.
func TestSessionFileResumes(t *testing.T) {
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "resumed=%v", r.TLS.DidResume)
	}))
	srv.EnableHTTP2 = true
	srv.StartTLS()
	t.Cleanup(srv.Close)
	ca := filepath.Join(t.TempDir(), "ca.pem")
	os.WriteFile(ca, testserver.CertPEM(srv.Certificate()), 0o644)
	h3, err := testserver.ServeHTTP3(srv.TLS.Certificates[0], srv.Config.Handler)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { h3.Close() })
	for _, c := range []struct {
		name string
		url  string
		o    Options
	}{
		{"TLS 1.3", srv.URL, Options{}},
		{"TLS 1.2", srv.URL, Options{TLS: TLSOptions{MaxVersion: "1.2"}}},
		{"QUIC", h3.URL, Options{Protocol: HTTP3}},
	} {
		file := filepath.Join(t.TempDir(), "sessions.txt")
		c.o.TLS.CACert, c.o.TLS.Sessions = ca, file
		for run, want := range []string{"resumed=false", "resumed=true", "resumed=true"} {
			tr := newTransport(t, c.o)
			body, rec, err := get(t, tr, c.url)
			tr.CloseIdleConnections()
			if err != nil || body != want || rec.TLS == nil || rec.TLS.DidResume != (want == "resumed=true") {
				t.Fatalf("%s, run %d: %q, %v; want %s", c.name, run+1, body, err, want)
			}
			if err := tr.SaveSessions(); err != nil {
				t.Fatal(err)
			}
		}
		st, err := os.Stat(file)
		data, _ := os.ReadFile(file)
		if err != nil || st.Mode().Perm() != 0o600 || strings.Contains(string(data), "127.0.0.1") || !strings.HasPrefix(string(data), "# hop TLS sessions") {
			t.Errorf("%s: the file %v, %v:\n%s", c.name, st.Mode(), err, data)
		}
	}
}

// A file that holds lines hop cannot read resumes nothing from them, is no error, and is written anew;
// a file that cannot be written is an error when saved; a directory is refused when loaded.
func TestSessionFileDamaged(t *testing.T) {
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "resumed=%v", r.TLS.DidResume)
	}))
	t.Cleanup(srv.Close)
	dir := t.TempDir()
	ca := filepath.Join(dir, "ca.pem")
	os.WriteFile(ca, testserver.CertPEM(srv.Certificate()), 0o644)
	file := filepath.Join(dir, "sessions.txt")
	salt := "AAAAAAAAAAAAAAAAAAAAAA=="
	os.WriteFile(file, []byte("garbage\n"+salt+" "+strings.Repeat("A", 43)+"= AAAA AAAA\n\x00\xff\n"), 0o600)
	tr := newTransport(t, Options{TLS: TLSOptions{CACert: ca, Sessions: file}})
	if body, _, err := get(t, tr, srv.URL); err != nil || body != "resumed=false" {
		t.Fatalf("a damaged file: %q, %v", body, err)
	}
	if err := tr.SaveSessions(); err != nil {
		t.Fatal(err)
	}
	tr = newTransport(t, Options{TLS: TLSOptions{CACert: ca, Sessions: file}})
	if body, _, err := get(t, tr, srv.URL); err != nil || body != "resumed=true" {
		t.Fatalf("after the damaged file was written anew: %q, %v", body, err)
	}

	gone := filepath.Join(dir, "no", "such", "dir", "sessions.txt")
	tr = newTransport(t, Options{TLS: TLSOptions{CACert: ca, Sessions: gone}})
	if _, _, err := get(t, tr, srv.URL); err != nil {
		t.Fatal(err)
	}
	if err := tr.SaveSessions(); err == nil || !strings.Contains(err.Error(), "--ssl-sessions "+gone) {
		t.Errorf("saved where no directory is: %v", err)
	}
	var oe *OptionError
	if _, err := New(Options{TLS: TLSOptions{Sessions: dir}}); err == nil || !errorsAs(err, &oe) {
		t.Errorf("a directory: %v, want an *OptionError", err)
	}
}

// FuzzSessionFile: whatever the file holds, loading it and asking it for a session never panics, and a
// session handed back is one crypto/tls parsed.
func FuzzSessionFile(f *testing.F) {
	f.Add([]byte("# hop TLS sessions\nAAAAAAAAAAAAAAAAAAAAAA== " + strings.Repeat("A", 43) + "= AAAA AAAA\n"))
	f.Add([]byte("x y z w\n\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		file := filepath.Join(t.TempDir(), "s")
		os.WriteFile(file, data, 0o600)
		sf, err := LoadSessionFile(file)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range sf.entries {
			// Each entry answers for the key its hash was made of: the fuzzer cannot find one, so the
			// hash is made to match "k".
			e.hash = hashed(e.salt, "k")
		}
		if cs, ok := sf.Get("k"); ok && cs == nil {
			t.Fatal("a nil session handed back")
		}
		var _ tls.ClientSessionCache = sf
	})
}
