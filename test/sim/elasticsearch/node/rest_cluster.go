package node

import (
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/navigator-dbaas/navigator/test/sim/elasticsearch/cluster"
)

// restState is GET _cluster/state[/metrics[/indices]]: the parts Navigator and its tests read
// (nodes, master, voting configuration and exclusions, index metadata, routing table).
func (n *Node) restState(w *response, req *request) {
	st, targets, ok := n.targetsFor(w, req)
	if !ok {
		return
	}
	metrics := strings.Split(req.param("metric"), ",")
	want := func(m string) bool {
		return req.param("metric") == "" || slices.Contains(metrics, "_all") || slices.Contains(metrics, m)
	}
	body := map[string]any{"cluster_name": st.ClusterName, "cluster_uuid": st.ClusterUUID}
	if want("version") {
		body["version"], body["state_uuid"] = st.Version, st.StateUUID
	}
	if want("master_node") {
		// A node that looks for a master has applied a state without one (Elasticsearch's
		// "becoming candidate"), so its local state names none: the field is left out, as
		// Elasticsearch leaves out a null master.
		if n.knowsMaster(st) {
			body["master_node"] = st.MasterID
		}
	}
	if want("nodes") {
		nodes := map[string]any{}
		for _, node := range st.Nodes {
			nodes[node.ID] = map[string]any{
				"name": node.Name, "ephemeral_id": node.EphemeralID, "transport_address": node.Transport,
				"external_id": node.Name, "attributes": attributesOf(node), "roles": node.Roles, "version": node.Version,
			}
		}
		body["nodes"] = nodes
	}
	if want("metadata") {
		body["metadata"] = stateMetadata(st, targets)
	}
	if want("routing_table") {
		body["routing_table"] = map[string]any{"indices": routingTable(st, targets)}
	}
	w.json(http.StatusOK, body)
}

func stateMetadata(st *ClusterState, targets []string) map[string]any {
	exclusions := []any{}
	for _, e := range st.Coordination.Exclusions {
		exclusions = append(exclusions, map[string]any{"node_id": e.ID, "node_name": e.Name})
	}
	config := slices.Clone(st.Coordination.VotingConfig)
	if config == nil {
		config = []string{}
	}
	indices := map[string]any{}
	for _, name := range targetsOrAll(st, targets) {
		meta := st.Indices[name]
		indices[name] = map[string]any{
			"state": "open", "settings": indexSettings(name, meta), "mappings": map[string]any{}, "aliases": []string{},
		}
	}
	return map[string]any{
		"cluster_uuid": st.ClusterUUID, "cluster_uuid_committed": st.UUIDCommitted,
		"cluster_coordination": map[string]any{
			"term": st.Term, "last_committed_config": config, "last_accepted_config": config,
			"voting_config_exclusions": exclusions,
		},
		"persistent_settings": nest(st.Persistent), "transient_settings": nest(st.Transient),
		"indices": indices,
	}
}

// routingTable lists each copy as the routing table does.
func routingTable(st *ClusterState, targets []string) map[string]any {
	out := map[string]any{}
	for _, name := range targetsOrAll(st, targets) {
		shards := map[string][]any{}
		for _, c := range st.Allocation.Copies {
			if c.Index != name {
				continue
			}
			entry := map[string]any{
				"state": string(c.State), "primary": c.Primary, "node": nullable(c.Node),
				"relocating_node": nullable(c.RelocatingTo), "shard": c.Shard, "index": name,
			}
			if c.State == cluster.Unassigned {
				entry["unassigned_info"] = map[string]any{"reason": unassignedReason(c), "at": c.UnassignedSince.UTC().Format(time.RFC3339Nano)}
			}
			key := itoa(c.Shard)
			shards[key] = append(shards[key], entry)
		}
		out[name] = map[string]any{"shards": shards}
	}
	return out
}

func unassignedReason(c *cluster.Copy) string {
	if c.LastNode != "" {
		return "NODE_LEFT"
	}
	return "INDEX_CREATED"
}

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// nest turns flat dotted settings into nested objects, as the settings APIs print them.
func nest(flat map[string]string) map[string]any {
	out := map[string]any{}
	for key, v := range flat {
		parts := strings.Split(key, ".")
		m := out
		for _, p := range parts[:len(parts)-1] {
			sub, ok := m[p].(map[string]any)
			if !ok {
				sub = map[string]any{}
				m[p] = sub
			}
			m = sub
		}
		m[parts[len(parts)-1]] = v
	}
	return out
}

// flatten turns nested settings into dotted keys; null values stay nil (a reset).
func flattenSettings(prefix string, v any, out map[string]*string) {
	switch t := v.(type) {
	case map[string]any:
		for k, sub := range t {
			key := k
			if prefix != "" {
				key = prefix + "." + k
			}
			flattenSettings(key, sub, out)
		}
	case nil:
		out[prefix] = nil
	default:
		s := strings.TrimSpace(strings.Trim(jsonString(t), `"`))
		out[prefix] = &s
	}
}

func (n *Node) restGetSettings(w *response, req *request) {
	st, ok := n.stateFor(w, req)
	if !ok {
		return
	}
	if req.flag("flat_settings") {
		w.json(http.StatusOK, map[string]any{"persistent": st.Persistent, "transient": st.Transient})
		return
	}
	w.json(http.StatusOK, map[string]any{"persistent": nest(st.Persistent), "transient": nest(st.Transient)})
}

// restPutSettings is PUT _cluster/settings; it answers with the settings it changed.
func (n *Node) restPutSettings(w *response, req *request) {
	var body struct {
		Persistent map[string]any `json:"persistent"`
		Transient  map[string]any `json:"transient"`
	}
	if err := req.body(&body); err != nil {
		w.error(err)
		return
	}
	if body.Persistent == nil && body.Transient == nil {
		w.error(errType(400, "action_request_validation_exception", "Validation Failed: 1: no settings to update;"))
		return
	}
	up := settingsRequest{Persistent: map[string]*string{}, Transient: map[string]*string{}}
	flattenSettings("", body.Persistent, up.Persistent)
	flattenSettings("", body.Transient, up.Transient)
	delete(up.Persistent, "")
	delete(up.Transient, "")
	if err := n.toMaster(req.Context(), "cluster_settings", up, nil); err != nil {
		w.error(err)
		return
	}
	w.json(http.StatusOK, map[string]any{"acknowledged": true, "persistent": nestPtr(up.Persistent), "transient": nestPtr(up.Transient)})
}

func nestPtr(m map[string]*string) map[string]any {
	flat := map[string]string{}
	for k, v := range m {
		if v != nil {
			flat[k] = *v
		}
	}
	return nest(flat)
}

// restPostExclusions is POST _cluster/voting_config_exclusions?node_names=…|node_ids=…: it
// returns once the excluded nodes are out of the voting configuration, or fails with an
// ElasticsearchTimeoutException after timeout (TransportAddVotingConfigExclusionsAction).
func (n *Node) restPostExclusions(w *response, req *request) {
	names, ids := splitList(req.query("node_names")), splitList(req.query("node_ids"))
	if len(names) > 0 == (len(ids) > 0) {
		w.error(errType(400, "illegal_argument_exception", "Please set node identifiers correctly. One and only one of [node_name], [node_names] and [node_ids] has to be set"))
		return
	}
	timeout, err := req.duration("timeout", 30*time.Second)
	if err != nil {
		w.error(err)
		return
	}
	if err := n.toMaster(req.Context(), "exclusions", exclusionsRequest{NodeNames: names, NodeIDs: ids}, nil); err != nil {
		w.error(err)
		return
	}
	ctx, cancel := ctxFor(req, timeout)
	defer cancel()
	for {
		st, _, changed := n.snapshot()
		if st.Coordination.ExclusionsApplied() {
			w.json(http.StatusOK, map[string]any{})
			return
		}
		select {
		case <-ctx.Done():
			w.error(n.timeoutError("timed out waiting for voting config exclusions %v to take effect", append(names, ids...)))
			return
		case <-changed:
		}
	}
}

// restDeleteExclusions is DELETE _cluster/voting_config_exclusions: by default it waits until
// the excluded nodes have left the cluster (wait_for_removal=true).
func (n *Node) restDeleteExclusions(w *response, req *request) {
	timeout, err := req.duration("timeout", 30*time.Second)
	if err != nil {
		w.error(err)
		return
	}
	if req.query("wait_for_removal") != "false" {
		ctx, cancel := ctxFor(req, timeout)
		defer cancel()
		for {
			st, _, changed := n.snapshot()
			if !slices.ContainsFunc(st.Coordination.Exclusions, func(e coordExclusion) bool { _, in := st.Nodes[e.ID]; return in }) {
				break
			}
			select {
			case <-ctx.Done():
				w.error(n.timeoutError("timed out waiting for removal of nodes; if nodes should not be removed, set waitForRemoval to false"))
				return
			case <-changed:
			}
		}
	}
	if err := n.toMaster(req.Context(), "exclusions", exclusionsRequest{Clear: true}, nil); err != nil {
		w.error(err)
		return
	}
	w.json(http.StatusOK, map[string]any{})
}

// timeoutError is an ElasticsearchTimeoutException as the REST layer answers it: type
// timeout_exception (ElasticsearchException.getExceptionName drops the "Elasticsearch"
// prefix), status 500 (ElasticsearchException's default) up to 8.x, 429 from 9.0, where the
// class moved to org.elasticsearch.exception and answers TOO_MANY_REQUESTS. Never 408.
func (n *Node) timeoutError(format string, args ...any) error {
	status := http.StatusInternalServerError
	if n.version.Major() >= 9 {
		status = http.StatusTooManyRequests
	}
	return errType(status, "timeout_exception", format, args...)
}

// attributesOf is a node's attributes as the cluster state lists them: an object, empty when
// the node has none.
func attributesOf(m Member) map[string]string {
	if m.Attributes == nil {
		return map[string]string{}
	}
	return m.Attributes
}
