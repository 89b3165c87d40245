package node

import (
	"strings"
	"testing"

	gocql "github.com/apache/cassandra-gocql-driver/v2"

	pilotnodetool "github.com/navigator-dbaas/navigator/internal/cassandra/nodetool"
)

// TestClusterFormsThroughSeeds: three nodes, one of them on another release, find each other
// through the seed; nodetool status on any of them shows three UN nodes as the pilot's parser
// reads it, describecluster both releases and one schema; the driver, given one contact point,
// finds the other two.
func TestClusterFormsThroughSeeds(t *testing.T) {
	t.Parallel()
	c := newSimCluster(t, "a", "b", "c")
	c.releases["c"] = "5.0.5"
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

	dc, err := pilotnodetool.ParseDescribeCluster(c.nodetool("a", "describecluster").Stdout)
	if err != nil {
		t.Fatal(err)
	}
	if len(dc.DatabaseVersions["4.1.10"]) != 2 || len(dc.DatabaseVersions["5.0.5"]) != 1 || len(dc.SchemaVersions) != 1 || dc.Name != "sim" {
		t.Errorf("describecluster: %+v", dc)
	}
	v, err := pilotnodetool.ParseVersion(c.nodetool("c", "version").Stdout)
	if err != nil || v.Release != "5.0.5" {
		t.Errorf("version on c: %+v, %v", v, err)
	}

	s := c.session("a")
	if hosts := s.GetHosts(); len(hosts) != 3 {
		t.Errorf("the driver knows %d hosts, want 3", len(hosts))
	}
}

// TestCleanupAfterAJoinAndDrain: after a third node joined, cleanup on the old nodes drops the
// rows they no longer replicate (their load falls, every row still reads); a drained node stays
// up as a process, DRAINED, and the others see it down.
func TestCleanupAfterAJoinAndDrain(t *testing.T) {
	t.Parallel()
	c := newSimCluster(t, "a", "b")
	c.startAll()
	s := c.session("a")
	writeRows(t, s, "cache", "{'class': 'NetworkTopologyStrategy', 'dc1': 1}", rows)
	c.add("c", "rack3")
	c.start("c")
	c.waitCodes("a", map[string]string{"a": "UN", "b": "UN", "c": "UN"})
	load := func(name string) int64 {
		info, err := pilotnodetool.ParseInfo(c.nodetool(name, "info").Stdout)
		if err != nil {
			t.Fatal(err)
		}
		return info.Load
	}
	// c's random tokens take ranges from a, from b or from both: which of the two lost rows
	// is chance (a run where c took from b alone saw a's load unchanged). Every row c streamed
	// is one that a or b no longer replicates with one replica per row, so cleanup on both
	// drops exactly as much as c holds, whatever the tokens.
	if load("c") == 0 {
		t.Fatal("c holds no rows after its bootstrap: the cleanup would prove nothing")
	}
	before := load("a") + load("b")
	for _, name := range []string{"a", "b"} {
		if res := c.nodetool(name, "cleanup"); res.ExitCode != 0 {
			t.Fatalf("cleanup on %s: %+v", name, res)
		}
	}
	if after := load("a") + load("b"); after >= before || after == 0 {
		t.Errorf("load of a and b before cleanup %d, after %d", before, after)
	}
	if got := readAll(t, s, "cache", gocql.One); len(got) != rows {
		t.Errorf("%d of %d rows read after cleanup", len(got), rows)
	}

	if res := c.nodetool("b", "drain"); res.ExitCode != 0 {
		t.Fatalf("drain: %+v", res)
	}
	ns, err := pilotnodetool.ParseNetstats(c.nodetool("b", "netstats").Stdout)
	if err != nil || ns.Mode != "DRAINED" {
		t.Errorf("netstats after drain: %+v, %v", ns, err)
	}
	c.waitCodes("a", map[string]string{"a": "UN", "b": "DN", "c": "UN"})
	// Its own view still has it up (Gossiper.getLiveMembers adds the local endpoint), and its
	// peers as they were when its gossip stopped, well past the conviction time.
	c.holdsCodes("b", map[string]string{"a": "UN", "b": "UN", "c": "UN"}, 2*fastTiming.Convict)
}
