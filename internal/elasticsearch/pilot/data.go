package pilot

import "github.com/navigator-dbaas/navigator/internal/pilot/volume"

// HoldsData reports whether path.data holds anything Elasticsearch wrote: `_state` and
// `node.lock` (8.x and later), `nodes/0` (7.x), shard data under `indices`.
func (e *Engine) HoldsData() bool { return volume.Used(e.DataDir) }
