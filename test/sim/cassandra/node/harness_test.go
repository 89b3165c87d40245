package node

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	gocql "github.com/apache/cassandra-gocql-driver/v2"
	"k8s.io/apimachinery/pkg/util/wait"

	pilotnodetool "github.com/navigator-dbaas/navigator/internal/cassandra/nodetool"
	"github.com/navigator-dbaas/navigator/test/sim/cassandra/config"
	"github.com/navigator-dbaas/navigator/test/sim/cassandra/nodetool"
)

// fastTiming keeps the in-process clusters' tests short; the tests run in parallel, each cluster
// on its own addresses.
var fastTiming = Timing{Gossip: 50 * time.Millisecond, RingDelay: 200 * time.Millisecond, Convict: time.Second,
	ShadowRound: 3 * time.Second, RequestTimeout: 2 * time.Second}

// simCluster is an in-process cluster of simulated nodes: each on its own loopback address, as
// pods have their own IPs, with Cassandra's default ports, its data under the test's directory.
type simCluster struct {
	t       *testing.T
	dir     string
	release string
	names   []string
	seeds   []string
	ip      map[string]string
	rack    map[string]string
	// rate is the stream_throughput_outbound of the nodes launched from now on: a session goes at its sender's.
	rate int64
	// timing is the nodes' Timing, fastTiming unless a test changes it before launching them.
	timing Timing
	// ignoreRack is -Dcassandra.ignore_rack=true for the nodes launched from now on.
	ignoreRack bool
	// replace is each node's replace_address_first_boot; clusterName their cluster_name.
	replace     map[string]string
	clusterName string
	// releases are the nodes' releases where they differ from release.
	releases map[string]string
	// resetBootstrap is each node's -Dcassandra.reset_bootstrap_progress, where set.
	resetBootstrap map[string]string

	mu    sync.Mutex
	nodes map[string]*Node
	logs  map[string]*bytes.Buffer
}

// Every node listens on Cassandra's default ports at an address of its own. The ports lie below
// the kernel's ephemeral range, so no connection made meanwhile by this or a parallel test package
// can take them between a node's stop and its restart, as a port picked with ":0" could be. The
// second octet comes from the process id, so that two runs of this package side by side use
// different addresses; other packages' simulated nodes use 127.0.x.x.
const (
	storagePort = 7000
	nativePort  = 9042
)

var nextIP = struct {
	sync.Mutex
	octet, n int
}{octet: 1 + os.Getpid()%254}

// newSimCluster names the nodes; the first is the seed.
func newSimCluster(t *testing.T, names ...string) *simCluster {
	c := &simCluster{t: t, dir: t.TempDir(), release: "4.1.10", seeds: names[:1], ip: map[string]string{},
		rack: map[string]string{}, replace: map[string]string{}, releases: map[string]string{}, resetBootstrap: map[string]string{},
		nodes: map[string]*Node{}, logs: map[string]*bytes.Buffer{}, rate: 10 << 20, timing: fastTiming, clusterName: "sim"}
	for i, name := range names {
		c.add(name, fmt.Sprintf("rack%d", i%3+1))
	}
	t.Cleanup(func() {
		for _, name := range c.names {
			if n := c.node(name); n != nil {
				_ = n.Kill()
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

// add declares one more node.
func (c *simCluster) add(name, rack string) {
	nextIP.Lock()
	nextIP.n++
	ip := fmt.Sprintf("127.%d.%d.%d", nextIP.octet, nextIP.n/250, nextIP.n%250+1)
	nextIP.Unlock()
	c.names = append(c.names, name)
	c.ip[name], c.rack[name] = ip, rack
	c.logs[name] = &bytes.Buffer{}
}

func (c *simCluster) yaml(name string) string {
	var seeds []string
	for _, s := range c.seeds {
		seeds = append(seeds, fmt.Sprintf("%s:%d", c.ip[s], storagePort))
	}
	return fmt.Sprintf(`cluster_name: %s
num_tokens: 8
partitioner: org.apache.cassandra.dht.Murmur3Partitioner
endpoint_snitch: GossipingPropertyFileSnitch
seed_provider:
  - class_name: org.apache.cassandra.locator.SimpleSeedProvider
    parameters:
      - seeds: "%s"
listen_address: %s
rpc_address: %s
storage_port: %d
native_transport_port: %d
data_file_directories:
  - %s
`, c.clusterName, strings.Join(seeds, ","), c.ip[name], c.ip[name], storagePort, nativePort, filepath.Join(c.dir, name))
}

// launch starts a node and returns at once; Ready tells how its start ends.
func (c *simCluster) launch(name string) (*Node, error) {
	c.t.Helper()
	release := c.release
	if r, ok := c.releases[name]; ok {
		release = r
	}
	series, err := config.ParseVersion(release)
	if err != nil {
		c.t.Fatal(err)
	}
	cfg, err := config.Parse(series, "file:cassandra.yaml", []byte(c.yaml(name)))
	if err != nil {
		c.t.Fatal(err)
	}
	admin, err := net.Listen("tcp", c.ip[name]+":0")
	if err != nil {
		c.t.Fatal(err)
	}
	n, err := Start(c.t.Context(), cfg, map[string]string{"dc": "dc1", "rack": c.rack[name]}, Options{
		Release: release, Log: &lockedWriter{mu: &c.mu, w: c.logs[name]}, Timing: c.timing,
		AdminListener: admin, StreamBytesPerSecond: c.rate, ReplaceAddress: c.replace[name],
		ResetBootstrapProgress: c.resetBootstrap[name], IgnoreRack: c.ignoreRack,
	})
	if err != nil {
		_ = admin.Close()
		return nil, err
	}
	c.mu.Lock()
	c.nodes[name] = n
	c.mu.Unlock()
	return n, nil
}

// start starts a node and waits until it has joined.
func (c *simCluster) start(name string) *Node {
	c.t.Helper()
	n, err := c.launch(name)
	if err != nil {
		c.t.Fatalf("start %s: %v", name, err)
	}
	if err := <-n.Ready(); err != nil {
		c.t.Fatalf("start %s: %v", name, err)
	}
	return n
}

// startAll starts the nodes one after the other, as one bootstraps at a time.
func (c *simCluster) startAll() {
	for _, name := range c.names {
		c.start(name)
	}
}

func (c *simCluster) node(name string) *Node {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.nodes[name]
}

// stop stops a node cleanly (SIGTERM); kill stops it as a crash.
func (c *simCluster) stop(name string) { c.halt(name, (*Node).Close) }
func (c *simCluster) kill(name string) { c.halt(name, (*Node).Kill) }

func (c *simCluster) halt(name string, how func(*Node) error) {
	c.t.Helper()
	n := c.node(name)
	if err := how(n); err != nil {
		c.t.Errorf("stopping %s: %v", name, err)
	}
	c.mu.Lock()
	delete(c.nodes, name)
	c.mu.Unlock()
}

func (c *simCluster) log(name string) string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.logs[name].String()
}

// nodetool runs the nodetool command against a node's admin endpoint.
func (c *simCluster) nodetool(name string, args ...string) nodetool.Result {
	c.t.Helper()
	host, port, _ := net.SplitHostPort(c.node(name).AdminAddr())
	return Nodetool(c.t.Context(), c.release, append([]string{"-h", host, "-p", port}, args...))
}

// status runs nodetool status on a node and parses it with the pilot's parser.
func (c *simCluster) status(name string) *pilotnodetool.Status {
	c.t.Helper()
	res := c.nodetool(name, "status")
	if res.ExitCode != 0 {
		c.t.Fatalf("nodetool status on %s: exit %d: %s%s", name, res.ExitCode, res.Stdout, res.Stderr)
	}
	s, err := pilotnodetool.ParseStatus(res.Stdout)
	if err != nil {
		c.t.Fatalf("parsing nodetool status:\n%s\n%v", res.Stdout, err)
	}
	return s
}

// codes returns each node's status code (UN, DN...) by address, as nodetool status on name prints them.
func (c *simCluster) codes(name string) map[string]string {
	out := map[string]string{}
	for _, n := range c.status(name).Nodes() {
		out[n.Address] = n.Code()
	}
	return out
}

// waitFor polls cond until it holds or the time is up.
func (c *simCluster) waitFor(what string, timeout time.Duration, cond func() bool) {
	c.t.Helper()
	err := wait.PollUntilContextTimeout(c.t.Context(), 20*time.Millisecond, timeout, true, func(context.Context) (bool, error) { return cond(), nil })
	if err != nil {
		c.t.Fatalf("timed out waiting for %s", what)
	}
}

// waitCodes waits until nodetool status on name shows the wanted codes by node name.
func (c *simCluster) waitCodes(on string, want map[string]string) {
	c.t.Helper()
	c.waitFor(fmt.Sprintf("status on %s to be %v", on, want), 5*time.Second, func() bool { return c.codesAre(on, want) })
}

// holdsCodes checks, for d, that on's status stays want, failing at the first look that sees
// another.
func (c *simCluster) holdsCodes(on string, want map[string]string, d time.Duration) {
	c.t.Helper()
	for end := time.Now().Add(d); time.Now().Before(end); {
		if !c.codesAre(on, want) {
			c.t.Fatalf("status on %s changed from %v: %v", on, want, c.codes(on))
		}
		select {
		case <-c.t.Context().Done():
			return
		case <-time.After(d / 20):
		}
	}
}

// codesAre: on's status shows exactly the nodes of want, each with its code.
func (c *simCluster) codesAre(on string, want map[string]string) bool {
	got := c.codes(on)
	if len(got) != len(want) {
		return false
	}
	for name, code := range want {
		if got[c.ip[name]] != code {
			return false
		}
	}
	return true
}

// session connects the real driver through one node.
func (c *simCluster) session(through string) *gocql.Session {
	c.t.Helper()
	cfg := gocql.NewCluster(c.node(through).NativeAddr())
	cfg.ProtoVersion = 4
	cfg.Timeout = 5 * time.Second
	cfg.ConnectTimeout = 2 * time.Second
	cfg.MaxWaitSchemaAgreement = 5 * time.Second
	cfg.Logger = quietLog{}
	s, err := cfg.CreateSession()
	if err != nil {
		c.t.Fatalf("connecting the driver: %v", err)
	}
	c.t.Cleanup(s.Close)
	return s
}

type quietLog struct{}

func (quietLog) Error(string, ...gocql.LogField)   {}
func (quietLog) Warning(string, ...gocql.LogField) {}
func (quietLog) Info(string, ...gocql.LogField)    {}
func (quietLog) Debug(string, ...gocql.LogField)   {}

type lockedWriter struct {
	mu *sync.Mutex
	w  *bytes.Buffer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// writeRows creates a keyspace with one table and writes n rows at QUORUM.
func writeRows(t *testing.T, s *gocql.Session, keyspace, replication string, n int) {
	t.Helper()
	ctx := context.Background()
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

// readRow reads one row at a level; found is false when there is none.
func readRow(s *gocql.Session, keyspace string, k int, cl gocql.Consistency) (string, bool, error) {
	var v string
	err := s.Query(fmt.Sprintf("SELECT v FROM %s.kv WHERE k = ?", keyspace), k).Consistency(cl).Scan(&v)
	if errors.Is(err, gocql.ErrNotFound) {
		return "", false, nil
	}
	return v, err == nil, err
}
