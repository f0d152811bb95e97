package argfile

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
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

type zeros struct{}

func (zeros) Read(p []byte) (int, error) { clear(p); return len(p), nil }

// allocated is how many bytes f allocates on the heap.
func allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// TestReadBounded: an endless input is refused having held about the limit, not the two to three times as
// much io.ReadAll's doubling buffer held (-d @/dev/zero peaked at 600 MB before its 256 MiB refusal); a
// regular file over the limit is refused by its size, unread; what fits comes back whole.
func TestReadBounded(t *testing.T) {
	const limit = 32 << 20
	var err error
	// io.ReadAll allocated 2.45 times the limit; chunks allocate it once, and the first read's growth.
	if n := allocated(func() { _, err = ReadFrom(zeros{}, limit) }); !errors.Is(err, ErrTooLarge) || n > 2*limit {
		t.Errorf("an endless input: %v after allocating %d MiB; want too large, after at most %d MiB", err, n>>20, 2*limit>>20)
	}
	big := filepath.Join(t.TempDir(), "big")
	if f, err := os.Create(big); err != nil || f.Truncate(limit+1) != nil || f.Close() != nil { // sparse: no disk
		t.Fatal("cannot make a sparse file")
	}
	if n := allocated(func() { _, err = Read(big, limit) }); !errors.Is(err, ErrTooLarge) || n > 1<<20 {
		t.Errorf("a file over the limit: %v after allocating %d KiB; want too large, unread", err, n>>10)
	}
	for _, size := range []int{0, 1, 4<<20 - 1, 4 << 20, 4<<20 + 1, 9<<20 + 3, limit} {
		want := bytes.Repeat([]byte("0123456789abcdef"), size/16+1)[:size]
		got, err := ReadFrom(bytes.NewReader(want), limit)
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("%d bytes: %d bytes back, %v", size, len(got), err)
		}
	}
	if _, err := ReadFrom(bytes.NewReader(make([]byte, limit+1)), limit); !errors.Is(err, ErrTooLarge) {
		t.Errorf("one byte over: %v; want too large", err)
	}
}
