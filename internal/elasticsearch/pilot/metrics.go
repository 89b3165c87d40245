package pilot

import (
	"github.com/prometheus/client_golang/prometheus"

	navv1alpha1 "github.com/navigator-dbaas/navigator/api/v1alpha1"
	"github.com/navigator-dbaas/navigator/internal/pilot/engine"
)

// gauges are the engine's part of /metrics: what the last observation found, as the Pilot's
// status reports it.
type gauges struct {
	shards, documents, electedMaster, shardsRemaining prometheus.Gauge
	health                                            *prometheus.GaugeVec
}

func newGauges() *gauges {
	const sub = "elasticsearch"
	return &gauges{
		shards:          engine.NewGauge(sub, "shards", "Shard copies this node holds."),
		documents:       engine.NewGauge(sub, "documents", "Documents in the shard copies this node holds."),
		electedMaster:   engine.NewGauge(sub, "elected_master", "1 while this node is the elected master."),
		shardsRemaining: engine.NewGauge(sub, "shutdown_shards_remaining", "Shard copies still to move off this node under its registered shutdown; 0 without one."),
		health:          engine.NewStateSet(sub, "cluster_health", "1 for the cluster health this node sees (green, yellow, red or unknown), one series per state."),
	}
}

// Collectors implements engine.Metered.
func (e *Engine) Collectors() []prometheus.Collector {
	g := e.gauges
	return []prometheus.Collector{g.shards, g.documents, g.electedMaster, g.shardsRemaining, g.health}
}

var _ engine.Metered = (*Engine)(nil)

// set shows an observation of the node whose id is id; an engine built without Init has no
// gauges.
func (g *gauges) set(id string, es *navv1alpha1.ElasticsearchPilotStatus) {
	if g == nil {
		return
	}
	g.shards.Set(float64(es.Shards))
	g.documents.Set(float64(es.Documents))
	g.electedMaster.Set(boolGauge(id != "" && es.MasterNode == id))
	remaining := 0.0
	if es.Shutdown != nil {
		remaining = float64(es.Shutdown.ShardsRemaining)
	}
	g.shardsRemaining.Set(remaining)
	engine.SetState(g.health, string(es.ClusterHealth))
}

func boolGauge(b bool) float64 {
	if b {
		return 1
	}
	return 0
}
