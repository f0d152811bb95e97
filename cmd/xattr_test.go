//go:build linux || darwin || freebsd || netbsd

package cmd_test

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/hop-cli/hop/testserver"
)

// Built where download/xattr.go keeps attributes; elsewhere (Windows, OpenBSD) --xattr fails, and there is
// nothing to compare.

// xattrs are a file's user extended attributes, by name.
func xattrs(t *testing.T, path string) map[string]string {
	t.Helper()
	buf := make([]byte, 4096)
	n, err := unix.Listxattr(path, buf)
	if err != nil {
		t.Fatalf("listing %s's attributes: %v", path, err)
	}
	attrs := map[string]string{}
	for _, name := range strings.Split(strings.TrimRight(string(buf[:n]), "\x00"), "\x00") {
		if strings.HasPrefix(name, "user.") {
			v := make([]byte, 4096)
			m, _ := unix.Getxattr(path, name, v)
			attrs[name] = string(v[:max(m, 0)])
		}
	}
	return attrs
}

// curl's --xattr keeps a saved file's URL (credentials left out), type and Referer in its extended
// attributes; hop curl keeps the same, and hop's --xattr too.
func TestXattrAsCurl(t *testing.T) {
	curl := lookCurl(t)
	probe := filepath.Join(t.TempDir(), "probe")
	os.WriteFile(probe, nil, 0o600)
	if err := unix.Setxattr(probe, "user.hop-test", []byte("1"), 0); err != nil {
		t.Skipf("the temporary directory's file system keeps no user attributes (%v): nothing to compare", err)
	}
	srv := testserver.Start(testserver.Config{})
	defer srv.Close()
	u := "http://ann:pw@" + strings.TrimPrefix(srv.URL, "http://") + "/response-headers?Content-Type=text/x-test#part"
	args := []string{"-s", "--xattr", "-e", "http://from.example/", "-o", "saved.bin", u}
	curlDir, _ := curlRun(t, curl, args...)
	hopDir, _ := curlRun(t, hopBinary(t), append([]string{"curl"}, args...)...)
	want, got := xattrs(t, filepath.Join(curlDir, "saved.bin")), xattrs(t, filepath.Join(hopDir, "saved.bin"))
	if !reflect.DeepEqual(got, want) || len(want) != 3 || strings.Contains(want["user.xdg.origin.url"], "pw") {
		t.Errorf("hop curl kept %q; curl %q", got, want)
	}
	dir := t.TempDir()
	if _, code := runIn(t, dir, hopBinary(t), "get", "--xattr", "-e", "http://from.example/", "-o", "saved.bin", u); code != 0 {
		t.Fatalf("hop get --xattr: exit %d", code)
	}
	if got := xattrs(t, filepath.Join(dir, "saved.bin")); !reflect.DeepEqual(got, want) {
		t.Errorf("hop get --xattr kept %q; curl %q", got, want)
	}
}
