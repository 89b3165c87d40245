package ring

import (
	"errors"
	"fmt"
	"testing"
	"time"
)

// TestDecommissionKeepsEveryRow: rows written at QUORUM are all readable at QUORUM, with their
// values, after a node has decommissioned; while it streams it shows UL and its ranges' new
// owners receive writes.
func TestDecommissionKeepsEveryRow(t *testing.T) {
	w := newWorld(t, 17)
	nodes := w.start(5, 3)
	w.keyspace("app", NTS("dc1", 3), nodes[0].HostID)
	const rows = 3000
	for i := range rows {
		if err := w.Write(w.now, nodes[i%5].HostID, "app", "rows", key(i), fmt.Sprintf("value-%d", i), Quorum); err != nil {
			t.Fatal(err)
		}
	}
	leaving := nodes[2]
	if err := w.Decommission(w.now, leaving.HostID, false); err != nil {
		t.Fatal(err)
	}
	if leaving.StatusCode() != "UL" || leaving.Mode != ModeLeaving {
		t.Fatalf("a decommissioning node shows %s, mode %s", leaving.StatusCode(), leaving.Mode)
	}
	if s := w.Streams(leaving.HostID); len(s) == 0 || s[0].Receiving || s[0].Description != "Unbootstrap" {
		t.Fatalf("the leaving node sends no Unbootstrap stream: %+v", s)
	}
	took := w.settle(time.Hour)
	if took < time.Second {
		t.Errorf("decommission of a node holding data took %s", took)
	}
	if w.Node(leaving.HostID).Mode != ModeDecommissioned || w.NodeAt(leaving.Address) != nil || len(w.Members()) != 4 {
		t.Fatalf("after decommission: mode %s, %d members", w.Node(leaving.HostID).Mode, len(w.Members()))
	}
	for i := range rows {
		cell, found, err := w.Read(w.now, nodes[(i+1)%5].HostID, "app", "rows", key(i), Quorum)
		if i%5 == 1 { // that coordinator left
			cell, found, err = w.Read(w.now, nodes[0].HostID, "app", "rows", key(i), Quorum)
		}
		if err != nil || !found || cell.Value != fmt.Sprintf("value-%d", i) {
			t.Fatalf("key %d after decommission: %q found=%v err=%v", i, cell.Value, found, err)
		}
		// Every remaining replica holds the row: the leaving node handed each range over.
		reps, _ := w.Replicas("app", key(i))
		for _, r := range reps {
			if !r.HasDataFor("app", "rows", key(i)) {
				t.Fatalf("key %d: replica %s has no copy", i, r.Address)
			}
		}
	}
}

// TestDecommissionRefusedWhileAKeyspaceNeedsTheNode: decommission checks every keyspace that does
// not use LocalStrategy, system ones included, and refuses when the replication factor is not
// below the number of nodes (in the node's datacenter for NetworkTopologyStrategy); --force skips
// the check.
func TestDecommissionRefusedWhileAKeyspaceNeedsTheNode(t *testing.T) {
	w := newWorld(t, 19)
	nodes := w.start(3, 3)
	w.keyspace("app", NTS("dc1", 3), nodes[0].HostID)
	err := w.Decommission(w.now, nodes[2].HostID, false)
	var oe *OperationError
	// The message of a real 4.x node, system_distributed being SimpleStrategy RF 3 by default:
	// "Not enough live nodes to maintain replication factor in keyspace system_distributed (RF = 3, N = 2)."
	want := "Not enough live nodes to maintain replication factor in keyspace system_distributed (RF = 3, N = 3). Perform a forceful decommission to ignore."
	if !errors.As(err, &oe) || oe.Message != want {
		t.Fatalf("decommission of one of three nodes: %v", err)
	}
	for _, ks := range []string{"system_distributed", "system_traces", "system_auth"} {
		if err := w.AlterKeyspace(w.now, nodes[0].HostID, ks, NTS("dc1", 2)); err != nil {
			t.Fatal(err)
		}
	}
	err = w.Decommission(w.now, nodes[2].HostID, false)
	if want := "Not enough live nodes to maintain replication factor in keyspace app (RF = 3, N = 3). Perform a forceful decommission to ignore."; err == nil || err.Error() != want {
		t.Fatalf("with app at RF 3 in dc1: %v", err)
	}
	if nodes[2].State != Normal {
		t.Fatal("a refused decommission changed the node's state")
	}
	if err := w.Decommission(w.now, nodes[2].HostID, true); err != nil {
		t.Fatalf("a forced decommission: %v", err)
	}
	w.settle(time.Hour)
	if len(w.Members()) != 2 {
		t.Fatalf("members after a forced decommission: %d", len(w.Members()))
	}
}

// TestDecommissionPreconditions: only a normal node leaves, and not while ranges move to it.
func TestDecommissionPreconditions(t *testing.T) {
	w := newWorld(t, 23)
	nodes := w.start(6, 3)
	w.keyspace("app", NTS("dc1", 2), nodes[0].HostID)
	w.fill(nodes[0].HostID, "app", 300, 1<<10, All)
	n, err := w.Join(w.now, w.spec(7, "dc1", "rack1"), JoinOptions{Bootstrap: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Decommission(w.now, n.HostID, false); err == nil || err.Error() != "Node in JOINING state; wait for status to become normal or restart" {
		t.Fatalf("decommission of a joining node: %v", err)
	}
	w.settle(time.Hour)
	if err := w.Decommission(w.now, nodes[0].HostID, false); err != nil {
		t.Fatal(err)
	}
	// Some node gains nodes[0]'s ranges: it may not leave while they move to it.
	refused := 0
	for _, other := range nodes[1:] {
		if w.hasPendingRanges(w.keyspaces["app"], other) {
			if err := w.Decommission(w.now, other.HostID, false); err == nil || err.Error() != "data is currently moving to this node; unable to leave the ring" {
				t.Fatalf("decommission of a node receiving data: %v", err)
			}
			refused++
		}
	}
	if refused == 0 {
		t.Fatal("no node receives the leaving node's ranges")
	}
}

// TestDecommissionFailsWhenAReceiverGoesDown: the stream breaks and the decommission fails. On
// 4.x the node stays in the ring, leaving (UL) with all its data, and blocks bootstraps; another
// decommission goes ahead without StorageService.decommission's checks (the node is LEAVING
// already) and streams again.
func TestDecommissionFailsWhenAReceiverGoesDown(t *testing.T) {
	w := newWorld(t, 101)
	nodes := w.start(5, 3)
	w.keyspace("app", NTS("dc1", 3), nodes[0].HostID)
	w.fill(nodes[0].HostID, "app", 2000, 4<<10, All)
	leaving := nodes[4]
	before := leaving.Load()
	if err := w.Decommission(w.now, leaving.HostID, false); err != nil {
		t.Fatal(err)
	}
	receiver := w.Streams(leaving.HostID)[0].Peer
	w.step(time.Second)
	if err := w.Stop(w.now, receiver.HostID); err != nil {
		t.Fatal(err)
	}
	w.step(time.Second)
	if leaving.StatusCode() != "UL" || leaving.Mode != ModeLeaving || !leaving.DecommissionFailed() ||
		leaving.LastError != "Error while decommissioning node: Stream failed" || leaving.Exceptions != 1 {
		t.Fatalf("after a failed decommission: %s %s failed=%v %q", leaving.StatusCode(), leaving.Mode, leaving.DecommissionFailed(), leaving.LastError)
	}
	if leaving.Load() != before || w.NodeAt(leaving.Address) == nil || len(w.Streams(leaving.HostID)) != 0 {
		t.Fatal("a failed decommission lost the node or its data, or still streams")
	}
	var se *StartupError
	if _, err := w.Join(w.now, w.spec(99, "dc1", "rack1"), JoinOptions{Bootstrap: true}); !errors.As(err, &se) {
		t.Fatalf("a node stuck leaving still counts as a range movement: %v", err)
	}
	if err := w.Start(w.now, receiver.HostID); err != nil {
		t.Fatal(err)
	}
	if err := w.Decommission(w.now, leaving.HostID, false); err != nil {
		t.Fatalf("decommission again while leaving: %v", err)
	}
	if len(w.Streams(leaving.HostID)) == 0 {
		t.Fatal("the second decommission streams nothing")
	}
	w.settle(time.Hour)
	if w.NodeAt(leaving.Address) != nil {
		t.Fatal("the second decommission did not complete")
	}
	w.readAll(nodes[0].HostID, "app", 2000, Quorum)
}

// TestDecommissionFailureOn50CanBeRetried: 5.0 reports DECOMMISSION_FAILED and takes another
// decommission without a restart.
func TestDecommissionFailureOn50CanBeRetried(t *testing.T) {
	w := newWorld(t, 103)
	w.release = "5.0.2"
	nodes := w.start(4, 2)
	w.keyspace("app", NTS("dc1", 2), nodes[0].HostID)
	w.fill(nodes[0].HostID, "app", 1000, 4<<10, All)
	leaving := nodes[3]
	if err := w.Decommission(w.now, leaving.HostID, false); err != nil {
		t.Fatal(err)
	}
	receiver := w.Streams(leaving.HostID)[0].Peer
	if err := w.Stop(w.now, receiver.HostID); err != nil {
		t.Fatal(err)
	}
	w.step(time.Second)
	if leaving.Mode != ModeDecommissionFailed || !leaving.DecommissionFailed() {
		t.Fatalf("mode %s, failed %v", leaving.Mode, leaving.DecommissionFailed())
	}
	if err := w.Start(w.now, receiver.HostID); err != nil {
		t.Fatal(err)
	}
	if err := w.Decommission(w.now, leaving.HostID, false); err != nil {
		t.Fatalf("5.0 retries a failed decommission: %v", err)
	}
	if leaving.Mode != ModeLeaving || leaving.DecommissionFailed() {
		t.Fatalf("retrying: mode %s, failed %v", leaving.Mode, leaving.DecommissionFailed())
	}
	w.settle(time.Hour)
	if w.NodeAt(leaving.Address) != nil {
		t.Fatal("the retried decommission did not complete")
	}
	w.readAll(nodes[0].HostID, "app", 1000, Quorum)
}
