package pilot

import "testing"

// TestReplicationOf: NetworkTopologyStrategy counts in its datacenter, SimpleStrategy (the system
// keyspaces of a new cluster among them) in the whole cluster, as StorageService.decommission
// counts them; local and everywhere strategies not at all.
func TestReplicationOf(t *testing.T) {
	keyspaces := map[string]map[string]string{
		"system":             {"class": "org.apache.cassandra.locator.LocalStrategy"},
		"system_auth":        {"class": "org.apache.cassandra.locator.SimpleStrategy", "replication_factor": "1"},
		"system_distributed": {"class": "org.apache.cassandra.locator.SimpleStrategy", "replication_factor": "3"},
		"system_traces":      {"class": "org.apache.cassandra.locator.SimpleStrategy", "replication_factor": "2"},
		"shop":               {"class": "org.apache.cassandra.locator.NetworkTopologyStrategy", "dc1": "2", "dc2": "5/2"},
		"dse_everywhere":     {"class": "org.apache.cassandra.locator.EverywhereStrategy"},
		"broken":             {"class": "org.apache.cassandra.locator.NetworkTopologyStrategy", "dc1": "lots"},
	}
	for dc, want := range map[string]replication{
		"dc1": {datacenter: 2, datacenterKS: "shop", cluster: 3, clusterKS: "system_distributed"},
		"dc2": {datacenter: 5, datacenterKS: "shop", cluster: 3, clusterKS: "system_distributed"},
		"dc3": {cluster: 3, clusterKS: "system_distributed"},
	} {
		if got := replicationOf(keyspaces, dc); got != want {
			t.Errorf("%s: %+v, want %+v", dc, got, want)
		}
	}
	if got := replicationOf(map[string]map[string]string{"system": keyspaces["system"]}, "dc1"); got != (replication{}) {
		t.Errorf("local keyspaces only: %+v", got)
	}
}
