package node

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	gocql "github.com/apache/cassandra-gocql-driver/v2"

	pilotnodetool "github.com/navigator-dbaas/navigator/internal/cassandra/nodetool"
)

const rows = 200

// readAll reads every key at a level and returns those found.
func readAll(t *testing.T, s *gocql.Session, keyspace string, cl gocql.Consistency) map[int]bool {
	t.Helper()
	found := map[int]bool{}
	for i := range rows {
		v, ok, err := readRow(s, keyspace, i, cl)
		if err != nil {
			t.Fatalf("read %d at %s: %v", i, cl, err)
		}
		if ok {
			if v != fmt.Sprint("value-", i) {
				t.Errorf("key %d: %q", i, v)
			}
			found[i] = true
		}
	}
	return found
}

// TestDecommissionKeepsEveryRow: with RF 3 in a datacenter of four nodes, a decommissioned node
// streams its ranges away first: every row written at QUORUM reads back at QUORUM.
func TestDecommissionKeepsEveryRow(t *testing.T) {
	t.Parallel()
	c := newSimCluster(t, "a", "b", "c", "d")
	c.startAll()
	writeRows(t, c.session("a"), "shop", "{'class': 'NetworkTopologyStrategy', 'dc1': 3}", rows)

	res := c.nodetool("d", "decommission")
	if res.ExitCode != 0 {
		t.Fatalf("decommission: exit %d: %s%s", res.ExitCode, res.Stdout, res.Stderr)
	}
	c.waitCodes("a", map[string]string{"a": "UN", "b": "UN", "c": "UN"})
	if !strings.Contains(c.log("d"), "DECOMMISSIONED") {
		t.Error("d does not log DECOMMISSIONED")
	}
	// The rows are read back through a new session, as a client that connects now would: the
	// first session still holds d's closed connections for a moment, and the driver answers a
	// statement first prepared on one of them with "context canceled" (Conn.prepareStatement
	// runs on the connection's own context) and does not try another host.
	if got := readAll(t, c.session("a"), "shop", gocql.Quorum); len(got) != rows {
		t.Errorf("%d of %d rows read back at QUORUM", len(got), rows)
	}
	// Decommissioning again below the replication factor is refused with Cassandra's message.
	res = c.nodetool("c", "decommission")
	if res.ExitCode != 1 || !strings.Contains(res.Stdout, "Not enough live nodes to maintain replication factor") {
		t.Errorf("decommission below RF: exit %d, %q", res.ExitCode, res.Stdout)
	}
}

// TestRemovedNodeTakesItsOnlyCopies: with RF 1, a node that disappears without decommission (its
// process and data gone) and is then removed takes its rows with it.
func TestRemovedNodeTakesItsOnlyCopies(t *testing.T) {
	t.Parallel()
	c := newSimCluster(t, "a", "b", "c")
	c.startAll()
	s := c.session("a")
	writeRows(t, s, "cache", "{'class': 'NetworkTopologyStrategy', 'dc1': 1}", rows)
	hostID := c.node("c").HostID()
	c.kill("c")
	if err := os.RemoveAll(filepath.Join(c.dir, "c")); err != nil {
		t.Fatal(err)
	}
	c.waitCodes("a", map[string]string{"a": "UN", "b": "UN", "c": "DN"})

	if res := c.nodetool("a", "removenode", hostID); res.ExitCode != 0 {
		t.Fatalf("removenode: exit %d: %s%s", res.ExitCode, res.Stdout, res.Stderr)
	}
	c.waitCodes("b", map[string]string{"a": "UN", "b": "UN"})
	var count int
	if err := s.Query("SELECT COUNT(*) FROM cache.kv").Consistency(gocql.One).Scan(&count); err != nil {
		t.Fatal(err)
	}
	found := readAll(t, s, "cache", gocql.One)
	if count >= rows || len(found) != count || count == 0 {
		t.Errorf("count %d, found %d, written %d: the removed node's rows should be gone, the others there", count, len(found), rows)
	}
	if res := c.nodetool("a", "removenode", hostID); res.ExitCode != 2 || !strings.Contains(res.Stderr, "error: Host ID not found.") {
		t.Errorf("removing it again: exit %d, %q", res.ExitCode, res.Stderr)
	}
}

// TestOnlyOneNodeBootstraps: while one node streams its data in (UJ), another that starts is
// refused with Cassandra's error and stops.
func TestOnlyOneNodeBootstraps(t *testing.T) {
	t.Parallel()
	c := newSimCluster(t, "a", "b", "c")
	c.rate = 2 << 10 // the sources send slowly: the join takes seconds
	c.startAll()
	writeRows(t, c.session("a"), "big", "{'class': 'NetworkTopologyStrategy', 'dc1': 3}", rows)
	c.add("d", "rack1")
	c.add("e", "rack2")
	d, err := c.launch("d")
	if err != nil {
		t.Fatal(err)
	}
	c.waitFor("d to be joining", 5*time.Second, func() bool { return c.codes("a")[c.ip["d"]] == "UJ" })
	c.waitFor("d to stream", 5*time.Second, func() bool {
		ns, err := pilotnodetool.ParseNetstats(c.nodetool("d", "netstats").Stdout)
		return err == nil && ns.Mode == "JOINING" && len(ns.Streams) > 0 && ns.Streams[0].Description == "Bootstrap"
	})
	e, err := c.launch("e")
	if err != nil {
		t.Fatal(err)
	}
	err = <-e.Ready()
	var se *StartupError
	const want = "Other bootstrapping/leaving/moving nodes detected, cannot bootstrap while cassandra.consistent.rangemovement is true"
	if !errors.As(err, &se) || se.Message != want || se.Code != ExitStartupException || se.Class != "java.lang.UnsupportedOperationException" {
		t.Fatalf("second bootstrap: %v", err)
	}
	_ = d.Kill()
}

// TestRestartKeepsDataAndDownNodesFailQuorum: a node restarted on its data directory is the
// same node with the same rows; it takes its saved tokens at once, without RING_DELAY
// (StorageService.joinTokenRing: a member does not bootstrap), and waits for gossip to settle
// before it serves (Gossiper.waitToSettle), as every start does. With two of three replicas
// stopped, they show DN and QUORUM is Unavailable, as the driver reports it.
func TestRestartKeepsDataAndDownNodesFailQuorum(t *testing.T) {
	t.Parallel()
	c := newSimCluster(t, "a", "b", "c")
	c.startAll()
	s := c.session("a")
	writeRows(t, s, "shop", "{'class': 'NetworkTopologyStrategy', 'dc1': 3}", rows)
	hostID := c.node("b").HostID()
	c.stop("b")
	c.waitCodes("a", map[string]string{"a": "UN", "b": "DN", "c": "UN"})
	before := len(c.log("b"))
	c.start("b")
	if c.node("b").HostID() != hostID {
		t.Errorf("host ID changed across the restart")
	}
	first, again := c.log("b")[:before], c.log("b")[before:]
	for _, tc := range []struct {
		log, line string
		want      bool
	}{
		{first, "JOINING: waiting for ring information", true},
		{first, "Waiting for gossip to settle...", true},
		{again, "JOINING: waiting for ring information", false},
		{again, "Waiting for gossip to settle...", true},
	} {
		if strings.Contains(tc.log, tc.line) != tc.want {
			t.Errorf("%q in the log of b's first start or restart: want %v", tc.line, tc.want)
		}
	}
	c.waitCodes("a", map[string]string{"a": "UN", "b": "UN", "c": "UN"})
	c.stop("a")
	c.stop("c")
	sb := c.session("b")
	if got := readAll(t, sb, "shop", gocql.One); len(got) != rows {
		t.Errorf("b alone holds %d of %d rows after its restart", len(got), rows)
	}
	c.waitCodes("b", map[string]string{"a": "DN", "b": "UN", "c": "DN"})
	_, _, err := readRow(sb, "shop", 1, gocql.Quorum)
	var unavailable *gocql.RequestErrUnavailable
	if !errors.As(err, &unavailable) || unavailable.Required != 2 || unavailable.Alive != 1 {
		t.Errorf("QUORUM with two replicas down: %v", err)
	}
}

// TestReplaceAddressFirstBoot: a node whose disk is lost is replaced by a new one started with
// replace_address_first_boot: it takes the dead node's tokens, streams the data back from the
// other replicas, and the dead node leaves the ring.
func TestReplaceAddressFirstBoot(t *testing.T) {
	t.Parallel()
	c := newSimCluster(t, "a", "b", "c")
	c.startAll()
	s := c.session("a")
	writeRows(t, s, "shop", "{'class': 'NetworkTopologyStrategy', 'dc1': 3}", rows)
	before := c.status("a")
	var deadTokens int
	for _, n := range before.Nodes() {
		if n.Address == c.ip["c"] {
			deadTokens = n.Tokens
		}
	}
	c.kill("c")
	c.waitCodes("a", map[string]string{"a": "UN", "b": "UN", "c": "DN"})
	c.add("r", "rack3")
	c.replace["r"] = c.ip["c"]
	c.start("r")
	c.waitCodes("a", map[string]string{"a": "UN", "b": "UN", "r": "UN"})
	if !strings.Contains(c.log("r"), "Starting to replace") {
		t.Error("r does not log its replacement")
	}
	after := c.status("a")
	for _, n := range after.Nodes() {
		if n.Address == c.ip["r"] && n.Tokens != deadTokens {
			t.Errorf("replacement has %d tokens, the dead node had %d", n.Tokens, deadTokens)
		}
	}
	c.stop("a")
	c.stop("b")
	if got := readAll(t, c.session("r"), "shop", gocql.One); len(got) != rows {
		t.Errorf("the replacement holds %d of %d rows", len(got), rows)
	}
}
