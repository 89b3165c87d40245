package nodetool

import (
	"slices"
	"strconv"
	"testing"
	"time"

	parse "github.com/navigator-dbaas/navigator/internal/cassandra/nodetool"
	"github.com/navigator-dbaas/navigator/test/sim/cassandra/ring"
)

// TestInfoRoundTrip prints a normal node's info on each release and reads it back: identity,
// liveness, load, generation and uptime from the clock, place, tokens (counted, or all with -T),
// and 5.0's extra lines.
func TestInfoRoundTrip(t *testing.T) {
	for _, release := range []string{"4.0.13", "4.1.5", "5.0.2"} {
		s, _, _ := twoDatacenters(t, release)
		n := s.Members()[1]
		if n.StatusCode() != "UN" {
			t.Fatalf("%s: %s is %s", release, n.Address, n.StatusCode())
		}
		s.step(90 * time.Second)
		i, err := parse.ParseInfo(stdout(t)(Info(s.Cluster, n, s.now, Options{})))
		if err != nil {
			t.Fatal(err)
		}
		if i.HostID != n.HostID || !i.GossipActive || !i.NativeTransportActive || i.DataCenter != n.DC || i.Rack != n.Rack {
			t.Errorf("%s: %+v", release, i)
		}
		if !closeTo(i.Load, n.Load()) || i.GenerationNo != t0.Unix() || i.Uptime != 90*time.Second {
			t.Errorf("%s: load %d (node %d), generation %d, uptime %v", release, i.Load, n.Load(), i.GenerationNo, i.Uptime)
		}
		if i.HeapUsedMB != 1203.44 || i.HeapMaxMB != 8192 || i.PercentRepaired != 0 {
			t.Errorf("%s: heap %v/%v, repaired %v", release, i.HeapUsedMB, i.HeapMaxMB, i.PercentRepaired)
		}
		if !i.Joined || i.TokenCount != 16 || len(i.Tokens) != 0 {
			t.Errorf("%s: joined %v, %d tokens %v", release, i.Joined, i.TokenCount, i.Tokens)
		}
		fifty := release == "5.0.2"
		if (i.UncompressedLoad != 0) != fifty || (i.BootstrapState == "COMPLETED") != fifty || i.BootstrapFailed || i.Decommissioning {
			t.Errorf("%s: uncompressed %d, bootstrap state %q", release, i.UncompressedLoad, i.BootstrapState)
		}
		all, err := parse.ParseInfo(stdout(t)(Info(s.Cluster, n, s.now, Options{AllTokens: true})))
		if err != nil {
			t.Fatal(err)
		}
		var want []string
		for _, tok := range slices.Sorted(slices.Values(n.Tokens)) {
			want = append(want, strconv.FormatInt(int64(tok), 10))
		}
		if !slices.Equal(all.Tokens, want) {
			t.Errorf("%s: -T tokens %v, node has %v", release, all.Tokens, want)
		}
	}
}

// TestInfoFollowsTheNodesLifecycle reads info through a 5.0 node's life: bootstrapping, its
// bootstrap failing and resumed, normal, drained (gossip off: generation 0), a failed
// decommission, and decommissioned.
func TestInfoFollowsTheNodesLifecycle(t *testing.T) {
	s := newSim(t, 21)
	var nodes []*ring.Node
	for i := range 3 {
		nodes = append(nodes, s.join(spec(i, "dc1", "r1", "5.0.2")))
	}
	s.keyspace(nodes[0], "app", ring.NTS("dc1", 2), 400)
	info := func(n *ring.Node) *parse.Info {
		t.Helper()
		i, err := parse.ParseInfo(stdout(t)(Info(s.Cluster, n, s.now, Options{})))
		if err != nil {
			t.Fatal(err)
		}
		return i
	}
	n, err := s.Join(s.now, spec(3, "dc1", "r1", "5.0.2"), ring.JoinOptions{Bootstrap: true})
	if err != nil {
		t.Fatal(err)
	}
	if i := info(n); i.Joined || i.BootstrapState != "IN_PROGRESS" || i.NativeTransportActive || i.BootstrapFailed {
		t.Errorf("bootstrapping: %+v", i)
	}
	source := s.Streams(n.HostID)[0].Peer
	if err := s.Stop(s.now, source.HostID); err != nil {
		t.Fatal(err)
	}
	s.step(time.Second)
	if i := info(n); !i.BootstrapFailed || i.Joined {
		t.Errorf("bootstrap failed: %+v", i)
	}
	if err := s.Start(s.now, source.HostID); err != nil {
		t.Fatal(err)
	}
	if err := s.ResumeBootstrap(s.now, n.HostID); err != nil {
		t.Fatal(err)
	}
	for range 3600 {
		if n.State == ring.Normal {
			break
		}
		s.step(time.Second)
	}
	if i := info(n); !i.Joined || i.BootstrapState != "COMPLETED" || i.BootstrapFailed || !i.NativeTransportActive || i.TokenCount != 16 {
		t.Errorf("joined: %+v", i)
	}
	if err := s.Drain(s.now, nodes[2].HostID); err != nil {
		t.Fatal(err)
	}
	if i := info(nodes[2]); i.GossipActive || i.NativeTransportActive || i.GenerationNo != 0 {
		t.Errorf("drained: gossip %v, native %v, generation %d", i.GossipActive, i.NativeTransportActive, i.GenerationNo)
	}
	// A drained node comes back with a restart.
	if err := s.Stop(s.now, nodes[2].HostID); err != nil {
		t.Fatal(err)
	}
	if err := s.Start(s.now, nodes[2].HostID); err != nil {
		t.Fatal(err)
	}
	leaving := nodes[1]
	if err := s.Decommission(s.now, leaving.HostID, false); err != nil {
		t.Fatal(err)
	}
	if i := info(leaving); !i.Decommissioning || i.DecommissionFailed {
		t.Errorf("decommissioning: %+v", i)
	}
	receiver := s.Streams(leaving.HostID)[0].Peer
	if err := s.Stop(s.now, receiver.HostID); err != nil {
		t.Fatal(err)
	}
	s.step(time.Second)
	if i := info(leaving); i.Decommissioning || !i.DecommissionFailed || i.Exceptions != 1 {
		t.Errorf("decommission failed: %+v", i)
	}
	if err := s.Start(s.now, receiver.HostID); err != nil {
		t.Fatal(err)
	}
	if err := s.Decommission(s.now, leaving.HostID, false); err != nil {
		t.Fatal(err)
	}
	for range 3600 {
		if leaving.Mode == ring.ModeDecommissioned {
			break
		}
		s.step(time.Second)
	}
	if i := info(leaving); i.Joined || i.BootstrapState != "DECOMMISSIONED" || i.GossipActive || i.Decommissioning {
		t.Errorf("decommissioned: %+v", i)
	}
}
