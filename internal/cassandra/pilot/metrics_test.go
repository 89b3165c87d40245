package pilot

import (
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"k8s.io/apimachinery/pkg/api/resource"

	navv1alpha1 "github.com/navigator-dbaas/navigator/api/v1alpha1"
)

// TestGaugesFollowTheNodesState: the state set shows one state at a time, and none once the
// node has left the ring; the metrics pass Prometheus's lint.
func TestGaugesFollowTheNodesState(t *testing.T) {
	e := &Engine{gauges: newGauges()}
	reg := prometheus.NewPedanticRegistry()
	reg.MustRegister(e.Collectors()...)
	g := e.gauges

	g.set(&navv1alpha1.CassandraPilotStatus{State: "UJ", Tokens: 16, Load: resource.NewQuantity(1<<20, resource.BinarySI)})
	g.set(&navv1alpha1.CassandraPilotStatus{State: "UL", Tokens: 16, DownNodes: []string{"10.0.0.9"}})
	if n := testutil.CollectAndCount(g.state); n != 1 || testutil.ToFloat64(g.state.WithLabelValues("UL")) != 1 {
		t.Errorf("leaving: %d state series, want UL alone", n)
	}
	if v := testutil.ToFloat64(g.load); v != 0 {
		t.Errorf("load %v once the status no longer reports one, want 0", v)
	}
	if v := testutil.ToFloat64(g.downNodes); v != 1 {
		t.Errorf("down_nodes %v, want 1", v)
	}
	g.set(&navv1alpha1.CassandraPilotStatus{})
	if n := testutil.CollectAndCount(g.state); n != 0 {
		t.Errorf("%d state series for a node that left the ring, want none", n)
	}
	if problems, err := testutil.GatherAndLint(reg); err != nil || len(problems) > 0 {
		t.Errorf("metrics lint: %v %+v", err, problems)
	}
}
