package pilot

import (
	"context"
	"testing"
	"time"

	"github.com/navigator-dbaas/navigator/test/procio"
	osnode "github.com/navigator-dbaas/navigator/test/real/opensearch/node"
	simconfig "github.com/navigator-dbaas/navigator/test/sim/elasticsearch/config"
	simnode "github.com/navigator-dbaas/navigator/test/sim/elasticsearch/node"
)

// TestOnSimulatedOpenSearch runs the lifecycle on the Elasticsearch simulator answering as
// OpenSearch 2.19, in-process, reading the opensearch.yml a real node would: what passes on real
// nodes must pass here, since the end-to-end tier runs the engine against this simulator.
func TestOnSimulatedOpenSearch(t *testing.T) {
	t.Parallel()
	lifecycle(t, startCluster(t, func(dir string, cfg osnode.Config, log *procio.Buffer) (nodeProcess, error) {
		yml, err := cfg.YAML(dir)
		if err != nil {
			return nil, err
		}
		sc, err := simconfig.ParseAs(simconfig.OpenSearch, yml, nil)
		if err != nil {
			return nil, err
		}
		n, err := simnode.Start(context.Background(), sc, simnode.Options{Version: "2.19.6", Log: log, Timing: simTiming})
		if err != nil {
			return nil, err
		}
		return simProcess{n}, nil
	}))
}

// simTiming keeps the test short: checks every 100ms instead of every second.
var simTiming = simnode.Timing{
	Discovery: 100 * time.Millisecond, FollowerCheck: 100 * time.Millisecond, LeaderCheck: 100 * time.Millisecond,
	Retries: 3, Reroute: 50 * time.Millisecond, RequestTimeout: 2 * time.Second, MasterTimeout: 3 * time.Second,
}

// simProcess is a simulated node: stopping it closes it, as SIGTERM does the simulator's process.
type simProcess struct{ n *simnode.Node }

func (p simProcess) Stop(time.Duration) error { return p.n.Close() }
func (p simProcess) Kill() error              { return p.n.Close() }
