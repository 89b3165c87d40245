package pilot

import (
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	gocql "github.com/apache/cassandra-gocql-driver/v2"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"

	navv1alpha1 "github.com/navigator-dbaas/navigator/api/v1alpha1"
	"github.com/navigator-dbaas/navigator/internal/pilot/engine"
	"github.com/navigator-dbaas/navigator/test/procio"
	simconfig "github.com/navigator-dbaas/navigator/test/sim/cassandra/config"
	simnode "github.com/navigator-dbaas/navigator/test/sim/cassandra/node"
)

// The engine's tests run against the Cassandra simulator (test/sim/cassandra), its nodes started
// in-process, each on its own loopback address as pods have their own IPs: a node reads the
// cassandra.yaml and cassandra-rackdc.properties its engine wrote, as the image would, and the
// engine reaches it through the simulator's nodetool command and CQL on 127.0.0.1.

// simTiming keeps the tests short: gossip every 50ms, RING_DELAY 200ms.
var simTiming = simnode.Timing{Gossip: 50 * time.Millisecond, RingDelay: 200 * time.Millisecond, Convict: time.Second,
	ShadowRound: 3 * time.Second, RequestTimeout: 2 * time.Second}

// simNode is one node: its engine, and the listeners it starts with.
type simNode struct {
	ip                   string
	engine               *Engine
	storage, admin       net.Listener
	jolokia              net.Listener
	node                 *simnode.Node
	log                  procio.Buffer
	storagePort, cqlPort int
}

// simCluster is a CassandraCluster of simulated nodes in one pool, r1 in dc1; the first node is
// the seed.
type simCluster struct {
	t     *testing.T
	dir   string
	cc    *navv1alpha1.CassandraCluster
	seed  string
	names []string
	// rate is each node's stream_throughput_outbound.
	rate int64

	mu    sync.Mutex
	nodes map[string]*simNode
}

var nextIP struct {
	sync.Mutex
	n int
}

func newSimCluster(t *testing.T, names ...string) *simCluster {
	c := &simCluster{t: t, dir: t.TempDir(), nodes: map[string]*simNode{}, rate: 4 << 20,
		cc: testCluster(navv1alpha1.CassandraNodePool{NodePoolCommon: navv1alpha1.NodePoolCommon{Name: "r1"}})}
	for _, name := range names {
		c.add(name)
	}
	t.Cleanup(func() {
		for _, name := range c.names {
			n := c.node(name)
			if n.node != nil {
				_ = n.node.Kill()
			}
			n.engine.close()
			_ = n.storage.Close()
			_ = n.admin.Close()
			_ = n.jolokia.Close()
		}
		if t.Failed() {
			for _, name := range c.names {
				t.Logf("log of %s:\n%s", name, c.log(name))
			}
		}
	})
	return c
}

// add declares a node: its address, its ports and its engine.
func (c *simCluster) add(name string) {
	c.t.Helper()
	nextIP.Lock()
	nextIP.n++
	seq := nextIP.n
	nextIP.Unlock()
	ip := fmt.Sprintf("127.0.%d.%d", 60+seq/250, seq%250+1)
	n := &simNode{ip: ip, storage: listen(c.t, ip), admin: listen(c.t, ip), jolokia: listen(c.t, "127.0.0.1"), cqlPort: cqlPort(seq)}
	n.storagePort = port(n.storage)
	if c.seed == "" {
		c.seed = net.JoinHostPort(ip, strconv.Itoa(n.storagePort))
	}
	n.engine = &Engine{
		NodePool: "r1", Seeds: []string{c.seed},
		ConfigDir: filepath.Join(c.dir, name, "config"), DataDir: filepath.Join(c.dir, name, "volume"),
		CQLPort: n.cqlPort, StoragePort: n.storagePort,
		Nodetool:   []string{nodetoolBin, "-h", ip, "-p", strconv.Itoa(port(n.admin))},
		JMXAddress: n.admin.Addr().String(),
		// The simulated node serves the agent's protocol on its own listener: no jar is loaded.
		JMXAgent: "jolokia-jvm.jar", JolokiaPort: port(n.jolokia),
		RetryDelay: 100 * time.Millisecond,
	}
	if err := n.engine.Init(); err != nil {
		c.t.Fatal(err)
	}
	c.mu.Lock()
	c.nodes[name] = n
	c.names = append(c.names, name)
	c.mu.Unlock()
}

func listen(t *testing.T, ip string) net.Listener {
	l, err := net.Listen("tcp", ip+":0")
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func port(l net.Listener) int { return l.Addr().(*net.TCPAddr).Port }

// cqlPort is a port for a node's CQL server, which binds 0.0.0.0 once the node has joined, so the
// port must be free on every address. The ports lie below the kernel's ephemeral range, where no
// connection made meanwhile by this or a parallel test package can take one between the node's
// set-up and its join (a port picked with ":0" and closed again could be); each process takes a
// block of its own, by process id, and the nodes of one run take turns through it.
func cqlPort(n int) int { return 10000 + os.Getpid()%200*100 + n%100 }

func (c *simCluster) node(name string) *simNode {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.nodes[name]
}

func (c *simCluster) engine(name string) *Engine { return c.node(name).engine }

func (c *simCluster) log(name string) string { return c.node(name).log.String() }

// input is what the agent hands the engine: the pod, its Pilot at a generation, the cluster.
func (c *simCluster) input(name string, generation int64) engine.Input {
	return engine.Input{
		Node: engine.Node{Name: "orders-r1-" + name, Namespace: "team-a", IP: c.node(name).ip},
		Pilot: &navv1alpha1.Pilot{
			ObjectMeta: metav1.ObjectMeta{Name: "orders-r1-" + name, Generation: generation},
			Spec:       navv1alpha1.PilotSpec{Engine: navv1alpha1.EngineCassandra, Cluster: c.cc.Name, Start: true},
		},
		Cluster: c.cc,
	}
}

// start does what the agent does when the start gate opens (Configure, then Command), and starts
// the node from the files written; then it waits until the engine says the node is ready.
func (c *simCluster) start(name string) {
	c.t.Helper()
	n := c.node(name)
	e := n.engine
	if err := e.Configure(c.t.Context(), c.input(name, 1)); err != nil {
		c.t.Fatal(err)
	}
	e.Command([]string{"/opt/cassandra/bin/cassandra", "-f"})
	cfg, err := simconfig.Load(simconfig.V41, filepath.Join(e.ConfigDir, configFile))
	if err != nil {
		c.t.Fatalf("%s: the simulator refuses cassandra.yaml: %v", name, err)
	}
	rackDC, err := simconfig.LoadRackDC(filepath.Join(e.ConfigDir, rackDCFile))
	if err != nil {
		c.t.Fatal(err)
	}
	node, err := simnode.Start(c.t.Context(), cfg, rackDC, simnode.Options{
		Release: simRelease, Log: &n.log, Timing: simTiming,
		StorageListener: n.storage, AdminListener: n.admin, JolokiaListener: n.jolokia, StreamBytesPerSecond: c.rate,
	})
	if err != nil {
		c.t.Fatalf("start %s: %v", name, err)
	}
	c.mu.Lock()
	n.node = node
	c.mu.Unlock()
	eventually(c.t, 15*time.Second, name+" ready", func() bool { return e.Ready(c.t.Context()) == nil })
}

// startAll starts the nodes one after the other, as one bootstraps at a time.
func (c *simCluster) startAll() {
	for _, name := range c.names {
		c.start(name)
	}
}

// kill stops a node as a crash does.
func (c *simCluster) kill(name string) {
	c.t.Helper()
	if err := c.node(name).node.Kill(); err != nil {
		c.t.Errorf("killing %s: %v", name, err)
	}
}

// act calls Act until the action is no longer in progress, as the agent does every step, and
// returns its last status with every message reported on the way.
func (c *simCluster) act(name string, action navv1alpha1.PilotAction, generation int64, within time.Duration) (navv1alpha1.PilotActionStatus, []string) {
	c.t.Helper()
	var st navv1alpha1.PilotActionStatus
	var messages []string
	eventually(c.t, within, fmt.Sprintf("%s on %s to end", action, name), func() bool {
		var err error
		st, err = c.engine(name).Act(c.t.Context(), action, c.input(name, generation))
		if err != nil {
			c.t.Logf("%s on %s: %v", action, name, err)
			return false
		}
		if len(messages) == 0 || messages[len(messages)-1] != st.Message {
			messages = append(messages, st.Message)
		}
		return st.Phase != navv1alpha1.ActionInProgress
	})
	return st, messages
}

// observe runs Observe on a status as the agent keeps it between steps.
func (c *simCluster) observe(name string, st *navv1alpha1.PilotStatus) error {
	return c.engine(name).Observe(c.t.Context(), st)
}

// session connects the driver through one node.
func (c *simCluster) session(through string) *gocql.Session {
	c.t.Helper()
	cfg := gocql.NewCluster(c.node(through).node.NativeAddr())
	cfg.ProtoVersion = 4
	cfg.Timeout = 5 * time.Second
	cfg.ConnectTimeout = 2 * time.Second
	cfg.MaxWaitSchemaAgreement = 5 * time.Second
	s, err := cfg.CreateSession()
	if err != nil {
		c.t.Fatalf("connecting the driver: %v", err)
	}
	c.t.Cleanup(s.Close)
	return s
}

// writeRows creates a keyspace with one table and writes n rows at QUORUM.
func writeRows(t *testing.T, s *gocql.Session, keyspace, replication string, n int) {
	t.Helper()
	ctx := t.Context()
	if err := s.Query(fmt.Sprintf("CREATE KEYSPACE %s WITH replication = %s", keyspace, replication)).ExecContext(ctx); err != nil {
		t.Fatalf("create keyspace: %v", err)
	}
	if err := s.Query(fmt.Sprintf("CREATE TABLE %s.kv (k int PRIMARY KEY, v text)", keyspace)).ExecContext(ctx); err != nil {
		t.Fatalf("create table: %v", err)
	}
	for i := range n {
		q := s.Query(fmt.Sprintf("INSERT INTO %s.kv (k, v) VALUES (?, ?)", keyspace), i, fmt.Sprint("value-", i)).Consistency(gocql.Quorum)
		if err := q.ExecContext(ctx); err != nil {
			t.Fatalf("insert %d: %v", i, err)
		}
	}
}

// readRows reads back every row writeRows wrote, at QUORUM, and counts those found intact.
func readRows(t *testing.T, s *gocql.Session, keyspace string, n int) int {
	t.Helper()
	found := 0
	for i := range n {
		var v string
		err := s.Query(fmt.Sprintf("SELECT v FROM %s.kv WHERE k = ?", keyspace), i).Consistency(gocql.Quorum).ScanContext(t.Context(), &v)
		if err != nil {
			t.Errorf("read %d at QUORUM: %v", i, err)
			continue
		}
		if v == fmt.Sprint("value-", i) {
			found++
		}
	}
	return found
}

func eventually(t *testing.T, within time.Duration, what string, cond func() bool) {
	t.Helper()
	err := wait.PollUntilContextTimeout(t.Context(), 50*time.Millisecond, within, true, func(context.Context) (bool, error) { return cond(), nil })
	if err != nil {
		t.Fatalf("%s: not within %v", what, within)
	}
}
