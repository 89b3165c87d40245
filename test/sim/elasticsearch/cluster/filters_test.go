package cluster

import (
	"strings"
	"testing"
	"time"
)

// TestFiltersFollowDiscoveryNodeFilters: require combines attributes with AND, include and
// exclude with OR, names match with wildcards (DiscoveryNodeFilters.match), and the first
// group that refuses a node explains itself as FilterAllocationDecider.shouldClusterFilter
// does, filters printed as DiscoveryNodeFilters.toString.
func TestFiltersFollowDiscoveryNodeFilters(t *testing.T) {
	n := &Node{ID: "id-1", Name: "es-data-1", Host: "10.0.0.2"}
	for _, tc := range []struct {
		name    string
		filters map[string]NodeFilters
		ok      bool
		why     string
	}{
		{name: "none", ok: true},
		{name: "exclude by name", filters: map[string]NodeFilters{FilterExclude: {"_name": {"es-data-1"}}},
			why: `node matches cluster setting [cluster.routing.allocation.exclude] filters [_name:"es-data-1"]`},
		{name: "exclude by wildcard among others", filters: map[string]NodeFilters{FilterExclude: {"_name": {"es-master-*", "es-data-*"}}},
			why: `node matches cluster setting [cluster.routing.allocation.exclude] filters [_name:"es-master-* OR es-data-*"]`},
		{name: "exclude another", filters: map[string]NodeFilters{FilterExclude: {"_name": {"es-data-2"}, "_ip": {"10.0.0.3"}}}, ok: true},
		{name: "include others only", filters: map[string]NodeFilters{FilterInclude: {"_id": {"id-0", "id-2"}}},
			why: `node does not match cluster setting [cluster.routing.allocation.include] filters [_id:"id-0 OR id-2"]`},
		{name: "include by address", filters: map[string]NodeFilters{FilterInclude: {"_ip": {"10.0.0.*"}}}, ok: true},
		{name: "require every attribute", filters: map[string]NodeFilters{FilterRequire: {"_name": {"es-data-1"}, "_ip": {"10.0.0.9"}}},
			why: `node does not match cluster setting [cluster.routing.allocation.require] filters [_ip:"10.0.0.9",_name:"es-data-1"]`},
		{name: "require a custom attribute the node lacks", filters: map[string]NodeFilters{FilterRequire: {"zone": {"a"}}},
			why: `node does not match cluster setting [cluster.routing.allocation.require] filters [zone:"a"]`},
		{name: "require first", filters: map[string]NodeFilters{FilterRequire: {"_id": {"id-0"}}, FilterExclude: {"_id": {"id-1"}}},
			why: `node does not match cluster setting [cluster.routing.allocation.require] filters [_id:"id-0"]`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := New()
			if tc.filters != nil {
				s.Settings.Filters = tc.filters
			}
			ok, why := s.clusterFilter(n)
			if ok != (tc.why == "") || ok != tc.ok || why != tc.why {
				t.Errorf("got %v %q, want %v %q", ok, why, tc.ok, tc.why)
			}
		})
	}
}

// TestARemovalStalledByAFilterSaysSo: a node being removed whose copies an include filter keeps
// off every other node stalls, and the shutdown status names the filter.
func TestARemovalStalledByAFilterSaysSo(t *testing.T) {
	w := newWorld(t, 3, "8.15.3")
	w.index(t, "logs", 1, 0, 10)
	w.settle(t, time.Minute)
	holder := w.Copies[0].Node
	w.Settings.Filters = map[string]NodeFilters{FilterInclude: {"_id": {holder}}}
	w.PutShutdown(Shutdown{NodeID: holder, Type: ShutdownRemove, Started: w.now})
	w.settle(t, time.Minute)
	st, _ := w.Shutdown(holder)
	if st.Status != "STALLED" || st.Move == nil {
		t.Fatalf("removal of the only node an include filter allows: %+v, want STALLED", st)
	}
	var all []string
	for _, d := range st.Move.NodeDecisions {
		for _, r := range d.Deciders {
			all = append(all, r.Decider+": "+r.Explanation)
		}
	}
	want := `filter: node does not match cluster setting [cluster.routing.allocation.include] filters [_id:"` + holder + `"]`
	if !strings.Contains(strings.Join(all, "\n"), want) {
		t.Errorf("the other nodes' decisions %q do not name the filter (%s)", all, want)
	}
}

// TestShardsLimitStallsARemoval follows ShardsLimitAllocationDecider: with
// cluster.routing.allocation.total_shards_per_node, a node at the cap takes no new copy, so a
// removal whose copies have no other copy stalls with the decider's explanation; raising the cap
// lets them move.
func TestShardsLimitStallsARemoval(t *testing.T) {
	w := newWorld(t, 2, "8.15.3")
	w.Settings.TotalShardsPerNode = 2
	w.index(t, "solo", 4, 0, 10)
	w.settle(t, time.Minute)
	if a, b := w.owningCopies("id-0"), w.owningCopies("id-1"); a != 2 || b != 2 {
		t.Fatalf("copies per node under a cap of 2: %d and %d", a, b)
	}
	w.PutShutdown(Shutdown{NodeID: "id-0", Type: ShutdownRemove, Started: w.now})
	w.settle(t, time.Minute)
	st, _ := w.Shutdown("id-0")
	if st.Status != "STALLED" || st.Move == nil {
		t.Fatalf("removal onto a node at its cap: %+v, want STALLED", st)
	}
	want := "shards_limit: too many shards [2] allocated to this node, cluster setting [cluster.routing.allocation.total_shards_per_node=2]"
	var got []string
	for _, d := range st.Move.NodeDecisions {
		for _, r := range d.Deciders {
			got = append(got, r.Decider+": "+r.Explanation)
		}
	}
	if !strings.Contains(strings.Join(got, "\n"), want) {
		t.Errorf("the other node's decisions %q do not name the limit", got)
	}

	w.Settings.TotalShardsPerNode = 4
	w.settle(t, time.Minute)
	w.settle(t, time.Minute)
	if st, _ := w.Shutdown("id-0"); st.Status != "COMPLETE" {
		t.Errorf("removal once the cap allows it: %+v, want COMPLETE", st)
	}
}

// TestIndexFiltersDrainOneIndex follows FilterAllocationDecider.shouldIndexFilter: an index's
// own exclude filter moves its copies off the node and keeps them off, the other indices'
// copies stay, and a refused allocation names the index setting, after the cluster's filters.
func TestIndexFiltersDrainOneIndex(t *testing.T) {
	w := newWorld(t, 3, "8.15.3")
	w.index(t, "logs", 3, 0, 10)
	w.index(t, "metrics", 3, 0, 10)
	w.settle(t, time.Minute)
	if err := w.SetIndexSettings("logs", IndexSettings{Filters: map[string]NodeFilters{FilterExclude: {"_id": {"id-0"}}}}); err != nil {
		t.Fatal(err)
	}
	w.settle(t, time.Minute)
	w.settle(t, time.Minute)
	if n := w.owningCopiesOf("id-0", "logs"); n != 0 {
		t.Errorf("id-0 still holds %d copies of logs, which exclude it", n)
	}
	if n := w.owningCopiesOf("id-0", "metrics"); n == 0 {
		t.Error("id-0 gave up the copies of metrics too: the filter is logs' alone")
	}
	logs := &Copy{Index: "logs"}
	if ok, why := filter(w.State, logs, w.Nodes["id-0"]); ok || why != `node matches index setting [index.routing.allocation.exclude] filters [_id:"id-0"]` {
		t.Errorf("filter for logs on id-0: %v %q", ok, why)
	}
	w.Settings.Filters = map[string]NodeFilters{FilterExclude: {"_id": {"id-0"}}}
	if ok, why := filter(w.State, logs, w.Nodes["id-0"]); ok || !strings.HasPrefix(why, "node matches cluster setting") {
		t.Errorf("with a cluster filter too, the cluster's explains first: %v %q", ok, why)
	}
}

// TestIndexShardsLimit follows ShardsLimitAllocationDecider: index.routing.allocation.
// total_shards_per_node caps the copies of that index on one node, and a copy it leaves with
// nowhere to go stays unassigned, explained.
func TestIndexShardsLimit(t *testing.T) {
	w := newWorld(t, 2, "8.15.3")
	if err := w.CreateIndex("capped", 3, 0); err != nil {
		t.Fatal(err)
	}
	if err := w.SetIndexSettings("capped", IndexSettings{TotalShardsPerNode: 1}); err != nil {
		t.Fatal(err)
	}
	w.settle(t, time.Minute)
	if a, b := w.owningCopiesOf("id-0", "capped"), w.owningCopiesOf("id-1", "capped"); a != 1 || b != 1 {
		t.Errorf("copies of capped per node under an index cap of 1: %d and %d", a, b)
	}
	var unassigned *Copy
	for _, c := range w.Copies {
		if c.State == Unassigned {
			unassigned = c
		}
	}
	if unassigned == nil {
		t.Fatal("three primaries on two nodes capped at one each: one must stay unassigned")
	}
	ok, why := shardsLimit(w.State, unassigned, w.Nodes["id-0"])
	if ok || why != "too many shards [1] allocated to this node for index [capped], index setting [index.routing.allocation.total_shards_per_node=1]" {
		t.Errorf("shards_limit for the third copy: %v %q", ok, why)
	}
}

// TestIndexDelayedTimeout: a replica whose node left waits for it as long as its own index's
// index.unassigned.node_left.delayed_timeout says, and the default minute without one
// (UnassignedInfo.remainingDelay).
func TestIndexDelayedTimeout(t *testing.T) {
	w := newWorld(t, 2, "8.15.3")
	w.index(t, "quick", 1, 1, 10)
	w.index(t, "patient", 1, 1, 10)
	ten := 10 * time.Second
	if err := w.SetIndexSettings("quick", IndexSettings{DelayedTimeout: &ten}); err != nil {
		t.Fatal(err)
	}
	for index, want := range map[string]bool{"quick": false, "patient": true} {
		c := &Copy{Index: index, State: Unassigned, LastNode: "id-1", UnassignedSince: w.now}
		if got := w.delayed(c, w.now.Add(20*time.Second)); got != want {
			t.Errorf("a replica of %s 20 s after its node left: delayed %v, want %v", index, got, want)
		}
	}
}
