package ring

import (
	"errors"
	"slices"
	"testing"
)

// viewOf rebuilds, as a node process would from gossip, the view of a model cluster's members.
func viewOf(w *world, local string) *Cluster {
	var peers []Peer
	for _, n := range w.Members() {
		peers = append(peers, Peer{HostID: n.HostID, Address: n.Address, StoragePort: n.StoragePort, DC: n.DC, Rack: n.Rack,
			Tokens: n.Tokens, Release: n.Release, State: n.State, Up: n.Up, Local: n.HostID == local,
			GossipActive: true, NativeTransportActive: true})
	}
	var defs []KeyspaceDef
	for _, ks := range w.Keyspaces() {
		if !ks.System {
			defs = append(defs, KeyspaceDef{Name: ks.Name, Replication: ks.Replication, Tables: ks.Tables})
		}
	}
	return View(w.Name, w.Settings, 7, peers, defs, Rows{}, nil)
}

// TestViewsPlaceAndRefuseAsTheModel: a view rebuilt from gossip places replicas as the model does,
// sees a joining node as a pending replica, and refuses a second bootstrap with the model's error.
func TestViewsPlaceAndRefuseAsTheModel(t *testing.T) {
	w := newWorld(t, 3)
	nodes := w.start(4, 3)
	w.keyspace("shop", NTS("dc1", 3), nodes[0].HostID)
	key := TextKey("k1")
	v := viewOf(w, nodes[0].HostID)
	want, _ := w.Replicas("shop", key)
	got, _ := v.Replicas("shop", key)
	if len(got) != 3 || !slices.EqualFunc(got, want, func(a, b *Node) bool { return a.HostID == b.HostID }) {
		t.Fatalf("view replicas %v, model %v", got, want)
	}
	_, err := w.Join(w.now, w.spec(5, "dc1", "rack1"), JoinOptions{Bootstrap: true})
	if err != nil {
		t.Fatal(err)
	}
	v = viewOf(w, nodes[0].HostID)
	natural, pending, _ := v.WriteReplicas("shop", key)
	_, modelPending, _ := w.WriteReplicas("shop", key)
	if len(natural) != 3 || len(pending) != len(modelPending) {
		t.Errorf("view: %d natural, %d pending; model %d pending", len(natural), len(pending), len(modelPending))
	}
	_, err = v.Join(w.now, w.spec(6, "dc1", "rack2"), JoinOptions{Bootstrap: true})
	var se *StartupError
	if !errors.As(err, &se) || se.Message != "Other bootstrapping/leaving/moving nodes detected, cannot bootstrap while cassandra.consistent.rangemovement is true" {
		t.Errorf("second bootstrap on the view: %v", err)
	}
}

// TestTransfersOfADecommissionOnAView: the plan of a decommission made on a view sends every
// range the node replicates to the nodes that gain it.
func TestTransfersOfADecommissionOnAView(t *testing.T) {
	w := newWorld(t, 4)
	nodes := w.start(4, 3)
	w.keyspace("shop", NTS("dc1", 3), nodes[0].HostID)
	v := viewOf(w, nodes[3].HostID)
	if err := v.Decommission(w.now, nodes[3].HostID, false); err != nil {
		t.Fatal(err)
	}
	transfers := v.Transfers(nodes[3].HostID)
	if len(transfers) == 0 {
		t.Fatal("no transfers")
	}
	for _, tr := range transfers {
		if tr.From.HostID != nodes[3].HostID || tr.To.HostID == nodes[3].HostID || tr.Description != "Unbootstrap" {
			t.Errorf("transfer %+v", tr)
		}
	}
}
