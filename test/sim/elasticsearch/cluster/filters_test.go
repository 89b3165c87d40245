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
