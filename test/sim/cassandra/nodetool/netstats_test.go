package nodetool

import (
	"strings"
	"testing"
	"time"

	parse "github.com/navigator-dbaas/navigator/internal/cassandra/nodetool"
	"github.com/navigator-dbaas/navigator/test/sim/cassandra/config"
	"github.com/navigator-dbaas/navigator/test/sim/cassandra/ring"
)

// growingCluster is three nodes with data and a fourth bootstrapping, on a release.
func growingCluster(t *testing.T, release string) (*sim, *ring.Node) {
	s := newSim(t, 41)
	var first *ring.Node
	for i := range 3 {
		n := s.join(spec(i, "dc1", []string{"r1", "r2", "r3"}[i], release))
		if first == nil {
			first = n
		}
	}
	s.keyspace(first, "app", ring.NTS("dc1", 2), 2000)
	// Slow enough that a bootstrap of about a mebibyte takes several seconds.
	s.Settings.StreamBytesPerSecond = 100 << 10
	n, err := s.Join(s.now, spec(3, "dc1", "r1", release), ring.JoinOptions{Bootstrap: true})
	if err != nil {
		t.Fatal(err)
	}
	return s, n
}

// TestNetstatsDuringABootstrap reads netstats on the joining node as its streams progress: mode
// JOINING, one Bootstrap plan, a session per source whose totals are what the ring streams, and
// progress that grows with the clock; on a source, the same plan seen from the sending side.
func TestNetstatsDuringABootstrap(t *testing.T) {
	for _, release := range []string{"4.0.13", "4.1.5", "5.0.2"} {
		s, n := growingCluster(t, release)
		s.step(0)
		s.step(time.Second)
		ns, err := parse.ParseNetstats(stdout(t)(Netstats(s.Cluster, n, Options{})))
		if err != nil {
			t.Fatal(err)
		}
		streams := s.Streams(n.HostID)
		if ns.Mode != "JOINING" || len(ns.Streams) != 1 || ns.Streams[0].Description != "Bootstrap" ||
			ns.Streams[0].PlanID != streams[0].PlanID || len(ns.Streams[0].Sessions) != len(streams) {
			t.Fatalf("%s: %+v, ring streams %d sessions", release, ns, len(streams))
		}
		var done int64
		for i, sess := range ns.Streams[0].Sessions {
			var total, sent int64
			for _, f := range streams[i].Files {
				total += f.Bytes
				sent += f.Done
			}
			if sess.Peer != streams[i].Peer.Address || sess.Receiving == nil || sess.Sending != nil ||
				sess.Receiving.Bytes != total || sess.Receiving.BytesDone != sent || sess.Receiving.Files != int64(len(streams[i].Files)) {
				t.Errorf("%s: session %+v (receiving %+v), ring has %d of %d bytes from %s", release, sess, sess.Receiving, sent, total, streams[i].Peer.Address)
			}
			done += sent
			for _, f := range sess.Files {
				if !f.Receiving || f.Peer != streams[i].Peer.Address || !strings.Contains(f.Name, "/var/lib/cassandra/data/app/rows-") {
					t.Errorf("%s: file %+v", release, f)
				}
			}
		}
		if done == 0 {
			t.Errorf("%s: nothing streamed after a second", release)
		}
		source := streams[0].Peer
		src, err := parse.ParseNetstats(stdout(t)(Netstats(s.Cluster, source, Options{PrintPort: true, HumanReadable: true})))
		if err != nil {
			t.Fatal(err)
		}
		if src.Mode != "NORMAL" || len(src.Streams) != 1 || src.Streams[0].Sessions[0].Peer != address(n, true) ||
			src.Streams[0].Sessions[0].Sending == nil || !closeTo(src.Streams[0].Sessions[0].Sending.BytesDone, ns.Streams[0].Sessions[0].Receiving.BytesDone) {
			t.Errorf("%s: source's view %+v", release, src.Streams)
		}
	}
}

// TestNetstatsDuringADecommission: the leaving node sends its ranges in an Unbootstrap plan; once
// it has left, it reports DECOMMISSIONED and no streams.
func TestNetstatsDuringADecommission(t *testing.T) {
	s, n := growingCluster(t, "4.1.5")
	for n.State != ring.Normal {
		s.step(time.Second)
	}
	leaving := s.Members()[0]
	if err := s.Decommission(s.now, leaving.HostID, false); err != nil {
		t.Fatal(err)
	}
	ns, err := parse.ParseNetstats(stdout(t)(Netstats(s.Cluster, leaving, Options{})))
	if err != nil {
		t.Fatal(err)
	}
	if ns.Mode != "LEAVING" || len(ns.Streams) != 1 || ns.Streams[0].Description != "Unbootstrap" || ns.Streams[0].Sessions[0].Sending == nil {
		t.Fatalf("%+v", ns)
	}
	for leaving.Mode != ring.ModeDecommissioned {
		s.step(time.Second)
	}
	out := stdout(t)(Netstats(s.Cluster, leaving, Options{}))
	ns, err = parse.ParseNetstats(out)
	if err != nil || ns.Mode != "DECOMMISSIONED" || ns.Active() || !strings.Contains(out, "Not sending any streams.\n") {
		t.Errorf("%+v %v\n%s", ns, err, out)
	}
}

// TestNetstatsLayout checks the lines NetStats.java prints for a receiving and a sending session
// (derived from the source: no citable output exists), including 4.0's trailing space after the
// byte form of the sending line, and the statistics.
func TestNetstatsLayout(t *testing.T) {
	v := netstatsView{series: config.V40, mode: "LEAVING", rrAttempted: 3, rrBlocking: 1}
	v.pools[1].completed = 42
	v.plans = []streamPlan{{description: "Unbootstrap", planID: "7d2e4f60-0c4e-11f0-9d7a-6b2f4e8c1d20", sessions: []streamSession{
		{peer: "/10.0.0.2", files: []streamFile{{name: "/d/app/rows-x/nb-1-big-Data.db", done: 250, total: 1000}, {name: "/d/app/other-y/nb-1-big-Data.db", total: 500}}},
		{peer: "/10.0.0.3", receiving: true, files: []streamFile{{name: "/d/app/rows-x/nb-1-big-Data.db", done: 2048, total: 2048}}},
	}}}
	want := "Mode: LEAVING\n" +
		"Unbootstrap 7d2e4f60-0c4e-11f0-9d7a-6b2f4e8c1d20\n" +
		"    /10.0.0.2\n" +
		"        Sending 2 files, 1500 bytes total. Already sent 0 files (0.00%), 250 bytes total (16.67%) \n" +
		"            /d/app/rows-x/nb-1-big-Data.db 250/1000 bytes (25%) sent to idx:0/10.0.0.2\n" +
		"    /10.0.0.3\n" +
		"        Receiving 1 files, 2048 bytes total. Already received 1 files (100.00%), 2048 bytes total (100.00%)\n" +
		"            /d/app/rows-x/nb-1-big-Data.db 2048/2048 bytes (100%) received from idx:0/10.0.0.3\n" +
		"Read Repair Statistics:\nAttempted: 3\nMismatch (Blocking): 1\nMismatch (Background): 0\n" +
		"Pool Name                    Active   Pending      Completed   Dropped\n" +
		"Large messages                  n/a         0              0         0\n" +
		"Small messages                  n/a         0             42         0\n" +
		"Gossip messages                 n/a         0              0         0\n"
	if got := v.render(false); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	v.series, v.humanReadable = config.V41, true
	got := v.render(false)
	if !strings.Contains(got, "        Sending 2 files, 1.46 KiB total. Already sent 0 files (0.00%), 250 bytes total (16.67%)\n") ||
		!strings.Contains(got, "Receiving 1 files, 2 KiB total.") {
		t.Errorf("-H on 4.1:\n%s", got)
	}
	if _, err := parse.ParseNetstats(got); err != nil {
		t.Errorf("the parser reads -H: %v", err)
	}
	v.mode, v.starting, v.plans = "STARTING", true, nil
	if got := v.render(false); got != "Mode: STARTING\nNot sending any streams.\n" {
		t.Errorf("starting: %q", got)
	}
}
