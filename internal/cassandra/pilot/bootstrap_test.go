package pilot

import (
	"testing"
	"time"

	navv1alpha1 "github.com/navigator-dbaas/navigator/api/v1alpha1"
)

// TestConformanceFailedBootstrap: a bootstrap whose source goes down mid-stream does not stop the
// node (StorageService.bootstrap returns false): it stays up and joining, without clients, and
// the engine reports mode JOINING_FAILED, not ready. Started again over what it streamed, with its
// bootstrap progress reset as the controller then asks, it streams every range afresh and every
// row reads back at QUORUM.
func TestConformanceFailedBootstrap(t *testing.T) {
	forEachBackend(t, testFailedBootstrap)
	// 4.0 and 4.1 have no JOINING_FAILED: their failed joiner stays JOINING, and the pilot
	// learns of the failure from the node's log.
	t.Run("sim-4.1", func(t *testing.T) {
		t.Parallel()
		testFailedBootstrap(t, backend{name: "sim-4.1", simVersion: "4.1.10"})
	})
}

func testFailedBootstrap(t *testing.T, b backend) {
	c := newRing(t, b, "a", "b")
	rows, size := rows, 0
	c.rate = 1 << 10 // the join takes longer than the failure detector needs to convict
	if b.real != nil {
		rows, size, c.rate = 2000, 1024, 64<<10
	}
	c.startAll()
	writeRows(t, c.session("a"), "shop", "{'class': 'NetworkTopologyStrategy', 'dc1': 2}", rows, size)
	c.flush("a")
	c.flush("b")
	c.add("c")
	c.launch("c")
	joiner := c.engine("c")

	// One source goes down while c still receives from it: one with seconds of its session left,
	// more than the failure detector takes to convict it, so that the session cannot end first.
	var source string
	eventually(t, b.within(20*time.Second), "c to stream from its sources", func() bool {
		ns, err := joiner.netstats(t.Context())
		if err != nil || len(ns.Streams) == 0 {
			return false
		}
		for _, s := range ns.Streams[0].Sessions {
			if r := s.Receiving; r != nil && r.Bytes-r.BytesDone > 3*c.rate {
				source = c.named(s.Peer)
				return source != ""
			}
		}
		return false
	})
	c.capture("c", "joining", "netstats")
	c.kill(source)
	st := &navv1alpha1.PilotStatus{}
	eventuallyNoting(t, b.within(60*time.Second), "c to report its bootstrap failed", func() (bool, error) {
		err := c.observe("c", st) // a node without clients cannot tell its keyspaces: facts it can read are kept
		return st.Cassandra != nil && st.Cassandra.Mode == "JOINING_FAILED", err
	})
	observer := "a"
	if source == "a" {
		observer = "b"
	}
	c.capture("c", "joining-failed", "netstats", "status", "info")
	c.capture(observer, "peer-joining-failed", "status", "describecluster")
	if st.Cassandra.State != "UJ" {
		t.Errorf("a failed joiner is %s in its own view, want UJ", st.Cassandra.State)
	}
	if err := joiner.Ready(t.Context()); err == nil {
		t.Error("a failed joiner is ready")
	}

	// As the controller does: the node restarts (its source back), its progress reset. Its
	// sources now send unthrottled (a session goes at its sender's rate).
	c.kill("c")
	c.rate = 4 << 20
	c.start(source)
	for _, name := range []string{"a", "b"} {
		if out, err := c.engine(name).read(t.Context(), "setstreamthroughput", "0"); err != nil {
			t.Fatalf("nodetool setstreamthroughput 0 on %s: %v: %s", name, err, out)
		}
	}
	c.reset["c"] = true
	c.start("c")
	if found := readRows(t, c.session("c"), "shop", rows, size); found != rows {
		t.Errorf("%d of %d rows read back at QUORUM after the bootstrap started afresh", found, rows)
	}
}
