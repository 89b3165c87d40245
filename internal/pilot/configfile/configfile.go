// Package configfile writes the files an engine configures its database with. Every engine
// writes them right before the database starts, and a pilot may be killed at any moment: a file
// is therefore replaced whole or not at all, never left half-written for the database to read.
package configfile

import (
	"os"
	"path/filepath"
)

// Write replaces path with data by renaming a synced temporary file of the same directory over
// it (a rename within a file system is atomic). The file is readable by everyone (0644), as the
// upstream images ship their configuration.
func Write(path string, data []byte) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer func() { _ = os.Remove(tmp) }() // a no-op once renamed
	if _, err := f.Write(data); err != nil {
		_ = f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		_ = f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Chmod(tmp, 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}
