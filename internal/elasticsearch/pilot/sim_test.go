package pilot

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/elastic/go-elasticsearch/v8"
	"github.com/elastic/go-elasticsearch/v8/typedapi/types/enums/healthstatus"
	"k8s.io/apimachinery/pkg/util/wait"

	navv1alpha1 "github.com/navigator-dbaas/navigator/api/v1alpha1"
	"github.com/navigator-dbaas/navigator/internal/pilot/engine"
	"github.com/navigator-dbaas/navigator/internal/search/node"
	simconfig "github.com/navigator-dbaas/navigator/test/sim/elasticsearch/config"
	simnode "github.com/navigator-dbaas/navigator/test/sim/elasticsearch/node"
)

// The engine's tests run against the Elasticsearch simulator (test/sim/elasticsearch), started
// in-process on loopback: each node reads the elasticsearch.yml its engine wrote, as the image
// would.

// simTiming keeps the tests short: checks every 100ms instead of every second.
var simTiming = simnode.Timing{
	Discovery: 100 * time.Millisecond, FollowerCheck: 100 * time.Millisecond, LeaderCheck: 100 * time.Millisecond,
	Retries: 3, Reroute: 50 * time.Millisecond, RequestTimeout: 2 * time.Second, MasterTimeout: 3 * time.Second,
}

const simVersion = "8.18.2"

// simCluster is an ElasticsearchCluster of simulated nodes, each with its own engine.
type simCluster struct {
	t       *testing.T
	dir     string
	es      *navv1alpha1.ElasticsearchCluster
	names   []string
	engines map[string]*Engine
	// listeners are the HTTP and transport listeners of nodes not started yet.
	listeners map[string][2]net.Listener

	mu    sync.Mutex
	nodes map[string]*simnode.Node
	logs  map[string]*bytes.Buffer
}

func newSimCluster(t *testing.T, names ...string) *simCluster {
	c := &simCluster{t: t, dir: t.TempDir(), names: names, engines: map[string]*Engine{}, listeners: map[string][2]net.Listener{},
		nodes: map[string]*simnode.Node{}, logs: map[string]*bytes.Buffer{}}
	c.es = testCluster(navv1alpha1.ElasticsearchNodePool{
		NodePoolCommon: navv1alpha1.NodePoolCommon{Name: "hot"},
		Roles:          []navv1alpha1.ElasticsearchRole{navv1alpha1.ESRoleMaster, navv1alpha1.ESRoleData},
	})
	var seeds []string
	for _, name := range names {
		c.listeners[name] = [2]net.Listener{listen(t, 0), listen(t, 0)}
		seeds = append(seeds, c.listeners[name][1].Addr().String())
	}
	for _, name := range names {
		c.engines[name] = c.newEngine(name, port(c.listeners[name][0]), port(c.listeners[name][1]), seeds)
	}
	t.Cleanup(func() {
		for _, ls := range c.listeners {
			_ = ls[0].Close()
			_ = ls[1].Close()
		}
		for _, name := range names {
			if c.node(name) != nil {
				c.stop(name)
			}
		}
		if t.Failed() {
			for _, name := range names {
				t.Logf("log of %s:\n%s", name, c.logs[name])
			}
		}
	})
	return c
}

func (c *simCluster) newEngine(name string, httpPort, transportPort int, seeds []string) *Engine {
	e := &Engine{Flags: node.Flags{
		NodePool: "hot", SeedHosts: seeds,
		ConfigDir: filepath.Join(c.dir, name, "config"), DataDir: filepath.Join(c.dir, name, "data"),
		HTTPPort: httpPort, TransportPort: transportPort,
	}, RestartAllocationDelay: 2 * time.Minute}
	if err := e.Init(); err != nil {
		c.t.Fatal(err)
	}
	return e
}

// listen binds a loopback port (0: any free one). The nodes are handed their listeners, so that
// no other process can take a port between the moment it is chosen and the node's start.
func listen(t *testing.T, port int) net.Listener {
	l, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", port))
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func port(l net.Listener) int { return l.Addr().(*net.TCPAddr).Port }

// start configures a node through its engine, as the pilot does before the start gate opens,
// and starts it from the file written.
func (c *simCluster) start(name string) {
	c.t.Helper()
	e := c.engines[name]
	pilot := &navv1alpha1.Pilot{Spec: navv1alpha1.PilotSpec{
		Engine: navv1alpha1.EngineElasticsearch, Cluster: c.es.Name, Start: true,
		Elasticsearch: &navv1alpha1.ElasticsearchPilotSpec{InitialMasterNodes: c.names},
	}}
	in := engine.Input{Node: engine.Node{Name: name, Namespace: "team-a", IP: "127.0.0.1"}, Pilot: pilot, Cluster: c.es}
	if err := e.Configure(c.t.Context(), in); err != nil {
		c.t.Fatal(err)
	}
	cfg, err := simconfig.Load(filepath.Join(e.ConfigDir, configFile))
	if err != nil {
		c.t.Fatalf("%s: the simulator refuses elasticsearch.yml: %v", name, err)
	}
	c.mu.Lock()
	if c.logs[name] == nil {
		c.logs[name] = &bytes.Buffer{}
	}
	log := &lockedWriter{mu: &c.mu, w: c.logs[name]}
	c.mu.Unlock()
	ls, ok := c.listeners[name]
	if !ok { // a restart: the same ports again
		ls = [2]net.Listener{listen(c.t, e.HTTPPort), listen(c.t, e.TransportPort)}
	}
	delete(c.listeners, name) // the node closes them when it stops
	n, err := simnode.Start(c.t.Context(), cfg, simnode.Options{
		Version: simVersion, Log: log, Timing: simTiming, RecoveryBytesPerSecond: 50 << 20,
		HTTPListener: ls[0], TransportListener: ls[1],
	})
	if err != nil {
		c.t.Fatalf("start %s: %v", name, err)
	}
	c.mu.Lock()
	c.nodes[name] = n
	c.mu.Unlock()
}

func (c *simCluster) startAll() {
	for _, name := range c.names {
		c.start(name)
	}
}

// stop stops a node as its process would exit.
func (c *simCluster) stop(name string) {
	c.mu.Lock()
	n := c.nodes[name]
	c.nodes[name] = nil
	c.mu.Unlock()
	if err := n.Close(); err != nil {
		c.t.Logf("close %s: %v", name, err)
	}
}

func (c *simCluster) node(name string) *simnode.Node {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.nodes[name]
}

func (c *simCluster) id(name string) string { return c.node(name).Info().ID }

// client is a typed client of a node, for the test's own reads and writes.
func (c *simCluster) client(name string) *elasticsearch.TypedClient {
	c.t.Helper()
	es, err := elasticsearch.NewTypedClient(elasticsearch.Config{Addresses: []string{"http://" + c.node(name).HTTPAddr()}})
	if err != nil {
		c.t.Fatal(err)
	}
	return es
}

// waitReady waits until every running node's engine says Ready.
func (c *simCluster) waitReady() {
	c.t.Helper()
	eventually(c.t, 10*time.Second, "every node ready", func() bool {
		for _, name := range c.names {
			if c.node(name) != nil && c.engines[name].Ready(c.t.Context()) != nil {
				return false
			}
		}
		return true
	})
}

// waitGreen waits for a green cluster of n nodes, as the master has it and then as every
// running node has applied it: health answers from the master's state, while the pilots read
// their own node's (local=true), and a follower applies a published state a moment after the
// master, as in a real cluster.
func (c *simCluster) waitGreen(via string, nodes int) {
	c.t.Helper()
	// A wait that times out is an answer (408, timed_out), not an error of the typed client.
	res, err := c.client(via).Cluster.Health().WaitForStatus(healthstatus.Green).WaitForNodes(fmt.Sprint(nodes)).
		WaitForNoRelocatingShards(true).Timeout("10s").Do(c.t.Context())
	if err != nil || res.TimedOut {
		c.t.Fatalf("waiting for a green cluster of %d nodes: %v %+v", nodes, err, res)
	}
	for _, name := range c.names {
		if c.node(name) == nil {
			continue
		}
		res, err := c.client(name).Cluster.Health().Local(true).WaitForStatus(healthstatus.Green).WaitForNodes(fmt.Sprint(nodes)).
			WaitForNoRelocatingShards(true).Timeout("10s").Do(c.t.Context())
		if err != nil || res.TimedOut {
			c.t.Fatalf("waiting for %s to see a green cluster of %d nodes: %v %+v", name, nodes, err, res)
		}
	}
}

// index creates an index and writes n documents into it.
func (c *simCluster) index(via, index string, shards, replicas, n int) {
	c.t.Helper()
	es := c.client(via)
	settings := fmt.Sprintf(`{"settings":{"number_of_shards":%d,"number_of_replicas":%d}}`, shards, replicas)
	if _, err := es.Indices.Create(index).Raw(strings.NewReader(settings)).Do(c.t.Context()); err != nil {
		c.t.Fatalf("create %s: %v", index, err)
	}
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "{\"index\":{\"_index\":%q,\"_id\":\"doc-%d\"}}\n{\"n\":%d}\n", index, i, i)
	}
	res, err := es.Bulk().Raw(strings.NewReader(b.String())).Do(c.t.Context())
	if err != nil || res.Errors || len(res.Items) != n {
		c.t.Fatalf("bulk into %s: %v %+v", index, err, res)
	}
}

// count counts an index's documents through a node; every shard must answer.
func (c *simCluster) count(via, index string) int64 {
	c.t.Helper()
	res, err := c.client(via).Count().Index(index).Do(c.t.Context())
	if err != nil {
		c.t.Fatalf("count %s: %v", index, err)
	}
	if res.Shards_.Failed != 0 {
		c.t.Fatalf("count %s: %d shards failed", index, res.Shards_.Failed)
	}
	return res.Count
}

// observe runs the engine's Observe on a status that reports action (nil: none).
func (c *simCluster) observe(name string, action *navv1alpha1.PilotActionStatus) *navv1alpha1.PilotStatus {
	c.t.Helper()
	st := &navv1alpha1.PilotStatus{Action: action}
	if err := c.engines[name].Observe(c.t.Context(), st); err != nil {
		c.t.Fatalf("observe %s: %v", name, err)
	}
	return st
}

func eventually(t *testing.T, within time.Duration, what string, cond func() bool) {
	t.Helper()
	err := wait.PollUntilContextTimeout(t.Context(), 50*time.Millisecond, within, true, func(context.Context) (bool, error) { return cond(), nil })
	if err != nil {
		t.Fatalf("%s: not within %v", what, within)
	}
}

type lockedWriter struct {
	mu *sync.Mutex
	w  *bytes.Buffer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}
