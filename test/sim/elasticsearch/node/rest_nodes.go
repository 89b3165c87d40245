package node

import (
	"context"
	"net"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/navigator-dbaas/navigator/test/sim/elasticsearch/cluster"
	"github.com/navigator-dbaas/navigator/test/sim/elasticsearch/config"
)

func (n *Node) nodesRoutes(r *router) {
	r.handle(http.MethodGet, "/_nodes", n.restNodesInfo)
	r.handle(http.MethodGet, "/_nodes/stats", n.restNodesStats)
	r.handle(http.MethodGet, "/_nodes/stats/{metric}", n.restNodesStats)
	r.handle(http.MethodGet, "/_nodes/{nodes}/stats", n.restNodesStats)
	r.handle(http.MethodGet, "/_nodes/{nodes}/stats/{metric}", n.restNodesStats)
	// The node shutdown API is Elasticsearch's (x-pack, 7.15 on): OpenSearch has none.
	if n.cfg.Product.Name == config.Elasticsearch.Name {
		r.handle(http.MethodGet, "/_nodes/shutdown", n.restGetShutdown)
		r.handle(http.MethodGet, "/_nodes/{nodes}/shutdown", n.restGetShutdown)
		r.handle(http.MethodPut, "/_nodes/{nodes}/shutdown", n.restPutShutdown)
		r.handle(http.MethodDelete, "/_nodes/{nodes}/shutdown", n.restDeleteShutdown)
	}
	r.handle(http.MethodGet, "/_nodes/{nodes}", n.restNodesInfo)
}

// resolveNodes applies Elasticsearch's node specification: _all, _local, _master, IDs, names,
// and wildcards on names, comma-separated.
func (n *Node) resolveNodes(st *ClusterState, spec string) []Member {
	if spec == "" || spec == "_all" {
		return st.sortedNodes()
	}
	var out []Member
	add := func(node Member) {
		if !slices.ContainsFunc(out, func(o Member) bool { return o.ID == node.ID }) {
			out = append(out, node)
		}
	}
	for _, part := range strings.Split(spec, ",") {
		for _, node := range st.sortedNodes() {
			ok, _ := filepath.Match(part, node.Name)
			switch {
			case part == "_local" && node.ID == n.info.ID, part == "_master" && node.ID == st.MasterID,
				part == node.ID, part == node.Name, ok, part == node.Host:
				add(node)
			}
		}
		if part == "_local" && len(out) == 0 {
			add(n.info) // a node that has not joined still answers about itself
		}
	}
	return out
}

func nodesHeader(total int) map[string]any {
	return map[string]any{"total": total, "successful": total, "failed": 0}
}

// restNodesInfo is GET _nodes[/<nodes>].
func (n *Node) restNodesInfo(w *response, req *request) {
	st, _, _ := n.snapshot()
	nodes := map[string]any{}
	for _, node := range n.resolveNodes(st, req.param("nodes")) {
		host, _, _ := net.SplitHostPort(node.Transport)
		info := map[string]any{
			"name": node.Name, "transport_address": node.Transport, "host": host, "ip": host,
			"version": node.Version, "build_flavor": build.Flavor, "build_type": build.Type, "build_hash": build.Hash,
			"roles": node.Roles, "attributes": attributesOf(node),
			"http":      map[string]any{"publish_address": node.HTTP, "bound_address": []string{node.HTTP}, "max_content_length_in_bytes": 104857600},
			"transport": map[string]any{"publish_address": node.Transport, "bound_address": []string{node.Transport}},
		}
		if v := semverOf(node.Version); v.Major() >= 8 {
			info["index_version"], info["transport_version"] = indexVersion(v), indexVersion(v)
			info["component_versions"] = map[string]int{}
		}
		nodes[node.ID] = info
	}
	w.json(http.StatusOK, map[string]any{"_nodes": nodesHeader(len(nodes)), "cluster_name": st.ClusterName, "nodes": nodes})
}

// nodeStats is what a node reports of itself for _nodes/stats.
type nodeStats struct {
	Docs       int64 `json:"docs"`
	Shards     int   `json:"shards"`
	StoreBytes int64 `json:"store_bytes"`
	DiskTotal  int64 `json:"disk_total"`
	DiskFree   int64 `json:"disk_free"`
}

// onNodeStats counts the shard copies the node serves: those its applied cluster state routes to
// it (IndicesClusterStateService creates an IndexShard only for them). A node that has not
// (re)joined a cluster since it started counts none, whatever its data path holds; one that
// lost its master since keeps its shards (its state keeps the routing table, with the no-master
// block added).
func (n *Node) onNodeStats(_ context.Context, _ *struct{}) (*nodeStats, error) {
	st, _, _ := n.snapshot()
	n.mu.Lock()
	joined := n.joined
	n.mu.Unlock()
	out := &nodeStats{}
	routed := map[shardKey]bool{}
	if joined {
		for _, c := range st.Allocation.Copies {
			if meta, ok := st.Indices[c.Index]; ok && (c.Node == n.info.ID || c.RelocatingTo == n.info.ID) {
				routed[shardKey{UUID: meta.UUID, Shard: c.Shard}] = true
			}
		}
	}
	for _, key := range n.store.keys() {
		if c := n.store.get(key); c != nil && routed[key] {
			out.Shards++
			out.Docs += c.count()
		}
	}
	out.StoreBytes = out.Docs * st.Allocation.Settings.DocBytes
	var fs syscall.Statfs_t
	if syscall.Statfs(n.cfg.PathData, &fs) == nil {
		out.DiskTotal, out.DiskFree = int64(fs.Blocks)*fs.Bsize, int64(fs.Bavail)*fs.Bsize
	}
	return out, nil
}

// restNodesStats is GET _nodes[/<nodes>]/stats[/<metric>]: each node reports its own documents
// and shards; with metrics named, only those sections follow each node's header.
func (n *Node) restNodesStats(w *response, req *request) {
	st, _, _ := n.snapshot()
	targets := n.resolveNodes(st, req.param("nodes"))
	var mu sync.Mutex
	var wg sync.WaitGroup
	nodes := map[string]any{}
	failed := 0
	for _, node := range targets {
		wg.Go(func() {
			var s nodeStats
			err := n.call(req.Context(), node.Transport, actNodeStats, struct{}{}, &s)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				failed++
				return
			}
			nodes[node.ID] = onlyMetrics(statsBody(node, s), req.param("metric"))
		})
	}
	wg.Wait()
	header := nodesHeader(len(targets))
	header["successful"], header["failed"] = len(targets)-failed, failed
	w.json(http.StatusOK, map[string]any{"_nodes": header, "cluster_name": st.ClusterName, "nodes": nodes})
}

func statsBody(node Member, s nodeStats) map[string]any {
	host, _, _ := net.SplitHostPort(node.Transport)
	heapMax := int64(1 << 30)
	return map[string]any{
		"timestamp": time.Now().UnixMilli(), "name": node.Name, "transport_address": node.Transport,
		"host": host, "ip": node.Transport, "roles": node.Roles, "attributes": attributesOf(node),
		"indices": map[string]any{
			"docs":        map[string]any{"count": s.Docs, "deleted": 0, "total_size_in_bytes": s.StoreBytes},
			"store":       map[string]any{"size_in_bytes": s.StoreBytes, "total_data_set_size_in_bytes": s.StoreBytes, "reserved_in_bytes": 0},
			"shard_stats": map[string]any{"total_count": s.Shards},
		},
		"jvm": map[string]any{
			"timestamp": time.Now().UnixMilli(), "uptime_in_millis": 0,
			"mem": map[string]any{"heap_used_in_bytes": heapMax / 4, "heap_used_percent": 25, "heap_committed_in_bytes": heapMax, "heap_max_in_bytes": heapMax,
				"non_heap_used_in_bytes": 0, "non_heap_committed_in_bytes": 0},
		},
		"fs": map[string]any{
			"timestamp": time.Now().UnixMilli(),
			"total":     map[string]any{"total_in_bytes": s.DiskTotal, "free_in_bytes": s.DiskFree, "available_in_bytes": s.DiskFree},
		},
	}
}

// statsMetrics are the sections of a node's stats that the metric path parameter selects.
var statsMetrics = []string{"indices", "jvm", "fs"}

// onlyMetrics drops the sections not named in a comma-separated metric list ("" or _all keeps
// every one); the node's header (name, addresses, roles) always stays.
func onlyMetrics(body map[string]any, metric string) map[string]any {
	wanted := splitList(metric)
	if len(wanted) == 0 || slices.Contains(wanted, "_all") {
		return body
	}
	for _, m := range statsMetrics {
		if !slices.Contains(wanted, m) {
			delete(body, m)
		}
	}
	return body
}

// restPutShutdown is PUT _nodes/<id>/shutdown. type and reason are required arguments of the
// request's parser (PutShutdownNodeAction.Request, a ConstructingObjectParser): a body without
// them fails to parse, "Required [type, reason]", before any validation.
func (n *Node) restPutShutdown(w *response, req *request) {
	var body struct {
		Type            *string `json:"type"`
		Reason          *string `json:"reason"`
		AllocationDelay string  `json:"allocation_delay"`
		TargetNodeName  string  `json:"target_node_name"`
	}
	if err := req.body(&body); err != nil {
		w.error(err)
		return
	}
	var missing []string
	if body.Type == nil {
		missing = append(missing, "type")
	}
	if body.Reason == nil {
		missing = append(missing, "reason")
	}
	if len(missing) > 0 {
		w.error(errType(400, "illegal_argument_exception", "Required [%s]", strings.Join(missing, ", ")))
		return
	}
	typ := strings.ToLower(*body.Type)
	if typ != "remove" && typ != "restart" && typ != "replace" && typ != "sigterm" {
		w.error(errType(400, "illegal_argument_exception", "No enum constant org.elasticsearch.cluster.metadata.SingleNodeShutdownMetadata.Type.%s", strings.ToUpper(*body.Type)))
		return
	}
	var problems []string
	if body.AllocationDelay != "" && typ != "restart" {
		problems = append(problems, "allocation_delay is only allowed for RESTART-type shutdown requests")
	}
	if typ == "replace" && body.TargetNodeName == "" {
		problems = append(problems, "[target_node_name] is required for REPLACE type shutdowns")
	}
	if len(problems) > 0 {
		msg := "Validation Failed: "
		for i, p := range problems {
			msg += itoa(i+1) + ": " + p + ";"
		}
		w.error(errType(400, "action_request_validation_exception", "%s", msg))
		return
	}
	delay := time.Duration(0)
	if body.AllocationDelay != "" {
		d, err := parseTime(body.AllocationDelay)
		if err != nil {
			w.error(errType(400, "illegal_argument_exception", "failed to parse [allocation_delay] value [%s]", body.AllocationDelay))
			return
		}
		delay = d
	}
	if typ == "replace" || typ == "sigterm" {
		typ = "remove" // both migrate shards away, which is what the model's remove does
	}
	sd := shutdownRequest{NodeID: req.param("nodes"), Type: typ, Reason: *body.Reason, AllocationDelay: delay}
	if err := n.toMaster(req.Context(), "shutdown", sd, nil); err != nil {
		w.error(err)
		return
	}
	w.json(http.StatusOK, map[string]any{"acknowledged": true})
}

func (n *Node) restDeleteShutdown(w *response, req *request) {
	if err := n.toMaster(req.Context(), "shutdown", shutdownRequest{NodeID: req.param("nodes"), Delete: true}, nil); err != nil {
		w.error(err)
		return
	}
	w.json(http.StatusOK, map[string]any{"acknowledged": true})
}

// restGetShutdown is GET _nodes[/<id>]/shutdown with the shard migration status the
// allocation model computes.
func (n *Node) restGetShutdown(w *response, req *request) {
	st, ok := n.stateFor(w, req)
	if !ok {
		return
	}
	ids := splitList(req.param("nodes"))
	out := []any{}
	var all []string
	for id := range st.Allocation.Shutdowns {
		all = append(all, id)
	}
	slices.Sort(all)
	for _, id := range all {
		if len(ids) > 0 && !slices.Contains(ids, id) && !slices.Contains(ids, "_all") {
			continue
		}
		out = append(out, shutdownBody(st, id))
	}
	w.json(http.StatusOK, map[string]any{"nodes": out})
}

func shutdownBody(st *ClusterState, id string) map[string]any {
	sd := st.Allocation.Shutdowns[id]
	s, _ := st.Allocation.Shutdown(id)
	status := s.Status
	migration := map[string]any{"status": s.Status, "shard_migrations_remaining": s.Remaining}
	if s.Explanation != "" {
		migration["explanation"] = s.Explanation
	}
	if d := s.Move; d != nil {
		migration["node_allocation_decision"] = moveDecisionBody(st, d)
	}
	body := map[string]any{
		"node_id": id, "type": strings.ToUpper(string(sd.Type)), "reason": sd.Reason,
		"shutdown_startedmillis": sd.Started.UnixMilli(), "status": status,
		"shard_migration":  migration,
		"persistent_tasks": map[string]any{"status": "COMPLETE"},
		"plugins":          map[string]any{"status": "COMPLETE"},
	}
	if sd.Type == cluster.ShutdownRestart {
		delay := sd.AllocationDelay
		if delay == 0 {
			delay = 5 * time.Minute
		}
		body["allocation_delay"] = formatTime(delay)
	}
	return body
}

// moveDecisionBody prints a move decision as MoveDecision.toXContent does.
func moveDecisionBody(st *ClusterState, d *cluster.MoveDecision) map[string]any {
	deciders := func(rs []cluster.DeciderResult) []any {
		out := []any{}
		for _, r := range rs {
			out = append(out, map[string]any{"decider": r.Decider, "decision": "NO", "explanation": r.Explanation})
		}
		return out
	}
	nodes := []any{}
	for i, n := range d.NodeDecisions {
		body := map[string]any{"node_id": n.NodeID, "node_name": n.NodeName, "node_decision": "yes", "weight_ranking": i + 1}
		if m, ok := st.Nodes[n.NodeID]; ok {
			body["transport_address"] = m.Transport
		}
		if len(n.Deciders) > 0 {
			body["node_decision"], body["deciders"] = "no", deciders(n.Deciders)
		}
		nodes = append(nodes, body)
	}
	return map[string]any{
		"can_remain_on_current_node": "no", "can_remain_decisions": deciders(d.CanRemain),
		"can_move_to_other_node": "no", "move_explanation": d.MoveExplanation, "node_allocation_decisions": nodes,
	}
}
