package ring

import (
	"fmt"
	"maps"
	"slices"
	"strings"
)

// Strategy is a keyspace's replication class.
type Strategy string

// Replication strategies.
const (
	// NetworkTopologyStrategy places DatacenterRF[dc] replicas in each datacenter, across racks.
	NetworkTopologyStrategy Strategy = "NetworkTopologyStrategy"
	// SimpleStrategy places RF replicas on the next nodes of the ring, ignoring datacenters and
	// racks. Cassandra's replicated system keyspaces use it by default.
	SimpleStrategy Strategy = "SimpleStrategy"
	// LocalStrategy keeps data on the node that writes it: system and system_schema.
	LocalStrategy Strategy = "LocalStrategy"
)

// Replication is a keyspace's replication settings.
type Replication struct {
	Strategy Strategy
	// DatacenterRF is NetworkTopologyStrategy's factor per datacenter.
	DatacenterRF map[string]int
	// RF is SimpleStrategy's factor.
	RF int
}

// NTS returns NetworkTopologyStrategy replication with the given factor per datacenter, written
// as pairs: NTS("dc1", 3, "dc2", 3).
func NTS(pairs ...any) Replication {
	r := Replication{Strategy: NetworkTopologyStrategy, DatacenterRF: map[string]int{}}
	for i := 0; i+1 < len(pairs); i += 2 {
		r.DatacenterRF[pairs[i].(string)] = pairs[i+1].(int)
	}
	return r
}

// Simple returns SimpleStrategy replication.
func Simple(rf int) Replication { return Replication{Strategy: SimpleStrategy, RF: rf} }

// TotalRF is the number of replicas of each partition across all datacenters.
func (r Replication) TotalRF() int {
	switch r.Strategy {
	case NetworkTopologyStrategy:
		total := 0
		for _, rf := range r.DatacenterRF {
			total += rf
		}
		return total
	case SimpleStrategy:
		return r.RF
	default:
		return 1
	}
}

// RFIn is the replication factor in one datacenter; SimpleStrategy has one factor everywhere.
func (r Replication) RFIn(dc string) int {
	if r.Strategy == NetworkTopologyStrategy {
		return r.DatacenterRF[dc]
	}
	return r.RF
}

// String is the replication as nodetool describecluster prints it: the strategy's simple class
// name, then its options as a Java map.
func (r Replication) String() string {
	var opts []string
	switch r.Strategy {
	case NetworkTopologyStrategy:
		for _, dc := range slices.Sorted(maps.Keys(r.DatacenterRF)) {
			opts = append(opts, fmt.Sprintf("%s=%d", dc, r.DatacenterRF[dc]))
		}
	case SimpleStrategy:
		opts = append(opts, fmt.Sprintf("replication_factor=%d", r.RF))
	}
	return string(r.Strategy) + " {" + strings.Join(opts, ", ") + "}"
}

func (r Replication) equal(o Replication) bool {
	return r.Strategy == o.Strategy && r.RF == o.RF && maps.Equal(r.DatacenterRF, o.DatacenterRF)
}

// Keyspace is a keyspace and its tables.
type Keyspace struct {
	Name        string
	Replication Replication
	Tables      []string
	// System marks Cassandra's own keyspaces, which effective ownership leaves out.
	System bool
	// created is the schema change that created the keyspace, and tablesCreated those that
	// created its tables: a node knows what it has applied.
	created       int
	tablesCreated map[string]int
}

// systemKeyspaces are the keyspaces every Cassandra 4.0, 4.1 and 5.0 node starts with, with their
// default replication.
func systemKeyspaces() []*Keyspace {
	return []*Keyspace{
		{Name: "system", Replication: Replication{Strategy: LocalStrategy}, System: true},
		{Name: "system_schema", Replication: Replication{Strategy: LocalStrategy}, System: true},
		{Name: "system_auth", Replication: Simple(1), System: true},
		{Name: "system_distributed", Replication: Simple(3), System: true},
		{Name: "system_traces", Replication: Simple(2), System: true},
	}
}
