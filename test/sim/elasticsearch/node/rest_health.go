package node

import (
	"context"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/navigator-dbaas/navigator/test/sim/elasticsearch/cluster"
)

func (n *Node) clusterRoutes(r *router) {
	r.handle(http.MethodGet, "/_cluster/health", n.restHealth)
	r.handle(http.MethodGet, "/_cluster/health/{target}", n.restHealth)
	r.handle(http.MethodGet, "/_cluster/state", n.restState)
	r.handle(http.MethodGet, "/_cluster/state/{metric}", n.restState)
	r.handle(http.MethodGet, "/_cluster/state/{metric}/{target}", n.restState)
	r.handle(http.MethodGet, "/_cluster/settings", n.restGetSettings)
	r.handle(http.MethodPut, "/_cluster/settings", n.restPutSettings)
	r.handle(http.MethodPost, "/_cluster/voting_config_exclusions", n.restPostExclusions)
	r.handle(http.MethodDelete, "/_cluster/voting_config_exclusions", n.restDeleteExclusions)
	r.handle(http.MethodGet, "/_cluster/allocation/explain", n.restExplain)
	r.handle(http.MethodPost, "/_cluster/allocation/explain", n.restExplain)
}

var healthRank = map[cluster.Health]int{cluster.Red: 0, cluster.Yellow: 1, cluster.Green: 2}

// restHealth is GET _cluster/health: it waits, up to timeout, for the conditions asked
// (wait_for_status, wait_for_nodes, wait_for_no_relocating_shards,
// wait_for_no_initializing_shards) and answers 408 with timed_out true when they do not hold.
func (n *Node) restHealth(w *response, req *request) {
	timeout, err := req.duration("timeout", 30*time.Second)
	if err != nil {
		w.error(err)
		return
	}
	want := cluster.Health(req.query("wait_for_status"))
	if _, ok := healthRank[want]; want != "" && !ok {
		w.error(errType(400, "illegal_argument_exception", "unknown cluster health status [%s]", want))
		return
	}
	ctx, cancel := ctxFor(req, timeout)
	defer cancel()
	st, err := n.healthState(ctx, req)
	if err != nil {
		w.error(err)
		return
	}
	targets, err := resolveIndices(st, req.param("target"))
	if err != nil {
		w.error(err)
		return
	}
	for {
		body, ok := n.health(st, targets, req, want)
		if ok {
			w.json(http.StatusOK, body)
			return
		}
		_, _, changed := n.snapshot()
		select {
		case <-ctx.Done():
			body["timed_out"] = true
			w.json(http.StatusRequestTimeout, body)
			return
		case <-changed:
		case <-time.After(100 * time.Millisecond): // delayed allocation changes with time alone
		}
		if st, err = n.healthState(ctx, req); err != nil {
			w.error(err)
			return
		}
	}
}

// healthState is the state health is computed from: this node's, which requires a known master
// unless local=true.
func (n *Node) healthState(ctx context.Context, req *request) (*ClusterState, error) {
	if req.flag("local") {
		st, _, _ := n.snapshot()
		return st, nil
	}
	master, cancel := context.WithTimeout(ctx, n.opts.Timing.MasterTimeout)
	defer cancel()
	return n.awaitMaster(master)
}

// health computes the response body and whether the wait conditions hold.
func (n *Node) health(st *ClusterState, targets []string, req *request, want cluster.Health) (map[string]any, bool) {
	now := time.Now()
	status, counts := st.Allocation.Health(now, targets...)
	if req.flag("local") && !n.knowsMaster(st) {
		// ClusterStateHealth: RED under a global block of status SERVICE_UNAVAILABLE, which
		// a node without an elected master has (the no-master block; while starting, also
		// the state-not-recovered block), whatever its last routing table says.
		status = cluster.Red
	}
	dataNodes, percent := st.dataNodes(), activePercent(counts)
	unassignedPrimaries := 0
	for _, c := range st.Allocation.Copies {
		if c.Primary && c.State == cluster.Unassigned && covers(targets, c.Index) {
			unassignedPrimaries++
		}
	}
	body := map[string]any{
		"cluster_name": st.ClusterName, "status": string(status), "timed_out": false,
		"number_of_nodes": len(st.Nodes), "number_of_data_nodes": dataNodes,
		"active_primary_shards": counts.ActivePrimary, "active_shards": counts.Active,
		"relocating_shards": counts.Relocating, "initializing_shards": counts.Initializing,
		"unassigned_shards": counts.Unassigned, "unassigned_primary_shards": unassignedPrimaries,
		"delayed_unassigned_shards": counts.DelayedUnassigned,
		"number_of_pending_tasks":   0, "number_of_in_flight_fetch": 0, "task_max_waiting_in_queue_millis": 0,
		"active_shards_percent_as_number": percent,
	}
	if req.query("level") == "indices" || req.query("level") == "shards" {
		indices := map[string]any{}
		for _, name := range targetsOrAll(st, targets) {
			h, c := st.Allocation.Health(now, name)
			meta := st.Indices[name]
			indices[name] = map[string]any{
				"status": string(h), "number_of_shards": meta.Shards, "number_of_replicas": meta.Replicas,
				"active_primary_shards": c.ActivePrimary, "active_shards": c.Active, "relocating_shards": c.Relocating,
				"initializing_shards": c.Initializing, "unassigned_shards": c.Unassigned, "unassigned_primary_shards": 0,
			}
		}
		body["indices"] = indices
	}
	ok := want == "" || healthRank[status] >= healthRank[want]
	ok = ok && nodesCondition(req.query("wait_for_nodes"), len(st.Nodes))
	ok = ok && (!req.flag("wait_for_no_relocating_shards") || counts.Relocating == 0)
	ok = ok && (!req.flag("wait_for_no_initializing_shards") || counts.Initializing == 0)
	return body, ok
}

// activePercent is the share of active shard copies, 100 when there are none.
func activePercent(c cluster.ShardCounts) float64 {
	total := c.Active + c.Initializing + c.Unassigned
	if total == 0 {
		return 100
	}
	return 100 * float64(c.Active) / float64(total)
}

// nodesCondition reads wait_for_nodes: N, >=N, <=N, >N, <N (also ge(N), le(N), gt(N), lt(N)).
func nodesCondition(cond string, have int) bool {
	if cond == "" {
		return true
	}
	for _, op := range []struct {
		prefix string
		ok     func(int) bool
	}{
		{">=", func(k int) bool { return have >= k }}, {"<=", func(k int) bool { return have <= k }},
		{">", func(k int) bool { return have > k }}, {"<", func(k int) bool { return have < k }},
		{"ge(", func(k int) bool { return have >= k }}, {"le(", func(k int) bool { return have <= k }},
		{"gt(", func(k int) bool { return have > k }}, {"lt(", func(k int) bool { return have < k }},
	} {
		if num, found := strings.CutPrefix(cond, op.prefix); found {
			k, err := strconv.Atoi(strings.TrimSuffix(num, ")"))
			return err == nil && op.ok(k)
		}
	}
	k, err := strconv.Atoi(cond)
	return err == nil && have == k
}

// resolveIndices expands a comma-separated target ("_all", "*" or names); every named index
// must exist. It returns nil for every index, and a list (empty when wildcards match nothing)
// otherwise.
func resolveIndices(st *ClusterState, target string) ([]string, error) {
	if target == "" || target == "_all" || target == "*" {
		return nil, nil
	}
	out := []string{}
	for _, name := range strings.Split(target, ",") {
		if strings.HasSuffix(name, "*") {
			prefix := strings.TrimSuffix(name, "*")
			for _, iname := range st.indexNames() {
				if strings.HasPrefix(iname, prefix) {
					out = append(out, iname)
				}
			}
			continue
		}
		if _, ok := st.Indices[name]; !ok {
			return nil, errIndexNotFound(name)
		}
		out = append(out, name)
	}
	return out, nil
}

// covers reports whether resolved targets include an index.
func covers(targets []string, index string) bool {
	return targets == nil || slices.Contains(targets, index)
}

// targetsOrAll lists the indices resolved targets stand for.
func targetsOrAll(st *ClusterState, targets []string) []string {
	if targets == nil {
		return st.indexNames()
	}
	var out []string
	for _, t := range targets {
		if _, ok := st.Indices[t]; ok {
			out = append(out, t)
		}
	}
	return out
}

// knowsMaster: the node has applied a state with an elected master and is not looking for one
// (a candidate has applied a state without a master, Coordinator.becomeCandidate).
func (n *Node) knowsMaster(st *ClusterState) bool {
	_, r, _ := n.snapshot()
	return r != candidate && st.MasterID != ""
}
