package pilot

import (
	"flag"
	"sync"

	"k8s.io/apimachinery/pkg/runtime"

	navv1alpha1 "github.com/navigator-dbaas/navigator/api/v1alpha1"
	"github.com/navigator-dbaas/navigator/internal/pilot/cli"
	"github.com/navigator-dbaas/navigator/internal/pilot/engine"
	"github.com/navigator-dbaas/navigator/internal/pilot/supervisor"
	"github.com/navigator-dbaas/navigator/internal/search/node"
)

// Defaults of the engine's flags: the upstream image's paths and OpenSearch's ports.
const (
	DefaultConfigDir     = "/usr/share/opensearch/config"
	DefaultDataDir       = "/usr/share/opensearch/data"
	DefaultHTTPPort      = 9200
	DefaultTransportPort = 9300
	// DefaultMaxMapCount is where the kernel says how many memory maps a process may have; a pod
	// sees its node's value.
	DefaultMaxMapCount = "/proc/sys/vm/max_map_count"
)

// Engine drives one OpenSearch node. Build it with Factory (or fill the exported fields and call
// Init, as tests do).
type Engine struct {
	// Flags place the node; ConfigDir is OPENSEARCH_PATH_CONF, where opensearch.yml and
	// jvm.options.d live.
	node.Flags
	// MaxMapCount is the file the kernel's vm.max_map_count is read from (see config.go).
	MaxMapCount string

	// ExplainBudget bounds the allocation explain calls one judgement of a drain makes (see
	// drain.go); 0 means maxExplains.
	ExplainBudget int

	api    *client
	gauges *node.Gauges

	// mu guards leavePending and settled.
	mu sync.Mutex
	// settled are the copies found unable to move but kept elsewhere, while the node's copies
	// stay as they were (drain.go).
	settled settledCopies
	// leavePending is set when this process adds the node to the allocation exclusion and
	// cleared once the Pilot's status reports the Leave action: until then the status Observe
	// sees is older than the exclusion, and must not make it look withdrawn (cleanup.go).
	leavePending bool
}

var _ engine.Engine = (*Engine)(nil)

// Factory registers the engine's flags for the pilot's command line.
var Factory cli.Factory = func(fs *flag.FlagSet) func() (engine.Engine, error) {
	e := &Engine{}
	finish := e.Register(fs, "OpenSearchCluster", "OPENSEARCH_PATH_CONF", node.Flags{
		ConfigDir: DefaultConfigDir, DataDir: DefaultDataDir, HTTPPort: DefaultHTTPPort, TransportPort: DefaultTransportPort,
	})
	fs.StringVar(&e.MaxMapCount, "max-map-count-file", DefaultMaxMapCount, "Where the kernel's vm.max_map_count is read.")
	return node.Built(e, finish, e.Init)
}

// Init checks the settings and builds the client of the local node.
func (e *Engine) Init() error {
	if err := e.Check(); err != nil {
		return err
	}
	if e.MaxMapCount == "" {
		e.MaxMapCount = DefaultMaxMapCount
	}
	c, err := newClient(e.HTTPPort)
	if err != nil {
		return err
	}
	e.api, e.gauges = c, newGauges()
	return nil
}

// Kind is the Pilot spec.engine this engine serves.
func (e *Engine) Kind() navv1alpha1.Engine { return navv1alpha1.EngineOpenSearch }

// ClusterKind is OpenSearchCluster: the agent hands Configure and Act the node's cluster.
func (e *Engine) ClusterKind() engine.ClusterKind {
	return engine.ClusterKind{
		Resource: "opensearchclusters",
		New:      func() runtime.Object { return &navv1alpha1.OpenSearchCluster{} },
		NewList:  func() runtime.Object { return &navv1alpha1.OpenSearchClusterList{} },
	}
}

// Command runs the upstream command unchanged, with OPENSEARCH_PATH_CONF pointing at the
// directory Configure wrote.
func (e *Engine) Command(upstream []string) supervisor.Process {
	return node.Command(upstream, "OPENSEARCH_PATH_CONF", e.ConfigDir)
}
