package ring

import (
	"errors"
	"strings"
	"testing"
	"time"
)

// bootstrapTime joins a fourth node to three holding rows of size bytes and returns how long it
// took to become normal.
func bootstrapTime(t *testing.T, rows int) time.Duration {
	w := newWorld(t, 7)
	nodes := w.start(3, 3)
	w.keyspace("app", NTS("dc1", 3), nodes[0].HostID)
	w.fill(nodes[0].HostID, "app", rows, 4<<10, All)
	n, err := w.Join(w.now, w.spec(4, "dc1", "rack1"), JoinOptions{Bootstrap: true})
	if err != nil {
		t.Fatal(err)
	}
	if n.StatusCode() != "UJ" || n.Mode != ModeJoining {
		t.Fatalf("a bootstrapping node shows %s, mode %s", n.StatusCode(), n.Mode)
	}
	took := w.settle(time.Hour)
	if n.StatusCode() != "UN" {
		t.Fatalf("after bootstrap: %s", n.StatusCode())
	}
	return took
}

// TestBootstrapTakesTimeInProportionToData: twice the data, twice the time; and the time is what
// the stream rate gives for the bytes the joining node receives.
func TestBootstrapTakesTimeInProportionToData(t *testing.T) {
	small, large := bootstrapTime(t, 1000), bootstrapTime(t, 2000)
	if small < 2*time.Second {
		t.Fatalf("a bootstrap of ~4 MiB at 1 MiB/s took %s", small)
	}
	ratio := float64(large) / float64(small)
	if ratio < 1.7 || ratio > 2.3 {
		t.Errorf("bootstrap took %s with 1000 rows and %s with 2000: ratio %.2f, want about 2", small, large, ratio)
	}
}

// TestBootstrapStreamsTheRangesTheNodeGains: the new node ends up with exactly the rows it
// replicates, taken from the replica that gives each range up, and the writes made meanwhile.
func TestBootstrapStreamsTheRangesTheNodeGains(t *testing.T) {
	w := newWorld(t, 3)
	nodes := w.start(3, 3)
	w.keyspace("app", NTS("dc1", 3), nodes[0].HostID)
	w.fill(nodes[0].HostID, "app", 500, 1<<10, All)
	n, err := w.Join(w.now, w.spec(4, "dc1", "rack1"), JoinOptions{Bootstrap: true})
	if err != nil {
		t.Fatal(err)
	}
	streams := w.Streams(n.HostID)
	if len(streams) == 0 || !streams[0].Receiving || streams[0].Description != "Bootstrap" {
		t.Fatalf("the joining node receives no bootstrap stream: %+v", streams)
	}
	for _, s := range streams {
		if s.Peer.Rack != "rack1" {
			t.Errorf("with consistent range movement a rack1 node gives its ranges up, not %s (%s)", s.Peer.Address, s.Peer.Rack)
		}
	}
	// A write during the bootstrap reaches the joining node, a pending replica, at once.
	late := []byte("written-while-joining")
	if err := w.Write(w.now, nodes[1].HostID, "app", "rows", late, "v", Quorum); err != nil {
		t.Fatal(err)
	}
	replicasAfter := func(k []byte) bool {
		future := w.futureRing(w.ops[0])
		for _, r := range future.replicas(w.keyspaces["app"], TokenFor(k)) {
			if r == n {
				return true
			}
		}
		return false
	}
	if replicasAfter(late) && !n.HasDataFor("app", "rows", late) {
		t.Error("a write during the bootstrap did not reach the joining node it will belong to")
	}
	w.settle(time.Hour)
	held := 0
	for i := range 500 {
		reps, _ := w.Replicas("app", key(i))
		mine := false
		for _, r := range reps {
			mine = mine || r == n
		}
		if mine != n.HasDataFor("app", "rows", key(i)) {
			t.Fatalf("key %d: replica %v, stored %v", i, mine, n.HasDataFor("app", "rows", key(i)))
		}
		if mine {
			held++
		}
	}
	if held == 0 {
		t.Fatal("the new node replicates none of 500 keys")
	}
}

// TestOnlyOneNodeBootstrapsAtATime: with cassandra.consistent.rangemovement (the default) a node
// refuses to bootstrap while another joins or leaves; without it, both go ahead.
func TestOnlyOneNodeBootstrapsAtATime(t *testing.T) {
	const msg = "Other bootstrapping/leaving/moving nodes detected, cannot bootstrap while cassandra.consistent.rangemovement is true"
	w := newWorld(t, 5)
	nodes := w.start(4, 2)
	w.keyspace("app", NTS("dc1", 2), nodes[0].HostID)
	w.fill(nodes[0].HostID, "app", 500, 4<<10, Quorum)
	if _, err := w.Join(w.now, w.spec(5, "dc1", "rack1"), JoinOptions{Bootstrap: true}); err != nil {
		t.Fatal(err)
	}
	_, err := w.Join(w.now, w.spec(6, "dc1", "rack2"), JoinOptions{Bootstrap: true})
	var se *StartupError
	if !errors.As(err, &se) || se.Message != msg || se.Class != "java.lang.UnsupportedOperationException" {
		t.Fatalf("second bootstrap: %v", err)
	}
	if w.NodeAt(addr(6)) != nil {
		t.Fatal("the refused node joined anyway")
	}
	w.settle(time.Hour)
	// A leaving node blocks a bootstrap too.
	if err := w.Decommission(w.now, nodes[3].HostID, false); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Join(w.now, w.spec(6, "dc1", "rack2"), JoinOptions{Bootstrap: true}); err == nil || !strings.Contains(err.Error(), msg) {
		t.Fatalf("bootstrap during a decommission: %v", err)
	}
	w.settle(time.Hour)

	w.Settings.ConsistentRangeMovement = false
	if _, err := w.Join(w.now, w.spec(6, "dc1", "rack2"), JoinOptions{Bootstrap: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Join(w.now, w.spec(7, "dc1", "rack1"), JoinOptions{Bootstrap: true}); err != nil {
		t.Fatalf("with consistent range movement off, two nodes may join at once: %v", err)
	}
	w.settle(time.Hour)
	for i := range 500 {
		if _, found, err := w.Read(w.now, nodes[0].HostID, "app", "rows", key(i), Quorum); err != nil || !found {
			t.Fatalf("key %d after the joins: found %v, %v", i, found, err)
		}
	}
}

// TestBootstrapNeedsTheReplicaThatGivesTheRangeUp: with consistent range movement, a range whose
// losing replica is down cannot be streamed, and the node does not start.
func TestBootstrapNeedsTheReplicaThatGivesTheRangeUp(t *testing.T) {
	w := newWorld(t, 9)
	nodes := w.start(3, 3)
	w.keyspace("app", NTS("dc1", 3), nodes[0].HostID)
	if err := w.Stop(w.now, nodes[0].HostID); err != nil {
		t.Fatal(err)
	}
	_, err := w.Join(w.now, w.spec(4, "dc1", "rack1"), JoinOptions{Bootstrap: true})
	if err == nil || !strings.HasPrefix(err.Error(), "A node required to move the data consistently is down (/10.0.0.1:7000).") {
		t.Fatalf("bootstrap with the losing replica down: %v", err)
	}
}

// TestFailedBootstrapResumes: a bootstrap whose source goes down fails and stays joining; nodetool
// bootstrap resume, once the source is back, finishes it with every row.
func TestFailedBootstrapResumes(t *testing.T) {
	w := newWorld(t, 11)
	nodes := w.start(3, 3)
	w.keyspace("app", NTS("dc1", 3), nodes[0].HostID)
	w.fill(nodes[0].HostID, "app", 2000, 4<<10, All)
	n, err := w.Join(w.now, w.spec(4, "dc1", "rack1"), JoinOptions{Bootstrap: true})
	if err != nil {
		t.Fatal(err)
	}
	source := w.Streams(n.HostID)[0].Peer
	w.step(time.Second)
	if err := w.Stop(w.now, source.HostID); err != nil {
		t.Fatal(err)
	}
	w.step(time.Second)
	if !w.BootstrapFailed(n.HostID) || n.StatusCode() != "UJ" || n.Mode != ModeJoining || len(w.Streams(n.HostID)) != 0 {
		t.Fatalf("after its source stopped: failed %v, status %s, mode %s", w.BootstrapFailed(n.HostID), n.StatusCode(), n.Mode)
	}
	w.step(time.Minute)
	if n.State != Joining {
		t.Fatal("a failed bootstrap completed on its own")
	}
	if err := w.ResumeBootstrap(w.now, n.HostID); err == nil {
		t.Fatal("resume while the source is still down should fail")
	}
	if err := w.Start(w.now, source.HostID); err != nil {
		t.Fatal(err)
	}
	if err := w.ResumeBootstrap(w.now, n.HostID); err != nil {
		t.Fatal(err)
	}
	if w.BootstrapFailed(n.HostID) {
		t.Fatal("still failed after resume")
	}
	w.settle(time.Hour)
	if n.StatusCode() != "UN" {
		t.Fatalf("after resume: %s", n.StatusCode())
	}
	for i := range 2000 {
		if _, found, err := w.Read(w.now, nodes[1].HostID, "app", "rows", key(i), All); err != nil || !found {
			t.Fatalf("key %d at ALL after the resumed bootstrap: %v %v", i, found, err)
		}
	}
}

// TestJoinAtTheAddressOfAMemberIsRefused: a node that lost its disk cannot start as itself, nor a
// new node at its address: Cassandra asks for replace_address.
func TestJoinAtTheAddressOfAMemberIsRefused(t *testing.T) {
	w := newWorld(t, 13)
	nodes := w.start(3, 3)
	const msg = "A node with address /10.0.0.2:7000 already exists, cancelling join. Use cassandra.replace_address if you want to replace this node."
	if err := w.LoseDisk(w.now, nodes[1].HostID); err != nil {
		t.Fatal(err)
	}
	if err := w.Start(w.now, nodes[1].HostID); err == nil || err.Error() != msg {
		t.Fatalf("start after the disk was lost: %v", err)
	}
	if _, err := w.Join(w.now, w.spec(2, "dc1", "rack2"), JoinOptions{Bootstrap: true}); err == nil || err.Error() != msg {
		t.Fatalf("join at a member's address: %v", err)
	}
}

// TestFailedBootstrapOn50ReportsJoiningFailed: 5.0 reports a broken bootstrap in its operation
// mode, and goes back to JOINING when resumed.
func TestFailedBootstrapOn50ReportsJoiningFailed(t *testing.T) {
	w := newWorld(t, 13)
	w.release = "5.0.2"
	nodes := w.start(3, 3)
	w.keyspace("app", NTS("dc1", 3), nodes[0].HostID)
	w.fill(nodes[0].HostID, "app", 500, 4<<10, All)
	n, err := w.Join(w.now, w.spec(4, "dc1", "rack1"), JoinOptions{Bootstrap: true})
	if err != nil {
		t.Fatal(err)
	}
	source := w.Streams(n.HostID)[0].Peer
	if err := w.Stop(w.now, source.HostID); err != nil {
		t.Fatal(err)
	}
	w.step(time.Second)
	if n.Mode != ModeJoiningFailed || !w.BootstrapFailed(n.HostID) {
		t.Fatalf("mode %s, failed %v", n.Mode, w.BootstrapFailed(n.HostID))
	}
	if err := w.Start(w.now, source.HostID); err != nil {
		t.Fatal(err)
	}
	if err := w.ResumeBootstrap(w.now, n.HostID); err != nil || n.Mode != ModeJoining {
		t.Fatalf("resume: %v, mode %s", err, n.Mode)
	}
	w.settle(time.Hour)
	if n.StatusCode() != "UN" || n.Mode != ModeNormal {
		t.Fatalf("after resume: %s %s", n.StatusCode(), n.Mode)
	}
}

// TestTokenAllocationNeedsEnoughRacks follows TokenAllocation.createStrategy with
// allocate_tokens_for_local_replication_factor set: a node of a rack the ring already has, in a
// datacenter of two racks, cannot allocate for three replicas ("Token allocation failed: the
// number of racks 2 in datacenter dc1 is lower than its replication factor 3"); it can for two,
// and the first node of a rack new to the ring counts its datacenter as one rack. Three racks
// allocate for three.
func TestTokenAllocationNeedsEnoughRacks(t *testing.T) {
	w := newWorld(t, 11)
	join := func(i int, rack string, rf int) error {
		spec := w.spec(i, "dc1", rack)
		spec.AllocateTokensForLocalRF = rf
		_, err := w.Join(w.now, spec, JoinOptions{})
		return err
	}
	for i, rack := range []string{"rack1", "rack2"} {
		if err := join(i+1, rack, 3); err != nil {
			t.Fatalf("the first node of %s: %v", rack, err)
		}
	}
	err := join(3, "rack1", 3)
	var se *StartupError
	if !errors.As(err, &se) || se.Class != "org.apache.cassandra.exceptions.ConfigurationException" ||
		se.Message != "Token allocation failed: the number of racks 2 in datacenter dc1 is lower than its replication factor 3." {
		t.Fatalf("a second node of rack1 among two racks, allocating for 3: %v", err)
	}
	if err := join(3, "rack1", 2); err != nil {
		t.Fatalf("allocating for 2 among two racks: %v", err)
	}
	if err := join(4, "rack3", 3); err != nil {
		t.Fatalf("the first node of rack3: %v", err)
	}
	if err := join(5, "rack2", 3); err != nil {
		t.Fatalf("allocating for 3 among three racks: %v", err)
	}
}
