package cql_test

import (
	"net/netip"
	"slices"
	"sync"
	"testing"
	"time"

	gocql "github.com/apache/cassandra-gocql-driver/v2"

	"github.com/navigator-dbaas/navigator/test/sim/cassandra/cql"
)

// listener records what the driver tells its schema and host listeners.
type listener struct {
	mu     sync.Mutex
	events []string
}

func (l *listener) add(ev string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.events = append(l.events, ev)
}

// await waits until the listener has heard ev, for at most five seconds: the driver batches
// events for a second before acting on them.
func (l *listener) await(t *testing.T, ev string) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		l.mu.Lock()
		heard := slices.Contains(l.events, ev)
		l.mu.Unlock()
		if heard {
			return
		}
		select {
		case <-t.Context().Done():
			t.Fatal(t.Context().Err())
		case <-time.After(20 * time.Millisecond):
		}
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	t.Fatalf("driver did not report %q; it reported %v", ev, l.events)
}

func (l *listener) OnKeyspaceCreated(e gocql.OnKeyspaceCreatedEvent) {
	l.add("keyspace " + e.Keyspace.Name)
}
func (l *listener) OnKeyspaceUpdated(gocql.OnKeyspaceUpdatedEvent) {}
func (l *listener) OnKeyspaceDropped(gocql.OnKeyspaceDroppedEvent) {}
func (l *listener) OnTableCreated(e gocql.OnTableCreatedEvent) {
	l.add("table " + e.Table.Keyspace + "." + e.Table.Name)
}
func (l *listener) OnTableUpdated(gocql.OnTableUpdatedEvent) {}
func (l *listener) OnTableDropped(gocql.OnTableDroppedEvent) {}
func (l *listener) OnHostUp(e gocql.HostUpEvent)             { l.add("up " + e.Host.HostID()) }
func (l *listener) OnHostDown(e gocql.HostDownEvent)         { l.add("down " + e.Host.HostID()) }
func (l *listener) OnNewHost(e gocql.NewHostEvent)           { l.add("new " + e.Host.HostID()) }
func (l *listener) OnRemovedHost(e gocql.RemovedHostEvent)   { l.add("removed " + e.Host.HostID()) }

// checkSchema checks the driver's view of sim.kv, which it builds from system_schema.
func checkSchema(t *testing.T, ks *gocql.KeyspaceMetadata) {
	t.Helper()
	if ks.StrategyClass != cql.NetworkTopologyStrategy || ks.StrategyOptions["dc1"] != "3" || !ks.DurableWrites {
		t.Errorf("keyspace sim: %s %v durable %v, want NetworkTopologyStrategy dc1=3 durable",
			ks.StrategyClass, ks.StrategyOptions, ks.DurableWrites)
	}
	kv, ok := ks.Tables["kv"]
	if !ok {
		t.Fatalf("driver does not know table sim.kv: %v", ks.Tables)
	}
	if len(kv.PartitionKey) != 1 || kv.PartitionKey[0].Name != "k" || len(kv.ClusteringColumns) != 0 {
		t.Errorf("sim.kv primary key: %v %v, want (k)", kv.PartitionKey, kv.ClusteringColumns)
	}
	want := map[string]string{"k": "text", "v": "int", "n": "bigint", "id": "uuid", "t": "timeuuid",
		"b": "boolean", "raw": "blob", "ip": "inet", "at": "timestamp"}
	if len(kv.Columns) != len(want) {
		t.Errorf("sim.kv has %d columns, want %d", len(kv.Columns), len(want))
	}
	for name, typ := range want {
		c, ok := kv.Columns[name]
		if !ok || c.Validator != typ {
			t.Errorf("column %s: %+v, want type %s", name, c, typ)
		}
	}
}

// A schema change reaches the driver as an event on its control connection; the driver then
// reads system_schema again and tells its listeners. Its cached metadata then describes the new
// keyspace and table as Cassandra would.
func TestSchemaChangeEventsRefreshDriverMetadata(t *testing.T) {
	t.Parallel() // mostly waiting out the driver's one-second event batching
	c := startCluster(t, 3, 0)
	heard := &listener{}
	s := c.session(t, func(cfg *gocql.ClusterConfig) {
		cfg.Metadata.SchemaListener = gocql.SchemaListenersConfig{KeyspaceChangeListener: heard, TableChangeListener: heard}
	})
	exec(t, s, createKeyspace)
	heard.await(t, "keyspace sim")
	// The driver reports a table on its own only in a keyspace it already knew.
	exec(t, s, createTable)
	heard.await(t, "table sim.kv")
	ks, err := s.KeyspaceMetadata("sim")
	if err != nil {
		t.Fatal(err)
	}
	checkSchema(t, ks)
}

// With its metadata cache off, the driver reads system_schema on each call, through prepared
// statements bound to a keyspace name; the system keyspaces describe themselves too.
func TestSchemaTablesReadDirectly(t *testing.T) {
	c := startCluster(t, 1, 0)
	s := c.session(t, func(cfg *gocql.ClusterConfig) { cfg.Metadata.CacheMode = gocql.Disabled })
	exec(t, s, `CREATE KEYSPACE sim WITH replication = {'class': 'NetworkTopologyStrategy', 'replication_factor': 3}`)
	exec(t, s, createTable)
	ks, err := s.KeyspaceMetadata("sim")
	if err != nil {
		t.Fatal(err)
	}
	checkSchema(t, ks)

	system, err := s.KeyspaceMetadata("system")
	if err != nil {
		t.Fatal(err)
	}
	if system.StrategyClass != cql.LocalStrategy {
		t.Errorf("system keyspace strategy %q, want LocalStrategy", system.StrategyClass)
	}
	peers, ok := system.Tables["peers_v2"]
	if !ok || len(peers.PartitionKey) != 1 || peers.PartitionKey[0].Name != "peer" ||
		len(peers.ClusteringColumns) != 1 || peers.ClusteringColumns[0].Name != "peer_port" {
		t.Errorf("system.peers_v2: %+v, want PRIMARY KEY ((peer), peer_port)", peers)
	}
	if tokens := peers.Columns["tokens"]; tokens == nil || tokens.Validator != "set<text>" {
		t.Errorf("system.peers_v2.tokens: %+v, want set<text>", tokens)
	}
	if _, err := s.KeyspaceMetadata("nope"); err == nil {
		t.Errorf("metadata of a keyspace that does not exist: no error")
	}
	// The distributed system keyspaces of a new cluster are there, with SimpleStrategy at the
	// default replication factors of AuthKeyspace, SystemDistributedKeyspace and TraceKeyspace:
	// Cassandra checks them before a decommission like any keyspace.
	var name string
	var replication map[string]string
	got := map[string]string{}
	iter := s.Query("SELECT keyspace_name, replication FROM system_schema.keyspaces").Iter()
	for iter.Scan(&name, &replication) {
		got[name] = replication["class"] + "/" + replication["replication_factor"]
	}
	if err := iter.Close(); err != nil {
		t.Fatal(err)
	}
	for ks, want := range map[string]string{"system_auth": cql.SimpleStrategy + "/1", "system_distributed": cql.SimpleStrategy + "/3",
		"system_traces": cql.SimpleStrategy + "/2", "system": cql.LocalStrategy + "/"} {
		if got[ks] != want {
			t.Errorf("system_schema.keyspaces: %s is %q, want %q", ks, got[ks], want)
		}
	}
}

// STATUS_CHANGE events reach the driver: DOWN takes a node out of its pool. (UP is not tested:
// the driver waits ten seconds before acting on it for releases 4.0, 4.1 and 5.0, reading them
// as older than 2.2.)
func TestStatusChangeEventsReachTheDriver(t *testing.T) {
	t.Parallel() // mostly waiting out the driver's one-second event batching
	c := startCluster(t, 3, 0)
	heard := &listener{}
	s := c.session(t, func(cfg *gocql.ClusterConfig) {
		cfg.Metadata.HostListener = gocql.HostListenersConfig{HostStateChangeListener: heard}
	})
	n := c.nodes[2]
	// The driver finds the node an event names by its gossip address.
	c.publish(cql.StatusChange{Change: cql.Down, Address: netip.AddrPortFrom(n.local.Address, uint16(n.local.NativePort))})
	heard.await(t, "down "+n.local.HostID.String())
	for _, h := range s.GetHosts() {
		if h.HostID() == n.local.HostID.String() && h.IsUp() {
			t.Errorf("driver still has %s up after DOWN", h.HostID())
		}
	}
}

// TOPOLOGY_CHANGE events make the driver read system.peers_v2 again: it finds a node that
// joined, connects to it and can query it; it forgets a node that left.
func TestTopologyChangeEventsReachTheDriver(t *testing.T) {
	t.Parallel() // mostly waiting out the driver's one-second event batching
	c := startCluster(t, 2, 0)
	heard := &listener{}
	s := c.session(t, func(cfg *gocql.ClusterConfig) {
		cfg.Metadata.HostListener = gocql.HostListenersConfig{TopologyChangeListener: heard}
	})
	joined := c.addNode(t, 42, 0)
	at := netip.AddrPortFrom(joined.local.Address, uint16(joined.local.NativePort))
	c.publish(cql.TopologyChange{Change: cql.NewNode, Address: at})
	heard.await(t, "new "+joined.local.HostID.String())
	var rack string
	q := s.Query("SELECT rack FROM system.local WHERE key = 'local'").SetHostID(joined.local.HostID.String())
	if err := q.ScanContext(t.Context(), &rack); err != nil || rack != joined.local.Rack {
		t.Errorf("query on the node that joined: %q, %v", rack, err)
	}

	c.removeNode(joined)
	c.publish(cql.TopologyChange{Change: cql.RemovedNode, Address: at})
	heard.await(t, "removed "+joined.local.HostID.String())
	if len(s.GetHosts()) != 2 {
		t.Errorf("driver knows %d hosts after one left, want 2", len(s.GetHosts()))
	}
}
