package argfile

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

func TestTarget(t *testing.T) {
	dir := t.TempDir()
	in := func(name string) string { return filepath.Join(dir, name) }
	os.WriteFile(in("file"), nil, 0o600)
	os.Mkdir(in("sub"), 0o700)
	os.WriteFile(in("sub/deep"), nil, 0o600)
	for link, to := range map[string]string{
		"link":     "file",
		"chain":    "link",
		"abs":      in("sub/deep"),
		"dangling": "nothing-yet",
		"loop":     "loop",
		"null":     os.DevNull,
		"stdout":   "/proc/self/fd/1",
		"fds":      "/dev/fd",
	} {
		if err := os.Symlink(to, in(link)); err != nil {
			t.Fatal(err)
		}
	}
	out, err := os.Create(in("out"))
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	fd := fmt.Sprintf("/proc/self/fd/%d", out.Fd())
	for _, tt := range []struct {
		path, name          string
		replace, descriptor bool
	}{
		{in("file"), in("file"), true, false},
		{in("missing"), in("missing"), true, false},
		{in("link"), in("file"), true, false},
		{in("chain"), in("file"), true, false},
		{in("abs"), in("sub/deep"), true, false},
		{in("dangling"), in("nothing-yet"), true, false},
		{in("loop"), in("loop"), false, false},
		{in("null"), in("null"), false, false},
		{os.DevNull, os.DevNull, false, false},
		{in("sub"), in("sub"), false, false}, // a directory: opening it says so
		{in("stdout"), in("stdout"), false, true},
		{"/dev/stdout", "/dev/stdout", false, true},
		{fd, fd, false, true},
		{in("fds") + fmt.Sprintf("/%d", out.Fd()), in("fds") + fmt.Sprintf("/%d", out.Fd()), false, true},
	} {
		name, replace := Target(tt.path)
		if name != tt.name && tt.replace || replace != tt.replace {
			t.Errorf("Target(%s) = %s, %v; want %s, %v", tt.path, name, replace, tt.name, tt.replace)
		}
		if Descriptor(tt.path) != tt.descriptor {
			t.Errorf("Descriptor(%s) = %v", tt.path, !tt.descriptor)
		}
	}
}
