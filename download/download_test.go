package download

import (
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestSanitize(t *testing.T) {
	for in, want := range map[string]string{
		"report.pdf":               "report.pdf",
		"../../etc/passwd":         "passwd",
		`..\..\windows\evil.exe`:   "evil.exe",
		"/abs/path/x.txt":          "x.txt",
		".bashrc":                  "bashrc",
		"...":                      "",
		"..":                       "",
		".":                        "",
		"":                         "",
		"a/":                       "",
		"tab\there\x00nul\x1b[31m": "tabherenul[31m",
		"evil\u202etxt.exe":        "eviltxt.exe",
		" spaced ":                 "spaced",
	} {
		if got := Sanitize(in); got != want {
			t.Errorf("Sanitize(%q) = %q, want %q", in, got, want)
		}
	}
	long := strings.Repeat("é", 200) + ".tar.gz" // 400 bytes of stem
	got := Sanitize(long)
	if len(got) > maxNameBytes || !strings.HasSuffix(got, ".gz") || !strings.HasPrefix(got, "éé") {
		t.Errorf("Sanitize(long) = %q (%d bytes)", got, len(got))
	}
}

func TestName(t *testing.T) {
	u := func(s string) *url.URL { p, _ := url.Parse(s); return p }
	for _, tt := range []struct {
		cd, url, ctype, want string
	}{
		{`attachment; filename="report.pdf"`, "https://x/dl?id=1", "", "report.pdf"},
		{`attachment; filename*=UTF-8''na%C3%AFve%20file.txt; filename="naive.txt"`, "https://x/dl", "", "naïve file.txt"},
		{`attachment; filename="../../.ssh/authorized_keys"`, "https://x/dl", "", "authorized_keys"},
		{`attachment; filename=".."`, "https://x/files/data.csv", "", "data.csv"},
		{``, "https://x/files/data%20set.csv?x=1", "", "data set.csv"},
		{``, "https://x/", "text/html; charset=utf-8", "index.html"},
		{``, "https://x/api/", "application/json", "index.json"},
		{`inline`, "https://x", "", "index"},
	} {
		if got := Name(tt.cd, u(tt.url), tt.ctype); got != tt.want {
			t.Errorf("Name(%q, %s) = %q, want %q", tt.cd, tt.url, got, tt.want)
		}
	}
}

// KeepsEncoding: a compressed file labelled with its own compression is kept as sent; anything else is
// decoded.
func TestKeepsEncoding(t *testing.T) {
	for _, tt := range []struct {
		name, ctype, coding string
		want                bool
	}{
		{"pkg.tar.gz", "application/octet-stream", "gzip", true},
		{"PKG.TGZ", "", "x-gzip", true},
		{"download", "application/gzip", "gzip", true},
		{"download", "application/x-gzip; charset=binary", "gzip", true},
		{"data.tar.zst", "", "zstd", true},
		{"page.html.br", "", "br", true},
		{"data.json", "application/json", "gzip", false},
		{"pkg.tar.gz", "", "br", false},       // another coding: the server compressed it on the way
		{"pkg.tar.gz", "", "", false},         // nothing to decode
		{"pkg.tar.gz", "", "gzip, br", false}, // layered
		{"pkg.tar.gz", "", "compress", false},
	} {
		if got := KeepsEncoding(tt.name, tt.ctype, tt.coding); got != tt.want {
			t.Errorf("KeepsEncoding(%q, %q, %q) = %v, want %v", tt.name, tt.ctype, tt.coding, got, tt.want)
		}
	}
}

// URLName is curl -O's name: the last segment as typed, escapes kept, nothing for a path ending in "/".
func TestURLName(t *testing.T) {
	for raw, want := range map[string]string{
		"https://x/files/data%20set.csv?x=1": "data%20set.csv",
		"https://x/a/..%2f..%2fetc":          "..%2f..%2fetc",
		"https://x/a%2Fb":                    "a%2Fb",
		"https://x/dl/.profile":              ".profile",
		"https://x/a/%2e%2e":                 "%2e%2e",
		"https://x/naïve.txt":                "na%C3%AFve.txt",
		`https://x/a\b`:                      "a%5Cb",
		"https://x/api/":                     "",
		"https://x":                          "",
		"https://x/a/..":                     "",
	} {
		u, err := url.Parse(raw)
		if err != nil {
			t.Fatal(err)
		}
		if got := URLName(u); got != want {
			t.Errorf("URLName(%s) = %q, want %q", raw, got, want)
		}
	}
}

// A download appears under its name only when committed; an aborted one leaves NAME.part (with the bytes)
// and nothing under the name; -O's keep refuses an existing file.
// TestCreateErrorNamesThePath: a file that cannot be created is reported under the name asked for, never
// the temporary name hop writes first.
func TestCreateErrorNamesThePath(t *testing.T) {
	path := filepath.Join(t.TempDir(), "gone", "out.bin")
	_, err := Create(path, Replace)
	if err == nil || !strings.Contains(err.Error(), path) || strings.Contains(err.Error(), ".tmp") {
		t.Errorf("Create(%s) error %v: want it to name the path, not a temporary file", path, err)
	}
}

func TestCreateCommitAbort(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "out.bin")
	f, err := Create(path, Refuse)
	if err != nil {
		t.Fatal(err)
	}
	f.Write([]byte("half"))
	if _, err := os.Stat(path); err == nil {
		t.Errorf("the final name exists before the download is complete")
	}
	kept := f.Abort(`"etag-1"`)
	if kept != path+".part" {
		t.Fatalf("Abort kept %q", kept)
	}
	if _, err := os.Stat(path); err == nil {
		t.Errorf("an aborted download left a file under its name")
	}
	r, validator, err := Resume(path)
	if err != nil || r.Offset() != 4 {
		t.Fatalf("Resume: offset %d, %v", r.Offset(), err)
	}
	if validator != `"etag-1"` && validator != "" { // "" where the file system has no user attributes
		t.Errorf("validator %q", validator)
	}
	r.Write([]byte(" and the rest"))
	if err := r.Commit(); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(path); string(b) != "half and the rest" {
		t.Errorf("resumed file %q", b)
	}
	if _, err := os.Stat(path + ".part"); err == nil {
		t.Errorf("the .part file outlived the commit")
	}
	var exists *ExistsError
	if _, err := Create(path, Refuse); !errors.As(err, &exists) {
		t.Errorf("keep: %v, want an ExistsError", err)
	}
	// -o replaces, keeping the file's mode.
	os.Chmod(path, 0o640)
	f, _ = Create(path, Replace)
	f.Write([]byte("new"))
	f.Commit()
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o640 {
		t.Errorf("replaced file mode %o, want 0640", fi.Mode().Perm())
	}
	// A file that is not regular is written directly.
	f, err = Create(os.DevNull, Replace)
	if err != nil || f.tmp != "" {
		t.Errorf("/dev/null: %v, tmp %q", err, f.tmp)
	}
	f.Commit()
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("left in the directory: %v", entries)
	}
}

// TestCreateThroughLinks: a symbolic link is written through, the link kept (a file linked from a dotfiles
// repository stays linked); one of the process's own descriptors (/dev/stdout, /proc/self/fd/N: `hop -o
// /dev/stdout > out`) is written into, never replaced: hop cannot create a file in /proc, and as root in a
// container it replaced /dev/stdout itself with a regular file.
func TestCreateThroughLinks(t *testing.T) {
	dir := t.TempDir()
	target, link := filepath.Join(dir, "target"), filepath.Join(dir, "link")
	os.WriteFile(target, []byte("old"), 0o640)
	if err := os.Symlink("target", link); err != nil {
		t.Fatal(err)
	}
	f, err := Create(link, Replace)
	if err != nil {
		t.Fatal(err)
	}
	f.Write([]byte("new"))
	if err := f.Commit(); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Lstat(link); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Errorf("the link was replaced: %v, %v", fi.Mode(), err)
	}
	if b, _ := os.ReadFile(target); string(b) != "new" {
		t.Errorf("the link's target holds %q, want the new body", b)
	}
	if fi, _ := os.Stat(target); fi.Mode().Perm() != 0o640 {
		t.Errorf("the target's mode is %o, want 0640 kept", fi.Mode().Perm())
	}

	// A descriptor, as the shell's `> out` gives it: out holds the body, and stays the file the shell opened.
	out, err := os.Create(filepath.Join(dir, "out"))
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	fd := fmt.Sprintf("/proc/self/fd/%d", out.Fd())
	f, err = Create(fd, Replace)
	if err != nil {
		t.Fatalf("Create(%s): %v", fd, err)
	}
	f.Write([]byte("body"))
	if err := f.Commit(); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(out.Name()); string(b) != "body" {
		t.Errorf("%s: out holds %q, want the body", fd, b)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 3 {
		t.Errorf("left in the directory: %v", entries)
	}
}

// TestTimeCondition: -z's argument as curl reads it: a date in the forms people type, else a file's
// modification time; "-" asks for not-modified-since; a name that is no date and no file is no condition.
func TestTimeCondition(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "f")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	mtime := time.Date(2024, 2, 29, 12, 0, 0, 0, time.UTC)
	if err := os.Chtimes(file, mtime, mtime); err != nil {
		t.Fatal(err)
	}
	for arg, want := range map[string]string{
		"Sun, 06 Nov 1994 08:49:37 GMT":  "If-Modified-Since: Sun, 06 Nov 1994 08:49:37 GMT",
		"Sunday, 06-Nov-94 08:49:37 GMT": "If-Modified-Since: Sun, 06 Nov 1994 08:49:37 GMT",
		"Sun Nov  6 08:49:37 1994":       "If-Modified-Since: Sun, 06 Nov 1994 08:49:37 GMT",
		"Sun, 06 Nov 1994 08:49:37 UTC":  "If-Modified-Since: Sun, 06 Nov 1994 08:49:37 GMT",
		"1994-11-06T09:49:37+01:00":      "If-Modified-Since: Sun, 06 Nov 1994 08:49:37 GMT",
		"1994-11-06 08:49":               "If-Modified-Since: Sun, 06 Nov 1994 08:49:00 GMT",
		"1994-11-06":                     "If-Modified-Since: Sun, 06 Nov 1994 00:00:00 GMT",
		"19941106":                       "If-Modified-Since: Sun, 06 Nov 1994 00:00:00 GMT",
		"-1994-11-06":                    "If-Unmodified-Since: Sun, 06 Nov 1994 00:00:00 GMT",
		// curl's parser: words in any order, dashes between them, two-digit years, offsets; each as curl
		// 7.88 sent it (a day past the month's end rolls over, as there).
		"1 Dec 2021":                     "If-Modified-Since: Wed, 01 Dec 2021 00:00:00 GMT",
		"Dec 1 2021":                     "If-Modified-Since: Wed, 01 Dec 2021 00:00:00 GMT",
		"2021 Dec 1":                     "If-Modified-Since: Wed, 01 Dec 2021 00:00:00 GMT",
		"1-Dec-2021":                     "If-Modified-Since: Wed, 01 Dec 2021 00:00:00 GMT",
		"1 Dec 21":                       "If-Modified-Since: Wed, 01 Dec 2021 00:00:00 GMT",
		"1 Dec 70":                       "If-Modified-Since: Mon, 01 Dec 2070 00:00:00 GMT",
		"1 Dec 71":                       "If-Modified-Since: Wed, 01 Dec 1971 00:00:00 GMT",
		"06 Nov 1994 08:49:37 +0100":     "If-Modified-Since: Sun, 06 Nov 1994 07:49:37 GMT",
		"Sun, 6 Nov 1994 08:49:37 -0130": "If-Modified-Since: Sun, 06 Nov 1994 10:19:37 GMT",
		"Sun Nov 6 08:49:37 UTC 1994":    "If-Modified-Since: Sun, 06 Nov 1994 08:49:37 GMT",
		"Mon, 31 Feb 2022 00:00:00 GMT":  "If-Modified-Since: Thu, 03 Mar 2022 00:00:00 GMT",
		// What curl does not read either is a file name: here, none.
		"6 November 1994":             "",
		"1 anf 2021":                  "", // three letters inside "janfeb", and no month
		"Dec 2021":                    "",
		"32 Dec 2021":                 "",
		"Dec 1 2021 25:00:00":         "",
		file:                          "If-Modified-Since: Thu, 29 Feb 2024 12:00:00 GMT",
		"-" + file:                    "If-Unmodified-Since: Thu, 29 Feb 2024 12:00:00 GMT",
		filepath.Join(dir, "nothere"): "",
	} {
		h, v, missing, err := TimeCondition(arg)
		got := ""
		if h != "" {
			got = h + ": " + v
		}
		if err != nil || got != want || missing != (want == "") {
			t.Errorf("TimeCondition(%q) = %q, missing %v, %v; want %q", arg, got, missing, err, want)
		}
	}
	for _, arg := range []string{"", "-", dir} {
		if _, _, _, err := TimeCondition(arg); err == nil {
			t.Errorf("TimeCondition(%q): no error", arg)
		}
	}
}

// TestDiscard: a download refused for its size (--max-filesize) keeps none of its bytes: a new one leaves
// nothing behind, a resumed one goes back to what it began with, its validator kept for a later -C.
func TestDiscard(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "out.bin")
	f, err := Create(path, Replace)
	if err != nil {
		t.Fatal(err)
	}
	f.Write([]byte("too much"))
	f.Discard()
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("a discarded download left %v", entries)
	}

	os.WriteFile(path+".part", []byte("kept"), 0o600)
	setValidator(path+".part", `"v1"`)
	r, _, err := Resume(path)
	if err != nil || r.Offset() != 4 {
		t.Fatalf("Resume: offset %d, %v", r.Offset(), err)
	}
	r.Write([]byte(" and far too much more"))
	r.Discard()
	if b, err := os.ReadFile(path + ".part"); err != nil || string(b) != "kept" {
		t.Errorf("resumed then discarded: .part holds %q, %v; want the bytes it began with", b, err)
	}
	if _, err := os.Stat(path); err == nil {
		t.Errorf("a discarded download appeared under its name")
	}
	if _, validator, _ := Resume(path); validator != `"v1"` && validator != "" {
		t.Errorf("validator %q after a discard", validator)
	}
}

// TestRestartKeepsTheFileContinued: a file continued in place whose server sends the whole body again
// stays as it was until the new body is whole; a new body that fails leaves it, and its own bytes in
// NAME.part, for -C to resume; one that completes replaces it.
func TestRestartKeepsTheFileContinued(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "big.iso")
	os.WriteFile(path, []byte("the whole file, as another tool saved it"), 0o640)
	f, _, err := Resume(path)
	if err != nil || f.Offset() == 0 {
		t.Fatalf("Resume: offset %d, %v", f.Offset(), err)
	}
	if err := f.Restart(); err != nil {
		t.Fatal(err)
	}
	f.Write([]byte("the new bo"))
	if kept := f.Abort(""); kept != path+".part" {
		t.Errorf("the new body's bytes kept in %q, want %s.part", kept, path)
	}
	if b, _ := os.ReadFile(path); string(b) != "the whole file, as another tool saved it" {
		t.Errorf("after a restart that failed the file holds %q", b)
	}
	if b, _ := os.ReadFile(path + ".part"); string(b) != "the new bo" {
		t.Errorf(".part holds %q", b)
	}
	os.Remove(path + ".part")
	f, _, _ = Resume(path)
	f.Restart()
	f.Write([]byte("the new body, whole"))
	if err := f.Commit(); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(path); string(b) != "the new body, whole" {
		t.Errorf("after a restart that completed the file holds %q", b)
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o640 {
		t.Errorf("the file replaced: %v, %v; want its mode 0640 kept", fi.Mode(), err)
	}
}

// A download that must not replace a file (-O without --force) does not replace one that appeared while
// its body arrived (another URL of hop curl -Z, another program): it is saved beside it as NAME.1, NAME.2,
// as curl's --no-clobber names them, and every byte of both stays.
func TestKeepNeverReplacesAFileThatAppeared(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "report.pdf")
	var files []*File
	for _, body := range []string{"first", "second", "third"} {
		f, err := Create(path, Refuse)
		if err != nil {
			t.Fatal(err)
		}
		f.Write([]byte(body))
		files = append(files, f)
	}
	if err := os.WriteFile(path, []byte("theirs"), 0o644); err != nil {
		t.Fatal(err)
	}
	for i, f := range files {
		if err := f.Commit(); err != nil {
			t.Fatal(err)
		}
		want := fmt.Sprintf("%s.%d", path, i+1)
		if f.Path() != want || f.Taken != path {
			t.Errorf("download %d saved as %s (taken %q), want %s", i, f.Path(), f.Taken, want)
		}
	}
	for name, want := range map[string]string{"report.pdf": "theirs", "report.pdf.1": "first", "report.pdf.2": "second", "report.pdf.3": "third"} {
		if got, _ := os.ReadFile(filepath.Join(dir, name)); string(got) != want {
			t.Errorf("%s holds %q, want %q", name, got, want)
		}
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 4 {
		t.Errorf("%d files left in the directory, want 4 (no temporary file)", len(entries))
	}
}

// Beside (curl's --no-clobber) starts where Refuse would stop: the file there stays, and the body is saved
// as NAME.1, the next free name; with no name free up to NAME.100 nothing is replaced.
func TestBeside(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "a.txt")
	os.WriteFile(path, []byte("theirs"), 0o644)
	f, err := Create(path, Beside)
	if err != nil {
		t.Fatal(err)
	}
	f.Write([]byte("mine"))
	if err := f.Commit(); err != nil || f.Path() != path+".1" || f.Taken != path {
		t.Fatalf("Commit: %v, saved as %s (taken %q)", err, f.Path(), f.Taken)
	}
	for n := 2; n <= 100; n++ {
		os.WriteFile(fmt.Sprintf("%s.%d", path, n), nil, 0o644)
	}
	f, _ = Create(path, Beside)
	var exists *ExistsError
	if err := f.Commit(); !errors.As(err, &exists) {
		t.Errorf("with every name taken, Commit: %v", err)
	}
	if got, _ := os.ReadFile(path); string(got) != "theirs" {
		t.Errorf("%s holds %q", path, got)
	}
}

// TestLongestName: a download named as long as a name can be (255 bytes, here ending in a two-byte
// character) is written, kept as NAME.part when it fails and resumed from there, and saved beside a file that
// holds its name: each derived name is shortened to fit, never a character cut in two. The temporary file
// and NAME.part were 16 and 5 bytes too long: the download failed before its first byte, and a failed one
// lost what had arrived.
func TestLongestName(t *testing.T) {
	dir := t.TempDir()
	name := strings.Repeat("a", 252) + "é" + "b" // 255 bytes
	path := filepath.Join(dir, name)
	f, err := Create(path, Refuse)
	if err != nil {
		t.Fatal(err)
	}
	f.Write([]byte("half"))
	kept := f.Abort("")
	if want := filepath.Join(dir, strings.Repeat("a", 250)+".part"); kept != want {
		t.Fatalf("Abort kept %q, want %q", kept, want)
	}
	r, _, err := Resume(path)
	if err != nil || r.Offset() != 4 {
		t.Fatalf("Resume: offset %d, %v", r.Offset(), err)
	}
	r.Write([]byte(" and the rest"))
	if err := r.Commit(); err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(path); string(b) != "half and the rest" {
		t.Fatalf("%q, %v", b, err)
	}
	f, err = Create(path, Beside)
	if err != nil {
		t.Fatal(err)
	}
	f.Write([]byte("mine"))
	if want := filepath.Join(dir, strings.Repeat("a", 252)+".1"); f.Commit() != nil || f.Path() != want {
		t.Errorf("beside it: saved as %q, want %q", f.Path(), want)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 2 {
		t.Errorf("left in the directory: %v", entries)
	}
}

// A write that fails (a full disk) names the file the user gave, not the temporary file being written.
func TestWriteErrorNamesTheFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "out.bin")
	d, err := Create(path, Replace)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Discard()
	d.f.Close() // every write fails from here on
	_, err = d.Write([]byte("x"))
	if err == nil || !strings.HasPrefix(err.Error(), "writing output file "+path+": ") || strings.Contains(err.Error(), ".tmp") {
		t.Errorf("error %v, want one naming %s and not the temporary file", err, path)
	}
}

// TestCreateBesideUnwritable: a file that is there, in a directory where hop cannot make the new file the
// body goes to first, is said to be so; "no such file" alone named a file the user could see.
func TestCreateBesideUnwritable(t *testing.T) {
	const path = "/proc/self/mem" // there, and /proc/self takes no new file, even from root
	if _, err := os.Stat(path); err != nil {
		t.Skipf("%s: %v (not Linux)", path, err)
	}
	_, err := Create(path, Replace)
	if want := "opening output file /proc/self/mem: no such file (hop writes the body to a new file in /proc/self first, and could not make one there)"; err == nil || err.Error() != want {
		t.Errorf("Create(%s): %v; want %q", path, err, want)
	}
}
