// Package volume answers what the pilot asks of a database's data volume.
package volume

import "os"

// Used reports whether dir holds anything: any entry counts, except the `lost+found` a freshly
// formatted file system has at its root. A directory that does not exist or cannot be read holds
// nothing the database could use.
func Used(dir string) bool {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return false
	}
	for _, entry := range entries {
		if entry.Name() != "lost+found" {
			return true
		}
	}
	return false
}
