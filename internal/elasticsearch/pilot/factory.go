package pilot

import (
	"errors"
	"flag"
	"sync"
	"time"

	"k8s.io/apimachinery/pkg/runtime"

	navv1alpha1 "github.com/navigator-dbaas/navigator/api/v1alpha1"
	"github.com/navigator-dbaas/navigator/internal/pilot/cli"
	"github.com/navigator-dbaas/navigator/internal/pilot/engine"
	"github.com/navigator-dbaas/navigator/internal/pilot/supervisor"
	"github.com/navigator-dbaas/navigator/internal/search/node"
)

// Defaults of the engine's flags: the upstream image's paths and Elasticsearch's ports.
const (
	DefaultConfigDir              = "/usr/share/elasticsearch/config"
	DefaultDataDir                = "/usr/share/elasticsearch/data"
	DefaultHTTPPort               = 9200
	DefaultTransportPort          = 9300
	DefaultRestartAllocationDelay = 5 * time.Minute
)

// Engine drives one Elasticsearch node. Build it with Factory (or fill the exported fields and
// call Init, as tests do).
type Engine struct {
	// Flags place the node; ConfigDir is ES_PATH_CONF, where elasticsearch.yml and
	// jvm.options.d live.
	node.Flags
	// RestartAllocationDelay is the allocation_delay of a restart-type shutdown: how long
	// Elasticsearch waits for the node to come back before rebuilding its replicas elsewhere.
	RestartAllocationDelay time.Duration

	es     *client
	gauges *node.Gauges

	// mu guards restartPending and leavePending.
	mu sync.Mutex
	// restartPending is set when this process registers a restart-type shutdown and cleared once
	// the Pilot's status reports the PrepareRestart action: until then the status Observe sees is
	// older than the registration, and must not make the registration look stale (see
	// cleanupOwnShutdown). leavePending is the same for Leave and its remove-type shutdown.
	restartPending, leavePending bool
}

var _ engine.Engine = (*Engine)(nil)

// Factory registers the engine's flags for the pilot's command line.
var Factory cli.Factory = func(fs *flag.FlagSet) func() (engine.Engine, error) {
	e := &Engine{}
	finish := e.Register(fs, "ElasticsearchCluster", "ES_PATH_CONF", node.Flags{
		ConfigDir: DefaultConfigDir, DataDir: DefaultDataDir, HTTPPort: DefaultHTTPPort, TransportPort: DefaultTransportPort,
	})
	fs.DurationVar(&e.RestartAllocationDelay, "restart-allocation-delay", DefaultRestartAllocationDelay, "allocation_delay of the restart-type shutdown registered by PrepareRestart.")
	return node.Built(e, finish, e.Init)
}

// Init checks the settings and builds the client of the local node.
func (e *Engine) Init() error {
	errs := []error{e.Check()}
	if e.RestartAllocationDelay < 0 {
		errs = append(errs, errors.New("--restart-allocation-delay must not be negative"))
	}
	if err := errors.Join(errs...); err != nil {
		return err
	}
	c, err := newClient(e.HTTPPort)
	if err != nil {
		return err
	}
	e.es, e.gauges = c, newGauges()
	return nil
}

// Kind is the Pilot spec.engine this engine serves.
func (e *Engine) Kind() navv1alpha1.Engine { return navv1alpha1.EngineElasticsearch }

// ClusterKind is ElasticsearchCluster: the agent hands Configure and Act the node's cluster.
func (e *Engine) ClusterKind() engine.ClusterKind {
	return engine.ClusterKind{
		Resource: "elasticsearchclusters",
		New:      func() runtime.Object { return &navv1alpha1.ElasticsearchCluster{} },
		NewList:  func() runtime.Object { return &navv1alpha1.ElasticsearchClusterList{} },
	}
}

// Command runs the upstream command unchanged, with ES_PATH_CONF pointing at the directory
// Configure wrote.
func (e *Engine) Command(upstream []string) supervisor.Process {
	return node.Command(upstream, "ES_PATH_CONF", e.ConfigDir)
}
