package pilot

import (
	"github.com/prometheus/client_golang/prometheus"

	navv1alpha1 "github.com/navigator-dbaas/navigator/api/v1alpha1"
	"github.com/navigator-dbaas/navigator/internal/pilot/engine"
	"github.com/navigator-dbaas/navigator/internal/search/node"
)

func newGauges() *node.Gauges {
	return node.NewGauges("opensearch", node.Names{
		Elected: "elected_cluster_manager", ElectedHelp: "1 while this node is the elected cluster manager.",
		Remaining: "drain_shards_remaining", RemainingHelp: "Shard copies still to move off this node while it is excluded from allocation; 0 otherwise.",
	})
}

// Collectors implements engine.Metered.
func (e *Engine) Collectors() []prometheus.Collector { return e.gauges.Collectors() }

var _ engine.Metered = (*Engine)(nil)

// observed shows an observation of the node whose id is id.
func (e *Engine) observed(id string, st *navv1alpha1.OpenSearchPilotStatus) {
	var remaining int32
	if st.Drain != nil {
		remaining = st.Drain.ShardsRemaining
	}
	e.gauges.Set(id, st.Shards, st.Documents, st.ClusterManagerNode, remaining, st.ClusterHealth)
}
