package pilot

import "testing"

func TestReplicationFactor(t *testing.T) {
	keyspaces := map[string]map[string]string{
		"system":             {"class": "org.apache.cassandra.locator.LocalStrategy"},
		"system_distributed": {"class": "org.apache.cassandra.locator.SimpleStrategy", "replication_factor": "3"},
		"shop":               {"class": "org.apache.cassandra.locator.NetworkTopologyStrategy", "dc1": "2", "dc2": "5/2"},
		"dse_everywhere":     {"class": "org.apache.cassandra.locator.EverywhereStrategy"},
		"broken":             {"class": "org.apache.cassandra.locator.NetworkTopologyStrategy", "dc1": "lots"},
	}
	for dc, want := range map[string]int32{"dc1": 3, "dc2": 5, "dc3": 3} {
		if got := replicationFactor(keyspaces, dc); got != want {
			t.Errorf("%s: %d, want %d", dc, got, want)
		}
	}
	if got := replicationFactor(map[string]map[string]string{"system": keyspaces["system"]}, "dc1"); got != 0 {
		t.Errorf("local keyspaces only: %d, want 0", got)
	}
}
