// Package download is where a body lands on disk: the file -o names, or the one -O derives from the
// response. A download to a regular file is written to a temporary file beside it and renamed into place
// only once the whole body arrived, so that a failed, interrupted or truncated transfer never leaves a file
// under the final name; its bytes are kept as NAME.part, which -C resumes. Nothing here prints.
package download

import (
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/hop-cli/hop/argfile"
)

// partSuffix names the bytes of a download that did not finish, kept for -C.
const partSuffix = ".part"

// validatorAttr is the extended attribute where a partial download keeps its ETag or Last-Modified, so that
// -C can ask with If-Range; a file system without user attributes just resumes without it.
const validatorAttr = "user.hop.validator"

// File is a download in progress.
type File struct {
	path    string   // the final name, as the user gave it
	dest    string   // the file that takes the body: path, or its target when path is a symbolic link
	tmp     string   // the file being written; "" when writing path directly
	f       *os.File // open for writing
	mode    fs.FileMode
	offset  int64 // bytes already there when a resumed download began
	inPlace bool  // a regular file continued under its own name (-C on another tool's partial file)
	keep    bool  // never replace a file (-O without --force), one that appears while the body arrives too

	// Taken, after Commit, is the name a file held (Beside), or took while the body arrived (another URL of
	// hop curl -Z, another program), when the download was saved beside it as NAME.1, NAME.2... (Path); ""
	// otherwise.
	Taken string

	// ModTime, when set before Commit, becomes the file's modification time (curl's -R: the server's
	// Last-Modified). Only a file hop replaced takes it, never a device or descriptor written in place.
	ModTime time.Time
	// Attrs, when set before Commit, become the file's extended attributes (curl's --xattr), as ModTime
	// does; AttrErr, after Commit, says why they could not be kept (a file system without user attributes).
	Attrs   map[string]string
	AttrErr error
}

// ExistsError is a download that would replace a file without --force.
type ExistsError struct{ Path string }

func (e *ExistsError) Error() string {
	return fmt.Sprintf("%s already exists: --force replaces it, -C resumes it", e.Path)
}

// Policy is what a download does about a file already named as it.
type Policy int

const (
	Replace Policy = iota // replace it once the body is complete, as curl -o does
	Refuse                // refuse before anything is written: -O without --force
	Beside                // keep it, and save as NAME.1, NAME.2... up to NAME.100: curl's --no-clobber
)

// Create starts a download to path, doing about a file already there what policy says. A symbolic link is
// written through: its target is replaced and the link stays. A path that is not a regular file (/dev/null,
// a named pipe) or is one of the process's own descriptors (/dev/stdout) is written directly (see
// argfile.Target).
func Create(path string, policy Policy) (*File, error) {
	keep := policy != Replace
	name, replace := argfile.Target(path)
	if !replace {
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
		if err != nil {
			return nil, fmt.Errorf("opening output file %s: %w", path, argfile.Reason(err))
		}
		return &File{path: path, f: f}, nil
	}
	fi, err := os.Stat(name)
	switch {
	case err == nil && policy == Refuse:
		return nil, &ExistsError{Path: path}
	case err != nil && !errors.Is(err, fs.ErrNotExist):
		return nil, fmt.Errorf("opening output file %s: %w", path, argfile.Reason(err))
	}
	mode, exists := newFileMode(), err == nil
	if exists {
		mode = fi.Mode().Perm() // replacing a file keeps its permissions, as writing into it would
	}
	// "." NAME "." up to 10 digits ".tmp": 16 bytes more than NAME, which may be as long as names can be.
	tmp, err := os.CreateTemp(filepath.Dir(name), "."+cut(filepath.Base(name), maxNameBytes-16)+".*.tmp")
	switch {
	case err != nil && exists:
		// The file is there (/proc/self/mem, a file in a directory only root may write): the error is the
		// directory's, where the body goes first.
		return nil, fmt.Errorf("opening output file %s: %w (hop writes the body to a new file in %s first, and could not make one there)",
			path, argfile.Reason(err), filepath.Dir(name))
	case err != nil:
		// The error names the temporary file, which the user never asked for: say it of path.
		return nil, fmt.Errorf("opening output file %s: %w", path, argfile.Reason(err))
	}
	return &File{path: path, dest: name, tmp: tmp.Name(), f: tmp, mode: mode, keep: keep}, nil
}

// Write writes body bytes. An error names the file the user gave, not the temporary one.
func (d *File) Write(p []byte) (int, error) {
	n, err := d.f.Write(p)
	if err != nil {
		err = fmt.Errorf("writing output file %s: %w", d.path, argfile.Reason(err))
	}
	return n, err
}

// Path is the download's final name.
func (d *File) Path() string { return d.path }

// Offset is where a resumed download continues; 0 for a new one.
func (d *File) Offset() int64 { return d.offset }

// Restart empties a resumed download whose server sent the whole body instead of the rest. A file
// continued in place (another tool's partial file, or a whole one) stays as it was until the new body is
// whole: that goes to a new file beside it, as a download anew does, and its bytes to NAME.part if it
// fails.
func (d *File) Restart() error {
	if d.inPlace {
		fresh, err := Create(d.path, Replace)
		if err != nil {
			return err
		}
		d.f.Close()
		*d = *fresh
		return nil
	}
	if err := d.f.Truncate(0); err != nil {
		return err
	}
	_, err := d.f.Seek(0, 0)
	d.offset = 0
	return err
}

// Commit ends a download that received the whole body: the file takes its final name.
func (d *File) Commit() error {
	err := d.f.Close()
	timed := d.tmp // the file -R dates: the one hop replaces, or a regular file continued in place
	if d.inPlace {
		timed = d.dest
	}
	if err == nil && timed != "" && !d.ModTime.IsZero() {
		err = os.Chtimes(timed, time.Time{}, d.ModTime) // the access time as it is
	}
	if err == nil && timed != "" {
		for _, name := range slices.Sorted(maps.Keys(d.Attrs)) {
			if aerr := setxattr(timed, name, []byte(d.Attrs[name])); aerr != nil && d.AttrErr == nil {
				d.AttrErr = aerr
			}
		}
	}
	if err == nil && d.tmp != "" {
		if err = os.Chmod(d.tmp, d.mode); err == nil && d.keep {
			err = d.claim()
		} else if err == nil {
			err = os.Rename(d.tmp, d.dest)
		}
	}
	if err != nil {
		if d.tmp != "" {
			os.Remove(d.tmp)
		}
		return fmt.Errorf("writing output file %s: %w", d.path, argfile.Reason(err))
	}
	return nil
}

// claim gives a download that must not replace a file its name, even one that appeared while the body
// arrived: a hard link fails where a rename would replace. A name taken meanwhile gets .1, .2... up to
// .100, as curl's --no-clobber names its files, so that no byte received is lost.
func (d *File) claim() error {
	for n := 0; n <= 100; n++ {
		dest, path := d.dest, d.path
		if n > 0 {
			dest, path = suffixed(d.dest, fmt.Sprintf(".%d", n)), suffixed(d.path, fmt.Sprintf(".%d", n))
		}
		err := os.Link(d.tmp, dest)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		if err != nil { // a file system without hard links: look, then rename
			if _, serr := os.Lstat(dest); serr == nil {
				continue
			}
			err = os.Rename(d.tmp, dest)
		} else {
			os.Remove(d.tmp)
		}
		if err == nil && n > 0 {
			d.Taken, d.path, d.dest = d.path, path, dest
		}
		return err
	}
	return &ExistsError{Path: d.path}
}

// Abort ends a download that failed. Nothing appears under the final name; the bytes received are kept in
// NAME.part when there are any, with validator (an ETag or Last-Modified) for -C to resume with, and the
// returned path says where (empty when nothing was kept).
func (d *File) Abort(validator string) (kept string) {
	d.f.Close()
	if d.tmp == "" {
		return ""
	}
	if fi, err := os.Stat(d.tmp); err != nil || fi.Size() == 0 {
		os.Remove(d.tmp)
		return ""
	}
	part := suffixed(d.dest, partSuffix)
	if d.tmp != part {
		if err := os.Rename(d.tmp, part); err != nil {
			os.Remove(d.tmp)
			return ""
		}
	}
	os.Chmod(part, d.mode)
	setValidator(part, validator)
	return part
}

// Discard ends a download whose bytes are not wanted (more than the user allowed): none of them is kept,
// under the final name or as NAME.part; a resumed download goes back to the bytes it began with. A device
// or descriptor keeps what was written to it.
func (d *File) Discard() {
	if d.offset > 0 {
		d.f.Truncate(d.offset)
		d.f.Close()
		return
	}
	d.f.Close()
	if d.tmp != "" {
		os.Remove(d.tmp)
	}
}

// Resume continues a download to path from what is already there: NAME.part, which hop keeps when a
// download fails, or else path itself (a file another tool began). It returns the File, appending, with its
// Offset, and the validator recorded for the partial bytes ("" when none is known). Nothing there is a new
// download.
func Resume(path string) (*File, string, error) {
	name, replace := argfile.Target(path)
	if !replace {
		d, err := Create(path, Replace) // a device or a descriptor: nothing there to continue
		return d, "", err
	}
	part := suffixed(name, partSuffix)
	from, size := resumable(name)
	if size == 0 {
		d, err := Create(path, Replace)
		return d, "", err
	}
	if from == name {
		// Another tool's partial file: continue it under its own name, as curl -C does.
		f, err := os.OpenFile(name, os.O_WRONLY|os.O_APPEND, 0)
		if err != nil {
			return nil, "", fmt.Errorf("opening output file %s: %w", path, argfile.Reason(err))
		}
		return &File{path: path, dest: name, f: f, offset: size, inPlace: true}, "", nil
	}
	f, err := os.OpenFile(part, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		return nil, "", fmt.Errorf("opening partial download %s: %w", part, argfile.Reason(err))
	}
	mode := newFileMode()
	if old, err := os.Stat(name); err == nil && old.Mode().IsRegular() {
		mode = old.Mode().Perm()
	}
	return &File{path: path, dest: name, tmp: part, f: f, mode: mode, offset: size}, validator(part), nil
}

// Offset is where Resume would continue a download to path from: the size of NAME.part, or else of path
// itself; 0 when neither holds a byte, or path is a device or a descriptor.
func Offset(path string) int64 {
	name, replace := argfile.Target(path)
	if !replace {
		return 0
	}
	_, size := resumable(name)
	return size
}

// resumable is the file a download to name continues (NAME.part, or else name itself) and its size; 0 when
// there is none to continue, or it is not a regular file.
func resumable(name string) (string, int64) {
	from := suffixed(name, partSuffix)
	fi, err := os.Stat(from)
	if err != nil {
		from = name
		fi, err = os.Stat(name)
	}
	if err != nil || !fi.Mode().IsRegular() {
		return from, 0
	}
	return from, fi.Size()
}

// suffixed is p with suffix after its base name, the base shortened as need be to keep the name within
// maxNameBytes: a download may be named as long as a name can be (255 bytes, by -O from a server's name,
// or typed), and its NAME.part and NAME.1 must still be names the file system takes, or the bytes received
// would have nowhere to go.
func suffixed(p, suffix string) string {
	dir, base := filepath.Split(p)
	return dir + cut(base, maxNameBytes-len(suffix)) + suffix
}

// newFileMode is the mode of a file created as usual: 0666 less the process's umask, read from
// /proc/self/status (setting the umask to read it would race with other goroutines creating files); 022
// when it cannot be read.
func newFileMode() fs.FileMode {
	mask := uint64(0o022)
	if status, err := os.ReadFile("/proc/self/status"); err == nil {
		for _, line := range strings.Split(string(status), "\n") {
			if v, ok := strings.CutPrefix(line, "Umask:"); ok {
				if m, err := strconv.ParseUint(strings.TrimSpace(v), 8, 32); err == nil {
					mask = m
				}
			}
		}
	}
	return fs.FileMode(0o666 &^ mask)
}

func setValidator(path, v string) {
	if v != "" {
		setxattr(path, validatorAttr, []byte(v))
	}
}

func validator(path string) string {
	buf := make([]byte, 1024)
	n, err := getxattr(path, validatorAttr, buf)
	if err != nil || n <= 0 {
		return ""
	}
	return string(buf[:n])
}
