package nodetool

import (
	"strings"
	"testing"
	"time"
)

// TestParseInfoOfARealNode reads nodetool info as a real 4.1.5 node printed it (testdata/SOURCES.md):
// the identity, liveness, load, uptime and place of the node, and the token count of a vnode node.
func TestParseInfoOfARealNode(t *testing.T) {
	i, err := ParseInfo(readSample(t, "info-4.1.5.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if i.HostID != "95bab0f0-7900-4324-9788-15fc2a0cf6f4" || !i.GossipActive || !i.NativeTransportActive {
		t.Errorf("identity and liveness: %+v", i)
	}
	if i.Load != 112026 || i.UncompressedLoad != 0 {
		t.Errorf("load %d (uncompressed %d), want 109.4 KiB = 112026 bytes and no uncompressed load before 5.0", i.Load, i.UncompressedLoad)
	}
	if i.GenerationNo != 1716960135 || i.Uptime != 355*time.Second {
		t.Errorf("generation %d, uptime %v", i.GenerationNo, i.Uptime)
	}
	if i.HeapUsedMB != 573.30 || i.HeapMaxMB != 3916.00 {
		t.Errorf("heap %v / %v", i.HeapUsedMB, i.HeapMaxMB)
	}
	if i.DataCenter != "my-datacenter-1" || i.Rack != "rack1" || i.Exceptions != 0 || i.PercentRepaired != 100 {
		t.Errorf("place, exceptions, repaired: %+v", i)
	}
	if !i.Joined || i.TokenCount != 16 || len(i.Tokens) != 0 {
		t.Errorf("joined %v, %d tokens %v; want joined with 16 tokens, not listed", i.Joined, i.TokenCount, i.Tokens)
	}
	if got := i.Fields["Network Cache"]; got != "size 8 MiB, overflow size: 0 bytes, capacity 128 MiB" {
		t.Errorf("lines without a field of their own are kept by key: Network Cache = %q", got)
	}
	if i.BootstrapState != "" {
		t.Errorf("bootstrap state %q before 5.0", i.BootstrapState)
	}
}

// TestParseInfoOfABootstrappingNode reads the lines 5.0's Info.java prints for a node that has
// not joined yet (derived from the source, see testdata/SOURCES.md).
func TestParseInfoOfABootstrappingNode(t *testing.T) {
	i, err := ParseInfo(readSample(t, "derived/info-5.0-joining.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if i.Joined || i.TokenCount != 0 {
		t.Errorf("joined %v with %d tokens, want not joined", i.Joined, i.TokenCount)
	}
	if i.NativeTransportActive || !i.GossipActive {
		t.Errorf("a bootstrapping node gossips but does not serve CQL: %+v", i)
	}
	if i.Load != 3446711255 || i.UncompressedLoad != 5390183956 {
		t.Errorf("load %d, uncompressed %d", i.Load, i.UncompressedLoad)
	}
	if i.BootstrapState != "IN_PROGRESS" || i.BootstrapFailed || i.Decommissioning || i.DecommissionFailed {
		t.Errorf("bootstrap state %q, failed %v, decommissioning %v, decommission failed %v",
			i.BootstrapState, i.BootstrapFailed, i.Decommissioning, i.DecommissionFailed)
	}
}

// TestParseInfoTokens reads the three forms of the Token line: one token, every token (-T), and
// the count.
func TestParseInfoTokens(t *testing.T) {
	base := "ID                     : 95bab0f0-7900-4324-9788-15fc2a0cf6f4\n" +
		"Gossip active          : true\nNative Transport active: true\nLoad                   : 0 bytes\n" +
		"Data Center            : dc1\nRack                   : r1\n"
	one, err := ParseInfo(base + "Token                  : -9223372036854775808\n")
	if err != nil || one.TokenCount != 1 || one.Tokens[0] != "-9223372036854775808" {
		t.Errorf("one token: %+v %v", one, err)
	}
	all, err := ParseInfo(base + "Token                  : -3\nToken                  : 42\n")
	if err != nil || all.TokenCount != 2 || strings.Join(all.Tokens, ",") != "-3,42" {
		t.Errorf("tokens with -T: %+v %v", all, err)
	}
}

// TestParseInfoRejects checks damaged output and output missing what the pilot needs.
func TestParseInfoRejects(t *testing.T) {
	good := readSample(t, "info-4.1.5.txt")
	cases := map[string]struct{ out, want string }{
		"empty":       {"", `no "ID" line`},
		"no rack":     {strings.Replace(good, "Rack                   : rack1\n", "", 1), `no "Rack" line`},
		"bad host ID": {strings.Replace(good, "95bab0f0-7900", "95bab0f0-790", 1), "not a UUID"},
		"bad bool":    {strings.Replace(good, "Gossip active          : true", "Gossip active          : yes", 1), "Gossip active"},
		"bad load":    {strings.Replace(good, "109.4 KiB", "109.4 kilobytes", 1), "invalid size"},
		"bad heap":    {strings.Replace(good, "573.30 / 3916.00", "573.30", 1), "used / max"},
		"bad token":   {strings.Replace(good, "(invoke with -T/--tokens to see all 16 tokens)", "sixteen", 1), "token"},
		"not a pair":  {good + "garbage\n", "not a \"key : value\" line"},
	}
	for name, c := range cases {
		_, err := ParseInfo(c.out)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one containing %q", name, err, c.want)
		}
	}
}
