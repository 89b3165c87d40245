package node

import (
	"fmt"
	"net"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/navigator-dbaas/navigator/test/sim/elasticsearch/cluster"
	"github.com/navigator-dbaas/navigator/test/sim/elasticsearch/config"
)

func (n *Node) catRoutes(r *router) {
	r.handle(http.MethodGet, "/_cat/nodes", n.restCatNodes)
	r.handle(http.MethodGet, "/_cat/shards", n.restCatShards)
	r.handle(http.MethodGet, "/_cat/shards/{target}", n.restCatShards)
	r.handle(http.MethodGet, "/_cat/indices", n.restCatIndices)
	r.handle(http.MethodGet, "/_cat/indices/{target}", n.restCatIndices)
	r.handle(http.MethodGet, "/_cat/health", n.restCatHealth)
	r.handle(http.MethodGet, "/_cat/master", n.restCatManager)
	r.handle(http.MethodGet, "/_cat/allocation", n.restCatAllocation)
	if n.cfg.Product.Name == config.OpenSearch.Name {
		r.handle(http.MethodGet, "/_cat/cluster_manager", n.restCatManager) // _cat/master's new name
	}
}

// table is a cat API answer: rows of named cells, printed as text columns or, with
// format=json or without format but an Accept header asking for JSON (application/json, or a
// vendor type such as application/vnd.elasticsearch+json: RestTable.buildResponse reads format,
// then Accept), as an array of objects with string values.
type table struct {
	columns  []string // every column, in Elasticsearch's order
	defaults []string // the columns printed without h=
	aliases  map[string]string
	rows     []map[string]string
}

func (t *table) write(w *response, req *request) {
	cols := t.defaults
	if h := req.query("h"); h != "" {
		cols = nil
		for _, c := range strings.Split(h, ",") {
			if a, ok := t.aliases[c]; ok {
				c = a
			}
			if slices.Contains(t.columns, c) {
				cols = append(cols, c)
			}
		}
	}
	format := req.query("format")
	if accept := req.Header.Get("Accept"); format == "" && (strings.Contains(accept, "application/json") || strings.Contains(accept, "+json")) {
		format = "json"
	}
	if format == "json" {
		out := make([]map[string]any, 0, len(t.rows))
		for _, row := range t.rows {
			obj := map[string]any{}
			for _, c := range cols {
				if v, ok := row[c]; ok {
					obj[c] = v
				} else {
					obj[c] = nil
				}
			}
			out = append(out, obj)
		}
		w.json(http.StatusOK, out)
		return
	}
	widths := make([]int, len(cols))
	verbose := req.flag("v")
	for i, c := range cols {
		if verbose {
			widths[i] = len(c)
		}
		for _, row := range t.rows {
			widths[i] = max(widths[i], len(row[c]))
		}
	}
	var b strings.Builder
	line := func(cell func(string) string) {
		var l strings.Builder
		for i, c := range cols {
			if i > 0 {
				l.WriteByte(' ')
			}
			fmt.Fprintf(&l, "%-*s", widths[i], cell(c))
		}
		b.WriteString(strings.TrimRight(l.String(), " "))
		b.WriteByte('\n')
	}
	if verbose {
		line(func(c string) string { return c })
	}
	for _, row := range t.rows {
		line(func(c string) string { return row[c] })
	}
	w.text(http.StatusOK, b.String())
}

// roleLetters abbreviates roles as _cat/nodes does.
func roleLetters(roles []string) string {
	letters := map[string]string{
		"data_cold": "c", "data": "d", "data_frozen": "f", "data_hot": "h", "ingest": "i", "ml": "l", "master": "m", "cluster_manager": "m",
		"remote_cluster_client": "r", "data_content": "s", "transform": "t", "voting_only": "v", "data_warm": "w",
	}
	var out []string
	for _, r := range roles {
		if l, ok := letters[r]; ok {
			out = append(out, l)
		}
	}
	if len(out) == 0 {
		return "-"
	}
	slices.Sort(out)
	return strings.Join(out, "")
}

// stateFor is the state an API that needs a master answers from; it writes the error when
// there is none.
func (n *Node) stateFor(w *response, req *request) (*ClusterState, bool) {
	ctx, cancel := ctxFor(req, n.opts.Timing.MasterTimeout)
	defer cancel()
	st, err := n.healthState(ctx, req)
	if err != nil {
		w.error(err)
		return nil, false
	}
	return st, true
}

// targetsFor is stateFor plus the indices named by the request's {target}.
func (n *Node) targetsFor(w *response, req *request) (*ClusterState, []string, bool) {
	st, ok := n.stateFor(w, req)
	if !ok {
		return nil, nil, false
	}
	targets, err := resolveIndices(st, req.param("target"))
	if err != nil {
		w.error(err)
		return nil, nil, false
	}
	return st, targets, true
}

// restCatNodes is GET _cat/nodes.
func (n *Node) restCatNodes(w *response, req *request) {
	st, ok := n.stateFor(w, req)
	if !ok {
		return
	}
	t := &table{
		columns:  []string{"id", "ip", "port", "http_address", "version", "heap.percent", "ram.percent", "cpu", "load_1m", "load_5m", "load_15m", "node.role", "master", "name"},
		defaults: []string{"ip", "heap.percent", "ram.percent", "cpu", "load_1m", "load_5m", "load_15m", "node.role", "master", "name"},
		aliases:  map[string]string{"nodeId": "id", "i": "ip", "v": "version", "r": "node.role", "role": "node.role", "m": "master", "n": "name", "hp": "heap.percent", "http": "http_address"},
	}
	for _, node := range st.sortedNodes() {
		host, port, _ := net.SplitHostPort(node.Transport)
		master := "-"
		if node.ID == st.MasterID {
			master = "*"
		}
		id := node.ID
		if !req.flag("full_id") {
			id = id[:4]
		}
		t.rows = append(t.rows, map[string]string{
			"id": id, "ip": host, "port": port, "http_address": node.HTTP, "version": node.Version,
			"heap.percent": "25", "ram.percent": "50", "cpu": "1", "load_1m": "0.10", "load_5m": "0.10", "load_15m": "0.10",
			"node.role": roleLetters(node.Roles), "master": master, "name": node.Name,
		})
	}
	t.write(w, req)
}

// restCatManager is GET _cat/master (RestMasterAction; _cat/cluster_manager, RestClusterManagerAction,
// in OpenSearch): the elected node.
func (n *Node) restCatManager(w *response, req *request) {
	st, ok := n.stateFor(w, req)
	if !ok {
		return
	}
	t := &table{columns: []string{"id", "host", "ip", "node"}, defaults: []string{"id", "host", "ip", "node"}, aliases: map[string]string{"h": "host", "n": "node"}}
	if m, ok := st.Nodes[st.MasterID]; ok {
		host, _, _ := net.SplitHostPort(m.Transport)
		t.rows = append(t.rows, map[string]string{"id": m.ID, "host": host, "ip": host, "node": m.Name})
	}
	t.write(w, req)
}

// restCatShards is GET _cat/shards[/<index>].
func (n *Node) restCatShards(w *response, req *request) {
	st, targets, ok := n.targetsFor(w, req)
	if !ok {
		return
	}
	t := &table{
		columns:  []string{"index", "shard", "prirep", "state", "docs", "store", "ip", "id", "node", "unassigned.reason"},
		defaults: []string{"index", "shard", "prirep", "state", "docs", "store", "ip", "node"},
		aliases:  map[string]string{"i": "index", "s": "shard", "p": "prirep", "pr": "prirep", "st": "state", "d": "docs", "sto": "store", "n": "node", "ur": "unassigned.reason"},
	}
	copies := slices.Clone(st.Allocation.Copies)
	slices.SortStableFunc(copies, func(a, b *cluster.Copy) int {
		if c := strings.Compare(a.Index, b.Index); c != 0 {
			return c
		}
		return a.Shard - b.Shard
	})
	for _, c := range copies {
		if !covers(targets, c.Index) {
			continue
		}
		row := map[string]string{"index": c.Index, "shard": itoa(c.Shard), "prirep": "r", "state": string(c.State)}
		if c.Primary {
			row["prirep"] = "p"
		}
		if node, ok := st.Nodes[c.Node]; ok {
			host, _, _ := net.SplitHostPort(node.Transport)
			docs := st.Allocation.Indices[c.Index].Docs[c.Shard]
			row["ip"], row["id"], row["node"] = host, node.ID, node.Name
			row["docs"], row["store"] = fmt.Sprint(docs), cluster.FormatBytes(docs*st.Allocation.Settings.DocBytes)
			if target, ok := st.Nodes[c.RelocatingTo]; ok {
				th, _, _ := net.SplitHostPort(target.Transport)
				row["node"] = fmt.Sprintf("%s -> %s %s %s", node.Name, th, target.ID, target.Name)
			}
		}
		if c.State == cluster.Unassigned {
			row["unassigned.reason"] = unassignedReason(c)
		}
		t.rows = append(t.rows, row)
	}
	t.write(w, req)
}

// restCatIndices is GET _cat/indices[/<index>].
func (n *Node) restCatIndices(w *response, req *request) {
	st, targets, ok := n.targetsFor(w, req)
	if !ok {
		return
	}
	t := &table{
		columns:  []string{"health", "status", "index", "uuid", "pri", "rep", "docs.count", "docs.deleted", "store.size", "pri.store.size"},
		defaults: []string{"health", "status", "index", "uuid", "pri", "rep", "docs.count", "docs.deleted", "store.size", "pri.store.size"},
		aliases:  map[string]string{"h": "health", "s": "status", "i": "index", "id": "uuid", "dc": "docs.count", "ss": "store.size"},
	}
	now := time.Now()
	for _, name := range targetsOrAll(st, targets) {
		meta := st.Indices[name]
		h, counts := st.Allocation.Health(now, name)
		docs := st.Allocation.Docs(name)
		bytes := docs * st.Allocation.Settings.DocBytes
		t.rows = append(t.rows, map[string]string{
			"health": string(h), "status": "open", "index": name, "uuid": meta.UUID, "pri": itoa(meta.Shards), "rep": itoa(meta.Replicas),
			"docs.count": fmt.Sprint(docs), "docs.deleted": "0",
			"store.size": cluster.FormatBytes(bytes * int64(max(counts.Active, 1)) / int64(max(counts.ActivePrimary, 1))), "pri.store.size": cluster.FormatBytes(bytes),
		})
	}
	t.write(w, req)
}

// restCatHealth is GET _cat/health.
func (n *Node) restCatHealth(w *response, req *request) {
	st, ok := n.stateFor(w, req)
	if !ok {
		return
	}
	now := time.Now()
	h, c := st.Allocation.Health(now)
	cols := []string{"epoch", "timestamp", "cluster", "status", "node.total", "node.data", "shards", "pri", "relo", "init", "unassign", "pending_tasks", "max_task_wait_time", "active_shards_percent"}
	t := &table{columns: cols, defaults: cols, rows: []map[string]string{{
		"epoch": fmt.Sprint(now.Unix()), "timestamp": now.UTC().Format("15:04:05"), "cluster": st.ClusterName, "status": string(h),
		"node.total": itoa(len(st.Nodes)), "node.data": itoa(st.dataNodes()), "shards": itoa(c.Active), "pri": itoa(c.ActivePrimary),
		"relo": itoa(c.Relocating), "init": itoa(c.Initializing), "unassign": itoa(c.Unassigned), "pending_tasks": "0",
		"max_task_wait_time": "-", "active_shards_percent": fmt.Sprintf("%.1f%%", activePercent(c)),
	}}}
	t.write(w, req)
}
