package node

import (
	"strings"
	"testing"
)

// TestClusterFormsThroughSeeds: three nodes find each other through the seed, nodetool status on
// any of them shows three UN nodes as the pilot's parser reads it, and the driver, given one
// contact point, finds the other two.
func TestClusterFormsThroughSeeds(t *testing.T) {
	c := newSimCluster(t, "a", "b", "c")
	c.startAll()
	want := map[string]string{"a": "UN", "b": "UN", "c": "UN"}
	for _, name := range c.names {
		c.waitCodes(name, want)
	}
	st := c.status("b")
	if len(st.Datacenters) != 1 || st.Datacenters[0].Name != "dc1" || !st.Effective {
		t.Errorf("status: %+v", st)
	}
	hostIDs := map[string]bool{}
	for _, n := range st.Nodes() {
		hostIDs[n.HostID] = true
		if n.Tokens != 8 || !n.OwnsKnown {
			t.Errorf("node %s: %+v", n.Address, n)
		}
	}
	if len(hostIDs) != 3 {
		t.Errorf("host IDs %v", hostIDs)
	}
	for _, name := range c.names {
		if !strings.Contains(c.log(name), "state jump to NORMAL") || !strings.Contains(c.log(name), "Startup complete") {
			t.Errorf("log of %s lacks the start-up lines", name)
		}
	}

	s := c.session("a")
	if hosts := s.GetHosts(); len(hosts) != 3 {
		t.Errorf("the driver knows %d hosts, want 3", len(hosts))
	}
}
