package pilot

import (
	"github.com/prometheus/client_golang/prometheus"

	navv1alpha1 "github.com/navigator-dbaas/navigator/api/v1alpha1"
	"github.com/navigator-dbaas/navigator/internal/pilot/engine"
)

// gauges are the engine's part of /metrics: what the last observation found, as the Pilot's
// status reports it.
type gauges struct {
	load, freeSpace, tokens, downNodes prometheus.Gauge
	state                              *prometheus.GaugeVec
}

func newGauges() *gauges {
	const sub = "cassandra"
	return &gauges{
		load:      engine.NewGauge(sub, "load_bytes", "Data this node holds, as nodetool status reports its load."),
		freeSpace: engine.NewGauge(sub, "free_space_bytes", "Space the node may still write on its data directory's file system."),
		tokens:    engine.NewGauge(sub, "tokens", "Tokens this node owns in the ring."),
		downNodes: engine.NewGauge(sub, "down_nodes", "Nodes of the ring this node sees down."),
		state: engine.NewStateSet(sub, "node_state",
			"1 for this node's state in the ring as nodetool status prints it (UN, UJ, UL, UM, DN...); no series while it is not a member."),
	}
}

// Collectors implements engine.Metered.
func (e *Engine) Collectors() []prometheus.Collector {
	g := e.gauges
	return []prometheus.Collector{g.load, g.freeSpace, g.tokens, g.downNodes, g.state}
}

var _ engine.Metered = (*Engine)(nil)

// set shows an observation; an engine built without Init has no gauges.
func (g *gauges) set(cs *navv1alpha1.CassandraPilotStatus) {
	if g == nil {
		return
	}
	g.load.Set(0)
	if cs.Load != nil {
		g.load.Set(float64(cs.Load.Value()))
	}
	g.freeSpace.Set(0)
	if cs.FreeSpace != nil {
		g.freeSpace.Set(float64(cs.FreeSpace.Value()))
	}
	g.tokens.Set(float64(cs.Tokens))
	g.downNodes.Set(float64(len(cs.DownNodes)))
	engine.SetState(g.state, cs.State)
}
