package node

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestDiskWatermarksStallARemoval: the master collects each data node's real disk usage (the
// nodes stats' fs section, InternalClusterInfoService), so byte watermarks above what the disk
// has free put every node above them: a removal then stalls, its node_allocation_decision naming
// the disk_threshold decider in Elasticsearch's words, and completes once the watermarks are
// reset. Watermarks that disagree are refused with DiskThresholdSettings' message, changing
// nothing.
func TestDiskWatermarksStallARemoval(t *testing.T) {
	c := newSimCluster(t, "es-0", "es-1", "es-2")
	c.startAll()
	c.waitHealth("es-0", "green", 3)
	c.do("es-0", http.MethodPut, "/solo", `{"settings":{"number_of_shards":3,"number_of_replicas":0}}`)
	c.writeDocs("es-0", "solo", 0, 30)
	c.waitHealth("es-0", "green", 3)

	code, raw := c.do("es-0", http.MethodPut, "/_cluster/settings",
		`{"persistent":{"cluster.routing.allocation.disk.watermark.low":"90%","cluster.routing.allocation.disk.watermark.high":"85%"}}`)
	if code != 400 || !strings.Contains(string(raw), "low disk watermark [90%] more than high disk watermark [85%]") {
		t.Fatalf("watermarks out of order: %d %s", code, raw)
	}
	code, raw = c.do("es-0", http.MethodPut, "/_cluster/settings",
		`{"persistent":{"cluster.routing.allocation.disk.watermark.low":"1pb"}}`)
	if code != 400 || !strings.Contains(string(raw), "unable to consistently parse") {
		t.Fatalf("a byte low watermark beside relative ones: %d %s", code, raw)
	}
	if _, raw := c.do("es-0", http.MethodGet, "/_cluster/settings?flat_settings=true", nil); strings.Contains(string(raw), "watermark") {
		t.Fatalf("a refused watermark was kept: %s", raw)
	}

	// The master has collected every node's disk usage once _cat/allocation shows it.
	eventually(t, 5*time.Second, "every node's disk usage known", func() bool {
		var rows []map[string]*string
		_, raw := c.do("es-0", http.MethodGet, "/_cat/allocation?format=json", nil)
		if json.Unmarshal(raw, &rows) != nil || len(rows) != 3 {
			return false
		}
		for _, r := range rows {
			if r["disk.total"] == nil || r["disk.percent"] == nil {
				return false
			}
		}
		return true
	})
	c.do("es-0", http.MethodPut, "/_cluster/settings", `{"persistent":{"cluster.routing.allocation.disk.watermark.low":"1pb",`+
		`"cluster.routing.allocation.disk.watermark.high":"1b","cluster.routing.allocation.disk.watermark.flood_stage":"1b"}}`)
	// The node that holds the first shard leaves.
	var rows []struct {
		Node string `json:"node"`
	}
	_, raw = c.do("es-0", http.MethodGet, "/_cat/shards/solo?format=json&h=node", nil)
	if err := json.Unmarshal(raw, &rows); err != nil || len(rows) == 0 {
		t.Fatalf("_cat/shards: %s", raw)
	}
	id := c.node(rows[0].Node).Info().ID
	c.do("es-0", http.MethodPut, "/_nodes/"+id+"/shutdown", `{"type":"remove","reason":"scale in"}`)
	eventually(t, 10*time.Second, "shutdown STALLED", func() bool {
		return c.shutdownStatus("es-0", id).Nodes[0].Status.Name == "stalled"
	})
	_, raw = c.do("es-0", http.MethodGet, "/_nodes/"+id+"/shutdown", nil)
	for _, want := range []string{`"decider":"disk_threshold"`,
		`the node is above the low watermark cluster setting [cluster.routing.allocation.disk.watermark.low=1pb], having less than the minimum required [1pb] free space, actual free: [`} {
		if !strings.Contains(string(raw), want) {
			t.Errorf("the stalled shutdown lacks %s: %s", want, raw)
		}
	}
	c.do("es-0", http.MethodPut, "/_cluster/settings", `{"persistent":{"cluster.routing.allocation.disk.watermark.low":null,`+
		`"cluster.routing.allocation.disk.watermark.high":null,"cluster.routing.allocation.disk.watermark.flood_stage":null}}`)
	eventually(t, 10*time.Second, "shutdown COMPLETE", func() bool {
		return c.shutdownStatus("es-0", id).Nodes[0].Status.Name == "complete"
	})
	if n := c.readAll("es-0", "solo", 30); n != 30 {
		t.Errorf("%d of 30 documents read back", n)
	}
}
