package node

import (
	"errors"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	gocql "github.com/apache/cassandra-gocql-driver/v2"

	pilotnodetool "github.com/navigator-dbaas/navigator/internal/cassandra/nodetool"
)

// TestAFailedBootstrapStaysUpJoining follows StorageService.bootstrap in 5.0: a bootstrap whose
// stream fails does not stop the node. It stays up, joining (UJ) in the others' view, in mode
// JOINING_FAILED, without clients ("Node is not yet bootstrapped completely"). Started again on
// its disk, it finds the ranges the sessions that completed recorded, and without
// cassandra.reset_bootstrap_progress it refuses to bootstrap over them (RangeStreamer,
// CASSANDRA-17679), failing again; with the reset, it streams every range afresh and every row
// reads back at QUORUM.
func TestAFailedBootstrapStaysUpJoining(t *testing.T) {
	t.Parallel()
	c := newSimCluster(t, "a", "b", "c")
	c.release = "5.0.5"
	c.rate = 1 << 10 // the sources send slowly: a join takes seconds, more than the failure detector takes to convict
	c.startAll()
	writeRows(t, c.session("a"), "big", "{'class': 'NetworkTopologyStrategy', 'dc1': 2}", rows)
	c.add("d", "rack1")
	if _, err := c.launch("d"); err != nil {
		t.Fatal(err)
	}
	netstats := func() *pilotnodetool.Netstats { return c.netstats("d") }
	// One source goes down while d still receives from it: the source chosen has seconds of its
	// session left, more than the failure detector takes to convict it (a second), so that the
	// session cannot end before d notices.
	source := c.streamingSource("d", 3*c.rate)
	c.kill(source)
	c.waitFor("d's bootstrap to fail", 30*time.Second, func() bool {
		ns := netstats()
		return ns != nil && ns.Mode == "JOINING_FAILED"
	})
	observer := "a"
	if source == "a" {
		observer = "b"
	}
	if got := c.codes(observer)[c.ip["d"]]; got != "UJ" {
		t.Errorf("%s sees the failed joiner %s, want UJ", observer, got)
	}
	if !strings.Contains(c.log("d"), "Node is not yet bootstrapped completely") {
		t.Error("the failed joiner does not say it serves no clients")
	}
	if conn, err := net.DialTimeout("tcp", c.node("d").NativeAddr(), time.Second); err == nil {
		_ = conn.Close()
		t.Error("the failed joiner serves CQL")
	}

	// The source comes back; d, started again over what it streamed, refuses without the reset.
	c.kill("d")
	c.start(source)
	if _, err := c.launch("d"); err != nil {
		t.Fatal(err)
	}
	c.waitFor("d to refuse its earlier progress", 30*time.Second, func() bool {
		ns := netstats()
		return ns != nil && ns.Mode == "JOINING_FAILED"
	})
	if !strings.Contains(c.log("d"), "Discovered existing bootstrap data and cassandra.reset_bootstrap_progress is not configured") {
		t.Errorf("d does not say why it refuses:\n%s", c.log("d"))
	}

	// With the reset, it bootstraps afresh.
	c.kill("d")
	c.resetBootstrap["d"] = "true"
	c.start("d")
	c.waitCodes("a", map[string]string{"a": "UN", "b": "UN", "c": "UN", "d": "UN"})
	if got := readAll(t, c.session("d"), "big", gocql.Quorum); len(got) != rows {
		t.Errorf("%d of %d rows read back at QUORUM after the bootstrap started afresh", len(got), rows)
	}
}

// TestASourceRestartedMidStreamFailsTheBootstrap: a session lives and dies with its sender's
// process. A source killed and started again while a joiner receives from it breaks the session
// at once (its connection drops: StreamSession.onError), however soon the new process answers,
// and without the failure detector convicting the address, which here it never does.
func TestASourceRestartedMidStreamFailsTheBootstrap(t *testing.T) {
	t.Parallel()
	c := newSimCluster(t, "a", "b", "c")
	c.release = "5.0.5"
	c.rate = 1 << 10 // the sources send slowly: a join takes seconds
	c.timing.Convict = time.Hour
	c.startAll()
	writeRows(t, c.session("a"), "big", "{'class': 'NetworkTopologyStrategy', 'dc1': 2}", rows)
	c.add("d", "rack1")
	if _, err := c.launch("d"); err != nil {
		t.Fatal(err)
	}
	netstats := func() *pilotnodetool.Netstats { return c.netstats("d") }
	source := c.streamingSource("d", 3*c.rate)
	c.kill(source)
	c.start(source)
	// The bootstrap fails once its other sessions have ended too (StreamResultFuture completes
	// when no session is active).
	c.waitFor("d's bootstrap to fail", 30*time.Second, func() bool {
		ns := netstats()
		return ns != nil && ns.Mode == "JOINING_FAILED"
	})
	if !strings.Contains(c.log("d"), "Stream failed") {
		t.Errorf("d does not say its stream failed:\n%s", c.log("d"))
	}
}

// TestADeadJoinerIsEvicted: a node that died while it bootstrapped stays in the others' gossip,
// down and joining (DJ), and holds every other bootstrap back ("Other bootstrapping/leaving/moving
// nodes detected"), until it has been silent for FAILED_BOOTSTRAP_TIMEOUT, ten times RING_DELAY:
// then each node removes it from gossip as a fat client (Gossiper.doStatusCheck), its pending
// ranges go, and another node bootstraps.
func TestADeadJoinerIsEvicted(t *testing.T) {
	t.Parallel()
	c := newSimCluster(t, "a", "b", "c")
	c.rate = 1 << 10 // the sources send slowly: d is still joining when it dies
	c.startAll()
	writeRows(t, c.session("a"), "big", "{'class': 'NetworkTopologyStrategy', 'dc1': 2}", rows)
	c.add("d", "rack1")
	if _, err := c.launch("d"); err != nil {
		t.Fatal(err)
	}
	c.waitFor("d to be joining", 5*time.Second, func() bool { return c.codes("a")[c.ip["d"]] == "UJ" })
	// The others' timeout runs from the last state of d they received, which d made in its last
	// gossip round before it died: a round (50 ms) earlier, or a few under a loaded machine's
	// scheduling. The check below allows a RING_DELAY (four rounds) for that, and still tells
	// FAILED_BOOTSTRAP_TIMEOUT (2 s) from the conviction time (1 s) or twice RING_DELAY.
	c.kill("d")
	lastHeard := time.Now().Add(-c.timing.RingDelay)
	c.waitFor("a to see d down and joining", 5*time.Second, func() bool { return c.codes("a")[c.ip["d"]] == "DJ" })

	c.add("e", "rack2")
	e, err := c.launch("e")
	if err != nil {
		t.Fatal(err)
	}
	var se *StartupError
	if err := <-e.Ready(); !errors.As(err, &se) || !strings.Contains(se.Message, "Other bootstrapping/leaving/moving nodes detected") {
		t.Fatalf("a bootstrap beside the dead joiner: %v", err)
	}
	c.halt("e", (*Node).Kill)

	timeout := 10 * c.timing.RingDelay
	// Each node evicts d on its own clock; a node started before the last has would hear of d
	// from it and be refused again, as on a real cluster.
	c.waitFor("a, b and c to forget d", timeout+5*time.Second, func() bool {
		for _, name := range []string{"a", "b", "c"} {
			if _, listed := c.codes(name)[c.ip["d"]]; listed {
				return false
			}
		}
		return true
	})
	if silent := time.Since(lastHeard); silent < timeout {
		t.Errorf("d was removed %s after it was last heard from, before FAILED_BOOTSTRAP_TIMEOUT (%s)", silent, timeout)
	}
	want := fmt.Sprintf("FatClient /%s:%d has been silent for %dms, removing from gossip", c.ip["d"], storagePort, timeout.Milliseconds())
	if !strings.Contains(c.log("a"), want) {
		t.Errorf("a does not log %q:\n%s", want, c.log("a"))
	}
	c.start("e")
	c.waitCodes("a", map[string]string{"a": "UN", "b": "UN", "c": "UN", "e": "UN"})
}

// netstats is a node's nodetool netstats, parsed; nil when it does not answer or parse.
func (c *simCluster) netstats(name string) *pilotnodetool.Netstats {
	ns, err := pilotnodetool.ParseNetstats(c.nodetool(name, "netstats").Stdout)
	if err != nil {
		return nil
	}
	return ns
}

// streamingSource waits until joiner, bootstrapping, receives from one source at least left
// bytes still to come, and names that source.
func (c *simCluster) streamingSource(joiner string, left int64) string {
	c.t.Helper()
	var peer string
	c.waitFor(joiner+" to stream from its sources", 5*time.Second, func() bool {
		ns := c.netstats(joiner)
		if ns == nil || ns.Mode != "JOINING" || len(ns.Streams) == 0 {
			return false
		}
		for _, s := range ns.Streams[0].Sessions {
			if r := s.Receiving; r != nil && r.Bytes-r.BytesDone > left {
				peer = s.Peer
				return true
			}
		}
		return false
	})
	for name, ip := range c.ip {
		if ip == peer {
			return name
		}
	}
	c.t.Fatalf("%s streams from %s, no node of the cluster", joiner, peer)
	return ""
}
