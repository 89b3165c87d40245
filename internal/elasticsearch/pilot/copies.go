package pilot

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/elastic/go-elasticsearch/v8/esapi"
)

// shardCopy is one row of GET _cat/shards: a copy of a shard and the id and name of the node
// it is on (empty while unassigned). A relocating copy is one row, on its source node.
type shardCopy struct {
	Index    string `json:"index"`
	Shard    string `json:"shard"`
	Primary  string `json:"prirep"`
	State    string `json:"state"`
	NodeID   string `json:"id"`
	NodeName string `json:"node"`
}

// active: the copy serves reads and writes (ShardRouting.active: STARTED or RELOCATING).
func (c shardCopy) active() bool { return c.State == "STARTED" || c.State == "RELOCATING" }

// shardCopies is GET _cat/shards, answered from the elected master's cluster state
// (RestShardsAction asks the master unless local=true).
func (c *client) shardCopies(ctx context.Context) ([]shardCopy, error) {
	var rows []shardCopy
	req := esapi.CatShardsRequest{Format: "json", H: []string{"index", "shard", "prirep", "state", "id", "node"}, MasterTimeout: masterTimeout}
	if err := c.do(ctx, req, &rows); err != nil {
		return nil, err
	}
	return rows, nil
}

// unsafeToRestart names the shards this node holds a copy of that are not fully allocated: a
// copy elsewhere initializing or unassigned. Restarting the node then leaves such a shard with
// fewer active copies than it has now, and none at all when the copy here is its only active
// one: the primary of a shard whose replica still recovers from it goes red. A shard whose
// every copy is active keeps one on another node while this one restarts, and a shard with no
// other copy (no replicas configured) has nothing to wait for. This is the green the controller
// asks for before a restart, judged by the master at the moment of acting rather than from
// reports that may be a few seconds old.
func unsafeToRestart(self string, copies []shardCopy) []string {
	type key struct{ index, shard string }
	here := map[key]bool{}
	for _, c := range copies {
		if c.NodeID == self {
			here[key{c.Index, c.Shard}] = true
		}
	}
	var unsafe []string
	for _, c := range copies {
		k := key{c.Index, c.Shard}
		if !here[k] || c.active() {
			continue
		}
		where := ""
		if c.NodeName != "" {
			where = " on " + c.NodeName
		}
		role := "replica"
		if c.Primary == "p" {
			role = "primary"
		}
		msg := fmt.Sprintf("[%s][%s] (its %s is %s%s)", c.Index, c.Shard, role, strings.ToLower(c.State), where)
		if !slices.Contains(unsafe, msg) {
			unsafe = append(unsafe, msg)
		}
	}
	slices.Sort(unsafe)
	return unsafe
}
