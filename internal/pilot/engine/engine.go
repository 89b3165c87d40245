// Package engine defines what a database engine gives the pilot: small role interfaces that the
// Elasticsearch and Cassandra engines implement (and a test engine under test/pilot). The pilot's
// agent (package agent) calls them; nothing here talks to the Kubernetes API.
package engine

import (
	"context"

	"k8s.io/apimachinery/pkg/runtime"

	navv1alpha1 "github.com/navigator-dbaas/navigator/api/v1alpha1"
	"github.com/navigator-dbaas/navigator/internal/pilot/supervisor"
)

// Node is the pod the pilot runs in, from the downward API.
type Node struct {
	// Name of the pod, which is also the name of its Pilot.
	Name string
	// Namespace of the pod.
	Namespace string
	// IP of the pod.
	IP string
}

// Input is what an engine configures itself and acts from.
type Input struct {
	// Node is the pod's identity.
	Node Node
	// Pilot is the node's Pilot as last read: spec is the controller's request.
	Pilot *navv1alpha1.Pilot
	// Cluster is the engine's cluster resource (ElasticsearchCluster or CassandraCluster), or nil
	// for an engine that needs none.
	Cluster runtime.Object
}

// ClusterKind says which cluster resource an engine reads; the zero value means none.
type ClusterKind struct {
	// Resource is the plural resource name, e.g. elasticsearchclusters.
	Resource string
	// New and NewList return empty objects of the kind and of its list.
	New, NewList func() runtime.Object
}

// Configurer writes the engine's configuration files before the database starts.
type Configurer interface {
	Configure(ctx context.Context, in Input) error
}

// Commander turns the upstream command given after `--` into the process to supervise.
type Commander interface {
	Command(upstream []string) supervisor.Process
}

// Prober answers the kubelet's probes. Live fails when the process is wedged (the kubelet then
// restarts the pod); Ready fails until the node serves and has joined its cluster.
type Prober interface {
	Live(ctx context.Context) error
	Ready(ctx context.Context) error
}

// Observer reports facts: it fills the engine-specific parts of the status (version, node id,
// data held, the engine's section). It must not touch observedGeneration, conditions, the
// action or the heartbeat, which the agent owns.
type Observer interface {
	Observe(ctx context.Context, status *navv1alpha1.PilotStatus) error
}

// Actor carries out node-local actions. Act is called repeatedly while the action is
// requested; it must be idempotent and return promptly with the action's progress.
type Actor interface {
	Act(ctx context.Context, action navv1alpha1.PilotAction, in Input) (navv1alpha1.PilotActionStatus, error)
}

// Stopper is the graceful stop run on SIGTERM before the database is signalled (drain, flush).
type Stopper interface {
	GracefulStop(ctx context.Context) error
}

// ExitExplainer is an engine that tells, from the end of the database's output, why the database
// exited on its own: the line that names the cause, such as Cassandra's "Exception (...)
// encountered during startup: ...". Optional: the agent otherwise reports the last line the
// database wrote, on standard error first.
type ExitExplainer interface {
	ExplainExit(code int, stdout, stderr string) string
}

// OutputReader is an engine that learns from the database's own output what the database
// answers no query about: Cassandra 4.0 and 4.1 say that a bootstrap failed only in their log.
// Optional. ReadOutput is called with each line of the database's standard output and error,
// from the goroutines that copy them: it must be quick and safe for concurrent use.
type OutputReader interface {
	ReadOutput(line string)
}

// PeerWatcher is an engine whose node sees its peers: PeersMoving says that, at its last
// observation, the node saw a peer that is not settled (down, starting, joining, leaving), so
// that the controller may be waiting for this node's view to catch up (a restarted peer seen up
// again) before it disrupts the next node. The agent then observes the node as often as one in
// transition. Optional.
type PeerWatcher interface {
	PeersMoving() bool
}

// Engine is everything the pilot needs from one database engine.
type Engine interface {
	Configurer
	Commander
	Prober
	Observer
	Actor
	Stopper
	// Kind is the Pilot's spec.engine this engine serves.
	Kind() navv1alpha1.Engine
	// ClusterKind is the cluster resource the engine reads, if any.
	ClusterKind() ClusterKind
	// HoldsData reports whether the node's data directory holds data from an earlier run.
	HoldsData() bool
}
