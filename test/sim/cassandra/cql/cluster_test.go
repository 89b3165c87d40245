package cql_test

import (
	"context"
	"fmt"
	"math"
	"net"
	"net/netip"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/navigator-dbaas/navigator/test/sim/cassandra/cql"
)

// testCluster is the in-memory stand-in, for these tests only, of what the simulator's nodes
// will share: one schema, one copy of the data, and a count of live and responsive replicas
// from which each statement's consistency level is judged. Each node is a real cql.Server on
// its own listener, and reports the others as peers, so the driver discovers and uses all.
type testCluster struct {
	mu            sync.Mutex
	keyspaces     []cql.Keyspace
	rows          map[string]map[string]storedRow // by "keyspace.table", then partition key bytes
	schemaVersion uuid.UUID
	// live is how many replicas the coordinators believe alive; responsive how many of those
	// answer in time. Both start at the node count.
	live, responsive int
	// seen counts the Backend calls by operation and consistency level ("insert QUORUM").
	seen  map[string]int
	nodes []*testNode
}

// storedRow keeps each cell with its write timestamp: the newest write of a cell wins.
type storedRow map[string]cell

type cell struct {
	value     cql.Value
	timestamp int64
}

type testNode struct {
	cluster *testCluster
	local   cql.LocalNode
	server  *cql.Server
	addr    string // host:port of the CQL listener
}

const (
	testDC      = "dc1"
	testRelease = "4.1.5"
)

// startCluster starts n nodes on 127.0.0.1 with distinct ports, in one data center, one rack
// each, with evenly spread Murmur3 tokens. preparedStatements bounds each node's cache (0:
// the default).
func startCluster(t *testing.T, n, preparedStatements int) *testCluster {
	t.Helper()
	c := &testCluster{rows: map[string]map[string]storedRow{}, live: n, responsive: n, seen: map[string]int{}}
	c.bumpSchema()
	step := math.MaxUint64 / uint64(n)
	for i := range n {
		// Tokens from math.MinInt64 up, evenly spaced: the conversion wraps on purpose.
		c.addNode(t, int64(uint64(math.MaxInt64)+1+uint64(i)*step), preparedStatements)
	}
	return c
}

// addNode starts one more node, which the others report as a peer from then on.
func (c *testCluster) addNode(t *testing.T, token int64, preparedStatements int) *testNode {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	c.mu.Lock()
	i := len(c.nodes)
	node := &testNode{cluster: c, addr: ln.Addr().String(), local: cql.LocalNode{
		Node: cql.Node{
			HostID:         uuid.New(),
			DataCenter:     testDC,
			Rack:           fmt.Sprintf("rack%d", i+1),
			ReleaseVersion: testRelease,
			// Gossip addresses are distinct, as in a real cluster; nothing listens there.
			Address:       netip.AddrFrom4([4]byte{127, 0, 1, byte(i + 1)}),
			StoragePort:   7000,
			NativeAddress: netip.MustParseAddr("127.0.0.1"),
			NativePort:    ln.Addr().(*net.TCPAddr).Port,
			Tokens:        []string{fmt.Sprint(token)},
		},
		ClusterName: "simulated",
		Partitioner: "org.apache.cassandra.dht.Murmur3Partitioner",
	}}
	node.server = cql.NewServer(cql.Config{Backend: node, PreparedStatements: preparedStatements})
	c.nodes = append(c.nodes, node)
	c.mu.Unlock()
	done := make(chan error, 1)
	go func() { done <- node.server.Serve(t.Context(), ln) }()
	t.Cleanup(func() {
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("node %d: Serve: %v", i, err)
			}
		case <-time.After(10 * time.Second):
			t.Errorf("node %d: Serve did not return after the test", i)
		}
	})
	return node
}

// removeNode makes the other nodes forget a node, as after it is decommissioned; its server
// keeps running until the test ends.
func (c *testCluster) removeNode(n *testNode) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.nodes = slices.DeleteFunc(c.nodes, func(x *testNode) bool { return x == n })
}

// setReplicas sets how many replicas are alive and how many of those answer in time.
func (c *testCluster) setReplicas(live, responsive int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.live, c.responsive = live, responsive
}

// calls says how many times the Backend was asked op at consistency cl.
func (c *testCluster) calls(op string, cl cql.Consistency) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.seen[op+" "+cl.String()]
}

// bumpSchema gives the schema a new version, the same on every node, as after agreement.
func (c *testCluster) bumpSchema() {
	var sb strings.Builder
	for _, ks := range c.keyspaces {
		fmt.Fprintf(&sb, "%s%v;", ks.Name, ks.Tables)
	}
	c.schemaVersion = uuid.NewMD5(uuid.Nil, []byte(sb.String()))
}

// publish tells every node's server of a schema change, as every Cassandra node pushes it to
// its clients once applied.
func (c *testCluster) publish(ev cql.Event) {
	c.mu.Lock()
	nodes := slices.Clone(c.nodes)
	c.mu.Unlock()
	for _, n := range nodes {
		n.server.Publish(ev)
	}
}

func (n *testNode) Local() cql.LocalNode {
	n.cluster.mu.Lock()
	defer n.cluster.mu.Unlock()
	l := n.local
	l.SchemaVersion = n.cluster.schemaVersion
	return l
}

func (n *testNode) Peers() []cql.Node {
	n.cluster.mu.Lock()
	defer n.cluster.mu.Unlock()
	var out []cql.Node
	for _, p := range n.cluster.nodes {
		if p != n {
			node := p.local.Node
			node.SchemaVersion = n.cluster.schemaVersion
			out = append(out, node)
		}
	}
	return out
}

func (n *testNode) Keyspaces() []cql.Keyspace {
	n.cluster.mu.Lock()
	defer n.cluster.mu.Unlock()
	out := slices.Clone(n.cluster.keyspaces)
	for i := range out {
		out[i].Tables = slices.Clone(out[i].Tables)
	}
	return out
}

func (n *testNode) CreateKeyspace(_ context.Context, ks cql.Keyspace) error {
	c := n.cluster
	c.mu.Lock()
	if slices.ContainsFunc(c.keyspaces, func(k cql.Keyspace) bool { return k.Name == ks.Name }) {
		c.mu.Unlock()
		return &cql.AlreadyExistsError{Keyspace: ks.Name}
	}
	c.keyspaces = append(c.keyspaces, ks)
	c.bumpSchema()
	c.mu.Unlock()
	c.publish(cql.SchemaChange{Change: cql.Created, Target: cql.TargetKeyspace, Keyspace: ks.Name})
	return nil
}

func (n *testNode) CreateTable(_ context.Context, t cql.Table) error {
	c := n.cluster
	c.mu.Lock()
	i := slices.IndexFunc(c.keyspaces, func(k cql.Keyspace) bool { return k.Name == t.Keyspace })
	if i < 0 {
		c.mu.Unlock()
		return &cql.InvalidError{Message: "keyspace " + t.Keyspace + " does not exist"}
	}
	if slices.ContainsFunc(c.keyspaces[i].Tables, func(x cql.Table) bool { return x.Name == t.Name }) {
		c.mu.Unlock()
		return &cql.AlreadyExistsError{Keyspace: t.Keyspace, Table: t.Name}
	}
	c.keyspaces[i].Tables = append(c.keyspaces[i].Tables, t)
	c.rows[t.Keyspace+"."+t.Name] = map[string]storedRow{}
	c.bumpSchema()
	c.mu.Unlock()
	c.publish(cql.SchemaChange{Change: cql.Created, Target: cql.TargetTable, Keyspace: t.Keyspace, Table: t.Name})
	return nil
}

// replicas judges a consistency level for a keyspace as a coordinator in testDC does: how many
// replicas it needs, how many it believes alive, how many answer.
func (c *testCluster) replicas(keyspace string, cl cql.Consistency) (blockFor, alive, answering int) {
	var r cql.Replication
	for _, ks := range c.keyspaces {
		if ks.Name == keyspace {
			r = ks.Replication
		}
	}
	total, local := r.ReplicationFactor, r.ReplicationFactor
	if r.Class == cql.NetworkTopologyStrategy {
		total, local = 0, r.DataCenters[testDC]
	}
	for _, rf := range r.DataCenters {
		total += rf
	}
	count := total
	switch cl {
	case cql.One, cql.LocalOne, cql.Any:
		blockFor = 1
	case cql.Two:
		blockFor = 2
	case cql.Three:
		blockFor = 3
	case cql.Quorum, cql.EachQuorum:
		blockFor = total/2 + 1
	case cql.LocalQuorum:
		blockFor, count = local/2+1, local
	default:
		blockFor = total
	}
	alive = min(count, c.live)
	return blockFor, alive, min(alive, c.responsive)
}

func (n *testNode) Insert(_ context.Context, w cql.Write) error {
	c := n.cluster
	c.mu.Lock()
	defer c.mu.Unlock()
	c.seen["insert "+w.Consistency.String()]++
	blockFor, alive, answering := c.replicas(w.Keyspace, w.Consistency)
	if alive < blockFor {
		return &cql.UnavailableError{Consistency: w.Consistency, Required: blockFor, Alive: alive}
	}
	tbl := c.table(w.Keyspace, w.Table)
	key := string(w.Row[tbl.PartitionKey].Bytes)
	rows := c.rows[w.Keyspace+"."+w.Table]
	if answering > 0 {
		row := rows[key]
		if row == nil {
			row = storedRow{}
			rows[key] = row
		}
		for name, v := range w.Row {
			if old, ok := row[name]; !ok || w.Timestamp >= old.timestamp {
				row[name] = cell{value: v, timestamp: w.Timestamp}
			}
		}
	}
	if answering < blockFor {
		return &cql.WriteTimeoutError{Consistency: w.Consistency, Received: answering, BlockFor: blockFor, WriteType: cql.WriteSimple}
	}
	return nil
}

func (n *testNode) Select(_ context.Context, r cql.Read) (cql.Row, error) {
	c := n.cluster
	c.mu.Lock()
	defer c.mu.Unlock()
	c.seen["select "+r.Consistency.String()]++
	if err := c.readable(r.Keyspace, r.Consistency); err != nil {
		return nil, err
	}
	stored := c.rows[r.Keyspace+"."+r.Table][string(r.Key.Bytes)]
	if stored == nil {
		return nil, nil
	}
	row := cql.Row{}
	for name, cell := range stored {
		if !cell.value.IsNull() {
			row[name] = cell.value
		}
	}
	return row, nil
}

func (n *testNode) Count(_ context.Context, s cql.Scan) (int64, error) {
	c := n.cluster
	c.mu.Lock()
	defer c.mu.Unlock()
	c.seen["count "+s.Consistency.String()]++
	if err := c.readable(s.Keyspace, s.Consistency); err != nil {
		return 0, err
	}
	return int64(len(c.rows[s.Keyspace+"."+s.Table])), nil
}

func (c *testCluster) readable(keyspace string, cl cql.Consistency) error {
	blockFor, alive, answering := c.replicas(keyspace, cl)
	if alive < blockFor {
		return &cql.UnavailableError{Consistency: cl, Required: blockFor, Alive: alive}
	}
	if answering < blockFor {
		return &cql.ReadTimeoutError{Consistency: cl, Received: answering, BlockFor: blockFor, DataPresent: answering > 0}
	}
	return nil
}

func (c *testCluster) table(keyspace, name string) cql.Table {
	for _, ks := range c.keyspaces {
		for _, t := range ks.Tables {
			if ks.Name == keyspace && t.Name == name {
				return t
			}
		}
	}
	return cql.Table{}
}
