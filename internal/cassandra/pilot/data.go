package pilot

import (
	"path/filepath"

	"github.com/navigator-dbaas/navigator/internal/pilot/volume"
)

// HoldsData reports whether the data directory (data_file_directories, <data-dir>/data) holds
// anything Cassandra wrote: the system keyspace, created on the first start, or keyspaces' data.
func (e *Engine) HoldsData() bool { return volume.Used(filepath.Join(e.DataDir, "data")) }
