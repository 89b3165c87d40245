package cluster

import (
	"strings"
	"testing"
	"time"
)

// zoned is a world of three data nodes in zones a (es-data-0, es-data-1) and b (es-data-2) with
// awareness on zone.
func zoned(t *testing.T) *world {
	w := newWorld(t, 3, "8.15.3")
	for id, zone := range map[string]string{"id-0": "a", "id-1": "a", "id-2": "b"} {
		w.Nodes[id].Attributes = map[string]string{"zone": zone}
	}
	w.Settings.Awareness = []string{"zone"}
	return w
}

// TestAwarenessSpreadsCopiesOverZones follows AwarenessAllocationDecider.underCapacity: two
// copies and two zones, at most one copy a zone, so every shard keeps a copy in zone b; moving
// that copy to the zone-a node without the shard is refused in Elasticsearch's words.
func TestAwarenessSpreadsCopiesOverZones(t *testing.T) {
	w := zoned(t)
	w.index(t, "logs", 3, 1, 10)
	w.settle(t, time.Minute)
	for sh := range 3 {
		zones := map[string]int{}
		for _, c := range w.copiesOf("logs", sh) {
			zones[w.attribute(c.Node, "zone")]++
		}
		if zones["a"] != 1 || zones["b"] != 1 {
			t.Errorf("shard %d: copies per zone %v, want one in each", sh, zones)
		}
	}
	want := "[awareness] there are [2] copies of this shard and [2] values for attribute [zone] ([a, b] from nodes in the cluster and no forced awareness) " +
		"so there may be at most [1] copies of this shard allocated to nodes with each value, but (including this copy) there would be [2] copies allocated to nodes with [node.attr.zone: a]"
	for sh := range 3 {
		var inB *Copy
		free := map[string]bool{"id-0": true, "id-1": true}
		for _, c := range w.copiesOf("logs", sh) {
			if c.Node == "id-2" {
				inB = c
			}
			delete(free, c.Node)
		}
		for id := range free {
			if ok, why := w.canAllocate(inB, w.Nodes[id]); ok || why != want {
				t.Errorf("shard %d's zone-b copy onto %s: %v %q, want %q", sh, id, ok, why, want)
			}
		}
	}
}

// TestAwarenessKeepsARemovedZonesCopies: the only node of zone b is removed; its copies cannot
// go to zone a, which holds the other copy of each, so they stay until it leaves, and the
// shutdown is COMPLETE as Elasticsearch reports it (hasShardCopyOnAnotherNode).
func TestAwarenessKeepsARemovedZonesCopies(t *testing.T) {
	w := zoned(t)
	w.index(t, "logs", 2, 1, 10)
	w.settle(t, time.Minute)
	w.PutShutdown(Shutdown{NodeID: "id-2", Type: ShutdownRemove, Started: w.now})
	w.settle(t, time.Minute)
	st, _ := w.Shutdown("id-2")
	if st.Status != "COMPLETE" || !strings.Contains(st.Explanation, "[2] shards cannot be moved away from this node but have at least one copy on another node") {
		t.Errorf("removing zone b's only node: %+v, want COMPLETE with its copies kept", st)
	}
	if n := w.copiesOn("id-2"); n != 2 {
		t.Errorf("zone b's node holds %d copies, want its 2 kept there", n)
	}
}

// TestForcedAwarenessAndAMissingAttribute: with zone b forced and no node in it, a zone-a node
// takes at most one copy of a shard, so replicas stay unassigned rather than double up; and a
// node without the attribute takes none.
func TestForcedAwarenessAndAMissingAttribute(t *testing.T) {
	w := zoned(t)
	w.Nodes["id-2"].Attributes = nil
	w.Settings.ForcedAwareness = map[string][]string{"zone": {"b", "a"}}
	w.index(t, "logs", 1, 1, 10)
	w.settle(t, time.Minute)
	if h, _ := w.Health(w.now); h != Yellow {
		t.Errorf("health %s with the replica's zone forced and empty, want yellow", h)
	}
	var replica *Copy
	for _, c := range w.copiesOf("logs", 0) {
		if !c.Primary {
			replica = c
		}
	}
	other := "id-0"
	if w.primaryOf("logs", 0).Node == "id-0" {
		other = "id-1"
	}
	_, why := w.canAllocate(replica, w.Nodes[other])
	if !strings.Contains(why, "([a] from nodes in the cluster and [a, b] from forced awareness) so there may be at most [1] copies") {
		t.Errorf("the replica onto the other zone-a node: %q", why)
	}
	_, why = w.canAllocate(replica, w.Nodes["id-2"])
	if want := "[awareness] node does not contain the awareness attribute [zone]; required attributes cluster setting [cluster.routing.allocation.awareness.attributes=zone]"; why != want {
		t.Errorf("the replica onto a node without the attribute: %q, want %q", why, want)
	}
}

// TestFiltersMatchNodeAttributes: a custom attribute in a filter matches the node's
// node.attr.* value, with wildcards.
func TestFiltersMatchNodeAttributes(t *testing.T) {
	w := zoned(t)
	w.Settings.Filters = map[string]NodeFilters{FilterRequire: {"zone": {"b*"}}}
	if ok, _ := w.clusterFilter(w.Nodes["id-2"]); !ok {
		t.Error("zone b refused by require zone:b*")
	}
	if ok, why := w.clusterFilter(w.Nodes["id-0"]); ok || why != `node does not match cluster setting [cluster.routing.allocation.require] filters [zone:"b*"]` {
		t.Errorf("zone a under require zone:b*: %v %q", ok, why)
	}
}
