package pilot

import (
	"slices"
	"strings"
	"testing"
	"time"

	navv1alpha1 "github.com/navigator-dbaas/navigator/api/v1alpha1"
	"github.com/navigator-dbaas/navigator/internal/cassandra/nodetool"
)

// TestConformanceLeave decommissions one node of four through its engine. Every row written at
// QUORUM reads back at QUORUM after; cleanups asked of the others meanwhile wait while ranges
// move to them, then complete; the action stays complete for a restarted pilot; the next node is
// refused before anything happens, because its datacenter would keep fewer live nodes than the
// replication factor. A graceful stop then drains a node.
func TestConformanceLeave(t *testing.T) {
	forEachBackend(t, testLeave)
}

func testLeave(t *testing.T, b backend) {
	c := newRing(t, b, "a", "b", "c", "d")
	// Slow streams: the decommission takes a while. A real node streams sstables, so it gets
	// rows big enough to stream for some seconds at its rate, flushed.
	rows, size := rows, 0
	c.rate = 2 << 10
	if b.real != nil {
		rows, size, c.rate = 2000, 1024, 256<<10
	}
	c.startAll()
	s := c.session("a")
	writeRows(t, s, "shop", "{'class': 'NetworkTopologyStrategy', 'dc1': 3}", rows, size)
	c.flush("d")

	var leave []string
	cleanups := map[string][]string{}
	// A cleanup is asked at a moment d provably hands ranges over to the node asked: d's netstats
	// shows more than three seconds of data left to send at its throttled rate before the
	// cleanup is asked (so every node has long known d is leaving: d streams only after
	// announcing it and waiting ring_delay; and the answer is likely to come before d is done),
	// and the node asked still sees d leaving (L in its own status) after the cleanup has
	// answered. The ranges d hands over are pending on that node as long as it sees d leaving,
	// so that cleanup must wait. d's own mode is no witness: real Cassandra announces LEFT, and the others drop its
	// ranges, while d still says LEAVING for ring_delay more. Asked again at every step until
	// one answer is so bracketed: on a stalled machine an answer may come only after the node
	// saw d leave, and then it proves nothing (and a cleanup that ran then is correct).
	var duringStream string
	record := func(messages []string, m string) []string {
		if len(messages) == 0 || messages[len(messages)-1] != m {
			messages = append(messages, m)
		}
		return messages
	}
	// As the agents do, every step: Leave on d, and once d is leaving, Cleanup on the others.
	eventually(t, b.within(20*time.Second), "the decommission and the cleanups to end", func() bool {
		st, err := c.engine("d").Act(t.Context(), navv1alpha1.ActionLeave, c.input("d", 2))
		if err != nil || st.Phase == navv1alpha1.ActionFailed {
			t.Fatalf("leave: %+v, %v", st, err)
		}
		leave = record(leave, st.Message)
		if strings.HasPrefix(st.Message, "decommissioning (mode LEAVING)") {
			c.capture("d", "leaving", "netstats", "status")
			c.capture("a", "peer-leaving", "status")
		}
		if duringStream == "" {
			if receiver := receivingFrom(t, c, "d", 3*c.rate); receiver != "" {
				st, err := c.engine(receiver).Act(t.Context(), navv1alpha1.ActionCleanup, c.input(receiver, 2))
				if err != nil {
					t.Fatalf("cleanup on %s: %v", receiver, err)
				}
				if seesLeaving(t, c, receiver, "d") {
					duringStream = receiver + ": " + st.Message
				}
			}
		}
		over := st.Phase == navv1alpha1.ActionComplete
		if len(leave) == 1 {
			return false
		}
		for _, name := range []string{"a", "b", "c"} {
			st, err := c.engine(name).Act(t.Context(), navv1alpha1.ActionCleanup, c.input(name, 2))
			if err != nil || st.Phase == navv1alpha1.ActionFailed {
				t.Fatalf("cleanup on %s: %+v, %v", name, st, err)
			}
			cleanups[name] = record(cleanups[name], st.Message)
			over = over && st.Phase == navv1alpha1.ActionComplete
		}
		return over
	})
	if leave[0] != "nodetool decommission started" || !slices.ContainsFunc(leave, func(m string) bool {
		return strings.HasPrefix(m, "decommissioning (mode LEAVING): streaming to ")
	}) {
		t.Errorf("progress of the decommission: %q", leave)
	}
	t.Logf("during the stream: %s", duringStream)
	if !strings.Contains(duringStream, ": waiting to try again: nodetool cleanup: Node is involved in cluster membership changes") {
		t.Errorf("a cleanup asked while d had seconds of data left to send it: %q (all cleanups: %q)", duringStream, cleanups)
	}
	if found := readRows(t, s, "shop", rows, size); found != rows {
		t.Errorf("%d of %d rows read back at QUORUM after the decommission", found, rows)
	}
	c.capture("d", "decommissioned", "netstats", "status", "info")
	st := &navv1alpha1.PilotStatus{Cassandra: &navv1alpha1.CassandraPilotStatus{State: "UL"}}
	if err := c.observe("d", st); err != nil || st.Cassandra.State != "" || st.Version != b.release(t) {
		t.Errorf("observing a decommissioned node: %v, %+v", err, st.Cassandra)
	}

	// A pilot that restarted knows nothing of the decommission it ran; netstats tells it.
	d := c.engine("d")
	restarted := &Engine{NodePool: d.NodePool, Seeds: d.Seeds, ConfigDir: d.ConfigDir, DataDir: d.DataDir,
		CQLPort: d.CQLPort, StoragePort: d.StoragePort, Nodetool: d.Nodetool, JMXAddress: d.JMXAddress,
		JMXAgent: d.JMXAgent, JolokiaPort: d.JolokiaPort}
	if err := restarted.Init(); err != nil {
		t.Fatal(err)
	}
	if again, err := restarted.Act(t.Context(), navv1alpha1.ActionLeave, c.input("d", 2)); err != nil || again.Phase != navv1alpha1.ActionComplete {
		t.Errorf("leave after a pilot restart: %+v, %v", again, err)
	}

	// Three nodes left and three replicas asked for: c may not leave.
	refused, err := c.engine("c").Act(t.Context(), navv1alpha1.ActionLeave, c.input("c", 3))
	if err != nil || refused.Phase != navv1alpha1.ActionFailed ||
		refused.Message != "refusing to decommission: keyspace shop asks for 3 replicas in datacenter dc1, and only 2 other nodes there are up and normal (UN)" {
		t.Fatalf("leave below the replication factor: %+v, %v", refused, err)
	}
	ns, err := c.engine("c").netstats(t.Context())
	if err != nil || ns.Mode != nodetool.ModeNormal {
		t.Errorf("c after the refusal: %+v, %v", ns, err)
	}

	// A graceful stop drains.
	if err := c.engine("a").GracefulStop(t.Context()); err != nil {
		t.Fatal(err)
	}
	if ns, err := c.engine("a").netstats(t.Context()); err != nil || ns.Mode != nodetool.ModeDrained {
		t.Errorf("a after its graceful stop: %+v, %v", ns, err)
	}
}

// seesLeaving reports whether viewer's own status, read now, shows leaving as leaving (L).
func seesLeaving(t *testing.T, c *testRing, viewer, leaving string) bool {
	t.Helper()
	st, err := c.engine(viewer).status(t.Context(), 0)
	if err != nil {
		return false
	}
	c.mu.Lock()
	ip := c.nodes[leaving].ip
	c.mu.Unlock()
	for _, dc := range st.Datacenters {
		for _, n := range dc.Nodes {
			if sameAddress(n.Address, ip) {
				return n.State == "L"
			}
		}
	}
	return false
}

// receivingFrom names a node that leaving, decommissioning, still streams to while it has more
// than over bytes left to send in all, by its netstats, or returns empty.
func receivingFrom(t *testing.T, c *testRing, leaving string, over int64) string {
	t.Helper()
	ns, err := c.engine(leaving).netstats(t.Context())
	if err != nil {
		return ""
	}
	left, receiver := int64(0), ""
	for _, plan := range ns.Streams {
		for _, s := range plan.Sessions {
			if p := s.Sending; p != nil && p.Bytes > p.BytesDone {
				left += p.Bytes - p.BytesDone
				if receiver == "" {
					receiver = c.named(s.Peer)
				}
			}
		}
	}
	if left <= over {
		return ""
	}
	return receiver
}
