package pilot

import (
	"errors"
	"flag"
	"fmt"
	"net"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	gocql "github.com/apache/cassandra-gocql-driver/v2"
	"golang.org/x/sync/singleflight"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/utils/clock"

	navv1alpha1 "github.com/navigator-dbaas/navigator/api/v1alpha1"
	"github.com/navigator-dbaas/navigator/internal/cassandra/jolokia"
	"github.com/navigator-dbaas/navigator/internal/cassandra/nodetool"
	"github.com/navigator-dbaas/navigator/internal/pilot/cli"
	"github.com/navigator-dbaas/navigator/internal/pilot/engine"
	"github.com/navigator-dbaas/navigator/internal/pilot/supervisor"
)

// Defaults of the engine's flags: the upstream image's paths and Cassandra's ports.
const (
	DefaultConfigDir   = "/etc/cassandra"
	DefaultDataDir     = "/var/lib/cassandra"
	DefaultCQLPort     = 9042
	DefaultStoragePort = 7000
	DefaultNodetool    = "/opt/cassandra/bin/nodetool"
	// DefaultJMXAgent is where the pilot's init container puts the Jolokia agent
	// (resources/pilotpod), and DefaultJolokiaPort the agent's own default port.
	DefaultJMXAgent    = "/navigator/agents/jolokia-jvm.jar"
	DefaultJolokiaPort = 8778
	// DefaultJMXAddress is where Cassandra serves JMX with LOCAL_JMX=yes, the upstream image's
	// setting: the loopback address, port 7199 (cassandra-env.sh).
	DefaultJMXAddress = "127.0.0.1:7199"
	// DefaultRetryDelay is how long a failed or refused action stays reported before Act tries it
	// again: long enough for the controller to see the failure, short enough not to keep a
	// node waiting once the cause is gone.
	DefaultRetryDelay = time.Minute
)

// Engine drives one Cassandra node. Build it with Factory (or fill the exported fields and call
// Init, as tests do).
type Engine struct {
	// NodePool is the name of the node's pool in the CassandraCluster.
	NodePool string
	// Seeds are written into seed_provider when the node's Pilot names none (the controller
	// names them, one DNS name per seed; tests without a controller give addresses here).
	Seeds []string
	// ConfigDir is CASSANDRA_CONF: cassandra.yaml and cassandra-rackdc.properties go there.
	ConfigDir string
	// DataDir is the node's volume: data, commit log, saved caches and hints below it.
	DataDir string
	// CQLPort and StoragePort are native_transport_port and storage_port; the engine's CQL
	// checks go to 127.0.0.1:CQLPort.
	CQLPort, StoragePort int
	// Nodetool is how nodetool runs: the executable, then the arguments every run starts with
	// (tests add `-h <host> -p <port>` to reach a simulated node's admin endpoint).
	Nodetool []string
	// JMXAddress is where the node serves JMX; the liveness check opens RMI's handshake there.
	JMXAddress string
	// JMXAgent is the Jolokia agent jar the engine adds to the JVM (listening on 127.0.0.1 at
	// JolokiaPort), through which it reads the ring and the release rather than start nodetool;
	// empty for nodetool alone.
	JMXAgent    string
	JolokiaPort int
	// RetryDelay is how long a failed or refused action is reported before it is tried again.
	RetryDelay time.Duration
	// Clock tells the time of action failures and of the shared nodetool status.
	Clock clock.PassiveClock

	// mu guards what follows; the probes run concurrently with the agent's loop.
	mu sync.Mutex
	// Set by Configure, used by Command and the checks.
	address    string
	heapMiB    int64
	jvmOptions []string
	// Per database process, reset by Command.
	answered       bool
	version        string
	decommissioned bool
	peersMoving    bool
	lastStatus     *statusRead
	op             *operation
	// streamingFailed: the process logged that its bootstrap failed to stream (ReadOutput).
	streamingFailed bool
	// statusRuns lets concurrent callers (the probes, the agent's step) share one nodetool status.
	statusRuns singleflight.Group

	// jolokia reads the node's MBeans through the agent, when JMXAgent is set.
	jolokia *jolokia.Client

	// cqlMu guards session, so that concurrent probes open one session, not several.
	cqlMu   sync.Mutex
	session *gocql.Session

	gauges *gauges
}

var _ engine.Engine = (*Engine)(nil)

// Factory registers the engine's flags for the pilot's command line.
var Factory cli.Factory = func(fs *flag.FlagSet) func() (engine.Engine, error) {
	e := &Engine{}
	var seeds, tool string
	fs.StringVar(&e.NodePool, "node-pool", "", "Name of this node's pool in the CassandraCluster (required).")
	fs.StringVar(&seeds, "seeds", "", "Comma-separated seeds written into seed_provider when the node's Pilot names none.")
	fs.StringVar(&e.ConfigDir, "config-dir", DefaultConfigDir, "Cassandra's configuration directory (CASSANDRA_CONF).")
	fs.StringVar(&e.DataDir, "data-dir", DefaultDataDir, "The node's volume: data, commitlog, saved_caches and hints go below it.")
	fs.IntVar(&e.CQLPort, "cql-port", DefaultCQLPort, "native_transport_port; the pilot's CQL checks go to 127.0.0.1 at this port.")
	fs.IntVar(&e.StoragePort, "storage-port", DefaultStoragePort, "storage_port.")
	fs.StringVar(&tool, "nodetool", DefaultNodetool, "Path of nodetool, which reaches the node on 127.0.0.1:7199.")
	fs.StringVar(&e.JMXAddress, "jmx-address", DefaultJMXAddress, "Where the node serves JMX (host:port); the liveness check answers from there.")
	fs.StringVar(&e.JMXAgent, "jmx-agent", DefaultJMXAgent, "Path of the Jolokia agent jar the pilot adds to the JVM to read the ring over HTTP; empty for nodetool alone.")
	fs.IntVar(&e.JolokiaPort, "jolokia-port", DefaultJolokiaPort, "Port of the Jolokia agent on 127.0.0.1.")
	return func() (engine.Engine, error) {
		e.Seeds = cli.SplitList(seeds)
		if tool != "" {
			e.Nodetool = []string{tool}
		}
		if err := e.Init(); err != nil {
			return nil, err
		}
		return e, nil
	}
}

// Init checks the settings and fills the defaults of RetryDelay and Clock.
func (e *Engine) Init() error {
	var errs []error
	if e.NodePool == "" {
		errs = append(errs, errors.New("--node-pool is required"))
	}
	if len(e.Nodetool) == 0 || e.Nodetool[0] == "" {
		errs = append(errs, errors.New("--nodetool is required"))
	}
	if e.JMXAddress == "" {
		errs = append(errs, errors.New("--jmx-address is required"))
	}
	if e.CQLPort <= 0 || e.StoragePort <= 0 {
		errs = append(errs, fmt.Errorf("ports must be positive: --cql-port %d, --storage-port %d", e.CQLPort, e.StoragePort))
	}
	if e.JMXAgent != "" {
		if e.JolokiaPort <= 0 {
			errs = append(errs, fmt.Errorf("--jolokia-port must be positive, not %d", e.JolokiaPort))
		}
		e.jolokia = jolokia.New(fmt.Sprintf("http://%s/jolokia/", net.JoinHostPort("127.0.0.1", strconv.Itoa(e.JolokiaPort))))
	}
	if e.RetryDelay == 0 {
		e.RetryDelay = DefaultRetryDelay
	}
	if e.Clock == nil {
		e.Clock = clock.RealClock{}
	}
	e.gauges = newGauges()
	return errors.Join(errs...)
}

// Kind is the Pilot spec.engine this engine serves.
func (e *Engine) Kind() navv1alpha1.Engine { return navv1alpha1.EngineCassandra }

// ClusterKind is CassandraCluster: the agent hands Configure and Act the node's cluster.
func (e *Engine) ClusterKind() engine.ClusterKind {
	return engine.ClusterKind{
		Resource: "cassandraclusters",
		New:      func() runtime.Object { return &navv1alpha1.CassandraCluster{} },
		NewList:  func() runtime.Object { return &navv1alpha1.CassandraClusterList{} },
	}
}

// Command runs the upstream command unchanged, with the environment cassandra-env.sh reads:
// CASSANDRA_CONF pointing at the directory Configure wrote, the heap sizes, and JVM_EXTRA_OPTS
// (what the environment already had, then Navigator's options, then the pool's, so that the
// pool's come last and win). It also forgets what the engine knew of an earlier process: this
// one starts afresh.
func (e *Engine) Command(upstream []string) supervisor.Process {
	e.close()
	e.mu.Lock()
	defer e.mu.Unlock()
	e.answered, e.version, e.decommissioned, e.lastStatus, e.op, e.streamingFailed = false, "", false, nil, nil, false
	managed := []string{"CASSANDRA_CONF", "MAX_HEAP_SIZE", "HEAP_NEWSIZE", "JVM_EXTRA_OPTS"}
	var env []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		if !slices.Contains(managed, name) {
			env = append(env, kv)
		}
	}
	env = append(env, "CASSANDRA_CONF="+e.ConfigDir)
	// cassandra-env.sh wants both sizes or neither.
	if e.heapMiB > 0 {
		env = append(env, fmt.Sprintf("MAX_HEAP_SIZE=%dM", e.heapMiB), fmt.Sprintf("HEAP_NEWSIZE=%dM", max(e.heapMiB/4, 1)))
	}
	opts := strings.Fields(os.Getenv("JVM_EXTRA_OPTS"))
	if e.JMXAgent != "" {
		// Loopback only, like JMX with LOCAL_JMX=yes; no multicast discovery.
		opts = append(opts, fmt.Sprintf("-javaagent:%s=host=127.0.0.1,port=%d,discoveryEnabled=false", e.JMXAgent, e.JolokiaPort))
	}
	if opts = append(opts, e.jvmOptions...); len(opts) > 0 {
		env = append(env, "JVM_EXTRA_OPTS="+strings.Join(opts, " "))
	}
	return supervisor.Process{
		Path: upstream[0],
		Args: append([]string(nil), upstream...),
		Env:  env,
	}
}

// modeIs reports whether netstats read without error says one of the modes.
func modeIs(ns *nodetool.Netstats, modes ...string) bool {
	return ns != nil && slices.Contains(modes, ns.Mode)
}
