package rest

import (
	"encoding/json"
	"fmt"
	"slices"
)

// NodeStats is the part of one node's entry in GET _nodes/_local/stats/indices the pilots read.
// Elasticsearch counts the node's shard copies in indices.shard_stats (since 7.15); OpenSearch,
// which forked before, has no such field, and its pilot asks level=shards for one entry per copy.
type NodeStats struct {
	Name    string   `json:"name"`
	Roles   []string `json:"roles"`
	Indices struct {
		Docs struct {
			Count int64 `json:"count"`
		} `json:"docs"`
		ShardStats *struct {
			TotalCount int32 `json:"total_count"`
		} `json:"shard_stats"`
		Shards map[string][]map[string]json.RawMessage `json:"shards"`
	} `json:"indices"`
}

// LocalNode is what the node's own stats say about it.
type LocalNode struct {
	ID, Name string
	// Roles as the engine lists them, sorted.
	Roles []string
	// Shards is the number of shard copies the node holds; Documents the documents in them.
	Shards    int32
	Documents int64
}

// Has reports whether the node runs with the role.
func (n LocalNode) Has(role string) bool { return slices.Contains(n.Roles, role) }

// Local reads GET _nodes/_local/stats's nodes, which hold exactly the local node.
func Local(nodes map[string]NodeStats) (LocalNode, error) {
	if len(nodes) != 1 {
		return LocalNode{}, fmt.Errorf("_nodes/_local/stats answered for %d nodes, not 1", len(nodes))
	}
	var n LocalNode
	for id, s := range nodes {
		n.ID, n.Name, n.Documents = id, s.Name, s.Indices.Docs.Count
		n.Roles = slices.Sorted(slices.Values(s.Roles)) // whatever the order in node.roles
		if s.Indices.ShardStats != nil {
			n.Shards = s.Indices.ShardStats.TotalCount
			continue
		}
		for _, copies := range s.Indices.Shards {
			for _, byNumber := range copies {
				n.Shards += int32(len(byNumber))
			}
		}
	}
	return n, nil
}

// Health is the part of GET _cluster/health the pilots read.
type Health struct {
	Status string `json:"status"`
}
