package node

import (
	"github.com/prometheus/client_golang/prometheus"

	navv1alpha1 "github.com/navigator-dbaas/navigator/api/v1alpha1"
	"github.com/navigator-dbaas/navigator/internal/pilot/engine"
)

// Gauges are an engine's part of the pilot's /metrics: what the last observation found, as the
// Pilot's status reports it.
type Gauges struct {
	Shards, Documents, Elected, Remaining prometheus.Gauge
	Health                                *prometheus.GaugeVec
}

// Names are an engine's words for two of the gauges: the elected master (cluster manager), and
// the copies still to move off a leaving node.
type Names struct {
	Elected, ElectedHelp, Remaining, RemainingHelp string
}

// NewGauges builds the gauges under the engine's subsystem (elasticsearch, opensearch).
func NewGauges(sub string, n Names) *Gauges {
	return &Gauges{
		Shards:    engine.NewGauge(sub, "shards", "Shard copies this node holds."),
		Documents: engine.NewGauge(sub, "documents", "Documents in the shard copies this node holds."),
		Elected:   engine.NewGauge(sub, n.Elected, n.ElectedHelp),
		Remaining: engine.NewGauge(sub, n.Remaining, n.RemainingHelp),
		Health:    engine.NewStateSet(sub, "cluster_health", "1 for the cluster health this node sees (green, yellow, red or unknown), one series per state."),
	}
}

// Collectors are the gauges, for engine.Metered.
func (g *Gauges) Collectors() []prometheus.Collector {
	return []prometheus.Collector{g.Shards, g.Documents, g.Elected, g.Remaining, g.Health}
}

// Set shows an observation of the node whose id is id: master is the elected master's id as it
// sees it, remaining the copies still to move off it. An engine built without Init has no
// gauges (nil).
func (g *Gauges) Set(id string, shards int32, documents int64, master string, remaining int32, health navv1alpha1.SearchHealth) {
	if g == nil {
		return
	}
	g.Shards.Set(float64(shards))
	g.Documents.Set(float64(documents))
	elected := 0.0
	if id != "" && master == id {
		elected = 1
	}
	g.Elected.Set(elected)
	g.Remaining.Set(float64(remaining))
	engine.SetState(g.Health, string(health))
}
