package cluster

import (
	"testing"
	"time"
)

// TestAwaitSyncHoldsRecoveryUntilTheTargetHasTheDocuments: with AwaitSync, a replica whose
// bytes are counted stays INITIALIZING until its node reports the documents, and a report
// about an earlier recovery does not count.
func TestAwaitSyncHoldsRecoveryUntilTheTargetHasTheDocuments(t *testing.T) {
	w := newWorld(t, 1, "8.18.0")
	w.Settings.AwaitSync = true
	w.index(t, "logs", 1, 1, 100)
	w.NodeJoined(node(1, "8.18.0"))
	w.Reroute(w.now)
	var replica *Copy
	for _, c := range w.copiesOf("logs", 0) {
		if !c.Primary {
			replica = c
		}
	}
	if replica.State != Initializing {
		t.Fatalf("replica %+v should be recovering", replica)
	}
	w.now = w.now.Add(time.Hour)
	w.Reroute(w.now)
	if replica.State != Initializing {
		t.Fatal("the recovery finished before the target held the documents")
	}
	w.MarkSynced("logs", 0, replica.Node, replica.Recovery-1)
	w.now = w.now.Add(time.Second)
	w.Reroute(w.now)
	if replica.State != Initializing {
		t.Fatal("a report about another recovery finished this one")
	}
	w.MarkSynced("logs", 0, replica.Node, replica.Recovery)
	w.now = w.now.Add(time.Second)
	w.Reroute(w.now)
	if replica.State != Started {
		t.Fatalf("replica %+v should have started", replica)
	}
}

// TestFailCopyNeverPromotesACopyThatMissedAWrite: a failed replica is unassigned and must
// recover again; when its primary's node then leaves, nothing is promoted and the shard is red.
func TestFailCopyNeverPromotesACopyThatMissedAWrite(t *testing.T) {
	w := newWorld(t, 2, "8.18.0")
	w.index(t, "logs", 1, 1, 10)
	var replica *Copy
	for _, c := range w.copiesOf("logs", 0) {
		if !c.Primary {
			replica = c
		}
	}
	primaryNode := w.primaryOf("logs", 0).Node
	w.Settings.Enable = EnableNone // keep the failed copy from recovering at once
	w.FailCopy("logs", 0, replica.Node, w.now)
	if replica.State != Unassigned {
		t.Fatalf("failed copy: %+v", replica)
	}
	w.NodeLeft(primaryNode, w.now, true)
	w.Reroute(w.now)
	if h, _ := w.Health(w.now); h != Red {
		t.Fatalf("health %s: a copy that missed a write was promoted", h)
	}
}

// TestSetReplicasAndDeleteIndex: replicas are added and removed (unassigned ones first), and
// a deleted index leaves no copy behind; health can be asked per index.
func TestSetReplicasAndDeleteIndex(t *testing.T) {
	w := newWorld(t, 3, "8.18.0")
	w.index(t, "a", 2, 0, 5)
	w.index(t, "b", 1, 1, 5)
	if err := w.SetReplicas("a", 2); err != nil {
		t.Fatal(err)
	}
	if n := len(w.copiesOf("a", 0)); n != 3 {
		t.Fatalf("%d copies of a[0], want 3", n)
	}
	w.settle(t, time.Hour)
	if h, _ := w.Health(w.now, "a"); h != Green {
		t.Fatalf("a: %s", h)
	}
	w.NodeLeft("id-2", w.now, true)
	w.Reroute(w.now)
	if err := w.SetReplicas("a", 1); err != nil {
		t.Fatal(err)
	}
	for sh := range 2 {
		for _, c := range w.copiesOf("a", sh) {
			if c.State == Unassigned {
				t.Fatalf("an unassigned replica of a[%d] should have been dropped first: %+v", sh, c)
			}
		}
	}
	if h, _ := w.Health(w.now, "a"); h != Green {
		t.Fatalf("a after dropping a replica: %s", h)
	}
	w.DeleteIndex("b")
	if len(w.copiesOf("b", 0)) != 0 || w.Indices["b"] != nil {
		t.Fatal("index b left copies behind")
	}
	if err := w.SetReplicas("b", 1); err == nil {
		t.Fatal("changing replicas of a missing index should fail")
	}
}
