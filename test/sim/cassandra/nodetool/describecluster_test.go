package nodetool

import (
	"slices"
	"strings"
	"testing"

	parse "github.com/navigator-dbaas/navigator/internal/cassandra/nodetool"
	"github.com/navigator-dbaas/navigator/test/sim/cassandra/config"
	"github.com/navigator-dbaas/navigator/test/sim/cassandra/ring"
)

// TestDescribeClusterRoundTrip reads back describecluster in a steady cluster with a node down:
// one schema version, the down node unreachable, the counts, and every keyspace with its
// replication as the ring has it.
func TestDescribeClusterRoundTrip(t *testing.T) {
	s, joining, down := twoDatacenters(t, "4.1.5")
	on := s.Members()[1]
	d, err := parse.ParseDescribeCluster(stdout(t)(DescribeCluster(s.Cluster, on, Options{})))
	if err != nil {
		t.Fatal(err)
	}
	if d.Name != "Navigator Test" || d.Snitch != "org.apache.cassandra.locator.GossipingPropertyFileSnitch" || !d.DynamicEndpointSnitch {
		t.Errorf("cluster information: %+v", d)
	}
	if !d.SchemaAgreement() || !slices.Equal(d.Unreachable, []string{down.Address}) {
		t.Errorf("schema versions %v, unreachable %v", d.SchemaVersions, d.Unreachable)
	}
	if got := d.SchemaVersions[s.SchemaVersion(on)]; len(got) != len(s.Members())-1 || !slices.Contains(got, joining.Address) {
		t.Errorf("schema version %s held by %v", s.SchemaVersion(on), got)
	}
	if *d.Stats != (parse.NodeCounts{Live: 7, Joining: 1, Unreachable: 1}) {
		t.Errorf("stats %+v", d.Stats)
	}
	if !slices.Equal(d.Datacenters, []parse.DatacenterCount{{Name: "dc1", Nodes: 5}, {Name: "dc2", Nodes: 3, Down: 1}}) {
		t.Errorf("datacenters %+v", d.Datacenters)
	}
	if len(d.DatabaseVersions) != 1 || len(d.DatabaseVersions["4.1.5"]) != 8 || !strings.HasSuffix(d.DatabaseVersions["4.1.5"][0], ":7000") {
		t.Errorf("database versions %v", d.DatabaseVersions)
	}
	want := map[string]string{}
	for _, ks := range s.Keyspaces() {
		want[ks.Name] = ks.Replication.String()
	}
	if len(d.Keyspaces) != len(want) || d.Keyspaces[0].Name != "system_schema" || d.Keyspaces[1].Name != "system" {
		t.Errorf("keyspaces %v", d.Keyspaces)
	}
	for _, ks := range d.Keyspaces {
		if want[ks.Name] != ks.Replication {
			t.Errorf("keyspace %s: %q, ring has %q", ks.Name, ks.Replication, want[ks.Name])
		}
	}
	if want["app"] != "NetworkTopologyStrategy {dc1=3, dc2=2}" {
		t.Errorf("app's replication prints as %q", want["app"])
	}
}

// TestDescribeClusterDuringARollingUpgrade: a node upgraded to 5.0 with storage_compatibility_mode
// NONE speaks another messaging version, so a schema change made meanwhile does not reach it:
// describecluster shows two schema versions and two releases until it is on both sides again.
func TestDescribeClusterDuringARollingUpgrade(t *testing.T) {
	s := newSim(t, 31)
	var nodes []*ring.Node
	for i := range 3 {
		nodes = append(nodes, s.join(spec(i, "dc1", "r1", "4.1.5")))
	}
	upgraded := nodes[2]
	if err := s.Stop(s.now, upgraded.HostID); err != nil {
		t.Fatal(err)
	}
	if err := s.Upgrade(upgraded.HostID, "5.0.2", config.CompatibilityNone); err != nil {
		t.Fatal(err)
	}
	if err := s.Start(s.now, upgraded.HostID); err != nil {
		t.Fatal(err)
	}
	s.keyspace(nodes[0], "app", ring.NTS("dc1", 2), 0)
	d, err := parse.ParseDescribeCluster(stdout(t)(DescribeCluster(s.Cluster, nodes[0], Options{PrintPort: true})))
	if err != nil {
		t.Fatal(err)
	}
	if d.SchemaAgreement() || len(d.SchemaVersions) != 2 || !slices.Equal(d.SchemaVersions[s.SchemaVersion(upgraded)], []string{"10.0.0.3:7000"}) {
		t.Errorf("schema versions %v", d.SchemaVersions)
	}
	if !slices.Equal(d.DatabaseVersions["5.0.2"], []string{"10.0.0.3:7000"}) || len(d.DatabaseVersions["4.1.5"]) != 2 {
		t.Errorf("database versions %v", d.DatabaseVersions)
	}
}

// TestDescribeClusterNotesMeaninglessOwnership: like status, describecluster computes ownership
// and prints the note at the end when user keyspaces replicate differently.
func TestDescribeClusterNotesMeaninglessOwnership(t *testing.T) {
	s := newSim(t, 33)
	n := s.join(spec(0, "dc1", "r1", "4.0.13"))
	s.join(spec(1, "dc1", "r1", "4.0.13"))
	s.keyspace(n, "a", ring.NTS("dc1", 2), 0)
	s.keyspace(n, "b", ring.NTS("dc1", 1), 0)
	out := stdout(t)(DescribeCluster(s.Cluster, n, Options{Snitch: "SimpleSnitch", DynamicSnitchOff: true}))
	if !strings.HasSuffix(out, "\nNote: "+ring.ErrOwnershipMeaningless.Message+"\n") {
		t.Errorf("no note at the end:\n%s", out)
	}
	d, err := parse.ParseDescribeCluster(out)
	if err != nil || d.Snitch != "org.apache.cassandra.locator.SimpleSnitch" || d.DynamicEndpointSnitch || d.Note != ring.ErrOwnershipMeaningless.Message {
		t.Errorf("%+v %v", d, err)
	}
}
