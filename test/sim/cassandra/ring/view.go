package ring

import (
	"math/rand/v2"
	"slices"
	"time"
)

// A node process has no shared Cluster to read: each simulated Cassandra process knows the ring
// only through gossip, as a real node does, and stores only its own rows. View rebuilds, from
// what gossip told one node, the Cluster that node sees, so that the process uses the model's
// placement, consistency arithmetic, refusals, stream plans and nodetool formatters on it
// rather than copies of them. A view is thrown away after use: the process builds a new one
// from its gossip state whenever it needs the ring.

// Peer is a node as gossip describes it to the node that builds a view.
type Peer struct {
	HostID            string
	Address           string
	StoragePort       int
	DC, Rack          string
	Tokens            []Token
	Release           string
	CompatibilityMode string
	// State is the gossip state: joining (BOOT), normal, leaving (LEAVING, or being removed).
	State State
	// Up is the failure detector's verdict of the viewing node.
	Up      bool
	Mode    Mode
	Started time.Time
	// Generation is the gossip generation the viewing node holds for the node.
	Generation int64
	// Load is the load the node last gossiped.
	Load int64
	// Schema is the number of schema changes the node has applied; equal counts mean equal
	// schemas, since the simulator's schema only grows.
	Schema int
	// Replaces is, for a joining replacement, the host ID of the dead node it takes over.
	Replaces string

	// The fields below are only known for the viewing node itself.

	// Local marks the viewing node: its process runs, and it stores the view's rows.
	Local                               bool
	GossipActive, NativeTransportActive bool
	HeapUsedMB, HeapMaxMB               float64
	Exceptions                          int64
	LastError                           string
	DecommissionFailed                  bool
	// ReadRepair is attempted, blocking and background; Messages the requests it coordinated.
	ReadRepair [3]int64
	Messages   int64
}

// KeyspaceDef is a keyspace of the viewing node's schema, with its tables.
type KeyspaceDef struct {
	Name        string
	Replication Replication
	Tables      []string
}

// Rows are the rows a node stores: by table ("keyspace.table"), then partition key.
type Rows map[string]map[string]Cell

// PeerStream is a stream session of the viewing node, by its peer's host ID, for netstats.
type PeerStream struct {
	PlanID, Description string
	PeerHostID          string
	Receiving           bool
	Files               []StreamFile
}

// View builds the cluster a node process sees: its peers as gossip reports them, its schema,
// the rows it stores itself (shared, not copied: Cleanup on the view drops them), and its stream
// sessions. Topology changes in progress (joining, leaving and removed nodes) become operations
// without streams, so that pending ranges, and the refusals that depend on them, are the model's.
func View(name string, s Settings, seed uint64, peers []Peer, keyspaces []KeyspaceDef, local Rows, streams []PeerStream) *Cluster {
	c := New(name, seed, s)
	c.rng = rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	for _, def := range keyspaces {
		ks := &Keyspace{Name: def.Name, Replication: def.Replication, Tables: slices.Sorted(slices.Values(def.Tables)), tablesCreated: map[string]int{}}
		for _, t := range def.Tables {
			ks.tablesCreated[t] = 0
		}
		c.keyspaces[def.Name] = ks
	}
	for _, p := range peers {
		n := &Node{
			HostID: p.HostID, Address: p.Address, StoragePort: p.StoragePort, DC: p.DC, Rack: p.Rack,
			Tokens: slices.Clone(p.Tokens), Release: p.Release, CompatibilityMode: p.CompatibilityMode,
			State: p.State, Up: p.Up, Mode: p.Mode, Started: p.Started, Generation: p.Generation,
			HeapUsedMB: p.HeapUsedMB, HeapMaxMB: p.HeapMaxMB, Exceptions: p.Exceptions, LastError: p.LastError,
			data: map[string]map[string]Cell{}, gossipLoad: p.Load, schema: p.Schema,
			running: p.Up, gossipActive: p.Up, transportActive: p.Up && p.State != Joining,
			loadFromGossip: !p.Local,
		}
		if p.Local {
			n.data, n.running = local, true
			n.gossipActive, n.transportActive = p.GossipActive, p.NativeTransportActive
			n.decommissionFailed = p.DecommissionFailed
			n.rrAttempted, n.rrBlocking, n.rrBackground = p.ReadRepair[0], p.ReadRepair[1], p.ReadRepair[2]
			n.messages = p.Messages
			c.local = n
		}
		c.nodes[n.HostID] = n
	}
	c.ringChanged()
	for _, p := range peers {
		n := c.nodes[p.HostID]
		switch {
		case p.State == Joining && p.Replaces != "" && c.nodes[p.Replaces] != nil:
			c.ops = append(c.ops, &operation{kind: opReplace, node: n, replaced: c.nodes[p.Replaces]})
		case p.State == Joining:
			c.ops = append(c.ops, &operation{kind: opBootstrap, node: n})
		case p.State == Leaving && p.Up:
			c.ops = append(c.ops, &operation{kind: opDecommission, node: n})
		case p.State == Leaving:
			c.ops = append(c.ops, &operation{kind: opRemove, node: n})
		}
	}
	for _, s := range streams {
		c.external = append(c.external, Stream{PlanID: s.PlanID, Description: s.Description, Peer: c.Node(s.PeerHostID),
			Receiving: s.Receiving, Files: s.Files})
	}
	return c
}

// Local returns the viewing node.
func (c *Cluster) Local() *Node { return c.local }

// WriteReplicas returns the replicas a write of the partition goes to: the natural ones, and
// the pending ones that gain its range in a topology change in progress.
func (c *Cluster) WriteReplicas(keyspace string, key []byte) (natural, pending []*Node, err error) {
	natural, err = c.Replicas(keyspace, key)
	if err != nil {
		return nil, nil, err
	}
	return natural, c.pendingReplicas(c.keyspaces[keyspace], TokenFor(key), natural), nil
}

// CheckAvailable is the coordinator's check before it sends a request: Cassandra's
// UnavailableError when fewer replicas are alive than the level requires.
func (c *Cluster) CheckAvailable(cl Consistency, keyspace, localDC string, natural, pending []*Node) error {
	return checkAvailable(cl, c.keyspaces[keyspace].Replication, localDC, natural, pending)
}

// BlockFor is how many acknowledgements a request at the level waits for; a write also waits
// for each pending replica that counts toward the level.
func (c *Cluster) BlockFor(cl Consistency, keyspace, localDC string, pending []*Node) int {
	return blockFor(cl, c.keyspaces[keyspace].Replication, localDC) + countIn(pending, cl, localDC)
}

// Counts reports whether a replica's answer counts toward the level (LOCAL_QUORUM: only
// replicas in the coordinator's datacenter).
func Counts(cl Consistency, n *Node, localDC string) bool { return counts(cl, n, localDC) }

// NearestFirst orders replicas as the coordinator contacts them: its datacenter first.
func NearestFirst(replicas []*Node, localDC string) []*Node { return byProximity(replicas, localDC) }

// RangeReplicas returns the natural replicas of each range of the ring, for requests that scan
// a whole table.
func (c *Cluster) RangeReplicas(keyspace string) [][]*Node {
	ks := c.keyspaces[keyspace]
	var out [][]*Node
	for _, r := range c.ring.ranges() {
		out = append(out, slices.Clone(c.ring.replicas(ks, r[1])))
	}
	return out
}

// Transfer is one stream session that an operation planned on a view: the ranges of a keyspace
// a source sends to a destination. The node processes carry it out over the network.
type Transfer struct {
	PlanID, Description string
	From, To            *Node
	Keyspace            string
	Ranges              [][2]Token
}

// Covers reports whether the transfer carries the partition.
func (t Transfer) Covers(key []byte) bool { return inRanges(TokenFor(key), t.Ranges) }

// Transfers returns the stream sessions planned on the view for the operation about a node (its
// bootstrap, replacement or decommission; its removal): what Join, Decommission and RemoveNode
// worked out.
func (c *Cluster) Transfers(hostID string) []Transfer {
	var out []Transfer
	for _, op := range c.ops {
		if op.node.HostID != hostID {
			continue
		}
		for _, s := range op.sessions {
			for _, p := range s.parts {
				out = append(out, Transfer{PlanID: op.planID, Description: op.kind.description(),
					From: s.from, To: s.to, Keyspace: p.keyspace, Ranges: p.ranges})
			}
		}
	}
	return out
}

// Supersedes reports whether c wins over o when two copies of a row meet: the later write, or
// on a tie the greater value.
func (c Cell) Supersedes(o Cell) bool { return c.newerThan(o) }
