package ring

import (
	"slices"
	"time"
)

// State is a node's gossip state, the second letter of nodetool status.
type State int

// Gossip states.
const (
	Normal State = iota
	Joining
	Leaving
	Moving
)

// Letter is how nodetool status prints the state.
func (s State) Letter() string { return [...]string{"N", "J", "L", "M"}[s] }

func (s State) String() string { return [...]string{"Normal", "Joining", "Leaving", "Moving"}[s] }

// Mode is StorageService's operation mode, which nodetool netstats prints as "Mode: ...".
type Mode string

// Operation modes.
const (
	ModeStarting Mode = "STARTING"
	ModeNormal   Mode = "NORMAL"
	ModeJoining  Mode = "JOINING"
	// ModeJoiningFailed is 5.0's mode after a bootstrap's streams failed.
	ModeJoiningFailed  Mode = "JOINING_FAILED"
	ModeLeaving        Mode = "LEAVING"
	ModeDecommissioned Mode = "DECOMMISSIONED"
	// ModeDecommissionFailed is 5.0's mode after a decommission failed (CASSANDRA-18555).
	ModeDecommissionFailed Mode = "DECOMMISSION_FAILED"
	ModeMoving             Mode = "MOVING"
	ModeDraining           Mode = "DRAINING"
	ModeDrained            Mode = "DRAINED"
)

// Node is a member of the cluster: its identity as gossip spreads it, and what it holds on disk.
type Node struct {
	HostID  string
	Address string
	// StoragePort is the internode port, printed with the address by nodetool -pp.
	StoragePort int
	DC, Rack    string
	// Tokens are the node's tokens: normal ones, or those it bootstraps with while it joins.
	Tokens []Token
	// Release is the release version (4.1.5); CompatibilityMode is 5.0's
	// storage_compatibility_mode, empty before 5.0.
	Release           string
	CompatibilityMode string
	State             State
	// Up is the failure detector's verdict: the process runs and gossips.
	Up bool
	// Mode is the node's own operation mode, as it reports it.
	Mode Mode
	// Started is when the process last started: the uptime counts from it. Generation is its
	// gossip generation (SystemKeyspace.incrementAndGetGeneration: the start's second, or one
	// more than the last generation when that is not lower).
	Started    time.Time
	Generation int64
	// HeapUsedMB and HeapMaxMB are what nodetool info prints; the model does not simulate a heap,
	// so they are whatever the node was created with.
	HeapUsedMB, HeapMaxMB float64
	// Exceptions counts errors the node raised (StorageMetrics.Exceptions); LastError is the
	// last one, for operations that fail after they were accepted.
	Exceptions int64
	LastError  string

	// data holds the rows on the node's disk, by table ("ks.table") and partition key.
	data map[string]map[string]Cell
	// gossipLoad is the load other nodes last heard from this one; it stays while the node is
	// down, even if its disk is gone.
	gossipLoad int64
	// schema is the number of schema changes the node has applied, in the cluster's order.
	schema int
	// Read repair counters (ReadRepairMetrics) and messages sent, for nodetool netstats.
	rrAttempted, rrBlocking, rrBackground int64
	messages                              int64
	// gossipActive and transportActive are what nodetool info reports: drain and decommission
	// stop them while the process runs on.
	gossipActive, transportActive bool
	// decommissionFailed is StorageService.isDecommissionFailed: the last decommission failed and
	// the process has not restarted since.
	decommissionFailed bool
	// running is whether the process runs, which nodetool needs; diskLost whether its data
	// directory is gone.
	running, diskLost bool
	// loadFromGossip marks a node of a View that is not the viewing node: its load is what
	// gossip said, since its rows are on another process.
	loadFromGossip bool
}

// Running reports whether the node's process runs, so that nodetool can reach it.
func (n *Node) Running() bool { return n.running }

// StatusCode is the two letters nodetool status prints: U or D, then N, J, L or M.
func (n *Node) StatusCode() string {
	if n.Up {
		return "U" + n.State.Letter()
	}
	return "D" + n.State.Letter()
}

// Load is the bytes the node holds, as gossip reports it: the node's own count while it is up,
// the last one heard while it is down.
func (n *Node) Load() int64 {
	if n.Up && !n.loadFromGossip {
		return n.diskBytes()
	}
	return n.gossipLoad
}

// GossipActive and NativeTransportActive are what nodetool info reports.
func (n *Node) GossipActive() bool { return n.Up && n.gossipActive }

// NativeTransportActive reports whether the node serves CQL: not before it has joined, not after
// drain or decommission.
func (n *Node) NativeTransportActive() bool { return n.Up && n.transportActive }

// ReadRepair returns the node's read repair counters: attempted, blocking and background
// mismatches.
func (n *Node) ReadRepair() (attempted, blocking, background int64) {
	return n.rrAttempted, n.rrBlocking, n.rrBackground
}

// DecommissionFailed reports whether the node's last decommission failed since it started (5.0's
// nodetool info prints it).
func (n *Node) DecommissionFailed() bool { return n.decommissionFailed }

// Messages is the number of requests the node sent to replicas as a coordinator.
func (n *Node) Messages() int64 { return n.messages }

// Rows returns how many rows of a table the node stores.
func (n *Node) Rows(keyspace, table string) int { return len(n.data[keyspace+"."+table]) }

// HasDataFor reports whether the node stores the partition.
func (n *Node) HasDataFor(keyspace, table string, key []byte) bool {
	_, ok := n.data[keyspace+"."+table][string(key)]
	return ok
}

func (n *Node) diskBytes() int64 {
	var total int64
	for _, rows := range n.data {
		for _, c := range rows {
			total += c.Size
		}
	}
	return total
}

func (n *Node) minToken() Token { return slices.Min(n.Tokens) }

func (n *Node) store(table, key string, c Cell) {
	rows := n.data[table]
	if rows == nil {
		rows = map[string]Cell{}
		n.data[table] = rows
	}
	if old, ok := rows[key]; !ok || c.newerThan(old) {
		rows[key] = c
	}
}
