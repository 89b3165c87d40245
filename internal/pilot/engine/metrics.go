package engine

import "github.com/prometheus/client_golang/prometheus"

// Metered is an engine that adds gauges of its own to the pilot's /metrics: the facts it
// observes (data held, the cluster's health as the node sees it, the node's state). An engine
// sets them in Observe, so they say what the Pilot's status says, at the observe interval,
// without the status writes a Prometheus scrape would otherwise need. Optional: an engine
// without gauges does not implement it.
type Metered interface {
	// Collectors are registered once, before the database starts.
	Collectors() []prometheus.Collector
}

// SetState sets a state-set gauge (one series per state, labelled state) to 1 for state and
// drops every other series, so that a scrape shows exactly the current state, or none when
// state is empty (not known, or not a member of any cluster).
func SetState(g *prometheus.GaugeVec, state string) {
	g.Reset()
	if state != "" {
		g.WithLabelValues(state).Set(1)
	}
}

// NewGauge is a gauge named navigator_<subsystem>_<name>, subsystem being the engine's name.
func NewGauge(subsystem, name, help string) prometheus.Gauge {
	return prometheus.NewGauge(prometheus.GaugeOpts{Namespace: "navigator", Subsystem: subsystem, Name: name, Help: help})
}

// NewStateSet is a state-set gauge named navigator_<subsystem>_<name>, one series per state
// (label state); SetState sets it.
func NewStateSet(subsystem, name, help string) *prometheus.GaugeVec {
	return prometheus.NewGaugeVec(prometheus.GaugeOpts{Namespace: "navigator", Subsystem: subsystem, Name: name, Help: help}, []string{"state"})
}
