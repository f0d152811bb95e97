package transport

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// Handshakes write their secrets from goroutines of their own: every line lands whole. A file that cannot
// be written is reported once and never fails a write (which would fail the handshake).
func TestKeyLogFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "keys.log")
	k := &KeyLogFile{Path: path}
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 50 {
				line := fmt.Sprintf("CLIENT_RANDOM %064d %096d\n", g, i)
				if n, err := k.Write([]byte(line)); n != len(line) || err != nil {
					t.Errorf("Write: %d, %v", n, err)
				}
			}
		})
	}
	wg.Wait()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
	if len(lines) != 400 {
		t.Fatalf("%d lines, want 400", len(lines))
	}
	for _, l := range lines {
		if len(l) != len("CLIENT_RANDOM ")+64+1+96 {
			t.Fatalf("a line not whole: %q", l)
		}
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("mode %v, %v; want 0600", fi.Mode().Perm(), err)
	}

	failed := 0
	bad := &KeyLogFile{Path: filepath.Join(path, "under-a-file"), Failed: func(error) { failed++ }}
	for range 3 {
		if n, err := bad.Write([]byte("x\n")); n != 2 || err != nil {
			t.Fatalf("Write to a bad path: %d, %v; want success reported", n, err)
		}
	}
	if failed != 1 {
		t.Fatalf("Failed called %d times, want 1", failed)
	}
}
