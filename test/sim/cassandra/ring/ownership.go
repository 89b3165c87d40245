package ring

// EffectiveOwnership is what nodetool status shows as "Owns (effective)": for each node in the
// ring, the share of the ring it replicates for a keyspace. Without a keyspace Cassandra uses the
// user keyspaces' common replication, and refuses when they differ; with none it uses
// system_traces. Joining nodes own nothing yet and have no entry.
func (c *Cluster) EffectiveOwnership(keyspace string) (map[string]float64, error) {
	ks, err := c.ownershipKeyspace(keyspace)
	if err != nil {
		return nil, err
	}
	out := map[string]float64{}
	for _, n := range c.ringMembers() {
		out[n.HostID] = 0
	}
	for _, r := range c.ring.ranges() {
		for _, n := range c.ring.replicas(ks, r[1]) {
			out[n.HostID] += rangeFraction(r[0], r[1])
		}
	}
	return out, nil
}

// IllegalStateError is a java.lang.IllegalStateException; nodetool status prints its message
// after "Note: " and falls back to plain ownership.
type IllegalStateError struct{ Message string }

func (e *IllegalStateError) Error() string { return e.Message }

// IllegalArgumentError is a java.lang.IllegalArgumentException: nodetool status prints "Error: "
// and its message, and exits with status 1.
type IllegalArgumentError struct{ Message string }

func (e *IllegalArgumentError) Error() string { return e.Message }

// ErrOwnershipMeaningless is StorageService's IllegalStateException when user keyspaces disagree.
var ErrOwnershipMeaningless = &IllegalStateError{Message: "Non-system keyspaces don't have the same replication settings, effective ownership information is meaningless"}

func (c *Cluster) ownershipKeyspace(name string) (*Keyspace, error) {
	if name != "" {
		ks, ok := c.keyspaces[name]
		if !ok {
			return nil, &IllegalArgumentError{Message: "The keyspace " + name + ", does not exist"}
		}
		if ks.Replication.Strategy == LocalStrategy {
			return nil, &IllegalStateError{Message: "Ownership values for keyspaces with LocalStrategy are meaningless"}
		}
		return ks, nil
	}
	var first *Keyspace
	for _, ks := range c.Keyspaces() {
		if ks.System {
			continue
		}
		if first == nil {
			first = ks
		} else if !first.Replication.equal(ks.Replication) {
			return nil, ErrOwnershipMeaningless
		}
	}
	if first == nil {
		return c.keyspaces["system_traces"], nil
	}
	return first, nil
}
