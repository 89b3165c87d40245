package pilot

import (
	"strconv"
	"strings"
)

// replicationFactor is the highest number of replicas a keyspace asks for in datacenter dc:
// NetworkTopologyStrategy's value for dc, SimpleStrategy's replication_factor (its replicas
// may be in any datacenter, dc's included). LocalStrategy keeps data on each node (system,
// system_schema) and EverywhereStrategy on every node: neither depends on how many nodes there
// are, so neither counts. A value may be "3/1", three replicas of which one is transient
// (Cassandra 4.0's transient replication): all three count.
func replicationFactor(keyspaces map[string]map[string]string, dc string) int32 {
	var highest int32
	for _, opts := range keyspaces {
		class := opts["class"]
		var value string
		switch {
		case strings.HasSuffix(class, "LocalStrategy"), strings.HasSuffix(class, "EverywhereStrategy"):
			continue
		case strings.HasSuffix(class, "NetworkTopologyStrategy"):
			value = opts[dc]
		default:
			value = opts["replication_factor"]
		}
		all, _, _ := strings.Cut(value, "/")
		if rf, err := strconv.ParseInt(strings.TrimSpace(all), 10, 32); err == nil {
			highest = max(highest, int32(rf))
		}
	}
	return highest
}
