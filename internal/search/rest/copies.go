package rest

import (
	"fmt"
	"slices"
	"strings"
)

// CopyColumns are the columns of GET _cat/shards?format=json that ShardCopy decodes (the h
// parameter).
var CopyColumns = []string{"index", "shard", "prirep", "state", "id", "node"}

// ShardCopy is one row of GET _cat/shards: a copy of a shard and the id and name of the node it
// is on (empty while unassigned). A relocating copy is one row, on its source node.
type ShardCopy struct {
	Index    string `json:"index"`
	Shard    string `json:"shard"`
	Primary  string `json:"prirep"`
	State    string `json:"state"`
	NodeID   string `json:"id"`
	NodeName string `json:"node"`
}

// Active reports whether the copy serves reads and writes (ShardRouting.active: STARTED or
// RELOCATING).
func (c ShardCopy) Active() bool { return c.State == "STARTED" || c.State == "RELOCATING" }

// Name is the copy's shard as the engines print it: [index][shard].
func (c ShardCopy) Name() string { return "[" + c.Index + "][" + c.Shard + "]" }

// Role is primary or replica.
func (c ShardCopy) Role() string {
	if c.Primary == "p" {
		return "primary"
	}
	return "replica"
}

// SameShard reports whether two rows are copies of one shard.
func (c ShardCopy) SameShard(o ShardCopy) bool { return c.Index == o.Index && c.Shard == o.Shard }

// UnsafeToRestart names the shards the node of id self holds a copy of that are not fully
// allocated: a copy elsewhere initializing or unassigned. Restarting the node then leaves such a
// shard with fewer active copies than it has now, and none at all when the copy here is its only
// active one: the primary of a shard whose replica still recovers from it goes red. A shard
// whose every copy is active keeps one on another node while this one restarts, and a shard with
// no other copy (no replicas configured) has nothing to wait for. This is the green the
// controller asks for before a restart, judged by the elected master at the moment of acting
// rather than from reports that may be a few seconds old.
func UnsafeToRestart(self string, copies []ShardCopy) []string {
	type key struct{ index, shard string }
	here := map[key]bool{}
	for _, c := range copies {
		if c.NodeID == self {
			here[key{c.Index, c.Shard}] = true
		}
	}
	var unsafe []string
	for _, c := range copies {
		if !here[key{c.Index, c.Shard}] || c.Active() {
			continue
		}
		where := ""
		if c.NodeName != "" {
			where = " on " + c.NodeName
		}
		msg := fmt.Sprintf("%s (its %s is %s%s)", c.Name(), c.Role(), strings.ToLower(c.State), where)
		if !slices.Contains(unsafe, msg) {
			unsafe = append(unsafe, msg)
		}
	}
	slices.Sort(unsafe)
	return unsafe
}
