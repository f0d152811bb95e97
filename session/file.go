package session

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/hop-cli/hop/argfile"
)

// writeFile replaces path with data atomically: a temporary file in the same directory, mode 0600, synced,
// then renamed over path (over its target when path is a symbolic link, which stays one). A crash or a full
// disk leaves the old file whole, never half a new one. A path that is not a regular file (-c /dev/null, a
// named pipe, -c /dev/stdout) is written into where it is: renaming over it would replace the device itself
// (see argfile.Target).
func writeFile(path string, data []byte) error {
	name, replace := argfile.Target(path)
	if !replace {
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
		if err != nil {
			return fmt.Errorf("writing %s: %w", path, argfile.Reason(err))
		}
		_, err = f.Write(data)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return fmt.Errorf("writing %s: %w", path, argfile.Reason(err))
		}
		return nil
	}
	tmp, err := os.CreateTemp(filepath.Dir(name), "."+filepath.Base(name)+".*.tmp")
	if err != nil {
		return fmt.Errorf("writing %s: %w", path, argfile.Reason(err))
	}
	tmpName := tmp.Name()
	fail := func(err error) error {
		tmp.Close()
		os.Remove(tmpName)
		return fmt.Errorf("writing %s: %w", path, argfile.Reason(err))
	}
	if err := tmp.Chmod(0o600); err != nil {
		return fail(err)
	}
	if _, err := tmp.Write(data); err != nil {
		return fail(err)
	}
	if err := tmp.Sync(); err != nil {
		return fail(err)
	}
	if err := tmp.Close(); err != nil {
		return fail(err)
	}
	if err := os.Rename(tmpName, name); err != nil {
		os.Remove(tmpName)
		return fmt.Errorf("writing %s: %w", path, argfile.Reason(err))
	}
	return nil
}
