package pilot

import (
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	navv1alpha1 "github.com/navigator-dbaas/navigator/api/v1alpha1"
	"github.com/navigator-dbaas/navigator/internal/search/node"
)

// TestGaugesShowTheObservation: the engine's gauges on /metrics say what the last observation
// put in the Pilot's status, and follow it when the cluster loses its master.
func TestGaugesShowTheObservation(t *testing.T) {
	c := formedCluster(t, 3, 1, 60)
	master, other := c.masterAndAnother()
	// What the pilot's /metrics serves: the engine's collectors in a registry of their own.
	reg := prometheus.NewPedanticRegistry()
	reg.MustRegister(c.engines[other].Collectors()...)
	for name, isMaster := range map[string]float64{master: 1, other: 0} {
		es := c.observe(name, nil).Elasticsearch
		g := c.engines[name].gauges
		if es.Shards == 0 || es.Documents == 0 {
			t.Fatalf("%s holds nothing: %+v", name, es)
		}
		checkGauge(t, name+" shards", g.Shards, float64(es.Shards))
		checkGauge(t, name+" documents", g.Documents, float64(es.Documents))
		checkGauge(t, name+" elected_master", g.Elected, isMaster)
		checkGauge(t, name+" shutdown_shards_remaining", g.Remaining, 0)
		checkState(t, name, g, navv1alpha1.HealthGreen)
	}

	for _, name := range c.names {
		if name != other {
			c.stop(name)
		}
	}
	// Until its leader checks fail, the node still names the master it lost, and the shutdown
	// read that follows goes to that master and fails (503): an observation error the agent
	// meets with another observation a step later, as this loop does.
	eventually(t, 10*time.Second, other+" sees no master", func() bool {
		st := &navv1alpha1.PilotStatus{}
		err := c.engines[other].Observe(t.Context(), st)
		return err == nil && st.Elasticsearch.MasterNode == ""
	})
	g := c.engines[other].gauges
	checkGauge(t, other+" elected_master without a master", g.Elected, 0)
	// Elasticsearch answers red without a master; that is not the cluster's health.
	if h := c.observe(other, nil).Elasticsearch.ClusterHealth; h != navv1alpha1.HealthUnknown {
		t.Errorf("%s without a master reports health %s, want unknown", other, h)
	}
	checkState(t, other, g, navv1alpha1.HealthUnknown)

	// A node that does not answer: the health it sees is unknown.
	c.stop(other)
	st := &navv1alpha1.PilotStatus{}
	if err := c.engines[other].Observe(t.Context(), st); err == nil {
		t.Fatal("a stopped node was observed without an error")
	}
	checkState(t, other, g, navv1alpha1.HealthUnknown)
	if problems, err := testutil.GatherAndLint(reg); err != nil || len(problems) > 0 {
		t.Errorf("metrics lint: %v %+v", err, problems)
	}
	if n, err := testutil.GatherAndCount(reg); err != nil || n != 5 {
		t.Errorf("the registry gathers %d series (%v), want 5: four gauges and one health state", n, err)
	}
}

func checkGauge(t *testing.T, what string, g prometheus.Gauge, want float64) {
	t.Helper()
	if got := testutil.ToFloat64(g); got != want {
		t.Errorf("%s = %v, want %v", what, got, want)
	}
}

// checkState checks that the health state set has exactly one series, for want. (Reading a
// series that is not there would create it.)
func checkState(t *testing.T, name string, g *node.Gauges, want navv1alpha1.SearchHealth) {
	t.Helper()
	if n := testutil.CollectAndCount(g.Health); n != 1 {
		t.Errorf("%s: %d cluster_health series, want 1", name, n)
	}
	checkGauge(t, name+" cluster_health{"+string(want)+"}", g.Health.WithLabelValues(string(want)), 1)
}
