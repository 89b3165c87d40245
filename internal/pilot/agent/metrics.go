package agent

import (
	"github.com/prometheus/client_golang/prometheus"
)

// Metrics are the pilot's own gauges and counters; engines add theirs to the same registry.
type Metrics struct {
	Writes     *prometheus.CounterVec
	DatabaseUp prometheus.Gauge
	Ready      prometheus.Gauge
	Started    prometheus.Gauge
}

// NewMetrics creates the metrics and registers them with reg when it is not nil.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		Writes: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "navigator_pilot_status_writes_total", Help: "Writes of the Pilot status, by result.",
		}, []string{"result"}),
		DatabaseUp: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "navigator_pilot_database_up", Help: "1 while the database process runs.",
		}),
		Ready: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "navigator_pilot_ready", Help: "1 while the engine reports the node serving and joined.",
		}),
		Started: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "navigator_pilot_start_gate_open", Help: "1 once spec.start let the database start.",
		}),
	}
	if reg != nil {
		reg.MustRegister(m.Writes, m.DatabaseUp, m.Ready, m.Started)
	}
	return m
}
