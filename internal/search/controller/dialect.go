package controller

import (
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"

	navv1alpha1 "github.com/navigator-dbaas/navigator/api/v1alpha1"
	"github.com/navigator-dbaas/navigator/internal/controller/manager"
	"github.com/navigator-dbaas/navigator/internal/failpoint"
	"github.com/navigator-dbaas/navigator/internal/resources/workload"
	res "github.com/navigator-dbaas/navigator/internal/search/resources"
)

// Dialect is what differs between the controllers of Elasticsearch and OpenSearch: the cluster
// kind and how to read it, the words, the engine's section of a Pilot, the failpoints.
type Dialect struct {
	res.Dialect
	// Product names the engine in messages: Elasticsearch, OpenSearch.
	Product string
	// Watch is the kind's lower-case name, for the controller's name and logs.
	Watch string
	// Eligible is the engine's word for a node that can be elected: master-eligible,
	// cluster-manager-eligible.
	Eligible string
	// New returns an empty cluster object of the kind; View reads one.
	New  func() client.Object
	View func(client.Object) res.Cluster
	// Facts reads the engine's section of a Pilot's status; nil when the Pilot has none.
	Facts func(*navv1alpha1.Pilot) *Facts
	// Bootstrap writes the initial master (cluster manager) nodes into the Pilot's spec, or
	// clears them when initial is nil.
	Bootstrap  func(sp *navv1alpha1.PilotSpec, initial []string)
	Failpoints Failpoints
}

// Registration registers the dialect's reconciler, for the kind, on navigator-controller's manager.
func (d Dialect) Registration(kind string) manager.Engine {
	return manager.Engine{Kind: kind, Setup: func(mgr ctrl.Manager, images workload.Images) error {
		r := &Reconciler{Dialect: d, Client: mgr.GetClient(), Recorder: mgr.GetEventRecorder("navigator-controller"), Images: images}
		return r.SetupWithManager(mgr)
	}}
}

// Facts are what a pilot reports of its node that the controller reads.
type Facts struct {
	// ClusterUUID is empty until the node's cluster has formed.
	ClusterUUID string
	// Master is the elected master's (cluster manager's) node id as the node sees it.
	Master string
	Shards int32
	Health navv1alpha1.SearchHealth
	// Stalled is the engine's reason that a leaving node's shards cannot move; empty when they
	// can.
	Stalled string
}

// Failpoints are the engine's failpoint names, one after each write of an operation.
type Failpoints struct {
	StatefulSetWritten, UUIDRecorded, LeaveAsked, LeaveWithdrawn, Shrunk, Grown,
	GateOpened, RestartPrepared, PodDeleted failpoint.Name
}
