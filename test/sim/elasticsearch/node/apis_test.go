package node

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	catHealth "github.com/elastic/go-elasticsearch/v8/typedapi/cat/health"
	catIndices "github.com/elastic/go-elasticsearch/v8/typedapi/cat/indices"
	catShards "github.com/elastic/go-elasticsearch/v8/typedapi/cat/shards"
	"github.com/elastic/go-elasticsearch/v8/typedapi/cluster/getsettings"
	"github.com/elastic/go-elasticsearch/v8/typedapi/cluster/putsettings"
	"github.com/elastic/go-elasticsearch/v8/typedapi/core/search"
	indexdelete "github.com/elastic/go-elasticsearch/v8/typedapi/indices/delete"
	indexget "github.com/elastic/go-elasticsearch/v8/typedapi/indices/get"
	indexput "github.com/elastic/go-elasticsearch/v8/typedapi/indices/putsettings"
	"github.com/elastic/go-elasticsearch/v8/typedapi/indices/refresh"
	"github.com/elastic/go-elasticsearch/v8/typedapi/shutdown/deletenode"
	"github.com/elastic/go-elasticsearch/v8/typedapi/shutdown/putnode"
	"github.com/elastic/go-elasticsearch/v8/typedapi/types"
)

// TestReadAndSettingsAPIs decodes the remaining read APIs with the typed API, drains a node
// with allocation filtering, and checks errors in Elasticsearch's format.
func TestReadAndSettingsAPIs(t *testing.T) {
	c := newSimCluster(t, "es-0", "es-1", "es-2")
	c.startAll()
	c.waitHealth("es-0", "green", 3)
	c.do("es-0", http.MethodPut, "/logs", `{"settings":{"number_of_shards":3,"number_of_replicas":1}}`)
	c.writeDocs("es-0", "logs", 0, 30)
	c.waitHealth("es-0", "green", 3)

	code, raw := c.do("es-0", http.MethodPut, "/_cluster/settings", `{"persistent":{"cluster.routing.allocation.exclude._name":"es-2"}}`)
	put := putsettings.NewResponse()
	decodeTyped(t, raw, put)
	if code != 200 || !put.Acknowledged {
		t.Fatalf("put settings: %d %s", code, raw)
	}
	_, raw = c.do("es-1", http.MethodGet, "/_cluster/settings?flat_settings=true", nil)
	got := getsettings.NewResponse()
	decodeTyped(t, raw, got)
	if string(got.Persistent["cluster.routing.allocation.exclude._name"]) != `"es-2"` {
		t.Fatalf("get settings: %s", raw)
	}
	eventually(t, 20*time.Second, "es-2 drained by allocation filtering", func() bool {
		_, raw := c.do("es-0", http.MethodGet, "/_cat/shards?format=json", nil)
		var shards catShards.Response
		decodeTyped(t, raw, &shards)
		for _, s := range shards {
			if s.Node != nil && strings.Contains(*s.Node, "es-2") {
				return false
			}
		}
		return len(shards) == 6
	})
	c.waitHealth("es-0", "green", 3)

	_, raw = c.do("es-1", http.MethodGet, "/_cat/indices?format=json", nil)
	var indices catIndices.Response
	decodeTyped(t, raw, &indices)
	if len(indices) != 1 || *indices[0].Index != "logs" || *indices[0].DocsCount != "30" || *indices[0].Health != "green" {
		t.Fatalf("_cat/indices: %s", raw)
	}
	_, raw = c.do("es-1", http.MethodGet, "/_cat/health?format=json", nil)
	var health catHealth.Response
	decodeTyped(t, raw, &health)
	if len(health) != 1 || *health[0].Status != "green" {
		t.Fatalf("_cat/health: %s", raw)
	}
	if _, text := c.do("es-1", http.MethodGet, "/_cat/nodes?v&h=name,master", nil); !strings.HasPrefix(string(text), "name master\n") {
		t.Fatalf("_cat/nodes text: %q", text)
	}

	_, raw = c.do("es-2", http.MethodPost, "/logs/_refresh", nil)
	ref := refresh.NewResponse()
	decodeTyped(t, raw, ref)
	_, raw = c.do("es-2", http.MethodPost, "/logs/_search", `{"size":100,"query":{"match_all":{}}}`)
	res := search.NewResponse()
	decodeTyped(t, raw, res)
	if res.Hits.Total.Value != 30 || len(res.Hits.Hits) != 30 {
		t.Fatalf("search: %s", raw)
	}
	_, raw = c.do("es-2", http.MethodGet, "/logs/_search?from=25&size=100", nil) // the URL's paging
	res = search.NewResponse()
	decodeTyped(t, raw, res)
	if res.Hits.Total.Value != 30 || len(res.Hits.Hits) != 5 {
		t.Fatalf("search from 25 by URL: %s", raw)
	}

	_, raw = c.do("es-0", http.MethodPut, "/logs/_settings", `{"index":{"number_of_replicas":2}}`)
	decodeTyped(t, raw, indexput.NewResponse())
	c.waitHealth("es-0", "yellow", 3) // es-2 is still excluded: the third copies have nowhere to go
	_, raw = c.do("es-0", http.MethodGet, "/logs", nil)
	idx := indexget.NewResponse()
	decodeTyped(t, raw, &idx)
	if s := idx["logs"].Settings; s == nil || s.Index == nil || s.Index.NumberOfReplicas == nil {
		t.Fatalf("GET /logs: %s", raw)
	}
	id := c.node("es-1").Info().ID
	_, raw = c.do("es-0", http.MethodPut, "/_nodes/"+id+"/shutdown", `{"type":"restart","reason":"r","allocation_delay":"5m"}`)
	decodeTyped(t, raw, putnode.NewResponse())
	_, raw = c.do("es-0", http.MethodDelete, "/_nodes/"+id+"/shutdown", nil)
	decodeTyped(t, raw, deletenode.NewResponse())
	c.do("es-0", http.MethodPut, "/other", nil)
	_, raw = c.do("es-0", http.MethodDelete, "/other", nil)
	decodeTyped(t, raw, indexdelete.NewResponse())

	for _, tc := range []struct {
		method, path, body string
		status             int
		typ                string
	}{
		{http.MethodGet, "/missing/_count", "", 404, "index_not_found_exception"},
		{http.MethodPut, "/Bad", "", 400, "invalid_index_name_exception"},
		{http.MethodPut, "/logs", "", 400, "resource_already_exists_exception"},
		{http.MethodPut, "/_cluster/settings", `{"persistent":{"no.such.setting":1}}`, 400, "illegal_argument_exception"},
		{http.MethodPut, "/_cluster/settings", `{"transient":{"cluster.routing.allocation.enable":"sometimes"}}`, 400, "illegal_argument_exception"},
		{http.MethodGet, "/_cluster/health?wait_for_status=green&wait_for_nodes=4&timeout=100ms", "", 408, ""},
		{http.MethodGet, "/_nope", "", 400, "illegal_argument_exception"},
	} {
		code, raw := c.do("es-0", tc.method, tc.path, tc.body)
		if code != tc.status {
			t.Errorf("%s %s: HTTP %d, want %d: %s", tc.method, tc.path, code, tc.status, raw)
			continue
		}
		if tc.typ == "" {
			continue
		}
		e := types.NewElasticsearchError()
		decodeTyped(t, raw, e)
		if e.ErrorCause.Type != tc.typ || e.Status != tc.status || len(e.ErrorCause.RootCause) != 1 {
			t.Errorf("%s %s: %s", tc.method, tc.path, raw)
		}
	}
}

// TestMixedVersionJoinRules: a newer node joins an older cluster (a rolling upgrade, 8.19 to
// 9.1), an older node may not join a cluster whose nodes are all newer, and a 9.1 node may not
// join an 8.18 cluster at all: its minimum wire-compatible version is 8.19.0
// (NodeJoinExecutor.ensureNodesCompatibility, Version.minimumCompatibilityVersion).
func TestMixedVersionJoinRules(t *testing.T) {
	c := newSimCluster(t, "es-0", "es-1", "es-2")
	c.version = "8.19.7"
	c.start("es-0")
	c.start("es-1")
	c.waitHealth("es-0", "green", 2)
	c.version = "9.1.5"
	c.start("es-2")
	c.waitHealth("es-0", "green", 3)
	_, raw := c.do("es-0", http.MethodGet, "/_cat/nodes?format=json&h=name,version", nil)
	if !strings.Contains(string(raw), `"version":"9.1.5"`) || !strings.Contains(string(raw), `"version":"8.19.7"`) {
		t.Fatalf("a mixed-version cluster: %s", raw)
	}
	// Upgrade the two older nodes; then an 8.x node may no longer join.
	for _, name := range []string{"es-0", "es-1"} {
		c.stop(name)
		c.start(name)
		eventually(t, 10*time.Second, name+" rejoins upgraded", func() bool {
			code, raw := c.do("es-2", http.MethodGet, "/_cat/nodes?h=name,version&v", nil)
			return code == 200 && strings.Contains(string(raw), name+" 9.1.5")
		})
	}
	c.stop("es-1")
	c.wipe("es-1")
	c.version = "8.19.7"
	c.start("es-1")
	eventually(t, 10*time.Second, "the old node's join is refused", func() bool {
		c.mu.Lock()
		defer c.mu.Unlock()
		return strings.Contains(c.logs["es-1"].String(), "may not join a cluster comprising only nodes of version [9.1.5] or greater")
	})

	// 8.18 straight to 9.1: the first upgraded node cannot join.
	old := newSimCluster(t, "old-0", "old-1", "old-2")
	old.version = "8.18.8"
	old.start("old-0")
	old.start("old-1")
	old.waitHealth("old-0", "green", 2)
	old.version = "9.1.5"
	old.start("old-2")
	eventually(t, 10*time.Second, "the 9.1 node's join is refused", func() bool {
		old.mu.Lock()
		defer old.mu.Unlock()
		return strings.Contains(old.logs["old-2"].String(), "node version [9.1.5] is not supported. The cluster contains nodes with version [8.18.8], which is incompatible.")
	})
}

// TestAwarenessFromElasticsearchYml: node.attr.zone and the awareness setting written in each
// node's elasticsearch.yml (as a pool's config writes them) take effect without any cluster
// setting: the attributes show in _nodes, and each shard keeps one copy in each zone.
func TestAwarenessFromElasticsearchYml(t *testing.T) {
	c := newSimCluster(t, "es-0", "es-1", "es-2")
	for name, zone := range map[string]string{"es-0": "a", "es-1": "a", "es-2": "b"} {
		c.extra[name] = "node.attr.zone: " + zone + "\ncluster.routing.allocation.awareness.attributes: zone\n"
	}
	c.startAll()
	c.waitHealth("es-0", "green", 3)
	c.do("es-0", http.MethodPut, "/logs", `{"settings":{"number_of_shards":3,"number_of_replicas":1}}`)
	c.waitHealth("es-0", "green", 3)

	var info struct {
		Nodes map[string]struct {
			Name       string            `json:"name"`
			Attributes map[string]string `json:"attributes"`
		} `json:"nodes"`
	}
	_, raw := c.do("es-0", http.MethodGet, "/_nodes", nil)
	if err := json.Unmarshal(raw, &info); err != nil {
		t.Fatal(err)
	}
	zoneOf := map[string]string{}
	for _, n := range info.Nodes {
		zoneOf[n.Name] = n.Attributes["zone"]
	}
	if zoneOf["es-0"] != "a" || zoneOf["es-2"] != "b" {
		t.Fatalf("zones in _nodes: %v", zoneOf)
	}
	var rows []struct{ Shard, Node string }
	_, raw = c.do("es-0", http.MethodGet, "/_cat/shards/logs?format=json&h=shard,node", nil)
	if err := json.Unmarshal(raw, &rows); err != nil {
		t.Fatal(err)
	}
	perShard := map[string]map[string]int{}
	for _, r := range rows {
		if perShard[r.Shard] == nil {
			perShard[r.Shard] = map[string]int{}
		}
		perShard[r.Shard][zoneOf[r.Node]]++
	}
	for shard, zones := range perShard {
		if zones["a"] != 1 || zones["b"] != 1 {
			t.Errorf("shard %s: copies per zone %v, want one in each", shard, zones)
		}
	}
}

// TestIndexSettingsAtCreation: the dynamic index settings the simulator applies are taken when
// an index is created too (an exclude filter keeps its copies off the node from the start), a
// value the setting refuses fails the creation, and GET <index>/_settings prints them nested.
func TestIndexSettingsAtCreation(t *testing.T) {
	c := newSimCluster(t, "es-0", "es-1", "es-2")
	c.startAll()
	c.waitHealth("es-0", "green", 3)
	code, raw := c.do("es-0", http.MethodPut, "/bad", `{"settings":{"index":{"unassigned.node_left.delayed_timeout":"soon"}}}`)
	if code != http.StatusBadRequest || !strings.Contains(string(raw), "index.unassigned.node_left.delayed_timeout") {
		t.Errorf("creating with a delayed_timeout of soon: %d %s, want 400 naming the setting", code, raw)
	}
	if code, _ := c.do("es-0", http.MethodGet, "/bad", nil); code != http.StatusNotFound {
		t.Errorf("the refused index exists: GET answers %d", code)
	}
	code, raw = c.do("es-0", http.MethodPut, "/kept", `{"settings":{"number_of_shards":3,"number_of_replicas":0,"index.routing.allocation.exclude._name":"es-1"}}`)
	if code != http.StatusOK {
		t.Fatalf("create kept: %d %s", code, raw)
	}
	c.waitHealth("es-0", "green", 3)
	_, raw = c.do("es-0", http.MethodGet, "/_cat/shards/kept?h=node", nil)
	if strings.Contains(string(raw), "es-1") || strings.Count(string(raw), "es-") != 3 {
		t.Errorf("copies of kept on:\n%s\nwant three, none on es-1", raw)
	}
	_, raw = c.do("es-0", http.MethodGet, "/kept/_settings", nil)
	if !strings.Contains(string(raw), `"routing":{"allocation":{"exclude":{"_name":"es-1"}}}`) {
		t.Errorf("kept's settings do not print the filter nested: %s", raw)
	}
}
