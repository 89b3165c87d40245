package pilot

import (
	"net"
	"testing"

	"github.com/navigator-dbaas/navigator/test/procio"
	osnode "github.com/navigator-dbaas/navigator/test/real/opensearch/node"
)

// TestOnRealOpenSearch runs the lifecycle on real OpenSearch 2.19 nodes. make test-real runs it.
func TestOnRealOpenSearch(t *testing.T) {
	in := osnode.ForTest(t)
	lifecycle(t, startCluster(t, func(dir string, cfg osnode.Config, ls [2]net.Listener, log *procio.Buffer) (nodeProcess, error) {
		for _, l := range ls {
			_ = l.Close() // the JVM binds the ports itself
		}
		cfg.HeapMiB = 256
		return in.Start(dir, cfg, log)
	}))
}
