package nodetool

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func readSample(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

// sameNode compares field by field so that a failure names the field.
func sameNode(t *testing.T, where string, got, want StatusNode) {
	t.Helper()
	if got.Status != want.Status || got.State != want.State || got.Address != want.Address ||
		got.Load != want.Load || got.LoadKnown != want.LoadKnown || got.Tokens != want.Tokens ||
		got.Token != want.Token || !near(got.Owns, want.Owns) || got.OwnsKnown != want.OwnsKnown ||
		got.HostID != want.HostID || got.Rack != want.Rack {
		t.Errorf("%s:\n got %+v\nwant %+v", where, got, want)
	}
}

func checkStatus(t *testing.T, name string, got *Status, effective bool, want map[string][]StatusNode, dcs ...string) {
	t.Helper()
	if got.Effective != effective {
		t.Errorf("%s: Effective = %v, want %v", name, got.Effective, effective)
	}
	if len(got.Datacenters) != len(dcs) {
		t.Fatalf("%s: %d datacenters, want %d", name, len(got.Datacenters), len(dcs))
	}
	for i, dc := range got.Datacenters {
		if dc.Name != dcs[i] {
			t.Errorf("%s: datacenter %d is %q, want %q", name, i, dc.Name, dcs[i])
		}
		if len(dc.Nodes) != len(want[dc.Name]) {
			t.Fatalf("%s: %s has %d nodes, want %d", name, dc.Name, len(dc.Nodes), len(want[dc.Name]))
		}
		for j, n := range dc.Nodes {
			sameNode(t, name+" "+dc.Name, n, want[dc.Name][j])
		}
	}
}

// TestParseStatusOfRealNodes reads nodetool status as real 4.0 and 4.1 nodes printed it
// (testdata/SOURCES.md): both layouts (vnodes with a token count, one token per node with the token
// itself), addresses with and without the port, several datacenters, a down node, and output
// indented by the document it was pasted in. Loads are in bytes, ownership a fraction.
func TestParseStatusOfRealNodes(t *testing.T) {
	cases := []struct {
		file string
		dcs  []string
		want map[string][]StatusNode
	}{{
		file: "status-4.0.3-pp.txt",
		dcs:  []string{"datacenter1"},
		want: map[string][]StatusNode{"datacenter1": {
			{Status: "U", State: "N", Address: "127.0.0.1:7000", Load: 184945, LoadKnown: true, Tokens: 16, Owns: 0.488, OwnsKnown: true, HostID: "9147128a-dd9e-4909-966d-f849e6ce2206", Rack: "rack1"},
			{Status: "U", State: "N", Address: "127.0.0.1:8000", Load: 196383, LoadKnown: true, Tokens: 16, Owns: 0.512, OwnsKnown: true, HostID: "373bdbea-ec2b-4647-aedb-6e31adda7732", Rack: "rack1"},
		}},
	}, {
		file: "status-4.0-two-dcs-token-per-node.txt",
		dcs:  []string{"dc1", "dc2"},
		want: map[string][]StatusNode{
			"dc1": {{Status: "U", State: "N", Address: "10.244.2.3", Load: 99420, LoadKnown: true, Tokens: 1, Token: "3537893417023478360", Owns: 1, OwnsKnown: true, HostID: "11e24d4a-a85f-4429-b701-3865c80bf887", Rack: "r1"}},
			"dc2": {{Status: "U", State: "N", Address: "10.244.6.3", Load: 70369, LoadKnown: true, Tokens: 1, Token: "-8131327229031358013", Owns: 1, OwnsKnown: true, HostID: "008e6938-3934-4ac2-9d03-2cd070f1cf1f", Rack: "r1"}},
		},
	}, {
		file: "status-4.0-down-node.txt",
		dcs:  []string{"dc1", "dc2"},
		want: map[string][]StatusNode{
			"dc1": {{Status: "U", State: "N", Address: "10.244.2.3", Load: 115497, LoadKnown: true, Tokens: 1, Token: "3537893417023478360", Owns: 1, OwnsKnown: true, HostID: "11e24d4a-a85f-4429-b701-3865c80bf887", Rack: "r1"}},
			"dc2": {{Status: "D", State: "N", Address: "10.244.6.6", Load: 80333, LoadKnown: true, Tokens: 1, Token: "5934102370350368596", Owns: 1, OwnsKnown: true, HostID: "fcdf813e-5861-4363-86f0-12e894b6e957", Rack: "r1"}},
		},
	}, {
		file: "status-4.1.5.txt",
		dcs:  []string{"my-datacenter-1"},
		want: map[string][]StatusNode{"my-datacenter-1": {
			{Status: "U", State: "N", Address: "172.23.0.3", Load: 77005, LoadKnown: true, Tokens: 16, Owns: 0.593, OwnsKnown: true, HostID: "51537332-684b-4545-ba30-ddffa04d8255", Rack: "rack1"},
			{Status: "U", State: "N", Address: "172.23.0.4", Load: 77076, LoadKnown: true, Tokens: 16, Owns: 0.76, OwnsKnown: true, HostID: "b11f53bb-17bf-4cd6-97f6-d4bc510b5d99", Rack: "rack1"},
			{Status: "U", State: "N", Address: "172.23.0.2", Load: 112026, LoadKnown: true, Tokens: 16, Owns: 0.647, OwnsKnown: true, HostID: "95bab0f0-7900-4324-9788-15fc2a0cf6f4", Rack: "rack1"},
		}},
	}}
	for _, c := range cases {
		s, err := ParseStatus(readSample(t, c.file))
		if err != nil {
			t.Fatalf("%s: %v", c.file, err)
		}
		checkStatus(t, c.file, s, true, c.want, c.dcs...)
		if s.Note != "" {
			t.Errorf("%s: note %q where nodetool printed none", c.file, s.Note)
		}
	}
}

// TestParseStatusWithoutEffectiveOwnership reads the layout 5.0's Status.java prints when user
// keyspaces replicate differently (derived from the source, see testdata/SOURCES.md): the plain
// "Owns" column of question marks, the note, a joining node and a load gossip has not carried.
func TestParseStatusWithoutEffectiveOwnership(t *testing.T) {
	s, err := ParseStatus(readSample(t, "derived/status-5.0-ownership-note.txt"))
	if err != nil {
		t.Fatal(err)
	}
	checkStatus(t, "5.0", s, false, map[string][]StatusNode{"dc1": {
		{Status: "U", State: "N", Address: "10.0.0.1", Load: 1572864, LoadKnown: true, Tokens: 16, HostID: "6f0c1c2e-3b7a-4c55-9a8e-0d9c1b2a3f40", Rack: "rack1"},
		{Status: "U", State: "J", Address: "10.0.0.4", Tokens: 16, HostID: "0b1e2d3c-4f5a-4b6c-8d7e-9f0a1b2c3d4e", Rack: "rack2"},
		{Status: "D", State: "N", Address: "10.0.0.2", Load: 1023, LoadKnown: true, Tokens: 16, HostID: "a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d", Rack: "rack3"},
	}}, "dc1")
	if want := "Non-system keyspaces don't have the same replication settings, effective ownership information is meaningless"; s.Note != want {
		t.Errorf("note %q, want %q", s.Note, want)
	}
	if codes := []string{s.Nodes()[0].Code(), s.Nodes()[1].Code(), s.Nodes()[2].Code()}; strings.Join(codes, " ") != "UN UJ DN" {
		t.Errorf("codes %v", codes)
	}
}

// TestParseStatusRejects checks that what is not nodetool status output, or is damaged, is an
// error naming the line rather than nodes read wrong; and that nodetool's own "Error:" comes back
// as the error.
func TestParseStatusRejects(t *testing.T) {
	good := readSample(t, "status-4.1.5.txt")
	cases := map[string]struct{ out, want string }{
		"empty":            {"", "no datacenter"},
		"error":            {"\nError: The keyspace nope, does not exist\n", "The keyspace nope, does not exist"},
		"unknown header":   {strings.Replace(good, "Host ID", "Host", 1), "not a nodetool status header"},
		"no header":        {"Datacenter: dc1\n===\nUN  10.0.0.1  1 KiB  16  50.0%  6f0c1c2e-3b7a-4c55-9a8e-0d9c1b2a3f40  r1\n", "before the column header"},
		"bad status":       {strings.Replace(good, "UN  172.23.0.4", "XN  172.23.0.4", 1), `line 7 "XN  172.23.0.4`},
		"bad unit":         {strings.Replace(good, "75.27 KiB", "75.27 KB/s", 1), "invalid size"},
		"bad token count":  {strings.Replace(good, "KiB  16 ", "KiB  xx ", 1), "token count"},
		"bad ownership":    {strings.Replace(good, "59.3%", "59.3", 1), "ownership"},
		"bad host ID":      {strings.Replace(good, "51537332-684b", "51537332-684", 1), "not a UUID"},
		"missing rack":     {strings.Replace(readSample(t, "status-4.0-down-node.txt"), "5934102370350368596  r1", "5934102370350368596", 1), "no rack"},
		"missing column":   {strings.Replace(good, "d4bc510b5d99  rack1", "d4bc510b5d99", 1), "too few columns"},
		"truncated line":   {good + "UN  172.23.0.9  1 KiB\n", "too few columns"},
		"bad single token": {strings.Replace(readSample(t, "status-4.0-down-node.txt"), "5934102370350368596", "59341023703503685x6", 1), "token"},
	}
	for name, c := range cases {
		_, err := ParseStatus(c.out)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one containing %q", name, err, c.want)
		}
	}
}
