package cluster

import (
	"time"

	"github.com/Masterminds/semver/v3"
)

// Node is a member of the cluster as the master sees it.
type Node struct {
	ID      string
	Name    string
	Version *semver.Version
	// Host is the node's address, which the _ip and _host filters match.
	Host string
	// Attributes are the node's node.attr.* settings, which awareness and filters read.
	Attributes map[string]string
	// Data is true for nodes with the data role or a data tier role.
	Data bool
	// Disk is the node's disk usage as the master last collected it; nil until it has.
	Disk *DiskUsage
}

// CopyState is the state of one copy of a shard, as _cat/shards reports it.
type CopyState string

// Copy states.
const (
	Unassigned   CopyState = "UNASSIGNED"
	Initializing CopyState = "INITIALIZING"
	Started      CopyState = "STARTED"
	Relocating   CopyState = "RELOCATING"
)

// Copy is one copy (primary or replica) of one shard.
type Copy struct {
	Index   string
	Shard   int
	Primary bool
	State   CopyState
	// Node holds the copy (or is recovering it); empty when unassigned.
	Node string
	// RelocatingTo is the target node while the copy relocates.
	RelocatingTo string
	// Recovered counts the bytes copied so far to the recovering or relocation target.
	Recovered int64
	// UnassignedSince is when the copy lost its node, for delayed allocation.
	UnassignedSince time.Time
	// LastNode is the node that held the copy before it became unassigned.
	LastNode string
	// LeftRestarting is UnassignedInfo.Reason NODE_RESTARTING: LastNode had a restart shutdown
	// registered when it left.
	LeftRestarting bool
	// Fresh marks a copy that has never held data (a new index's primary): it may start empty
	// on any node, while a primary that held data can only come back where its data is.
	Fresh bool
	// Synced is set when the recovering node holds the copy's documents (AwaitSync).
	Synced bool
	// Recovery identifies the copy's current recovery or relocation, so that a late report
	// about an earlier one cannot complete it.
	Recovery int64
}

// Index is an index and its documents, per shard.
type Index struct {
	Name     string
	Shards   int
	Replicas int
	// Docs holds the document count of each shard.
	Docs []int64
	// Lost marks shards whose every copy is gone with its data: their documents no longer exist.
	Lost []bool
	// Settings are the index's own allocation settings.
	Settings IndexSettings
}

// IndexSettings are the dynamic index settings the model honours; the zero value is
// Elasticsearch's defaults.
type IndexSettings struct {
	// Filters are index.routing.allocation.{require,include,exclude}.*, by group.
	Filters map[string]NodeFilters
	// TotalShardsPerNode is index.routing.allocation.total_shards_per_node; 0 or less: none.
	TotalShardsPerNode int
	// DelayedTimeout is index.unassigned.node_left.delayed_timeout; nil: the cluster's default
	// (Settings.DelayedTimeout).
	DelayedTimeout *time.Duration
}

// ShutdownType is the type of a node shutdown.
type ShutdownType string

// Shutdown types.
const (
	ShutdownRemove  ShutdownType = "remove"
	ShutdownRestart ShutdownType = "restart"
)

// Shutdown is a registered node shutdown.
type Shutdown struct {
	NodeID          string
	Type            ShutdownType
	Reason          string
	Started         time.Time
	AllocationDelay time.Duration
	// NodeSeen is SingleNodeShutdownMetadata.nodeSeen: the node was a member when the shutdown
	// was registered, or has joined since.
	NodeSeen bool
}

// Enable is cluster.routing.allocation.enable.
type Enable string

// Allocation enable values.
const (
	EnableAll          Enable = "all"
	EnablePrimaries    Enable = "primaries"
	EnableNewPrimaries Enable = "new_primaries"
	EnableNone         Enable = "none"
)

// Settings are the allocation settings the model honours.
type Settings struct {
	// Filters are cluster.routing.allocation.{require,include,exclude}.*, by group.
	Filters map[string]NodeFilters
	Enable  Enable
	// TotalShardsPerNode is cluster.routing.allocation.total_shards_per_node; 0 or less: none.
	TotalShardsPerNode int
	// Awareness is cluster.routing.allocation.awareness.attributes; ForcedAwareness the values
	// of cluster.routing.allocation.awareness.force.<attribute>.values.
	Awareness       []string
	ForcedAwareness map[string][]string
	// RecoveryBytesPerSecond is how fast a copy recovers or relocates:
	// indices.recovery.max_bytes_per_sec, or the nodes' default without it.
	RecoveryBytesPerSecond, DefaultRecoveryBytesPerSecond int64
	// DocBytes is the size the model gives each document.
	DocBytes int64
	// DelayedTimeout is index.unassigned.node_left.delayed_timeout for an index that does not set
	// its own (IndexSettings.DelayedTimeout): 1m.
	DelayedTimeout time.Duration
	// Disk is the disk-based allocation (disk.go).
	Disk DiskSettings
	// AwaitSync makes a recovery finish only once the target reports, through MarkSynced, that
	// it holds the documents: the node processes copy real data, the pure tests do not.
	AwaitSync bool
}

// State is the cluster state the elected master keeps.
type State struct {
	Nodes map[string]*Node
	// Departed holds nodes that left with their data directory: if they come back with the
	// same ID, their copies can be recovered from it.
	Departed  map[string]*Node
	Indices   map[string]*Index
	Copies    []*Copy
	Shutdowns map[string]*Shutdown
	Settings  Settings
	// LastReroute is when Reroute last ran, to advance recoveries.
	LastReroute time.Time
	// Recoveries counts the recoveries started, to number them.
	Recoveries int64
}

// New returns an empty cluster with Elasticsearch's defaults.
func New() *State {
	return &State{
		Nodes:     map[string]*Node{},
		Departed:  map[string]*Node{},
		Indices:   map[string]*Index{},
		Shutdowns: map[string]*Shutdown{},
		Settings: Settings{
			Filters: map[string]NodeFilters{},
			Enable:  EnableAll, RecoveryBytesPerSecond: 40 << 20, DefaultRecoveryBytesPerSecond: 40 << 20, DocBytes: 1 << 10, DelayedTimeout: time.Minute,
			Disk: DefaultDiskSettings(),
		},
	}
}

// shardBytes is the size of a shard, which is what a recovery must copy.
func (s *State) shardBytes(c *Copy) int64 {
	return s.Indices[c.Index].Docs[c.Shard] * s.Settings.DocBytes
}

// copiesOf returns the copies of one shard.
func (s *State) copiesOf(index string, shard int) []*Copy {
	var out []*Copy
	for _, c := range s.Copies {
		if c.Index == index && c.Shard == shard {
			out = append(out, c)
		}
	}
	return out
}

// primaryOf returns the primary copy of a shard.
func (s *State) primaryOf(index string, shard int) *Copy {
	for _, c := range s.copiesOf(index, shard) {
		if c.Primary {
			return c
		}
	}
	return nil
}

// active reports whether a copy serves: started, or relocating (its source still serves).
func active(c *Copy) bool { return c.State == Started || c.State == Relocating }
