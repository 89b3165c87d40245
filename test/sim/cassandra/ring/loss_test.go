package ring

import (
	"errors"
	"fmt"
	"testing"
	"time"
)

// TestUnsafeLossTakesTheRowsOnlyOneNodeHeld: with one replica per row, a node that disappears
// with its disk takes its rows. While it is down, reads of its keys fail Unavailable at every
// level; once it is removed from the ring they succeed and find nothing: the rows are gone.
func TestUnsafeLossTakesTheRowsOnlyOneNodeHeld(t *testing.T) {
	w := newWorld(t, 29)
	nodes := w.start(3, 3)
	w.keyspace("app", NTS("dc1", 1), nodes[0].HostID)
	const rows = 600
	w.fill(nodes[0].HostID, "app", rows, 100, One)
	lost := nodes[1]
	var onLost []int
	for i := range rows {
		reps, _ := w.Replicas("app", key(i))
		if reps[0] == lost {
			onLost = append(onLost, i)
		}
	}
	if len(onLost) == 0 || len(onLost) == rows {
		t.Fatalf("%d of %d keys on the lost node", len(onLost), rows)
	}
	load := lost.Load()
	if err := w.LoseDisk(w.now, lost.HostID); err != nil {
		t.Fatal(err)
	}
	if lost.StatusCode() != "DN" || lost.Load() != load {
		t.Fatalf("a node that lost its disk shows %s with load %d (was %d): gossip keeps the last load", lost.StatusCode(), lost.Load(), load)
	}
	for _, i := range onLost {
		for _, cl := range []Consistency{All, Quorum, One} {
			_, _, err := w.Read(w.now, nodes[0].HostID, "app", "rows", key(i), cl)
			unavailable(t, err, cl, 1, 0)
		}
	}
	if err := w.RemoveNode(w.now, nodes[0].HostID, lost.HostID); err != nil {
		t.Fatal(err)
	}
	if lost.StatusCode() != "DL" {
		t.Fatalf("a node being removed shows %s, want DL", lost.StatusCode())
	}
	w.settle(time.Hour)
	gone := 0
	for i := range rows {
		_, found, err := w.Read(w.now, nodes[0].HostID, "app", "rows", key(i), Quorum)
		if err != nil {
			t.Fatalf("key %d after removenode: %v", i, err)
		}
		if !found {
			gone++
		}
	}
	if gone != len(onLost) {
		t.Errorf("%d rows gone, want the %d the lost node alone held", gone, len(onLost))
	}
}

// TestUnsafeLossOfTheLastReplicaWithRF3: rows written at ONE while two of their three replicas
// were down live on one node; when that node's disk is lost they are gone, although the keyspace
// has three replicas. While it is down, ALL cannot be served; QUORUM can, and finds nothing.
func TestUnsafeLossOfTheLastReplicaWithRF3(t *testing.T) {
	w := newWorld(t, 31)
	nodes := w.start(3, 3)
	w.keyspace("app", NTS("dc1", 3), nodes[0].HostID)
	for _, n := range nodes[1:] {
		if err := w.Stop(w.now, n.HostID); err != nil {
			t.Fatal(err)
		}
	}
	w.fill(nodes[0].HostID, "app", 50, 100, One)
	if _, _, err := w.Read(w.now, nodes[0].HostID, "app", "rows", key(0), Quorum); err == nil {
		t.Fatal("QUORUM with two of three replicas down should be unavailable")
	}
	for _, n := range nodes[1:] {
		if err := w.Start(w.now, n.HostID); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.LoseDisk(w.now, nodes[0].HostID); err != nil {
		t.Fatal(err)
	}
	for i := range 50 {
		_, _, err := w.Read(w.now, nodes[1].HostID, "app", "rows", key(i), All)
		unavailable(t, err, All, 3, 2)
		if _, found, err := w.Read(w.now, nodes[1].HostID, "app", "rows", key(i), Quorum); err != nil || found {
			t.Fatalf("key %d at QUORUM: found=%v err=%v; the only copy is gone", i, found, err)
		}
	}
}

// TestReplaceKeepsEveryRow: a node whose disk is lost is replaced by a new node with
// replace_address_first_boot; it takes the dead node's tokens, streams its ranges from the
// surviving replicas, and every row is readable at ALL afterwards.
func TestReplaceKeepsEveryRow(t *testing.T) {
	w := newWorld(t, 37)
	nodes := w.start(4, 2)
	w.keyspace("app", NTS("dc1", 3), nodes[0].HostID)
	const rows = 2000
	for i := range rows {
		if err := w.Write(w.now, nodes[0].HostID, "app", "rows", key(i), fmt.Sprintf("v%d", i), Quorum); err != nil {
			t.Fatal(err)
		}
	}
	dead := nodes[3]
	if err := w.LoseDisk(w.now, dead.HostID); err != nil {
		t.Fatal(err)
	}
	spec := w.spec(9, "dc1", dead.Rack)
	n, err := w.Join(w.now, spec, JoinOptions{ReplaceAddress: dead.Address})
	if err != nil {
		t.Fatal(err)
	}
	if n.HostID == dead.HostID || n.StatusCode() != "UJ" || dead.StatusCode() != "DN" || len(n.Tokens) != len(dead.Tokens) {
		t.Fatalf("during the replacement: new %s %s, dead %s", n.HostID, n.StatusCode(), dead.StatusCode())
	}
	w.settle(time.Hour)
	if w.NodeAt(dead.Address) != nil || n.StatusCode() != "UN" {
		t.Fatalf("after the replacement: dead still a member %v, new node %s", w.NodeAt(dead.Address) != nil, n.StatusCode())
	}
	streamed := 0
	for i := range rows {
		reps, _ := w.Replicas("app", key(i))
		if containsNode(reps, n) {
			if n.data["app.rows"][string(key(i))].Value != fmt.Sprintf("v%d", i) {
				t.Fatalf("key %d: the replacement did not receive it", i)
			}
			streamed++
		}
	}
	if streamed == 0 {
		t.Fatal("the replacement replicates none of the keys")
	}
	for i := range rows {
		cell, found, err := w.Read(w.now, n.HostID, "app", "rows", key(i), All)
		if err != nil || !found || cell.Value != fmt.Sprintf("v%d", i) {
			t.Fatalf("key %d at ALL after the replacement: %q %v %v", i, cell.Value, found, err)
		}
	}

}

func TestReplaceErrors(t *testing.T) {
	w := newWorld(t, 41)
	nodes := w.start(3, 3)
	_, err := w.Join(w.now, w.spec(8, "dc1", "rack1"), JoinOptions{ReplaceAddress: nodes[0].Address})
	var se *StartupError
	if !errors.As(err, &se) || se.Message != "Cannot replace a live node... " || se.Class != "java.lang.UnsupportedOperationException" {
		t.Fatalf("replace a live node: %v", err)
	}
	_, err = w.Join(w.now, w.spec(8, "dc1", "rack1"), JoinOptions{ReplaceAddress: "10.0.0.77"})
	if err == nil || err.Error() != "Cannot replace_address /10.0.0.77:7000 because it doesn't exist in gossip" {
		t.Fatalf("replace an unknown address: %v", err)
	}
	// At the same address the replacement keeps the dead node's host ID.
	if err := w.LoseDisk(w.now, nodes[2].HostID); err != nil {
		t.Fatal(err)
	}
	n, err := w.Join(w.now, w.spec(3, "dc1", "rack3"), JoinOptions{ReplaceAddress: nodes[2].Address})
	if err != nil {
		t.Fatal(err)
	}
	if n.HostID != nodes[2].HostID {
		t.Errorf("a replacement at the same address has host ID %s, want %s", n.HostID, nodes[2].HostID)
	}
	if got := w.NodeAt(nodes[2].Address).StatusCode(); got != "DN" {
		t.Errorf("during a same-address replacement the address shows %s, want DN (hibernating)", got)
	}
	w.settle(time.Hour)
	if got := w.NodeAt(nodes[2].Address); got != n || got.StatusCode() != "UN" {
		t.Errorf("after a same-address replacement: %+v", got)
	}
}

// TestRemoveNodeRestoresReplicaCount: removing a dead node streams each of its ranges from a
// surviving replica to the node that gains it, so that every row has all its replicas again.
func TestRemoveNodeRestoresReplicaCount(t *testing.T) {
	w := newWorld(t, 43)
	nodes := w.start(5, 3)
	w.keyspace("app", NTS("dc1", 3), nodes[0].HostID)
	w.fill(nodes[0].HostID, "app", 1500, 200, All)
	dead := nodes[4]
	if err := w.LoseDisk(w.now, dead.HostID); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		coordinator, target, want string
	}{
		{nodes[0].HostID, "no-such-id", "Host ID not found."},
		{nodes[0].HostID, nodes[0].HostID, "Cannot remove self"},
		{nodes[0].HostID, nodes[1].HostID, "Node /10.0.0.2:7000 is alive and owns this ID. Use decommission command to remove it from the ring"},
	} {
		if err := w.RemoveNode(w.now, tc.coordinator, tc.target); err == nil || err.Error() != tc.want {
			t.Errorf("removenode %s: %v, want %q", tc.target, err, tc.want)
		}
	}
	if err := w.RemoveNode(w.now, nodes[0].HostID, dead.HostID); err != nil {
		t.Fatal(err)
	}
	if s := w.Streams(nodes[0].HostID); len(s) > 0 && s[0].Description != "Restore replica count" {
		t.Fatalf("removenode streams: %+v", s)
	}
	w.settle(time.Hour)
	for i := range 1500 {
		reps, _ := w.Replicas("app", key(i))
		for _, r := range reps {
			if r == dead || !r.HasDataFor("app", "rows", key(i)) {
				t.Fatalf("key %d: replica %s without a copy after removenode", i, r.Address)
			}
		}
	}
}
