package nodetool

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// The samples of testdata/real were printed by real Cassandra 5.0.9 nodes while the pilot's
// conformance suite ran on them (testdata/SOURCES.md): every file there is parsed here, and
// each state the nodes passed through is checked for the facts Navigator reads from it.

// TestEveryRealSampleParses: no output of a real node, in any state captured, is refused.
func TestEveryRealSampleParses(t *testing.T) {
	files, err := filepath.Glob("testdata/real/*.txt")
	if err != nil || len(files) < 20 {
		t.Fatalf("%d real samples (%v), want the whole capture", len(files), err)
	}
	parsers := map[string]func(string) error{
		"status":          func(s string) error { _, err := ParseStatus(s); return err },
		"info":            func(s string) error { _, err := ParseInfo(s); return err },
		"netstats":        func(s string) error { _, err := ParseNetstats(s); return err },
		"describecluster": func(s string) error { _, err := ParseDescribeCluster(s); return err },
		"version":         func(s string) error { _, err := ParseVersion(s); return err },
	}
	for _, f := range files {
		command, _, _ := strings.Cut(filepath.Base(f), "-")
		parse, ok := parsers[command]
		if !ok {
			t.Errorf("%s: no parser for %q", f, command)
			continue
		}
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if err := parse(string(raw)); err != nil {
			t.Errorf("%s: %v", f, err)
		}
	}
}

// codes maps each node's address to its two-letter code, as nodetool prints it.
func codes(st *Status) map[string]string {
	out := map[string]string{}
	for _, dc := range st.Datacenters {
		for _, n := range dc.Nodes {
			out[n.Address] = n.Status + n.State
		}
	}
	return out
}

func TestRealStatusInEveryState(t *testing.T) {
	for sample, want := range map[string]map[string]string{
		// Two nodes settled.
		"normal": {"127.0.60.2": "UN", "127.0.60.3": "UN"},
		// The joiner whose bootstrap failed, in its own view and a peer's: joining still.
		"joining-failed":      {"127.0.60.2": "UN", "127.0.60.3": "UN", "127.0.60.4": "UJ"},
		"peer-joining-failed": {"127.0.60.2": "UN", "127.0.60.3": "UN", "127.0.60.4": "UJ"},
		// A decommission in progress, on the leaver and on a peer.
		"leaving":      {"127.0.60.5": "UN", "127.0.60.6": "UN", "127.0.60.7": "UN", "127.0.60.8": "UL"},
		"peer-leaving": {"127.0.60.5": "UN", "127.0.60.6": "UN", "127.0.60.7": "UN", "127.0.60.8": "UL"},
		// The decommissioned node no longer lists itself.
		"decommissioned": {"127.0.60.5": "UN", "127.0.60.6": "UN", "127.0.60.7": "UN"},
		// A drained node, seen from a peer: down.
		"peer-drained": {"127.0.60.2": "UN", "127.0.60.4": "UN", "127.0.60.3": "DN"},
		// The drained node itself: up, and so are its peers (Gossiper.getLiveMembers adds the
		// local endpoint; nothing convicts once Gossiper.stop cancelled the gossip task).
		"drained": {"127.0.60.2": "UN", "127.0.60.3": "UN", "127.0.60.4": "UN"},
	} {
		st, err := ParseStatus(readSample(t, "real/status-5.0.9-"+sample+".txt"))
		if err != nil {
			t.Fatalf("%s: %v", sample, err)
		}
		if got := codes(st); !mapsEqual(got, want) {
			t.Errorf("%s: %v, want %v", sample, got, want)
		}
		for _, dc := range st.Datacenters {
			for _, n := range dc.Nodes {
				if dc.Name != "dc1" || n.Rack != "r1" || n.Tokens != 8 || !n.LoadKnown || n.Load <= 0 || len(n.HostID) != 36 {
					t.Errorf("%s: node %+v in %s", sample, n, dc.Name)
				}
				// Ownership is known (one keyspace replication besides the system ones) but for
				// a joiner, which owns nothing yet: "?".
				if n.OwnsKnown == (n.State == "J") {
					t.Errorf("%s: ownership of %s (%s) known %v", sample, n.Address, n.Status+n.State, n.OwnsKnown)
				}
			}
		}
	}
}

func mapsEqual(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

func TestRealNetstatsInEveryState(t *testing.T) {
	for sample, mode := range map[string]string{
		"normal": ModeNormal, "joining": ModeJoining, "joining-failed": "JOINING_FAILED", "leaving": ModeLeaving,
		"decommissioned": ModeDecommissioned, "drained": ModeDrained,
	} {
		n, err := ParseNetstats(readSample(t, "real/netstats-5.0.9-"+sample+".txt"))
		if err != nil {
			t.Fatalf("%s: %v", sample, err)
		}
		if n.Mode != mode || n.ReadRepair == nil || len(n.Pools) != 3 {
			t.Errorf("%s: mode %q (want %s), read repair %v, pools %+v", sample, n.Mode, mode, n.ReadRepair, n.Pools)
		}
		if sample != "joining" && n.Active() {
			t.Errorf("%s: streams %+v where netstats printed none", sample, n.Streams)
		}
	}
	// A bootstrap receiving from two sources: sizes in bytes, one file each, partly received.
	n, err := ParseNetstats(readSample(t, "real/netstats-5.0.9-joining.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if !n.Active() || len(n.Streams) != 1 || n.Streams[0].Description != "Bootstrap" || len(n.Streams[0].Sessions) != 2 {
		t.Fatalf("streams %+v", n.Streams)
	}
	s := n.Streams[0].Sessions[0]
	if s.Peer != "127.0.60.2" || s.Sending != nil || *s.Receiving != (StreamProgress{Files: 1, Bytes: 850819, BytesDone: 226276}) {
		t.Errorf("first session %+v (receiving %+v)", s, s.Receiving)
	}
	// "received from idx:0/127.0.60.2": the connection index is dropped, the peer kept.
	if len(s.Files) != 1 || s.Files[0] != (FileProgress{Name: "shop/kv-0", Done: 226276, Total: 850819, Receiving: true, Peer: "127.0.60.2"}) {
		t.Errorf("files of the first session %+v", s.Files)
	}
	if s := n.Streams[0].Sessions[1]; s.Peer != "127.0.60.3" || *s.Receiving != (StreamProgress{Files: 1, Bytes: 856731, BytesDone: 129306}) {
		t.Errorf("second session %+v", s)
	}
}

func TestRealInfoInEveryState(t *testing.T) {
	type facts struct {
		gossip, native, joined, bootstrapFailed bool
		bootstrap                               string
	}
	for sample, want := range map[string]facts{
		"normal":         {gossip: true, native: true, joined: true, bootstrap: "COMPLETED"},
		"joining-failed": {gossip: true, bootstrap: "IN_PROGRESS", bootstrapFailed: true},
		"decommissioned": {bootstrap: "DECOMMISSIONED"},
		// Drained: gossip and clients stopped, the generation gone to 0; still joined.
		"drained": {joined: true, bootstrap: "COMPLETED"},
	} {
		info, err := ParseInfo(readSample(t, "real/info-5.0.9-"+sample+".txt"))
		if err != nil {
			t.Fatalf("%s: %v", sample, err)
		}
		got := facts{info.GossipActive, info.NativeTransportActive, info.Joined, info.BootstrapFailed, info.BootstrapState}
		if got != want {
			t.Errorf("%s: %+v, want %+v", sample, got, want)
		}
		if len(info.HostID) != 36 || info.DataCenter != "dc1" || info.Rack != "r1" || info.Load <= 0 ||
			info.UncompressedLoad < info.Load || info.HeapMaxMB != 384 {
			t.Errorf("%s: %+v", sample, info)
		}
		if want.joined && info.TokenCount != 8 {
			t.Errorf("%s: %d tokens, want 8", sample, info.TokenCount)
		}
	}
}

func TestRealDescribeCluster(t *testing.T) {
	d, err := ParseDescribeCluster(readSample(t, "real/describecluster-5.0.9-normal.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if d.Name != "orders" || !d.SchemaAgreement() || len(d.Unreachable) != 0 || d.Stats == nil || d.Stats.Live != 2 ||
		!slices.Equal(d.DatabaseVersions["5.0.9"], []string{"127.0.60.9:7000", "127.0.60.10:7000"}) {
		t.Errorf("%+v", d)
	}
	// The system keyspaces a real node has, and their replication.
	want := map[string]string{
		"system_auth":        "SimpleStrategy {replication_factor=1}",
		"system_distributed": "SimpleStrategy {replication_factor=3}",
		"system_traces":      "SimpleStrategy {replication_factor=2}",
		"shop":               "NetworkTopologyStrategy {dc1=2}",
	}
	for _, k := range d.Keyspaces {
		if r, ok := want[k.Name]; ok && r != k.Replication {
			t.Errorf("keyspace %s: %q, want %q", k.Name, k.Replication, r)
		}
		delete(want, k.Name)
	}
	if len(want) != 0 {
		t.Errorf("keyspaces missing: %v", want)
	}

	// A peer of a failed joiner whose source is down: the joiner counted, the source unreachable.
	d, err = ParseDescribeCluster(readSample(t, "real/describecluster-5.0.9-peer-joining-failed.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(d.Unreachable, []string{"127.0.60.2"}) || d.Stats == nil ||
		*d.Stats != (NodeCounts{Live: 2, Joining: 1, Unreachable: 1}) ||
		!slices.Equal(d.Datacenters, []DatacenterCount{{Name: "dc1", Nodes: 3, Down: 1}}) {
		t.Errorf("%+v (stats %+v)", d, d.Stats)
	}
}

func TestRealVersion(t *testing.T) {
	v, err := ParseVersion(readSample(t, "real/version-5.0.9-normal.txt"))
	if err != nil || *v != (Version{Release: "5.0.9", Major: 5, Minor: 0, Patch: 9}) {
		t.Errorf("%+v, %v", v, err)
	}
}
