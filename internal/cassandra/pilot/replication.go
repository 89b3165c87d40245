package pilot

import (
	"slices"
	"strconv"
	"strings"
)

// replication is the highest replication factor the keyspaces ask for, in the two scopes
// Cassandra checks before a decommission (StorageService.decommission): a keyspace of
// NetworkTopologyStrategy against the nodes of the leaving node's datacenter, any other
// distributed keyspace (SimpleStrategy) against every node of the cluster. Each with the keyspace
// that asks for it, the first by name when several ask the same.
type replication struct {
	datacenter, cluster     int32
	datacenterKS, clusterKS string
}

// replicationOf reads the keyspaces' replication options (system_schema.keyspaces) for
// datacenter dc. LocalStrategy keeps data on each node (system, system_schema) and
// EverywhereStrategy on every node: neither depends on how many nodes there are, so neither
// counts. A value may be "3/1", three replicas of which one is transient (Cassandra 4.0's
// transient replication): all three count.
func replicationOf(keyspaces map[string]map[string]string, dc string) replication {
	names := make([]string, 0, len(keyspaces))
	for name := range keyspaces {
		names = append(names, name)
	}
	slices.Sort(names)
	var r replication
	for _, name := range names {
		opts := keyspaces[name]
		class := opts["class"]
		switch {
		case strings.HasSuffix(class, "LocalStrategy"), strings.HasSuffix(class, "EverywhereStrategy"):
		case strings.HasSuffix(class, "NetworkTopologyStrategy"):
			if rf := factor(opts[dc]); rf > r.datacenter {
				r.datacenter, r.datacenterKS = rf, name
			}
		default:
			if rf := factor(opts["replication_factor"]); rf > r.cluster {
				r.cluster, r.clusterKS = rf, name
			}
		}
	}
	return r
}

// factor reads a replication factor, "3" or "3/1"; 0 when it is not one.
func factor(value string) int32 {
	all, _, _ := strings.Cut(value, "/")
	rf, err := strconv.ParseInt(strings.TrimSpace(all), 10, 32)
	if err != nil {
		return 0
	}
	return int32(rf)
}
