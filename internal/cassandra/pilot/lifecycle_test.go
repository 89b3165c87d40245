package pilot

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	navv1alpha1 "github.com/navigator-dbaas/navigator/api/v1alpha1"
	"github.com/navigator-dbaas/navigator/internal/cassandra/nodetool"
)

const rows = 200

// TestConformanceObserveCleanupAndDrain drives a ring of two nodes, then three, through their
// engines: each becomes ready, Observe fills every fact, cleanup after the third node joined
// drops what the first no longer replicates, PrepareRestart drains the second (which the others
// then see down), and Live fails once a node that answered JMX no longer does.
func TestConformanceObserveCleanupAndDrain(t *testing.T) {
	forEachBackend(t, testObserveCleanupAndDrain)
}

func testObserveCleanupAndDrain(t *testing.T, b backend) {
	c := newRing(t, b, "a", "b")
	a := c.engine("a")
	if a.HoldsData() {
		t.Error("a holds data before its first start")
	}
	c.startAll()
	if !a.HoldsData() {
		t.Error("a holds no data after its start")
	}
	s := c.session("a")
	writeRows(t, s, "shop", "{'class': 'NetworkTopologyStrategy', 'dc1': 2}", rows, 0)

	st := &navv1alpha1.PilotStatus{}
	c.flush("a")
	eventually(t, b.within(5*time.Second), "a to report its load", func() bool {
		return c.observe("a", st) == nil && st.Cassandra.Load != nil && st.Cassandra.Load.Value() > 0
	})
	c.capture("a", "normal", "status", "info", "netstats", "describecluster", "version")
	c.captureAgent("a", "two-nodes")
	cs := st.Cassandra
	if st.Version != b.release(t) || st.Node.ID != c.hostID("a") {
		t.Errorf("version %q, host id %q", st.Version, st.Node.ID)
	}
	if cs.Datacenter != "dc1" || cs.Rack != "r1" || cs.State != "UN" || cs.Tokens != 8 || cs.ReplicationFactor != 2 ||
		cs.ReplicationKeyspace != "shop" || cs.ClusterReplicationFactor != 3 || cs.ClusterReplicationKeyspace != "system_distributed" ||
		cs.FreeSpace == nil || cs.FreeSpace.Value() <= 0 || cs.DownNodes != nil {
		t.Errorf("facts of a: %+v", cs)
	}
	// The gauges on /metrics say the same.
	g := a.gauges
	for name, got := range map[string]prometheus.Gauge{"load_bytes": g.load, "free_space_bytes": g.freeSpace, "tokens": g.tokens, "down_nodes": g.downNodes} {
		want := map[string]float64{"load_bytes": float64(cs.Load.Value()), "free_space_bytes": float64(cs.FreeSpace.Value()), "tokens": 8, "down_nodes": 0}[name]
		if v := testutil.ToFloat64(got); v != want {
			t.Errorf("navigator_cassandra_%s = %v, want %v", name, v, want)
		}
	}
	if n := testutil.CollectAndCount(g.state); n != 1 || testutil.ToFloat64(g.state.WithLabelValues("UN")) != 1 {
		t.Errorf("navigator_cassandra_node_state: %d series, want only UN", n)
	}
	// Nothing changed, so nothing the agent writes changes (free space is the volume's, which
	// other processes share: left out).
	again := st.DeepCopy()
	if err := c.observe("a", again); err != nil {
		t.Fatal(err)
	}
	again.Cassandra.FreeSpace, st.Cassandra.FreeSpace = nil, nil
	if again.Cassandra.Load.Cmp(*st.Cassandra.Load) != 0 || again.Cassandra.ReplicationFactor != cs.ReplicationFactor ||
		again.Cassandra.State != cs.State || again.Node != st.Node {
		t.Errorf("a second Observe changed the status: %+v, then %+v", st.Cassandra, again.Cassandra)
	}

	// A third node joins: a now replicates less of the data it holds.
	c.add("c")
	c.start("c")
	loadBefore := st.Cassandra.Load.Value()
	done, messages := c.act("a", navv1alpha1.ActionCleanup, 2, b.within(10*time.Second))
	if done.Phase != navv1alpha1.ActionComplete || messages[0] != "nodetool cleanup started" {
		t.Fatalf("cleanup: %+v after %q", done, messages)
	}
	eventually(t, b.within(5*time.Second), "a's load to fall after the cleanup", func() bool {
		return c.observe("a", st) == nil && st.Cassandra.Load.Value() < loadBefore
	})
	if again, _ := c.engine("a").Act(t.Context(), navv1alpha1.ActionCleanup, c.input("a", 2)); again.Phase != navv1alpha1.ActionComplete {
		t.Errorf("cleanup asked again for the same request: %+v", again)
	}
	if next, _ := c.engine("a").Act(t.Context(), navv1alpha1.ActionCleanup, c.input("a", 3)); next.Phase != navv1alpha1.ActionInProgress {
		t.Errorf("a new cleanup request does not run cleanup again: %+v", next)
	}
	if found := readRows(t, s, "shop", rows, 0); found != rows {
		t.Errorf("%d of %d rows read back at QUORUM after the cleanup", found, rows)
	}

	// PrepareRestart drains b: it stays up, DRAINED, not ready, and the others see it down.
	done, _ = c.act("b", navv1alpha1.ActionPrepareRestart, 2, b.within(10*time.Second))
	if done.Phase != navv1alpha1.ActionComplete {
		t.Fatalf("prepare restart: %+v", done)
	}
	ns, err := c.engine("b").netstats(t.Context())
	if err != nil || ns.Mode != nodetool.ModeDrained {
		t.Errorf("b after PrepareRestart: %+v, %v", ns, err)
	}
	if err := c.engine("b").Ready(t.Context()); err == nil {
		t.Error("a drained node is ready")
	}
	eventually(t, b.within(5*time.Second), "a to see b down", func() bool {
		_ = c.observe("a", st)
		return slices.Equal(st.Cassandra.DownNodes, []string{c.node("b").ip})
	})
	c.capture("b", "drained", "netstats", "info", "status")
	c.capture("a", "peer-drained", "status", "describecluster")
	c.captureAgent("a", "peer-drained")
	if v := testutil.ToFloat64(a.gauges.downNodes); v != 1 {
		t.Errorf("navigator_cassandra_down_nodes = %v while a sees b down", v)
	}
	if err := c.engine("b").GracefulStop(t.Context()); err != nil {
		t.Errorf("stopping a drained node: %v", err)
	}

	// c answered nodetool; killed, it no longer does.
	if err := c.engine("c").Live(t.Context()); err != nil {
		t.Errorf("Live of a running node: %v", err)
	}
	c.kill("c")
	if err := c.engine("c").Live(t.Context()); err == nil || !strings.Contains(err.Error(), "no longer answers") {
		t.Errorf("Live of a node that stopped answering: %v", err)
	}
}
