package pilot

import (
	"github.com/prometheus/client_golang/prometheus"

	navv1alpha1 "github.com/navigator-dbaas/navigator/api/v1alpha1"
	"github.com/navigator-dbaas/navigator/internal/pilot/engine"
	"github.com/navigator-dbaas/navigator/internal/search/node"
)

func newGauges() *node.Gauges {
	return node.NewGauges("elasticsearch", node.Names{
		Elected: "elected_master", ElectedHelp: "1 while this node is the elected master.",
		Remaining: "shutdown_shards_remaining", RemainingHelp: "Shard copies still to move off this node under its registered shutdown; 0 without one.",
	})
}

// Collectors implements engine.Metered.
func (e *Engine) Collectors() []prometheus.Collector { return e.gauges.Collectors() }

var _ engine.Metered = (*Engine)(nil)

// observed shows an observation of the node whose id is id.
func (e *Engine) observed(id string, es *navv1alpha1.ElasticsearchPilotStatus) {
	var remaining int32
	if es.Shutdown != nil {
		remaining = es.Shutdown.ShardsRemaining
	}
	e.gauges.Set(id, es.Shards, es.Documents, es.MasterNode, remaining, es.ClusterHealth)
}
