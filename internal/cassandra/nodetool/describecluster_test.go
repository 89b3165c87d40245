package nodetool

import (
	"slices"
	"strings"
	"testing"
)

// TestParseDescribeClusterOfARealCluster reads nodetool -pp describecluster as a real 4.0.3
// cluster with one node down printed it (testdata/SOURCES.md): schema versions with the
// unreachable node apart, the 4.0 statistics, release versions and keyspaces. That release counts
// no node down in "Data Centers" though one is unreachable; the parser keeps what was printed.
func TestParseDescribeClusterOfARealCluster(t *testing.T) {
	d, err := ParseDescribeCluster(readSample(t, "describecluster-4.0.3-pp.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if d.Name != "Test Cluster" || d.Snitch != "org.apache.cassandra.locator.SimpleSnitch" ||
		!d.DynamicEndpointSnitch || d.Partitioner != "org.apache.cassandra.dht.Murmur3Partitioner" {
		t.Errorf("cluster information: %+v", d)
	}
	if got := d.SchemaVersions["bbcf35fa-5d65-3137-896f-a2866efe3856"]; len(d.SchemaVersions) != 1 ||
		!slices.Equal(got, []string{"127.0.0.1:9000", "127.0.0.1:7000"}) || !d.SchemaAgreement() {
		t.Errorf("schema versions %v", d.SchemaVersions)
	}
	if !slices.Equal(d.Unreachable, []string{"127.0.0.1:8100"}) {
		t.Errorf("unreachable %v", d.Unreachable)
	}
	if d.Stats == nil || *d.Stats != (NodeCounts{Live: 2, Unreachable: 1}) {
		t.Errorf("stats %+v", d.Stats)
	}
	if !slices.Equal(d.Datacenters, []DatacenterCount{{Name: "datacenter1", Nodes: 3, Down: 0}}) {
		t.Errorf("datacenters %+v", d.Datacenters)
	}
	if got := d.DatabaseVersions["4.0.3"]; len(d.DatabaseVersions) != 1 || len(got) != 3 {
		t.Errorf("database versions %v", d.DatabaseVersions)
	}
	want := []KeyspaceReplication{
		{"system_schema", "LocalStrategy {}"},
		{"system", "LocalStrategy {}"},
		{"system_auth", "SimpleStrategy {replication_factor=1}"},
		{"tutorialspoint", "SimpleStrategy {replication_factor=3}"},
		{"system_distributed", "SimpleStrategy {replication_factor=3}"},
		{"system_traces", "SimpleStrategy {replication_factor=2}"},
	}
	if !slices.Equal(d.Keyspaces, want) {
		t.Errorf("keyspaces\n got %v\nwant %v", d.Keyspaces, want)
	}
}

// TestParseDescribeClusterDuringARollingUpgrade reads the two schema versions and two releases
// DescribeCluster.java prints while nodes on different messaging versions disagree (derived from
// the source's printf calls): the pilot waits for agreement before a schema change.
func TestParseDescribeClusterDuringARollingUpgrade(t *testing.T) {
	out := "Cluster Information:\n\tName: prod\n\tSnitch: org.apache.cassandra.locator.GossipingPropertyFileSnitch\n" +
		"\tDynamicEndPointSnitch: enabled\n\tPartitioner: org.apache.cassandra.dht.Murmur3Partitioner\n\tSchema versions:\n" +
		"\t\t5a1c3b2e-8d9f-3a6b-bc8d-9e0f1a2b3c4d: [10.0.0.1:7000, 10.0.0.2:7000]\n\n" +
		"\t\t0d5f4a20-7c2e-31ef-9c2b-4e8d2d1b2c3d: [10.0.0.3:7000]\n\n" +
		"Stats for all nodes:\n\tLive: 3\n\tJoining: 0\n\tMoving: 0\n\tLeaving: 0\n\tUnreachable: 0\n\n" +
		"Data Centers: \n\tdc1 #Nodes: 3 #Down: 0\n\n" +
		"Database versions:\n\t4.1.5: [10.0.0.1:7000, 10.0.0.2:7000]\n\n\t5.0.2: [10.0.0.3:7000]\n\n" +
		"Keyspaces:\n\tapp -> Replication class: NetworkTopologyStrategy {dc1=3}\n"
	d, err := ParseDescribeCluster(out)
	if err != nil {
		t.Fatal(err)
	}
	if d.SchemaAgreement() || len(d.SchemaVersions) != 2 || len(d.Unreachable) != 0 {
		t.Errorf("schema versions %v, unreachable %v: want disagreement", d.SchemaVersions, d.Unreachable)
	}
	if len(d.DatabaseVersions) != 2 || !slices.Equal(d.DatabaseVersions["5.0.2"], []string{"10.0.0.3:7000"}) {
		t.Errorf("database versions %v", d.DatabaseVersions)
	}
	if d.Snitch != "org.apache.cassandra.locator.GossipingPropertyFileSnitch" {
		t.Errorf("snitch %q", d.Snitch)
	}
}

// TestParseDescribeClusterWithANote reads the note DescribeCluster.java prints at the end when
// effective ownership is meaningless (derived from the source).
func TestParseDescribeClusterWithANote(t *testing.T) {
	out := readSample(t, "describecluster-4.0.3-pp.txt") +
		"\nNote: Non-system keyspaces don't have the same replication settings, effective ownership information is meaningless\n"
	d, err := ParseDescribeCluster(out)
	if err != nil {
		t.Fatal(err)
	}
	if d.Note != "Non-system keyspaces don't have the same replication settings, effective ownership information is meaningless" || len(d.Keyspaces) != 6 {
		t.Errorf("note %q, %d keyspaces", d.Note, len(d.Keyspaces))
	}
}

// TestParseDescribeClusterRejects checks damaged output.
func TestParseDescribeClusterRejects(t *testing.T) {
	good := readSample(t, "describecluster-4.0.3-pp.txt")
	cases := map[string]struct{ out, want string }{
		"empty":        {"", "no cluster name"},
		"bad nodes":    {strings.Replace(good, "[127.0.0.1:9000, 127.0.0.1:7000]", "127.0.0.1:9000", 1), "version: [nodes]"},
		"bad count":    {strings.Replace(good, "Live: 2", "Live: two", 1), "state: count"},
		"bad dc line":  {strings.Replace(good, "#Nodes: 3", "Nodes 3", 1), "#Nodes"},
		"bad keyspace": {strings.Replace(good, "system -> Replication class:", "system ->", 1), "Replication class"},
		"bad info":     {strings.Replace(good, "Name: Test Cluster", "Name Test Cluster", 1), "key: value"},
		"no versions":  {"Cluster Information:\n\tName: x\n", "no cluster name or schema versions"},
	}
	for name, c := range cases {
		_, err := ParseDescribeCluster(c.out)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one containing %q", name, err, c.want)
		}
	}
}
