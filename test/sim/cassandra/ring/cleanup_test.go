package ring

import (
	"testing"
	"time"
)

// TestCleanupDropsWhatANodeNoLongerOwns: after a node joins, the old nodes keep the rows of the
// ranges they gave up, and their load shows it, until nodetool cleanup drops them. Every row
// stays readable.
func TestCleanupDropsWhatANodeNoLongerOwns(t *testing.T) {
	w := newWorld(t, 67)
	nodes := w.start(3, 3)
	w.keyspace("app", NTS("dc1", 1), nodes[0].HostID)
	const rows = 1200
	w.fill(nodes[0].HostID, "app", rows, 1<<10, One)
	before := map[string]int64{}
	for _, n := range nodes {
		before[n.HostID] = n.Load()
	}
	n, err := w.Join(w.now, w.spec(4, "dc1", "rack1"), JoinOptions{Bootstrap: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Cleanup(w.now, n.HostID); err == nil || err.Error() != "Node is involved in cluster membership changes. Not safe to run cleanup." {
		t.Fatalf("cleanup on a joining node: %v", err)
	}
	w.settle(time.Hour)
	unowned := func(node *Node) int {
		count := 0
		for i := range rows {
			reps, _ := w.Replicas("app", key(i))
			if node.HasDataFor("app", "rows", key(i)) && !containsNode(reps, node) {
				count++
			}
		}
		return count
	}
	shrunk := 0
	for _, old := range nodes {
		stale := unowned(old)
		if old.Load() != before[old.HostID] {
			t.Errorf("%s: load changed from %d to %d before cleanup", old.Address, before[old.HostID], old.Load())
		}
		if err := w.Cleanup(w.now, old.HostID); err != nil {
			t.Fatal(err)
		}
		if unowned(old) != 0 {
			t.Errorf("%s still holds rows it does not own after cleanup", old.Address)
		}
		if stale > 0 {
			shrunk++
			if old.Load() >= before[old.HostID] {
				t.Errorf("%s dropped %d rows but its load did not shrink", old.Address, stale)
			}
		}
	}
	if shrunk == 0 {
		t.Fatal("no old node gave a range to the new one")
	}
	for i := range rows {
		if _, found, err := w.Read(w.now, nodes[0].HostID, "app", "rows", key(i), One); err != nil || !found {
			t.Fatalf("key %d after cleanup: %v %v", i, found, err)
		}
	}
}

// TestCleanupRefusedWhileRangesMoveToTheNode is CASSANDRA-16418: cleanup during a decommission
// would drop rows streaming in; 4.0.8 and 4.1.1 refuse it.
func TestCleanupRefusedWhileRangesMoveToTheNode(t *testing.T) {
	w := newWorld(t, 71)
	nodes := w.start(4, 2)
	w.keyspace("app", NTS("dc1", 1), nodes[0].HostID)
	w.fill(nodes[0].HostID, "app", 400, 1<<10, One)
	if err := w.Decommission(w.now, nodes[3].HostID, true); err != nil {
		t.Fatal(err)
	}
	refused := 0
	for _, n := range nodes[:3] {
		err := w.Cleanup(w.now, n.HostID)
		if w.hasPendingRanges(w.keyspaces["app"], n) {
			if err == nil || err.Error() != "Node is involved in cluster membership changes. Not safe to run cleanup." {
				t.Errorf("%s gains ranges; cleanup: %v", n.Address, err)
			}
			refused++
		}
	}
	if refused == 0 {
		t.Fatal("no node gains the leaving node's ranges")
	}
}
