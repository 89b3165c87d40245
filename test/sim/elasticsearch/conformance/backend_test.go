package conformance

import (
	"bytes"
	"fmt"
	"net"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"sigs.k8s.io/yaml"

	"github.com/navigator-dbaas/navigator/test/loopback"
	"github.com/navigator-dbaas/navigator/test/real/jvm"
	osnode "github.com/navigator-dbaas/navigator/test/real/opensearch/node"
	simconfig "github.com/navigator-dbaas/navigator/test/sim/elasticsearch/config"
	simnode "github.com/navigator-dbaas/navigator/test/sim/elasticsearch/node"
)

// names are the nodes of every cluster the suite runs: three manager-eligible data nodes.
var names = []string{"n1", "n2", "n3"}

// backend is a three-node cluster of one engine whose nodes can be stopped and started again
// with their data.
type backend interface {
	start(t *testing.T, name string)
	stop(t *testing.T, name string)
	// url is the node's HTTP base URL.
	url(name string) string
	// logs are the nodes' output, for a failing test.
	logs() string
}

// ports are a node's HTTP and transport ports on the loopback.
type ports struct{ http, transport int }

// freePorts picks a free port pair per node, below the kernel's ephemeral range
// (loopback.FreeAddr): the real nodes bind them seconds later, the simulated ones at once.
func freePorts(t *testing.T) map[string]ports {
	out := map[string]ports{}
	for _, name := range names {
		var p [2]int
		for i := range p {
			_, port, _ := net.SplitHostPort(loopback.FreeAddr(t))
			p[i], _ = strconv.Atoi(port)
		}
		out[name] = ports{http: p[0], transport: p[1]}
	}
	return out
}

func seeds(p map[string]ports) []string {
	var out []string
	for _, name := range names {
		out = append(out, "127.0.0.1:"+strconv.Itoa(p[name].transport))
	}
	return out
}

// logBook keeps every node's output.
type logBook struct {
	mu   sync.Mutex
	bufs map[string]*bytes.Buffer
}

func (b *logBook) writer(name string) *lockedWriter {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.bufs == nil {
		b.bufs = map[string]*bytes.Buffer{}
	}
	if b.bufs[name] == nil {
		b.bufs[name] = &bytes.Buffer{}
	}
	return &lockedWriter{mu: &b.mu, w: b.bufs[name]}
}

func (b *logBook) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	var out bytes.Buffer
	for _, name := range names {
		if buf := b.bufs[name]; buf != nil {
			fmt.Fprintf(&out, "--- log of %s:\n%s\n", name, buf)
		}
	}
	return out.String()
}

type lockedWriter struct {
	mu *sync.Mutex
	w  *bytes.Buffer
}

func (w *lockedWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.w.Write(p)
}

// running holds a backend's running nodes by name; the test's goroutines and its cleanup
// reach them.
type running[N any] struct {
	mu    sync.Mutex
	nodes map[string]N
}

func (r *running[N]) set(name string, n N) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.nodes == nil {
		r.nodes = map[string]N{}
	}
	r.nodes[name] = n
}

// take removes the node from the set and returns it; ok is false when it is not running.
func (r *running[N]) take(name string) (n N, ok bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	n, ok = r.nodes[name]
	delete(r.nodes, name)
	return n, ok
}

// stopping is take for a node the test stops: it must be running.
func (r *running[N]) stopping(t *testing.T, name string) N {
	t.Helper()
	n, ok := r.take(name)
	if !ok {
		t.Fatalf("stop %s: not running", name)
	}
	return n
}

// stopAll stops every node left running, with stop.
func (r *running[N]) stopAll(stop func(N)) {
	for _, name := range names {
		if n, ok := r.take(name); ok {
			stop(n)
		}
	}
}

// simBackend runs simulated nodes in the test's process, with the simulator's default
// (Elasticsearch's) timings, as the simulator images run them.
type simBackend struct {
	dir   string
	ports map[string]ports
	log   logBook
	nodes running[*simnode.Node]
}

func newSimBackend(t *testing.T) *simBackend {
	b := &simBackend{dir: t.TempDir(), ports: freePorts(t)}
	t.Cleanup(func() { b.nodes.stopAll(func(n *simnode.Node) { _ = n.Close() }) })
	return b
}

func (b *simBackend) start(t *testing.T, name string) {
	t.Helper()
	p := b.ports[name]
	raw, err := yaml.Marshal(map[string]any{
		"cluster.name": "conformance", "node.name": name, "node.roles": []string{"master", "data"},
		"network.host": "127.0.0.1", "http.port": p.http, "transport.port": p.transport,
		"path.data": filepath.Join(b.dir, name), "discovery.seed_hosts": seeds(b.ports),
		"cluster.initial_master_nodes": names,
	})
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := simconfig.Parse(raw)
	if err != nil {
		t.Fatalf("%s: the simulator refuses its elasticsearch.yml: %v", name, err)
	}
	var ls [2]net.Listener
	for i, port := range []int{p.http, p.transport} {
		if ls[i], err = net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(port)); err != nil {
			t.Fatal(err)
		}
	}
	n, err := simnode.Start(t.Context(), cfg, simnode.Options{Version: "7.17.29", Log: b.log.writer(name), HTTPListener: ls[0], TransportListener: ls[1]})
	if err != nil {
		t.Fatalf("start %s: %v", name, err)
	}
	b.nodes.set(name, n)
}

func (b *simBackend) stop(t *testing.T, name string) {
	t.Helper()
	if err := b.nodes.stopping(t, name).Close(); err != nil {
		t.Logf("close %s: %v", name, err)
	}
}

func (b *simBackend) url(name string) string {
	return "http://127.0.0.1:" + strconv.Itoa(b.ports[name].http)
}

func (b *simBackend) logs() string { return b.log.String() }

// realBackend runs real OpenSearch nodes as processes, 256 MiB of heap each.
type realBackend struct {
	install osnode.Install
	dir     string
	ports   map[string]ports
	log     logBook
	procs   running[*jvm.Process]
	started map[string]bool
}

func newRealBackend(t *testing.T, in osnode.Install) *realBackend {
	b := &realBackend{install: in, dir: t.TempDir(), ports: freePorts(t), started: map[string]bool{}}
	t.Cleanup(func() { b.procs.stopAll(func(p *jvm.Process) { _ = p.Kill() }) })
	return b
}

func (b *realBackend) start(t *testing.T, name string) {
	t.Helper()
	p := b.ports[name]
	cfg := osnode.Config{
		Cluster: "conformance", Name: name, HTTPPort: p.http, TransportPort: p.transport,
		Roles: []string{"cluster_manager", "data"}, SeedHosts: seeds(b.ports), HeapMiB: 256,
	}
	if !b.started[name] {
		// As Navigator does: the initial managers on a new cluster's first start only.
		cfg.InitialManagers = names
	}
	b.started[name] = true
	proc, err := b.install.Start(filepath.Join(b.dir, name), cfg, b.log.writer(name))
	if err != nil {
		t.Fatalf("start %s: %v", name, err)
	}
	b.procs.set(name, proc)
}

func (b *realBackend) stop(t *testing.T, name string) {
	t.Helper()
	// SIGTERM, as the kubelet stops a pod; OpenSearch took 2 s to a minute to exit here.
	if err := b.procs.stopping(t, name).Stop(90 * time.Second); err != nil {
		t.Fatalf("stop %s: %v", name, err)
	}
}

func (b *realBackend) url(name string) string {
	return "http://127.0.0.1:" + strconv.Itoa(b.ports[name].http)
}

func (b *realBackend) logs() string { return b.log.String() }
