package pilot

import (
	"errors"
	"os"
	"testing"

	"github.com/navigator-dbaas/navigator/internal/cassandra/nodetool"
)

// TestLeaveProgress reads a decommission's progress from netstats (a sample derived from
// NetStats.java, with the parser's own test data).
func TestLeaveProgress(t *testing.T) {
	raw, err := os.ReadFile("../nodetool/testdata/derived/netstats-4.1-leaving-human-pp.txt")
	if err != nil {
		t.Fatal(err)
	}
	ns, err := nodetool.ParseNetstats(string(raw))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := leaveProgress(ns), "decommissioning (mode LEAVING): streaming to 1 node, 50% of 1.50 MiB sent"; got != want {
		t.Errorf("%q, want %q", got, want)
	}
	if got, want := leaveProgress(&nodetool.Netstats{Mode: "LEAVING"}), "decommissioning (mode LEAVING): no data streaming"; got != want {
		t.Errorf("%q, want %q", got, want)
	}
	if got := leaveProgress(nil); got != "nodetool decommission is running" {
		t.Errorf("without netstats: %q", got)
	}
}

// TestCleanupRefusalsWait: Cassandra's refusals while ranges move to the node, or before it
// joined, make a cleanup wait; anything else fails it.
func TestCleanupRefusalsWait(t *testing.T) {
	for msg, want := range map[string]bool{
		"Node is involved in cluster membership changes. Not safe to run cleanup.":        true,
		"Cleanup cannot run before a node has joined the ring":                            true,
		"Failed to connect to '127.0.0.1:7199' - ConnectException: 'Connection refused'.": false,
	} {
		if got := waits(&nodetoolError{command: "cleanup", message: msg}); got != want {
			t.Errorf("%q waits: %v, want %v", msg, got, want)
		}
	}
	if waits(errors.New("other")) {
		t.Error("an error of another kind waits")
	}
}

// TestAnAbortedCleanupWaits: nodetool cleanup of a cleanup Cassandra aborted exits 0 on 4.1 and
// 5.0 and 2 on 4.0 (NodeProbe in the classes of 4.0.17, 4.1.10 and 5.0.9), printing the abort on
// stdout. Neither is done: the engine tries again later, as for the other refusals that wait.
func TestAnAbortedCleanupWaits(t *testing.T) {
	failed := &nodetoolError{command: "cleanup", message: "nodetool failed, check server logs"}
	for name, tc := range map[string]struct {
		stdout string
		err    error
	}{
		"4.1 and 5.0, exit 0": {"Aborted cleaning up for at least one table in keyspace shop, check server logs for more information.\n", nil},
		"4.0, exit 2":         {"Aborted cleaning up at least one table in keyspace shop, check server logs for more information.\n", failed},
	} {
		err := cleanupOutcome(tc.stdout, tc.err)
		if err == nil || !waits(err) {
			t.Errorf("%s: %v, want an error the engine waits on", name, err)
		}
	}
	if err := cleanupOutcome("", nil); err != nil {
		t.Errorf("a cleanup that printed nothing and exited 0: %v", err)
	}
	if err := cleanupOutcome("", failed); !errors.Is(err, error(failed)) || waits(err) {
		t.Errorf("a cleanup that failed otherwise: %v, want its own error, not a wait", err)
	}
}

func TestSize(t *testing.T) {
	for b, want := range map[int64]string{0: "0 bytes", 1023: "1023 bytes", 1536: "1.50 KiB", 5 << 30: "5.00 GiB"} {
		if got := size(b); got != want {
			t.Errorf("size(%d) = %q, want %q", b, got, want)
		}
	}
}
