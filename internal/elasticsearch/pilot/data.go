package pilot

import "os"

// HoldsData reports whether path.data holds anything Elasticsearch wrote: `_state` and
// `node.lock` (8.x and later), `nodes/0` (7.x), shard data under `indices`. Any entry counts,
// except the `lost+found` a freshly formatted volume has.
func (e *Engine) HoldsData() bool {
	entries, err := os.ReadDir(e.DataDir)
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
