package ring

import (
	"errors"
	"testing"

	"github.com/navigator-dbaas/navigator/test/sim/cassandra/config"
)

// TestSchemaChangesDuringARollingUpgrade: Cassandra does not refuse a schema change in a cluster of
// mixed versions; MigrationManager only pushes it to, and pulls it from, nodes that speak the same
// messaging version. 4.1 and 5.0 in its default storage_compatibility_mode (CASSANDRA_4) speak the
// same one, so the change spreads; a 5.0 node in mode NONE does not get it until the others speak
// its version.
func TestSchemaChangesDuringARollingUpgrade(t *testing.T) {
	w := newWorld(t, 73)
	nodes := w.start(3, 3)
	upgrade := func(n *Node, mode string) {
		t.Helper()
		if err := w.Stop(w.now, n.HostID); err != nil {
			t.Fatal(err)
		}
		if err := w.Upgrade(n.HostID, "5.0.2", mode); err != nil {
			t.Fatal(err)
		}
		if err := w.Start(w.now, n.HostID); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Upgrade(nodes[0].HostID, "5.0.2", config.CompatibilityCassandra4); err == nil {
		t.Fatal("changed the release of a running node")
	}
	upgrade(nodes[0], config.CompatibilityCassandra4)
	w.keyspace("app", NTS("dc1", 3), nodes[1].HostID) // made on a 4.1 node
	if w.SchemaVersion(nodes[0]) != w.SchemaVersion(nodes[1]) {
		t.Fatal("a 5.0 node in CASSANDRA_4 mode did not get a schema change from a 4.1 node")
	}
	upgrade(nodes[2], config.CompatibilityNone)
	if nodes[2].MessagingVersion() == nodes[1].MessagingVersion() {
		t.Fatal("5.0 in mode NONE should speak another messaging version than 4.1")
	}
	if err := w.CreateKeyspace(w.now, nodes[1].HostID, "later", Simple(1)); err != nil {
		t.Fatalf("a schema change in a mixed-version cluster is allowed: %v", err)
	}
	if w.SchemaVersion(nodes[2]) == w.SchemaVersion(nodes[1]) {
		t.Fatal("the change crossed messaging versions")
	}
	var ir *InvalidRequestError
	if err := w.CreateTable(w.now, nodes[2].HostID, "later", "t"); !errors.As(err, &ir) || ir.Message != "keyspace later does not exist" {
		t.Fatalf("a node that did not get the keyspace: %v", err)
	}
	// Writes through a node that knows the table reach the replicas that know it; a replica that
	// does not drops the mutation, which may time the write out.
	if err := w.Write(w.now, nodes[1].HostID, "app", "rows", key(1), "v", Quorum); err != nil {
		t.Fatalf("app is known everywhere: %v", err)
	}
	upgrade(nodes[0], config.CompatibilityNone)
	upgrade(nodes[1], config.CompatibilityNone)
	if w.SchemaVersion(nodes[2]) != w.SchemaVersion(nodes[1]) || w.SchemaVersion(nodes[0]) != w.SchemaVersion(nodes[1]) {
		t.Fatal("schema did not converge once every node spoke the same messaging version")
	}
	if err := w.CreateTable(w.now, nodes[2].HostID, "later", "t"); err != nil {
		t.Fatal(err)
	}
}
