package nodetool

import (
	"strings"
	"testing"
)

// The netstats samples are derived from NetStats.java and ProgressInfo.java: no citable output of
// a 4.0+ node streaming could be found (testdata/SOURCES.md).

// TestParseNetstatsDuringABootstrap reads a joining node's plan: its sessions with two peers,
// totals in bytes, each file's progress, and the statistics after.
func TestParseNetstatsDuringABootstrap(t *testing.T) {
	n, err := ParseNetstats(readSample(t, "derived/netstats-5.0-joining.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if n.Mode != "JOINING" || !n.Active() || len(n.Streams) != 1 {
		t.Fatalf("mode %q, streams %+v", n.Mode, n.Streams)
	}
	p := n.Streams[0]
	if p.Description != "Bootstrap" || p.PlanID != "3f1c9a10-0c4e-11f0-9d7a-6b2f4e8c1d20" || len(p.Sessions) != 2 {
		t.Fatalf("plan %+v", p)
	}
	s := p.Sessions[0]
	if s.Peer != "10.0.0.1" || s.Connecting != "" || s.Sending != nil ||
		*s.Receiving != (StreamProgress{Files: 2, FilesDone: 1, Bytes: 1048576, BytesDone: 524288}) {
		t.Errorf("first session %+v (receiving %+v)", s, s.Receiving)
	}
	if len(s.Files) != 2 || s.Files[1] != (FileProgress{
		Name: "/var/lib/cassandra/data/app/rows-5a1c3b2e8d9f11efa6b7c8d9e0f1a2b3/nb-4-big-Data.db",
		Done: 0, Total: 524288, Receiving: true, Peer: "10.0.0.1",
	}) {
		t.Errorf("files %+v", s.Files)
	}
	if s2 := p.Sessions[1]; s2.Peer != "10.0.0.3" || *s2.Receiving != (StreamProgress{Files: 1, Bytes: 2000}) || len(s2.Files) != 0 {
		t.Errorf("second session %+v", s2)
	}
	if n.ReadRepair == nil || *n.ReadRepair != (ReadRepairStats{}) {
		t.Errorf("read repair %+v", n.ReadRepair)
	}
	if len(n.Pools) != 3 || n.Pools[2] != (MessagePool{Name: "Gossip messages", Completed: 3071}) {
		t.Errorf("pools %+v", n.Pools)
	}
}

// TestParseNetstatsHumanReadableWithPorts reads -H sizes, -pp addresses and a session through a
// private address, on the sending side of a decommission.
func TestParseNetstatsHumanReadableWithPorts(t *testing.T) {
	n, err := ParseNetstats(readSample(t, "derived/netstats-4.1-leaving-human-pp.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if n.Mode != "LEAVING" || len(n.Streams) != 1 || n.Streams[0].Description != "Unbootstrap" {
		t.Fatalf("%+v", n)
	}
	s := n.Streams[0].Sessions[0]
	if s.Peer != "10.0.0.2:7000" || s.Connecting != "192.168.0.2:7000" || s.Receiving != nil ||
		*s.Sending != (StreamProgress{Files: 1, Bytes: 1572864, BytesDone: 786432}) {
		t.Errorf("session %+v (sending %+v)", s, s.Sending)
	}
	if len(s.Files) != 1 || s.Files[0].Receiving || s.Files[0].Peer != "10.0.0.2:7000" || s.Files[0].Done != 786432 {
		t.Errorf("files %+v", s.Files)
	}
	if *n.ReadRepair != (ReadRepairStats{Attempted: 12, MismatchBlocking: 1, MismatchBackground: 3}) {
		t.Errorf("read repair %+v", n.ReadRepair)
	}
	if n.Pools[1] != (MessagePool{Name: "Small messages", Pending: 2, Completed: 98213, Dropped: 5}) {
		t.Errorf("pools %+v", n.Pools)
	}
}

// TestParseNetstatsIdle reads a normal node with no streams, and a starting one, which prints no
// statistics.
func TestParseNetstatsIdle(t *testing.T) {
	n, err := ParseNetstats(readSample(t, "derived/netstats-4.0-normal.txt"))
	if err != nil || n.Mode != "NORMAL" || n.Active() || n.ReadRepair == nil || len(n.Pools) != 3 {
		t.Errorf("normal: %+v %v", n, err)
	}
	n, err = ParseNetstats(readSample(t, "derived/netstats-starting.txt"))
	if err != nil || n.Mode != "STARTING" || n.Active() || n.ReadRepair != nil || n.Pools != nil {
		t.Errorf("starting: %+v %v", n, err)
	}
	for _, mode := range Modes {
		if n, err := ParseNetstats("Mode: " + mode + "\nNot sending any streams.\n"); err != nil || n.Mode != mode {
			t.Errorf("mode %s: %+v %v", mode, n, err)
		}
	}
}

// TestParseNetstatsRejects checks damaged output.
func TestParseNetstatsRejects(t *testing.T) {
	good := readSample(t, "derived/netstats-5.0-joining.txt")
	cases := map[string]struct{ out, want string }{
		"empty":        {"", "no Mode line"},
		"bad mode":     {"Mode: RUNNING\n", `unknown mode "RUNNING"`},
		"bad transfer": {strings.Replace(good, "Receiving 2 files", "Receiving two files", 1), "not a nodetool netstats line"},
		"bad size":     {strings.Replace(good, "1048576 bytes total", "1 MB/s total", 1), "invalid size"},
		"bad pool":     {strings.Replace(good, "Gossip messages                 n/a", "Gossip messages                 na", 1), "not a message pool line"},
		"bad counter":  {strings.Replace(good, "Attempted: 0", "Attempted: none", 1), "Attempted"},
		"stray line":   {strings.Replace(good, "Read Repair Statistics:", "Something else\nRead Repair Statistics:", 1), "not a nodetool netstats line"},
	}
	for name, c := range cases {
		_, err := ParseNetstats(c.out)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one containing %q", name, err, c.want)
		}
	}
}
