package ring

import (
	"cmp"
	"fmt"
	"math/rand/v2"
	"slices"
	"time"
)

// Settings are the knobs of the model.
type Settings struct {
	// StreamBytesPerSecond is how fast one node sends streamed data, all its outgoing sessions
	// together (stream_throughput_outbound).
	StreamBytesPerSecond int64
	// ConsistentRangeMovement is -Dcassandra.consistent.rangemovement (default true): one node
	// joins, leaves or moves at a time, and a joining node takes each range from the replica that
	// gives it up.
	ConsistentRangeMovement bool
	// RowOverheadBytes is added to the key and value sizes to make a row's size on disk.
	RowOverheadBytes int64
}

// DefaultSettings are Cassandra's defaults where it has one: 24 MiB/s is
// stream_throughput_outbound's 200 megabits per second.
func DefaultSettings() Settings {
	return Settings{StreamBytesPerSecond: 24 << 20, ConsistentRangeMovement: true, RowOverheadBytes: 32}
}

// Cluster is the ring and the data as the nodes hold them.
type Cluster struct {
	Settings Settings
	// Name is cluster_name.
	Name      string
	nodes     map[string]*Node // members, by host ID
	departed  map[string]*Node // processes that have left the ring (decommissioned), by host ID
	keyspaces map[string]*Keyspace
	ops       []*operation
	// schemaChanges counts the schema changes made since the cluster began; the system keyspaces
	// are there from the start.
	schemaChanges int
	rng           *rand.Rand
	// ring is the current TokenMetadata: nodes that own normal tokens (normal, leaving, moving).
	ring *tokenRing
	last time.Time
	// local is the node a View belongs to, and external the stream sessions its process runs
	// outside the model (see View); both are unset in a cluster that is the whole model.
	local    *Node
	external []Stream
}

// New returns an empty cluster. The seed makes host IDs, tokens, and stream plan IDs repeatable.
func New(name string, seed uint64, s Settings) *Cluster {
	c := &Cluster{
		Settings:  s,
		Name:      name,
		nodes:     map[string]*Node{},
		departed:  map[string]*Node{},
		keyspaces: map[string]*Keyspace{},
		rng:       rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)),
	}
	for _, ks := range systemKeyspaces() {
		c.keyspaces[ks.Name] = ks
	}
	c.ring = newTokenRing(nil)
	return c
}

// Node returns a member or a departed node by host ID.
func (c *Cluster) Node(hostID string) *Node {
	if n, ok := c.nodes[hostID]; ok {
		return n
	}
	return c.departed[hostID]
}

// NodeAt returns the member with a broadcast address.
func (c *Cluster) NodeAt(address string) *Node {
	for _, n := range c.nodes {
		if n.Address == address {
			return n
		}
	}
	return nil
}

// Members returns the nodes in the ring and those joining it, by datacenter, then by each node's
// lowest token: a stable order for callers. (nodetool status has its own order, which the
// simulator's formatter reproduces.)
func (c *Cluster) Members() []*Node {
	out := make([]*Node, 0, len(c.nodes))
	for _, n := range c.nodes {
		out = append(out, n)
	}
	slices.SortFunc(out, func(a, b *Node) int {
		return cmp.Or(cmp.Compare(a.DC, b.DC), cmp.Compare(a.minToken(), b.minToken()))
	})
	return out
}

// Keyspace returns a keyspace's definition.
func (c *Cluster) Keyspace(name string) *Keyspace { return c.keyspaces[name] }

// Keyspaces returns every keyspace, system ones included, by name.
func (c *Cluster) Keyspaces() []*Keyspace {
	out := make([]*Keyspace, 0, len(c.keyspaces))
	for _, ks := range c.keyspaces {
		out = append(out, ks)
	}
	slices.SortFunc(out, func(a, b *Keyspace) int { return cmp.Compare(a.Name, b.Name) })
	return out
}

// Replicas returns the natural replicas of a partition: the nodes reads go to.
func (c *Cluster) Replicas(keyspace string, key []byte) ([]*Node, error) {
	ks, ok := c.keyspaces[keyspace]
	if !ok {
		return nil, fmt.Errorf("keyspace %s does not exist", keyspace)
	}
	return slices.Clone(c.ring.replicas(ks, TokenFor(key))), nil
}

// ringMembers are the nodes that own normal tokens: TokenMetadata's token map and topology.
func (c *Cluster) ringMembers() []*Node {
	var out []*Node
	for _, n := range c.nodes {
		if n.State != Joining {
			out = append(out, n)
		}
	}
	return out
}

// ringChanged rebuilds the ring after a membership change.
func (c *Cluster) ringChanged() {
	c.ring = newTokenRing(c.ringMembers())
	for _, op := range c.ops {
		op.future = nil
	}
}

// newUUID draws a random (version 4) UUID from the cluster's source, for host IDs and stream plans.
func (c *Cluster) newUUID() string {
	hi, lo := c.rng.Uint64(), c.rng.Uint64()
	hi = hi&^0xf000 | 0x4000
	lo = lo&^(0xc<<60) | 0x8<<60
	return fmt.Sprintf("%08x-%04x-%04x-%04x-%012x", hi>>32, hi>>16&0xffff, hi&0xffff, lo>>48, lo&0xffffffffffff)
}

// liveNode returns a member that is up, or an error naming why a request cannot go through it.
func (c *Cluster) liveNode(hostID string) (*Node, error) {
	n, ok := c.nodes[hostID]
	if !ok {
		return nil, fmt.Errorf("no node with host ID %s in the cluster", hostID)
	}
	if !n.Up {
		return nil, fmt.Errorf("node %s (%s) is down", n.Address, hostID)
	}
	return n, nil
}
