package node

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/elastic/go-elasticsearch/v8/typedapi/cat/nodes"
	"github.com/elastic/go-elasticsearch/v8/typedapi/cluster/health"
	"github.com/elastic/go-elasticsearch/v8/typedapi/core/bulk"
	"github.com/elastic/go-elasticsearch/v8/typedapi/core/count"
	"github.com/elastic/go-elasticsearch/v8/typedapi/core/get"
	"github.com/elastic/go-elasticsearch/v8/typedapi/core/info"
	"github.com/elastic/go-elasticsearch/v8/typedapi/indices/create"
	nodesinfo "github.com/elastic/go-elasticsearch/v8/typedapi/nodes/info"
	"github.com/elastic/go-elasticsearch/v8/typedapi/nodes/stats"
)

// waitHealth asks a node for _cluster/health?wait_for_status and decodes it.
func (c *simCluster) waitHealth(name, status string, nodes int) *health.Response {
	c.t.Helper()
	code, raw := c.do(name, http.MethodGet, fmt.Sprintf("/_cluster/health?wait_for_status=%s&wait_for_nodes=%d&timeout=20s", status, nodes), nil)
	h := health.NewResponse()
	decodeTyped(c.t, raw, h)
	if code != http.StatusOK || h.TimedOut {
		c.t.Fatalf("cluster not %s with %d nodes: HTTP %d %s", status, nodes, code, raw)
	}
	return h
}

// writeDocs indexes n documents through _bulk on a node.
func (c *simCluster) writeDocs(name, index string, from, n int) {
	c.t.Helper()
	var b strings.Builder
	for i := from; i < from+n; i++ {
		fmt.Fprintf(&b, "{\"index\":{\"_index\":%q,\"_id\":\"doc-%d\"}}\n{\"n\":%d}\n", index, i, i)
	}
	code, raw := c.do(name, http.MethodPost, "/_bulk", b.String())
	resp := bulk.NewResponse()
	decodeTyped(c.t, raw, resp)
	if code != http.StatusOK || resp.Errors {
		c.t.Fatalf("bulk: HTTP %d: %s", code, raw)
	}
	if len(resp.Items) != n {
		c.t.Fatalf("bulk answered %d items for %d documents", len(resp.Items), n)
	}
}

// readAll reads every document back by id and counts them; it returns how many were found.
func (c *simCluster) readAll(name, index string, n int) int {
	c.t.Helper()
	found := 0
	for i := range n {
		code, raw := c.do(name, http.MethodGet, fmt.Sprintf("/%s/_doc/doc-%d", index, i), nil)
		if code == http.StatusOK {
			g := get.NewResponse()
			decodeTyped(c.t, raw, g)
			if !g.Found || string(g.Source_) != fmt.Sprintf(`{"n":%d}`, i) {
				c.t.Fatalf("doc-%d: %s", i, raw)
			}
			found++
		}
	}
	return found
}

func (c *simCluster) count(name, index string) (int, *count.Response) {
	c.t.Helper()
	code, raw := c.do(name, http.MethodGet, "/"+index+"/_count", nil)
	if code != http.StatusOK {
		return code, nil
	}
	resp := count.NewResponse()
	decodeTyped(c.t, raw, resp)
	return code, resp
}

func TestClusterFormsAndServesDocuments(t *testing.T) {
	c := newSimCluster(t, "es-0", "es-1", "es-2")
	c.startAll()
	h := c.waitHealth("es-1", "green", 3)
	if h.NumberOfNodes != 3 || h.NumberOfDataNodes != 3 {
		t.Fatalf("health: %+v", h)
	}

	root := info.NewResponse()
	eventually(t, 5*time.Second, "es-0 knows its cluster's UUID", func() bool {
		code, raw := c.do("es-0", http.MethodGet, "/", nil)
		decodeTyped(t, raw, root)
		if code != 200 || root.Version.Int != "8.18.2" || root.ClusterName != "sim" {
			t.Fatalf("GET /: %s", raw)
		}
		return root.ClusterUuid != "_na_"
	})

	code, raw := c.do("es-2", http.MethodPut, "/docs", `{"settings":{"number_of_shards":3,"number_of_replicas":1}}`)
	created := create.NewResponse()
	decodeTyped(t, raw, created)
	if code != 200 || !created.Acknowledged {
		t.Fatalf("create index: %d %s", code, raw)
	}
	c.writeDocs("es-1", "docs", 0, 300)
	c.waitHealth("es-0", "green", 3)
	if _, raw := c.do("es-0", http.MethodPost, "/docs/_refresh", nil); !strings.Contains(string(raw), `"failed":0`) {
		t.Fatalf("refresh: %s", raw)
	}
	for _, name := range c.names {
		if code, resp := c.count(name, "docs"); code != 200 || resp.Count != 300 {
			t.Fatalf("count on %s: %d %+v", name, code, resp)
		}
	}
	if got := c.readAll("es-2", "docs", 300); got != 300 {
		t.Fatalf("read back %d of 300 documents", got)
	}

	_, raw = c.do("es-0", http.MethodGet, "/_cat/nodes?format=json&h=ip,name,node.role,master,version", nil)
	var catNodes nodes.Response
	decodeTyped(t, raw, &catNodes)
	masters := 0
	for _, n := range catNodes {
		if n.Master != nil && *n.Master == "*" {
			masters++
		}
		if n.NodeRole == nil || *n.NodeRole != "dm" {
			t.Fatalf("_cat/nodes role: %s", raw)
		}
	}
	if len(catNodes) != 3 || masters != 1 {
		t.Fatalf("_cat/nodes: %s", raw)
	}

	_, raw = c.do("es-0", http.MethodGet, "/_nodes", nil)
	ni := nodesinfo.NewResponse()
	decodeTyped(t, raw, ni)
	if len(ni.Nodes) != 3 {
		t.Fatalf("_nodes: %s", raw)
	}
	_, raw = c.do("es-0", http.MethodGet, "/_nodes/_local/stats", nil)
	ns := stats.NewResponse()
	decodeTyped(t, raw, ns)
	local := ns.Nodes[c.node("es-0").Info().ID]
	if len(ns.Nodes) != 1 || local.Indices == nil || local.Indices.Docs == nil || local.Indices.Docs.Count == 0 {
		t.Fatalf("_nodes/_local/stats: %s", raw)
	}
	_, raw = c.do("es-0", http.MethodGet, "/_nodes/_local/stats/indices", nil)
	only := stats.NewResponse()
	decodeTyped(t, raw, only)
	local = only.Nodes[c.node("es-0").Info().ID]
	if len(only.Nodes) != 1 || local.Jvm != nil || local.Fs != nil || len(local.Roles) != 2 || local.Indices == nil ||
		local.Indices.ShardStats == nil || local.Indices.ShardStats.TotalCount == 0 || local.Indices.Docs.Count == 0 {
		t.Fatalf("_nodes/_local/stats/indices: %s", raw)
	}
}

// TestNoMasterAnswersAsElasticsearch stops two of three master-eligible nodes: the last one
// has no quorum, so the APIs that need a master answer 503 master_not_discovered_exception,
// while GET / still answers.
func TestNoMasterAnswersAsElasticsearch(t *testing.T) {
	c := newSimCluster(t, "es-0", "es-1", "es-2")
	c.startAll()
	c.waitHealth("es-0", "green", 3)
	c.stop("es-1")
	c.stop("es-2")
	eventually(t, 10*time.Second, "es-0 loses its master", func() bool {
		st, r, _ := c.node("es-0").snapshot()
		return r == candidate || st.MasterID == ""
	})
	code, raw := c.do("es-0", http.MethodGet, "/_cluster/health?timeout=1s", nil)
	if code != http.StatusServiceUnavailable || !strings.Contains(string(raw), "master_not_discovered_exception") {
		t.Fatalf("health without master: %d %s", code, raw)
	}
	if code, _ := c.do("es-0", http.MethodGet, "/", nil); code != 200 {
		t.Fatalf("GET / without master: %d", code)
	}
	// Its local state names no master: the one it followed is gone.
	if code, raw := c.do("es-0", http.MethodGet, "/_cluster/state/master_node?local=true", nil); code != 200 ||
		strings.Contains(string(raw), "master_node") || !strings.Contains(string(raw), `"cluster_uuid"`) {
		t.Fatalf("local state without master: %d %s", code, raw)
	}
	c.start("es-1")
	c.waitHealth("es-0", "green", 2)
	if _, raw := c.do("es-0", http.MethodGet, "/_cluster/state/master_node?local=true", nil); !strings.Contains(string(raw), `"master_node":"`) {
		t.Fatalf("local state with a master again: %s", raw)
	}
}
