package session

import (
	"errors"
	"testing"
)

// A cookie file of any content is read or refused with a *FileError naming a line; never a panic.
func FuzzNetscape(f *testing.F) {
	f.Add([]byte("# Netscape HTTP Cookie File\n.example.com\tTRUE\t/\tFALSE\t0\ta\tb\n#HttpOnly_x\tFALSE\t/\tTRUE\t99\tc\t\n"))
	f.Add([]byte("a\tb\tc\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		j := NewJar()
		if err := j.readNetscape(data); err != nil {
			var fe *FileError
			if !errors.As(err, &fe) {
				t.Fatalf("readNetscape: %v (%T)", err, err)
			}
		}
		for _, c := range j.All() {
			if c.Name == "" || c.Domain == "" {
				t.Fatalf("a cookie without a name or domain: %+v", c)
			}
		}
	})
}
