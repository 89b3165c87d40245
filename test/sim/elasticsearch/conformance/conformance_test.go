package conformance

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	osnode "github.com/navigator-dbaas/navigator/test/real/opensearch/node"
)

// TestConformance runs the suite against the simulator and, when an installation is named
// (make test-real), against real OpenSearch.
func TestConformance(t *testing.T) {
	t.Run("sim", func(t *testing.T) {
		suite(t, newSimBackend(t))
	})
	t.Run("real", func(t *testing.T) {
		suite(t, newRealBackend(t, osnode.ForTest(t)))
	})
}

// suite runs the cases in order on one cluster: each leaves it green with three nodes.
func suite(t *testing.T, b backend) {
	t.Cleanup(func() {
		if t.Failed() {
			t.Log(b.logs())
		}
	})
	for _, name := range names {
		b.start(t, name)
	}
	for _, tc := range []struct {
		name string
		run  func(client, backend)
	}{
		{"forms", forms},
		{"the pilot's reads answer alike", pilotReads},
		{"voting exclusions", votingExclusions},
		{"allocation exclude drains a node", excludeDrains},
		{"a copy with nowhere to go stays", copyStays},
		{"an index's own filter drains only its copies", indexFilterDrains},
		{"a node that leaves delays its copies' reallocation", nodeLeaves},
	} {
		ok := t.Run(tc.name, func(t *testing.T) {
			tc.run(client{t: t, b: b}, b)
		})
		if !ok {
			return // the next cases start from a cluster this one left in an unknown state
		}
	}
}

// forms: three nodes with the initial managers named form one cluster, green with no index,
// and every node agrees on the one elected node.
func forms(c client, _ backend) {
	c.eventually(90*time.Second, func() (bool, string) {
		return c.answers("n1"), "n1 does not answer HTTP yet"
	})
	c.eventually(90*time.Second, func() (bool, string) {
		h := c.health("n1", "")
		return h["status"] == "green" && num(h["number_of_nodes"]) == 3, fmt.Sprintf("health %v", h)
	})
	var elected []string
	for _, name := range names {
		e := c.elected(name)
		elected = append(elected, e)
		rows := c.rows(name, "/_cat/nodes?h=name,master")
		if len(rows) != 3 {
			c.t.Errorf("_cat/nodes on %s lists %d nodes: %v", name, len(rows), rows)
		}
		// The elected node by id, in the words both engines answer to.
		st := c.ok(name, http.MethodGet, "/_cluster/state/master_node", nil)
		if st["master_node"] == nil || st["master_node"] == "" {
			c.t.Errorf("_cluster/state/master_node on %s has no master_node: %v", name, st)
		}
		local := c.ok(name, http.MethodGet, "/_nodes/_local", nil)
		nodes, _ := local["nodes"].(map[string]any)
		if len(nodes) != 1 {
			c.t.Errorf("_nodes/_local on %s lists %d nodes", name, len(nodes))
		}
		for _, n := range nodes {
			if m, _ := n.(map[string]any); m["name"] != name {
				c.t.Errorf("_nodes/_local on %s is %v", name, m["name"])
			}
		}
	}
	if elected[0] == "" || elected[1] != elected[0] || elected[2] != elected[0] {
		c.t.Fatalf("the nodes name different elected nodes: %v", elected)
	}
}

// coordination is the cluster state's metadata.cluster_coordination, as n1 has it.
func coordination(c client) map[string]any {
	st := c.ok("n1", http.MethodGet, "/_cluster/state/metadata", nil)
	md, _ := st["metadata"].(map[string]any)
	coord, _ := md["cluster_coordination"].(map[string]any)
	return coord
}

// pilotReads: the requests the Elasticsearch pilot makes of its own node answer in the same
// shape on both engines: node stats of _local (its name, roles and document count), health from
// the node's own state (local=true), the elected node and the members from the local state, and
// the voting exclusions by filter_path, an empty list while there are none. (Elasticsearch's
// indices.shard_stats, which the pilot reads for the shard count, came in 7.15, after
// OpenSearch forked: the OpenSearch engine must count shards another way.)
func pilotReads(c client, _ backend) {
	c.ok("n1", http.MethodPut, "/reads", map[string]any{"settings": map[string]any{"number_of_shards": 3, "number_of_replicas": 0}})
	for i := range 3 {
		if status, v := c.call("n1", http.MethodPut, fmt.Sprintf("/reads/_doc/%d?refresh=true", i), map[string]any{"n": i}); status != http.StatusCreated {
			c.t.Fatalf("writing document %d: %d %v, want 201", i, status, v)
		}
	}
	docs := 0
	for _, name := range names {
		stats := c.ok(name, http.MethodGet, "/_nodes/_local/stats/indices", nil)
		nodes, _ := stats["nodes"].(map[string]any)
		if len(nodes) != 1 {
			c.t.Fatalf("_nodes/_local/stats on %s lists %d nodes", name, len(nodes))
		}
		for _, v := range nodes {
			n, _ := v.(map[string]any)
			roles, _ := n["roles"].([]any)
			indices, _ := n["indices"].(map[string]any)
			count, ok := indices["docs"].(map[string]any)["count"]
			if n["name"] != name || len(roles) == 0 || !ok {
				c.t.Errorf("_nodes/_local/stats/indices on %s: name %v, roles %v, docs %v", name, n["name"], roles, indices["docs"])
			}
			docs += num(count)
		}
		if h := c.ok(name, http.MethodGet, "/_cluster/health?local=true", nil); h["status"] != "green" {
			c.t.Errorf("local health on %s: %v", name, h)
		}
		st := c.ok(name, http.MethodGet, "/_cluster/state/master_node,nodes?local=true&filter_path=cluster_uuid,master_node,nodes.*.name", nil)
		members, _ := st["nodes"].(map[string]any)
		if st["cluster_uuid"] == nil || st["master_node"] == nil || len(members) != 3 {
			c.t.Errorf("local state on %s: %v", name, st)
		}
		ex := c.ok(name, http.MethodGet, "/_cluster/state/metadata?local=true&filter_path=metadata.cluster_coordination.voting_config_exclusions", nil)
		md, _ := ex["metadata"].(map[string]any)
		coord, _ := md["cluster_coordination"].(map[string]any)
		if list, ok := coord["voting_config_exclusions"].([]any); !ok || len(list) != 0 {
			c.t.Errorf("voting exclusions by filter_path on %s: %v, want an empty list", name, ex)
		}
	}
	if docs != 3 {
		c.t.Errorf("the nodes' stats count %d documents, want the 3 written", docs)
	}
	c.ok("n1", http.MethodDelete, "/reads", nil)
}

// exclusions lists the voting configuration exclusions by node name, with their ids.
func exclusions(c client) map[string]string {
	coord := coordination(c)
	list, ok := coord["voting_config_exclusions"].([]any)
	if !ok {
		c.t.Fatalf("metadata.cluster_coordination.voting_config_exclusions is missing: %v", coord)
	}
	out := map[string]string{}
	for _, e := range list {
		m, _ := e.(map[string]any)
		out[fmt.Sprint(m["node_name"])] = fmt.Sprint(m["node_id"])
	}
	return out
}

// votingExclusions: excluding the elected node makes it abdicate to another and leave the
// voting configuration, which shrinks to the new master alone; a name no node has is excluded as _absent_; a request naming no node is
// refused; clearing without waiting for removal empties the list, the configuration grows back
// to all three nodes (so that the cluster again survives the loss of any one), and the cluster
// stays green throughout.
func votingExclusions(c client, _ backend) {
	first := c.elected("n1")
	c.ok("n1", http.MethodPost, "/_cluster/voting_config_exclusions?node_names="+first, nil)
	c.eventually(30*time.Second, func() (bool, string) {
		e := c.elected("n1")
		return e != "" && e != first, fmt.Sprintf("the elected node is %q, excluded %q", e, first)
	})
	// Reconfigurator: the two others cannot hold a configuration of three, and two is even:
	// the new master votes alone until the exclusion is cleared.
	c.eventually(30*time.Second, func() (bool, string) {
		committed, _ := coordination(c)["last_committed_config"].([]any)
		return len(committed) == 1, fmt.Sprintf("the committed voting configuration is %v, %s excluded", committed, first)
	})
	ex := exclusions(c)
	if id := ex[first]; id == "" || id == "_absent_" {
		c.t.Errorf("exclusions %v: want %s by its id", ex, first)
	}
	c.ok("n1", http.MethodPost, "/_cluster/voting_config_exclusions?node_names=nobody", nil)
	if ex := exclusions(c); ex["nobody"] != "_absent_" || len(ex) != 2 {
		c.t.Errorf("exclusions %v: want %s and nobody (_absent_)", ex, first)
	}
	status, v := c.call("n1", http.MethodPost, "/_cluster/voting_config_exclusions", nil)
	if status != http.StatusBadRequest || !strings.Contains(fmt.Sprint(v), "illegal_argument_exception") {
		c.t.Errorf("exclusions naming no node: %d %v; want 400 illegal_argument_exception", status, v)
	}
	c.ok("n1", http.MethodDelete, "/_cluster/voting_config_exclusions?wait_for_removal=false", nil)
	if ex := exclusions(c); len(ex) != 0 {
		c.t.Errorf("exclusions after clearing: %v", ex)
	}
	c.eventually(30*time.Second, func() (bool, string) {
		committed, _ := coordination(c)["last_committed_config"].([]any)
		return len(committed) == 3, fmt.Sprintf("the committed voting configuration is %v after clearing the exclusions", committed)
	})
	if h := c.health("n1", ""); h["status"] != "green" {
		c.t.Errorf("health after the exclusions: %v", h)
	}
}

// createIndex creates index with shards and replicas and waits for it to be green.
func createIndex(c client, index string, shards, replicas int) {
	c.ok("n1", http.MethodPut, "/"+index, map[string]any{"settings": map[string]any{
		"number_of_shards": shards, "number_of_replicas": replicas,
	}})
	c.eventually(60*time.Second, func() (bool, string) {
		h := c.health("n1", "/"+index)
		return h["status"] == "green", fmt.Sprintf("health of %s: %v", index, h)
	})
}

// exclude sets (or, with "", clears) cluster.routing.allocation.exclude._name.
func exclude(c client, name string) {
	var v any = name
	if name == "" {
		v = nil
	}
	c.ok("n1", http.MethodPut, "/_cluster/settings", map[string]any{
		"persistent": map[string]any{"cluster.routing.allocation.exclude._name": v},
	})
}

// holders are the nodes holding a started copy of index.
func holders(c client, index string) []string {
	var out []string
	for _, r := range c.copies("n1", index) {
		if r["state"] == "STARTED" {
			out = append(out, fmt.Sprint(r["node"]))
		}
	}
	slices.Sort(out)
	return out
}

// excludeDrains: a node excluded by name gives up its copies to the others, the cluster green
// throughout; the setting reads back, and clears with null.
func excludeDrains(c client, _ backend) {
	createIndex(c, "drain", 2, 1)
	target := holders(c, "drain")[0]
	exclude(c, target)
	c.eventually(60*time.Second, func() (bool, string) {
		h := holders(c, "drain")
		return len(h) == 4 && !slices.Contains(h, target), fmt.Sprintf("copies of drain on %v, draining %s", h, target)
	})
	if h := c.health("n1", "?wait_for_no_relocating_shards=true&timeout=30s"); h["status"] != "green" || num(h["relocating_shards"]) != 0 {
		c.t.Errorf("health after the drain: %v", h)
	}
	got := c.ok("n1", http.MethodGet, "/_cluster/settings?flat_settings=true", nil)
	if p, _ := got["persistent"].(map[string]any); p["cluster.routing.allocation.exclude._name"] != target {
		c.t.Errorf("settings after excluding %s: %v", target, got)
	}
	exclude(c, "")
	got = c.ok("n1", http.MethodGet, "/_cluster/settings?flat_settings=true", nil)
	if p, _ := got["persistent"].(map[string]any); p["cluster.routing.allocation.exclude._name"] != nil {
		c.t.Errorf("settings after clearing: %v", got)
	}
	c.ok("n1", http.MethodDelete, "/drain", nil)
}

// copyStays: a copy that no other node may take (each already holds one of the shard's three
// copies) stays on the excluded node, started, and the cluster stays green, while a copy that
// can move does: a drain that cannot finish, as Navigator must see it.
func copyStays(c client, _ backend) {
	createIndex(c, "full", 1, 2)
	createIndex(c, "movable", 1, 0)
	target := holders(c, "movable")[0]
	exclude(c, target)
	c.eventually(60*time.Second, func() (bool, string) {
		h := holders(c, "movable")
		return len(h) == 1 && h[0] != target, fmt.Sprintf("movable on %v, draining %s", h, target)
	})
	if h := holders(c, "full"); !slices.Contains(h, target) || len(h) != 3 {
		c.t.Errorf("copies of full on %v: want one still on %s", h, target)
	}
	if h := c.health("n1", ""); h["status"] != "green" {
		c.t.Errorf("health with a drain that cannot finish: %v", h)
	}
	exclude(c, "")
	c.ok("n1", http.MethodDelete, "/full", nil)
	c.ok("n1", http.MethodDelete, "/movable", nil)
}

// indexSetting reads one of index's settings as GET <index>/_settings prints it, nested under
// "index", by its path below (routing, allocation, exclude, _name); nil when unset.
func indexSetting(c client, index string, path ...string) any {
	got := c.ok("n1", http.MethodGet, "/"+index+"/_settings", nil)
	v := got[index]
	for _, p := range append([]string{"settings", "index"}, path...) {
		m, _ := v.(map[string]any)
		v = m[p]
	}
	return v
}

// indexFilterDrains: an index's own index.routing.allocation.exclude._name moves that index's
// copies off the node while another index's copy stays there; the setting reads back and
// clears with null; a value the setting refuses is refused with 400 and changes nothing.
func indexFilterDrains(c client, _ backend) {
	createIndex(c, "own", 3, 0)
	createIndex(c, "other", 3, 0)
	var target string
	for _, h := range holders(c, "own") {
		if slices.Contains(holders(c, "other"), h) {
			target = h
			break
		}
	}
	if target == "" {
		c.t.Fatalf("no node holds copies of both indices: own on %v, other on %v", holders(c, "own"), holders(c, "other"))
	}
	c.ok("n1", http.MethodPut, "/own/_settings", map[string]any{"index.routing.allocation.exclude._name": target})
	c.eventually(60*time.Second, func() (bool, string) {
		h := holders(c, "own")
		return len(h) == 3 && !slices.Contains(h, target), fmt.Sprintf("copies of own on %v, draining %s", h, target)
	})
	if h := holders(c, "other"); !slices.Contains(h, target) {
		c.t.Errorf("copies of other on %v: want some still on %s, which only own excludes", h, target)
	}
	if got := indexSetting(c, "own", "routing", "allocation", "exclude", "_name"); got != target {
		c.t.Errorf("own's exclude filter reads back as %v, want %s", got, target)
	}
	status, v := c.call("n1", http.MethodPut, "/own/_settings", map[string]any{"index.routing.allocation.total_shards_per_node": "-2"})
	if status != http.StatusBadRequest || !strings.Contains(fmt.Sprint(v), "illegal_argument_exception") {
		c.t.Errorf("total_shards_per_node -2: %d %v; want 400 illegal_argument_exception", status, v)
	}
	if got := indexSetting(c, "own", "routing", "allocation", "total_shards_per_node"); got != nil {
		c.t.Errorf("a refused value was stored: total_shards_per_node %v", got)
	}
	c.ok("n1", http.MethodPut, "/own/_settings", map[string]any{"index.routing.allocation.exclude._name": nil})
	if got := indexSetting(c, "own", "routing", "allocation", "exclude", "_name"); got != nil {
		c.t.Errorf("own's exclude filter after clearing: %v", got)
	}
	c.ok("n1", http.MethodDelete, "/own", nil)
	c.ok("n1", http.MethodDelete, "/other", nil)
}

// nodeLeaves: when a node holding a replica stops, its copy becomes unassigned for the reason
// NODE_LEFT and, within index.unassigned.node_left.delayed_timeout, delayed; the cluster is
// yellow, never red. Started again, the node gets its copy back and the cluster is green.
func nodeLeaves(c client, b backend) {
	c.ok("n1", http.MethodPut, "/delayed", map[string]any{"settings": map[string]any{
		"number_of_shards": 1, "number_of_replicas": 1, "index.unassigned.node_left.delayed_timeout": "5m",
	}})
	c.eventually(60*time.Second, func() (bool, string) {
		h := c.health("n1", "/delayed")
		return h["status"] == "green", fmt.Sprintf("health of delayed: %v", h)
	})
	var leaving, asker string
	for _, r := range c.copies("n1", "delayed") {
		if r["prirep"] == "r" {
			leaving = fmt.Sprint(r["node"])
		}
	}
	for _, name := range names {
		if name != leaving && asker == "" {
			asker = name
		}
	}
	b.stop(c.t, leaving)
	c.eventually(60*time.Second, func() (bool, string) {
		h := c.health(asker, "")
		return num(h["number_of_nodes"]) == 2 && h["status"] != "green", fmt.Sprintf("health on %s after %s stopped: %v", asker, leaving, h)
	})
	h := c.health(asker, "")
	if h["status"] != "yellow" || num(h["unassigned_shards"]) != 1 || num(h["delayed_unassigned_shards"]) != 1 {
		c.t.Errorf("health after %s left: %v; want yellow, one unassigned copy, delayed", leaving, h)
	}
	for _, r := range c.copies(asker, "delayed") {
		if r["state"] != "UNASSIGNED" {
			continue
		}
		if r["unassigned.reason"] != "NODE_LEFT" || r["node"] != nil {
			c.t.Errorf("the unassigned copy: %v; want reason NODE_LEFT and node null", r)
		}
	}
	b.start(c.t, leaving)
	c.eventually(90*time.Second, func() (bool, string) {
		return c.answers(leaving), leaving + " does not answer HTTP yet"
	})
	c.eventually(90*time.Second, func() (bool, string) {
		h := c.health(asker, "")
		return h["status"] == "green" && num(h["number_of_nodes"]) == 3, fmt.Sprintf("health after %s came back: %v", leaving, h)
	})
	if h := holders(c, "delayed"); !slices.Contains(h, leaving) {
		c.t.Errorf("copies of delayed on %v: want %s's back", h, leaving)
	}
	c.ok(asker, http.MethodDelete, "/delayed", nil)
}
