package pilot

import (
	"testing"

	"github.com/navigator-dbaas/navigator/test/procio"
	osnode "github.com/navigator-dbaas/navigator/test/real/opensearch/node"
)

// TestOnRealOpenSearch runs the lifecycle on real OpenSearch 2.19 nodes. make test-real runs it.
func TestOnRealOpenSearch(t *testing.T) {
	in := osnode.ForTest(t)
	lifecycle(t, startCluster(t, func(dir string, cfg osnode.Config, log *procio.Buffer) (nodeProcess, error) {
		cfg.HeapMiB = 256
		return in.Start(dir, cfg, log)
	}))
}
