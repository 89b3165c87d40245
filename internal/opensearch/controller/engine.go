package controller

import (
	"sigs.k8s.io/controller-runtime/pkg/client"

	navv1alpha1 "github.com/navigator-dbaas/navigator/api/v1alpha1"
	"github.com/navigator-dbaas/navigator/internal/failpoint"
	res "github.com/navigator-dbaas/navigator/internal/opensearch/resources"
	searchctl "github.com/navigator-dbaas/navigator/internal/search/controller"
	searchres "github.com/navigator-dbaas/navigator/internal/search/resources"
)

// Dialect is OpenSearch's, for the shared reconciler.
var Dialect = searchctl.Dialect{
	Dialect:  res.Dialect,
	Product:  "OpenSearch",
	Watch:    "opensearchcluster",
	Eligible: "cluster-manager-eligible",
	New:      func() client.Object { return &navv1alpha1.OpenSearchCluster{} },
	View:     func(o client.Object) searchres.Cluster { return res.View(o.(*navv1alpha1.OpenSearchCluster)) },
	Facts:    facts,
	Bootstrap: func(sp *navv1alpha1.PilotSpec, initial []string) {
		sp.OpenSearch = nil
		if initial != nil {
			sp.OpenSearch = &navv1alpha1.OpenSearchPilotSpec{InitialClusterManagerNodes: initial}
		}
	},
	Failpoints: searchctl.Failpoints{
		StatefulSetWritten: failpoint.OpenSearchStatefulSetWritten,
		UUIDRecorded:       failpoint.OpenSearchUUIDRecorded,
		LeaveAsked:         failpoint.OpenSearchLeaveAsked,
		LeaveWithdrawn:     failpoint.OpenSearchLeaveWithdrawn,
		Shrunk:             failpoint.OpenSearchShrunk,
		Grown:              failpoint.OpenSearchGrown,
		GateOpened:         failpoint.OpenSearchGateOpened,
		RestartPrepared:    failpoint.OpenSearchRestartPrepared,
		PodDeleted:         failpoint.OpenSearchPodDeleted,
	},
}

// facts reads the Pilot's opensearch section: a drain the pilot reports stalled is a leave
// whose shards cannot move.
func facts(p *navv1alpha1.Pilot) *searchctl.Facts {
	os := p.Status.OpenSearch
	if os == nil {
		return nil
	}
	f := &searchctl.Facts{ClusterUUID: os.ClusterUUID, Master: os.ClusterManagerNode, Shards: os.Shards, Health: os.ClusterHealth}
	if d := os.Drain; d != nil && d.Stalled {
		f.Stalled = d.Explanation
	}
	return f
}

// Engine registers the OpenSearchCluster reconciler on navigator-controller's manager; the
// binary lists it in manager.Options.Engines.
var Engine = Dialect.Registration("OpenSearchCluster")
