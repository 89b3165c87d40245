package pilot

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	gocql "github.com/apache/cassandra-gocql-driver/v2"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"

	navv1alpha1 "github.com/navigator-dbaas/navigator/api/v1alpha1"
	"github.com/navigator-dbaas/navigator/internal/pilot/engine"
	"github.com/navigator-dbaas/navigator/internal/pilot/supervisor"
	"github.com/navigator-dbaas/navigator/test/procio"
	realnode "github.com/navigator-dbaas/navigator/test/real/cassandra/node"
	"github.com/navigator-dbaas/navigator/test/real/jvm"
	simconfig "github.com/navigator-dbaas/navigator/test/sim/cassandra/config"
	simnode "github.com/navigator-dbaas/navigator/test/sim/cassandra/node"
)

// The engine's tests run against a ring of nodes of one of two kinds, from the same test code:
//
//   - simulated nodes (test/sim/cassandra), started in-process, each on its own loopback address
//     as pods have their own IPs: a node reads the cassandra.yaml and cassandra-rackdc.properties
//     its engine wrote, as the image would, and the engine reaches it through the simulator's
//     nodetool command, the Jolokia protocol and CQL on 127.0.0.1;
//   - real Cassandra nodes (test/real/cassandra), started as processes with the command and
//     environment the engine gives, when the environment names an installation (make
//     test-real): the conformance suite. A difference between the two is a bug in the
//     simulator, or in Navigator.
//
// Tests that run on both are named TestConformance* and run their body once per backend, as the
// subtests sim and real.

// backend is the kind of node a ring is made of.
type backend struct {
	name string
	// real is the installation of real nodes; nil for simulated ones.
	real *realnode.Install
	// simVersion is the release of simulated nodes when not simRelease.
	simVersion string
}

// forEachBackend runs body against simulated nodes, and against real ones when the environment
// names an installation. With real nodes, the conformance tests run side by side (go test
// -parallel, the number of cores by default): their real rings spend much of their time waiting
// on Cassandra (ring delay, gossip, streams), and one after the other they took 461 s of a
// 465 s run. Without, they run one after the other as before: side by side under -race with a
// core busy (make test-flaky), the simulated Leave once finished its stream before any cleanup
// was asked, and its test needs a cleanup to find the ranges still moving.
func forEachBackend(t *testing.T, body func(t *testing.T, b backend)) {
	in, ok, err := realnode.FromEnv()
	if err != nil {
		t.Fatal(err)
	}
	if ok {
		t.Parallel()
	}
	t.Run("sim", func(t *testing.T) {
		t.Parallel()
		body(t, backend{name: "sim"})
	})
	if !ok && os.Getenv(realnode.EnvRequired) != "" {
		t.Fatalf("%s is set, but no real installation is named (%s, %s, %s)", realnode.EnvRequired, realnode.EnvHome, realnode.EnvJava, realnode.EnvAgent)
	}
	if ok {
		t.Run("real", func(t *testing.T) {
			t.Parallel()
			body(t, backend{name: "real", real: &in})
		})
	}
}

// release is what the ring's nodes report.
func (b backend) release(t *testing.T) string {
	if b.real == nil {
		return cmp.Or(b.simVersion, simRelease)
	}
	r, err := b.real.Release()
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// within is how long to wait for something that takes d on simulated nodes: real ones start
// JVMs, sleep RING_DELAY and convict peers by the phi of their heartbeats.
func (b backend) within(d time.Duration) time.Duration {
	if b.real == nil {
		return d
	}
	return max(6*d, time.Minute)
}

// simTiming keeps the tests short: gossip every 50ms, RING_DELAY 200ms.
var simTiming = simnode.Timing{Gossip: 50 * time.Millisecond, RingDelay: 200 * time.Millisecond, Convict: time.Second,
	ShadowRound: 3 * time.Second, RequestTimeout: 2 * time.Second}

// realJVMOptions shorten a real node's waits as a user could: RING_DELAY 5 s instead of 30, no
// wait for gossip to settle. And they make its start cheaper on two cores, where several rings
// start side by side: the client compiler only (-XX:TieredStopAtLevel=1, as upstream's own
// jvm-clients.options has it for nodetool) and no heap touched page by page at start. Neither
// changes what Cassandra does; assertions (-ea) stay on. Measured on the four real tests at
// -parallel 2: 363 s without, 245 s with.
var realJVMOptions = []string{"-Dcassandra.ring_delay_ms=5000", "-Dcassandra.skip_wait_for_gossip_to_settle=0",
	"-XX:TieredStopAtLevel=1", "-XX:-AlwaysPreTouch"}

// ringNode is one node: its engine, its ports, and its process once started.
type ringNode struct {
	ip     string
	engine *Engine
	// The simulated node's listeners, bound before it starts.
	storage, admin, jolokia net.Listener
	sim                     *simnode.Node
	// The real node's process.
	proc *jvm.Process
	log  procio.Buffer
	// Ports: the storage port, CQL (bound on 0.0.0.0, so unique on the machine), JMX and the
	// Jolokia agent (on 127.0.0.1).
	storagePort, cqlPort, jmxPort, jolokiaPort int
}

// testRing is a CassandraCluster of nodes in one pool, r1 in dc1; the first node is the seed.
type testRing struct {
	t       *testing.T
	backend backend
	dir     string
	cc      *navv1alpha1.CassandraCluster
	seed    string
	names   []string
	// rate is each node's outbound stream throughput, in bytes a second.
	rate int64

	// reset asks a node's Pilot for a start with its bootstrap progress reset.
	reset map[string]bool

	mu    sync.Mutex
	nodes map[string]*ringNode
}

var nextIP struct {
	sync.Mutex
	n int
}

func newRing(t *testing.T, b backend, names ...string) *testRing {
	pool := navv1alpha1.CassandraNodePool{NodePoolCommon: navv1alpha1.NodePoolCommon{Name: "r1"}}
	if b.real != nil {
		// The pilot gives the heap half of the limit.
		pool.Resources.Limits = corev1.ResourceList{corev1.ResourceMemory: resource.MustParse("768Mi")}
		pool.JVMOptions = realJVMOptions
	}
	c := &testRing{t: t, backend: b, dir: t.TempDir(), nodes: map[string]*ringNode{}, reset: map[string]bool{}, rate: 4 << 20, cc: testCluster(pool)}
	for _, name := range names {
		c.add(name)
	}
	t.Cleanup(func() {
		for _, name := range c.names {
			n := c.node(name)
			switch {
			case n.sim != nil:
				_ = n.sim.Kill()
			case n.proc != nil:
				_ = n.proc.Kill()
			}
			n.engine.close()
			for _, l := range []net.Listener{n.storage, n.admin, n.jolokia} {
				if l != nil {
					_ = l.Close()
				}
			}
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
func (c *testRing) add(name string) {
	c.t.Helper()
	nextIP.Lock()
	nextIP.n++
	seq := nextIP.n
	nextIP.Unlock()
	ip := fmt.Sprintf("127.0.%d.%d", 60+seq/250, seq%250+1)
	n := &ringNode{ip: ip, cqlPort: portIn(10000, seq)}
	e := &Engine{
		NodePool:  "r1",
		ConfigDir: filepath.Join(c.dir, name, "config"), DataDir: filepath.Join(c.dir, name, "volume"),
		CQLPort: n.cqlPort, RetryDelay: 100 * time.Millisecond,
		// The agent's protocol is served by the simulated node itself, or by the real agent.
		JMXAgent: "jolokia-jvm.jar",
	}
	if c.backend.real == nil {
		n.storage, n.admin, n.jolokia = listen(c.t, ip), listen(c.t, ip), listen(c.t, "127.0.0.1")
		n.storagePort, n.jolokiaPort = port(n.storage), port(n.jolokia)
		e.Nodetool = []string{nodetoolBin, "-h", ip, "-p", strconv.Itoa(port(n.admin))}
		e.JMXAddress = n.admin.Addr().String()
	} else {
		n.storagePort, n.jmxPort, n.jolokiaPort = DefaultStoragePort, portIn(15000, seq), portIn(20000, seq)
		e.Nodetool = []string{c.backend.real.Nodetool(), "-p", strconv.Itoa(n.jmxPort)}
		e.JMXAddress = net.JoinHostPort("127.0.0.1", strconv.Itoa(n.jmxPort))
		e.JMXAgent = c.backend.real.Agent
		if err := c.backend.real.PrepareConf(e.ConfigDir); err != nil {
			c.t.Fatal(err)
		}
	}
	e.StoragePort, e.JolokiaPort = n.storagePort, n.jolokiaPort
	if c.seed == "" {
		c.seed = net.JoinHostPort(ip, strconv.Itoa(n.storagePort))
		if c.backend.real != nil {
			c.seed = ip // the storage port is every node's: SimpleSeedProvider adds it
		}
	}
	e.Seeds = []string{c.seed}
	if err := e.Init(); err != nil {
		c.t.Fatal(err)
	}
	n.engine = e
	c.mu.Lock()
	c.nodes[name] = n
	c.names = append(c.names, name)
	c.mu.Unlock()
}

// listen listens on an address, "ip" for any port or "ip:port".
func listen(t *testing.T, addr string) net.Listener {
	if _, _, err := net.SplitHostPort(addr); err != nil {
		addr += ":0"
	}
	l, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func port(l net.Listener) int { return l.Addr().(*net.TCPAddr).Port }

// portIn is a port of a block that lies below the kernel's ephemeral range, where no connection
// made meanwhile by this or a parallel test package can take it between the node's set-up and
// its start (a port picked with ":0" and closed again could be): each process takes a block of
// its own from base, by process id, and the nodes of one run take turns through it. The blocks
// of the three bases (10000, 15000, 20000) end below 24100, under the range (32768 up). CQL binds
// 0.0.0.0 once the node has joined, so its port must be free on every address; JMX and the agent
// bind the loopback address.
func portIn(base, n int) int { return base + os.Getpid()%40*100 + n%100 }

func (c *testRing) node(name string) *ringNode {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.nodes[name]
}

func (c *testRing) engine(name string) *Engine { return c.node(name).engine }

func (c *testRing) log(name string) string { return c.node(name).log.String() }

// input is what the agent hands the engine: the pod, its Pilot at a generation, the cluster.
func (c *testRing) input(name string, generation int64) engine.Input {
	in := engine.Input{
		Node: engine.Node{Name: "orders-r1-" + name, Namespace: "team-a", IP: c.node(name).ip},
		Pilot: &navv1alpha1.Pilot{
			ObjectMeta: metav1.ObjectMeta{Name: "orders-r1-" + name, Generation: generation},
			Spec:       navv1alpha1.PilotSpec{Engine: navv1alpha1.EngineCassandra, Cluster: c.cc.Name, Start: true},
		},
		Cluster: c.cc,
	}
	if c.reset[name] {
		in.Pilot.Spec.Cassandra = &navv1alpha1.CassandraPilotSpec{ResetBootstrapProgress: true}
	}
	return in
}

// setConfig sets a cassandra.yaml setting of the pool r1, for the nodes started from now on.
func (c *testRing) setConfig(key, value string) {
	p, err := findPool(c.cc, "r1")
	if err != nil {
		c.t.Fatal(err)
	}
	if p.Config == nil {
		p.Config = map[string]string{}
	}
	p.Config[key] = value
}

// start starts a node and waits until the engine says it is ready.
func (c *testRing) start(name string) {
	c.t.Helper()
	c.launch(name)
	within := 15 * time.Second
	if c.backend.real != nil {
		within = 3 * time.Minute
	}
	e := c.engine(name)
	eventually(c.t, within, name+" ready", func() bool { return e.Ready(c.t.Context()) == nil })
}

// launch does what the agent does when the start gate opens (Configure, then Command), and starts
// the node from the files written.
func (c *testRing) launch(name string) {
	c.t.Helper()
	n := c.node(name)
	e := n.engine
	if c.backend.real != nil {
		// The simulator takes the rate as an option; Cassandra from cassandra.yaml, for streams
		// of both kinds (partial sstables, and entire ones).
		rate := fmt.Sprintf("%dKiB/s", c.rate>>10)
		c.setConfig("stream_throughput_outbound", rate)
		c.setConfig("entire_sstable_stream_throughput_outbound", rate)
	}
	if err := e.Configure(c.t.Context(), c.input(name, 1)); err != nil {
		c.t.Fatal(err)
	}
	if c.backend.real == nil {
		c.startSim(name, n)
	} else {
		c.startReal(n)
	}
}

func (c *testRing) startSim(name string, n *ringNode) {
	c.t.Helper()
	if n.sim != nil {
		// Started before, and stopped: its listeners closed with it. A restarted node listens
		// where it did, as a real node binds its configured ports again.
		n.storage, n.admin, n.jolokia = listen(c.t, n.storage.Addr().String()), listen(c.t, n.admin.Addr().String()), listen(c.t, n.jolokia.Addr().String())
	}
	e := n.engine
	proc := e.Command([]string{"/opt/cassandra/bin/cassandra", "-f"})
	release := c.backend.release(c.t)
	version, err := simconfig.ParseVersion(release)
	if err != nil {
		c.t.Fatal(err)
	}
	cfg, err := simconfig.Load(version, filepath.Join(e.ConfigDir, configFile))
	if err != nil {
		c.t.Fatalf("%s: the simulator refuses cassandra.yaml: %v", name, err)
	}
	rackDC, err := simconfig.LoadRackDC(filepath.Join(e.ConfigDir, rackDCFile))
	if err != nil {
		c.t.Fatal(err)
	}
	node, err := simnode.Start(c.t.Context(), cfg, rackDC, simnode.Options{
		// The node's log reaches the engine line by line, as the supervisor passes it on.
		Release: release, Log: io.MultiWriter(&n.log, outputLines(e)), Timing: simTiming,
		StorageListener: n.storage, AdminListener: n.admin, JolokiaListener: n.jolokia, StreamBytesPerSecond: c.rate,
		// The system properties of the engine's JVM options, which the simulator's launcher reads.
		ReplaceAddress:         jvmProperty(proc.Env, "cassandra.replace_address_first_boot"),
		ResetBootstrapProgress: jvmProperty(proc.Env, "cassandra.reset_bootstrap_progress"),
	})
	if err != nil {
		c.t.Fatalf("start %s: %v", name, err)
	}
	c.mu.Lock()
	n.sim = node
	c.mu.Unlock()
}

// jvmProperty is the value of -D<name>=… in JVM_EXTRA_OPTS of env.
func jvmProperty(env []string, name string) string {
	for _, kv := range env {
		opts, ok := strings.CutPrefix(kv, "JVM_EXTRA_OPTS=")
		if !ok {
			continue
		}
		for _, o := range strings.Fields(opts) {
			if v, ok := strings.CutPrefix(o, "-D"+name+"="); ok {
				return v
			}
		}
	}
	return ""
}

// startReal runs the command the engine gives for the real launcher, with the runtime and the
// node's JMX port added to its environment, as the image and the pod would give them.
func (c *testRing) startReal(n *ringNode) {
	c.t.Helper()
	in := c.backend.real
	proc := n.engine.Command([]string{in.Cassandra(), "-f"})
	base := filepath.Dir(n.engine.DataDir)
	// java.io.tmpdir in the node's own folder: Cassandra's compression libraries unpack their
	// native parts there on every start and leave them behind (41 files in /tmp per run).
	tmp := filepath.Join(base, "tmp")
	if err := os.MkdirAll(tmp, 0o755); err != nil {
		c.t.Fatal(err)
	}
	env := append(append(proc.Env, in.Env(n.jmxPort)...), "CASSANDRA_LOG_DIR="+filepath.Join(base, "logs"), "JVM_OPTS=-Djava.io.tmpdir="+tmp)
	p, err := jvm.Start(proc.Path, proc.Args[1:], env, io.MultiWriter(&n.log, outputLines(n.engine)))
	if err != nil {
		c.t.Fatal(err)
	}
	c.mu.Lock()
	n.proc = p
	c.mu.Unlock()
}

// outputLines passes a node's output to its engine line by line, as the supervisor does. One
// writer takes both of a node's streams, and its writes never overlap: the simulator's logger
// holds a lock around each line, and exec copies a real node's stdout and stderr, given the
// same writer, from one goroutine.
func outputLines(e *Engine) io.Writer {
	return supervisor.LineWriter(e.ReadOutput)
}

// startAll starts the nodes one after the other, as one bootstraps at a time.
func (c *testRing) startAll() {
	for _, name := range c.names {
		c.start(name)
	}
}

// kill stops a node as a crash does.
func (c *testRing) kill(name string) {
	c.t.Helper()
	n := c.node(name)
	var err error
	if n.sim != nil {
		err = n.sim.Kill()
	} else {
		err = n.proc.Kill()
	}
	if err != nil {
		c.t.Errorf("killing %s: %v", name, err)
	}
}

// flush writes a real node's memtables to sstables (nodetool flush), so that its load, which
// counts sstables only, counts every row written. A simulated node has no memtables: its load
// counts every row at once.
func (c *testRing) flush(name string) {
	c.t.Helper()
	if c.backend.real == nil {
		return
	}
	if _, err := c.engine(name).run(c.t.Context(), "flush"); err != nil {
		c.t.Fatal(err)
	}
}

// named is the node of an address.
func (c *testRing) named(ip string) string {
	c.mu.Lock()
	defer c.mu.Unlock()
	for name, n := range c.nodes {
		if sameAddress(n.ip, ip) {
			return name
		}
	}
	return ""
}

// nativeAddr is where clients reach a node's CQL.
func (c *testRing) nativeAddr(name string) string {
	n := c.node(name)
	if n.sim != nil {
		return n.sim.NativeAddr()
	}
	return net.JoinHostPort(n.ip, strconv.Itoa(n.cqlPort))
}

// hostID is the node's host id, as it reports it in system.local (read through that node
// alone: system.local is the coordinator's).
func (c *testRing) hostID(name string) string {
	c.t.Helper()
	s := c.session(name, gocql.WhiteListHostFilter(c.node(name).ip))
	var id gocql.UUID
	if err := s.Query("SELECT host_id FROM system.local").ScanContext(c.t.Context(), &id); err != nil {
		c.t.Fatal(err)
	}
	return id.String()
}

// act calls Act until the action is no longer in progress, as the agent does every step, and
// returns its last status with every message reported on the way.
func (c *testRing) act(name string, action navv1alpha1.PilotAction, generation int64, within time.Duration) (navv1alpha1.PilotActionStatus, []string) {
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
func (c *testRing) observe(name string, st *navv1alpha1.PilotStatus) error {
	return c.engine(name).Observe(c.t.Context(), st)
}

// session connects the driver through one node, and with a filter, to that node only.
func (c *testRing) session(through string, filter ...gocql.HostFilter) *gocql.Session {
	c.t.Helper()
	cfg := gocql.NewCluster(c.nativeAddr(through))
	if len(filter) > 0 {
		cfg.HostFilter = filter[0]
	}
	cfg.ProtoVersion = 4
	cfg.Timeout = 5 * time.Second
	cfg.ConnectTimeout = 2 * time.Second
	cfg.MaxWaitSchemaAgreement = 5 * time.Second
	if c.backend.real != nil {
		cfg.Timeout, cfg.ConnectTimeout, cfg.MaxWaitSchemaAgreement = 10*time.Second, 5*time.Second, 30*time.Second
	}
	s, err := cfg.CreateSession()
	if err != nil {
		c.t.Fatalf("connecting the driver: %v", err)
	}
	c.t.Cleanup(s.Close)
	return s
}

// writeRows creates a keyspace with one table and writes n rows at QUORUM, each value size bytes
// or more.
func writeRows(t *testing.T, s *gocql.Session, keyspace, replication string, n, size int) {
	t.Helper()
	ctx := t.Context()
	if err := s.Query(fmt.Sprintf("CREATE KEYSPACE %s WITH replication = %s", keyspace, replication)).ExecContext(ctx); err != nil {
		t.Fatalf("create keyspace: %v", err)
	}
	if err := s.Query(fmt.Sprintf("CREATE TABLE %s.kv (k int PRIMARY KEY, v text)", keyspace)).ExecContext(ctx); err != nil {
		t.Fatalf("create table: %v", err)
	}
	for i := range n {
		q := s.Query(fmt.Sprintf("INSERT INTO %s.kv (k, v) VALUES (?, ?)", keyspace), i, value(i, size)).Consistency(gocql.Quorum)
		if err := q.ExecContext(ctx); err != nil {
			t.Fatalf("insert %d: %v", i, err)
		}
	}
}

// value is row i's value: "value-<i>", followed by random letters drawn from a source seeded by
// i up to size bytes, which compression (Cassandra compresses sstables) cannot shrink much.
func value(i, size int) string {
	v := []byte(fmt.Sprint("value-", i))
	r := rand.New(rand.NewPCG(uint64(i), 0))
	for len(v) < size {
		v = append(v, byte('a'+r.IntN(26)))
	}
	return string(v)
}

// readRows reads back every row writeRows wrote, at QUORUM, and counts those found intact.
func readRows(t *testing.T, s *gocql.Session, keyspace string, n, size int) int {
	t.Helper()
	found := 0
	for i := range n {
		var v string
		err := s.Query(fmt.Sprintf("SELECT v FROM %s.kv WHERE k = ?", keyspace), i).Consistency(gocql.Quorum).ScanContext(t.Context(), &v)
		if err != nil {
			t.Errorf("read %d at QUORUM: %v", i, err)
			continue
		}
		if v == value(i, size) {
			found++
		}
	}
	return found
}

func eventually(t *testing.T, within time.Duration, what string, cond func() bool) {
	t.Helper()
	eventuallyNoting(t, within, what, func() (bool, error) { return cond(), nil })
}

// eventuallyNoting is eventually for a condition whose reads can fail: the last failure is
// named when the condition does not come, as it tells why.
func eventuallyNoting(t *testing.T, within time.Duration, what string, cond func() (bool, error)) {
	t.Helper()
	var last error
	err := wait.PollUntilContextTimeout(t.Context(), 50*time.Millisecond, within, true, func(context.Context) (bool, error) {
		ok, err := cond()
		if err != nil {
			last = err
		}
		return ok, nil
	})
	if err != nil {
		t.Fatalf("%s: not within %v (last error: %v)", what, within, last)
	}
}
